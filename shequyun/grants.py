"""Explicit object-level grants beyond the subtree rule (DESIGN §3) — the only module that calls django-guardian.

The scoping rule (``shequyun/scoping.py``) decides what a user sees from where they sit in the hierarchy. Some
objects must also reach people outside that subtree: an incident escalated upward, an authorised-sharing grant,
a vendor given one scenario. Those are *grants*: one django-guardian object permission per person and object,
given and taken back only through :func:`grant` and :func:`revoke`, each recorded in the audit trail with who
and why. ``ScopedQuerySet.visible_to(user, granted="app.view_model")`` adds the granted rows to the scoped ones.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .audit import AuditEventType, record_event


def _codename(perm: str) -> str:
    return perm.split(".", 1)[-1]


def grant(*, user: Any, perm: str, obj: models.Model, actor: Any = None, reason: str = "", **extra: Any) -> bool:
    """Give ``user`` the object permission ``perm`` ("app.codename") on ``obj``. Returns False when they already
    had it (nothing recorded twice: grants are idempotent)."""
    from guardian.shortcuts import assign_perm

    if has_grant(user, perm, obj):
        return False
    assign_perm(perm, user, obj)
    record_event(AuditEventType.GRANT_ADDED, actor=actor, target=obj,
                 region_path=_region_path(obj), grantee=user.username, permission=perm, reason=reason, **extra)
    return True


def revoke(*, user: Any, perm: str, obj: models.Model, actor: Any = None, reason: str = "", **extra: Any) -> bool:
    """Take the grant back. Returns False when there was none."""
    from guardian.shortcuts import remove_perm

    if not has_grant(user, perm, obj):
        return False
    remove_perm(perm, user, obj)
    record_event(AuditEventType.GRANT_REMOVED, actor=actor, target=obj,
                 region_path=_region_path(obj), grantee=user.username, permission=perm, reason=reason, **extra)
    return True


def has_grant(user: Any, perm: str, obj: models.Model) -> bool:
    """Whether ``user`` holds ``perm`` on ``obj`` through an explicit grant (not through a role or the subtree)."""
    from guardian.models import UserObjectPermission

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    from django.contrib.contenttypes.models import ContentType

    return UserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=_codename(perm),
        content_type=ContentType.objects.get_for_model(type(obj)), object_pk=str(obj.pk),
    ).exists()


def granted_ids(user: Any, perm: str, model: type[models.Model]) -> list[Any]:
    """Primary keys of ``model`` rows on which ``user`` holds ``perm`` by grant (one query)."""
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    raw = UserObjectPermission.objects.filter(
        user_id=user.pk, permission__codename=_codename(perm), content_type=ContentType.objects.get_for_model(model),
    ).values_list("object_pk", flat=True)
    pk_field = model._meta.pk
    return [pk_field.to_python(value) for value in raw]


def grant_holders(perm: str, obj: models.Model) -> models.QuerySet:
    """The users holding ``perm`` on ``obj`` by grant (for notifications and the grant list on a page)."""
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from guardian.models import UserObjectPermission

    user_ids = UserObjectPermission.objects.filter(
        permission__codename=_codename(perm), content_type=ContentType.objects.get_for_model(type(obj)),
        object_pk=str(obj.pk),
    ).values("user_id")
    return get_user_model()._default_manager.filter(pk__in=user_ids, is_active=True)


def _region_path(obj: Any) -> str:
    region = getattr(obj, "region", None)
    return getattr(region, "path", "") or ""
