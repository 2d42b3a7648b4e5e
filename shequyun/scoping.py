"""The hierarchy scoping rule (DESIGN §2), written once.

A user sees and acts on objects whose owning region lies in their own region's subtree: their region and
everything below it. Regions carry a materialized path of official codes (``310000000000/310115000000/…/``), so
"everything under X" is one indexed prefix match at any depth.

Every model whose rows belong to a region uses :class:`ScopedQuerySet` (directly or through
:class:`ScopedManager`) and names the lookup that reaches the owning region's path. Views, API viewsets,
exports, selectors and tasks call ``.visible_to(user)`` and nothing else.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def sees_everything(user: Any) -> bool:
    """An active superuser (the bootstrap account): the rule does not limit them."""
    return bool(user is not None and getattr(user, "is_superuser", False) and user.is_active)


def user_scope_path(user: Any) -> str | None:
    """The path prefix a user may see, or None when they may see nothing (anonymous, disabled, no region)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    region = getattr(user, "region", None)
    if region is None:
        return None
    return region.path


def path_in_scope(user: Any, path: str) -> bool:
    """Whether a region path lies within the user's subtree (the same rule, for one object already in memory)."""
    if sees_everything(user):
        return True
    prefix = user_scope_path(user)
    return prefix is not None and path.startswith(prefix)


def in_scope(user: Any, region: Any) -> bool:
    """The rule for one region already in memory (``visible_to`` is the same rule as a query)."""
    return region is not None and path_in_scope(user, region.path)


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to reach its owning region's path.

    ``scope_path_lookup`` is the ORM lookup of the owning region's materialized path, e.g. ``"region__path"``
    for a model with a ``region`` foreign key, or ``"path"`` for the Region model itself.
    """

    scope_path_lookup = "region__path"

    def visible_to(self, user: Any, *, granted: str | None = None) -> ScopedQuerySet:
        """Rows in the user's subtree — plus, with ``granted="app.perm"``, the rows explicitly granted to them
        (``shequyun/grants.py``: an escalated incident, an authorised-sharing grant). Grants never widen the rule
        for anything else."""
        if sees_everything(user):
            return self
        prefix = user_scope_path(user)
        extra: list[Any] = []
        if granted is not None:
            from .grants import granted_ids

            extra = granted_ids(user, granted, self.model)
        if prefix is None:
            return self.filter(pk__in=extra) if extra else self.none()
        condition = self._subtree(prefix)
        if condition is None:
            return self.all()  # the whole tree: the grants add nothing
        if extra:
            condition |= models.Q(pk__in=extra)
        return self.filter(condition)

    def under(self, path: str) -> ScopedQuerySet:
        """Rows owned by the subtree at ``path`` (used by tasks and dashboards that work for a region)."""
        condition = self._subtree(path)
        return self.all() if condition is None else self.filter(condition)

    def covers_all(self, user: Any) -> bool:
        """Whether ``visible_to(user)`` is every row (a superuser, or the root of the one tree over rows that always
        have an owning region): callers that add rows to the scope (published to a wider audience) have nothing
        to add then."""
        if sees_everything(user):
            return True
        prefix = user_scope_path(user)
        return prefix is not None and self._subtree(prefix) is None

    def _subtree(self, path: str) -> models.Q | None:
        """The rows owned by the subtree at ``path``: a prefix match on the owning region's path.

        When ``path`` is the root of the one tree (the city), every region is in the subtree, so the same rows are
        those that have an owning region at all: ``region IS NOT NULL`` needs no join to the region table, and
        where every step to the region is a required foreign key it is no condition at all (None: every row).
        This spares the city's lists and counts a join over all their rows."""
        lookup = self.scope_path_lookup
        if lookup == "path" or lookup.endswith("__path"):
            from accounts.selectors import region_directory

            if region_directory().root_paths == {path}:
                owner = lookup.removesuffix("path").removesuffix("__")
                if not owner or self._always_set(owner.split("__")):
                    return None
                return models.Q(**{f"{owner}__isnull": False})
        return models.Q(**{f"{lookup}__startswith": path})

    def _always_set(self, steps: list[str]) -> bool:
        """Whether every foreign key along ``steps`` is required (NOT NULL), so the owner always exists."""
        model: Any = self.model
        for step in steps:
            field = model._meta.get_field(step)
            forward = getattr(field, "concrete", False) and (field.many_to_one or field.one_to_one)
            if not forward or field.null:
                return False
            model = field.related_model
        return True


def scoped_queryset(lookup: str) -> type[ScopedQuerySet]:
    """A ScopedQuerySet subclass for a model whose owning region's path is reached by ``lookup``."""
    return type(f"ScopedQuerySet_{lookup.replace('__', '_')}", (ScopedQuerySet,), {"scope_path_lookup": lookup})
