"""Reads of the accounts app. Every one starts from ``visible_to(user)``."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.http import Http404

from shequyun.refcache import ProcessCopy
from shequyun.scoping import in_scope

from .models import Region


@dataclass(frozen=True)
class RegionDirectory:
    """Every region's name by official code, the ids of each region's children and the paths of the tree's roots:
    reference data (6,760 official divisions) that changes when the division file is reloaded or an administrator
    renames or adds a region."""

    names: dict[str, str]
    children: dict[int, tuple[int, ...]]
    root_paths: frozenset[str]


def _load_region_directory() -> RegionDirectory:
    names: dict[str, str] = {}
    children: dict[int, list[int]] = {}
    roots: set[str] = set()
    for pk, code, name, path, parent_id in Region.objects.values_list("pk", "code", "name", "path", "parent_id"):
        names[code] = name
        if parent_id is None:
            roots.add(path)
        else:
            children.setdefault(parent_id, []).append(pk)
    return RegionDirectory(names=names, children={k: tuple(v) for k, v in children.items()},
                           root_paths=frozenset(roots))


#: Read once per process, re-read when the region table changes (``region_directory_changed``).
_directory = ProcessCopy("shequyun:accounts:regions", _load_region_directory)


def region_directory() -> RegionDirectory:
    return _directory.get()


def region_directory_changed() -> None:
    """The region table changed (a save, a delete, the division loader): every process re-reads it."""
    _directory.invalidate()


@dataclass
class ChildRow:
    region: Region
    counts: dict[str, int]


def region_get_visible(*, user, code: str) -> Region:
    """The region with this code if the user may see it, else 404 (same answer for missing and out of scope)."""
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise Http404("No region matches the given query.")
    return region


def region_children(*, user, region: Region) -> list[ChildRow]:
    """Children of a visible region with their descendant counts: two queries whatever the number of children."""
    children = list(Region.objects.visible_to(user).filter(parent=region).order_by("code"))
    counts = Region.objects.child_counts(region)
    return [ChildRow(region=child, counts=counts.get(child.path, {})) for child in children]


def region_breadcrumbs(*, user, region: Region) -> list[Region]:
    """From the user's own region down to ``region``: never above what the user may see."""
    return [r for r in region.ancestors() if in_scope(user, r)]


def region_list(*, user) -> QuerySet[Region]:
    return Region.objects.visible_to(user)


# --- What waits on an account admin (the home page; shequyun/home.py) -------------------------------------------

def locked_usernames_query() -> QuerySet:
    """The usernames django-axes holds locked right now (a subquery; same condition as ``user_is_locked``)."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.utils import timezone

    return AccessAttempt.objects.filter(failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
                                        attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
                                        ).values("username")


def locked_accounts(*, user) -> QuerySet:
    """Locked accounts the user may unlock: the tiered rule's queryset form (``managed_by``) over the locked ones."""
    from .models import User
    from .permissions import managed_by

    return (User.objects.visible_to(user).filter(managed_by(user), username__in=locked_usernames_query())
            .select_related("region"))


def open_anomalies(*, user) -> QuerySet:
    """Open account anomalies of accounts the user manages (the rule that lets them resolve one)."""
    from .models import AccountAnomaly, AnomalyStatus, User
    from .permissions import managed_by

    return (AccountAnomaly.objects.visible_to(user).filter(status=AnomalyStatus.OPEN)
            .filter(account__in=User.objects.filter(managed_by(user))).select_related("account"))


def may_unlock(user, account) -> bool:
    from .permissions import AccountAction, can_manage_account
    from .roles import Role
    from .services.accounts import user_is_locked

    return can_manage_account(user, region=account.region, is_admin=Role.ACCOUNT_ADMIN.value in account.role_slugs,
                              action=AccountAction.UNLOCK) and user_is_locked(account)


def may_resolve_anomaly(user, anomaly) -> bool:
    from .models import AnomalyStatus
    from .permissions import AccountAction, can_manage_account
    from .roles import Role

    account = anomaly.account
    return anomaly.status == AnomalyStatus.OPEN and can_manage_account(
        user, region=account.region, is_admin=Role.ACCOUNT_ADMIN.value in account.role_slugs, action=AccountAction.EDIT)


def home_queues(*, user) -> list:
    from django.urls import reverse
    from django.utils.translation import gettext as _

    from shequyun.home import build_queue

    from .permissions import has_role
    from .roles import Role

    if not (user.is_superuser or has_role(user, Role.ACCOUNT_ADMIN)):
        return []
    return [
        build_queue(key="accounts-locked", label=_("待解锁的账号"), url=reverse("accounts:manage") + "?locked=true",
                    queryset=locked_accounts(user=user), check=may_unlock, order=("username",),
                    title=lambda u: u.display_name, item_url=lambda u: reverse("accounts:manage_detail", args=[u.pk])),
        build_queue(key="accounts-anomalies", label=_("待处理的账号异常"), url=reverse("accounts:anomalies"),
                    queryset=open_anomalies(user=user), check=may_resolve_anomaly, order=("created_at", "pk"),
                    title=lambda a: f"{a.account.display_name} · {a.get_kind_display()}",
                    item_url=lambda a: reverse("accounts:manage_detail", args=[a.account_id])),
    ]
