"""Who may do what, decided by the hierarchy and the user's roles. (Explicit object grants: shequyun/grants.py.)

The scoping rule (what a user may *see*) is ``visible_to`` in shequyun/scoping.py; this module answers the next
question (what a user may *do* to something they can see). Each rule is one function with one condition per
line so that coverage shows every branch. Business apps import these functions; they never test roles or
organisation kinds themselves.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from shequyun.workflow import Rule

from .models import LEVEL_DEPTH, OrganisationKind, Region, RegionLevel
from .roles import Role, duty_conflict


def has_role(user: Any, role: Role) -> bool:
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return role.value in user.role_slugs


def level_of(region: Region) -> int:
    return LEVEL_DEPTH[RegionLevel(region.level)]


def works_for(user: Any, kind: OrganisationKind) -> bool:
    """The user's organisation is of this kind."""
    return user.organisation is not None and user.organisation.kind == kind


def is_city_operations_office(user: Any) -> bool:
    """市社区服务中心: an operations office at city level (or the bootstrap superuser)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.region is not None and user.region.level == RegionLevel.CITY and works_for(
        user, OrganisationKind.OPERATIONS_OFFICE
    )


def superior_competent_region(region: Region) -> Region:
    """Where an application from ``region`` is approved (DESIGN §5, 000 Art. 11): district → city,
    street → district, village → (through its street) district; a city-level scenario by the city itself."""
    level = RegionLevel(region.level)
    if level == RegionLevel.CITY:
        return region
    if level == RegionLevel.VILLAGE:
        return region.parent.parent  # villages apply through their street to the district
    return region.parent


# --- Tiered account administration (逐级管理, 000 Art. 9; DESIGN §3) ------------------------------------------

class AccountAction:
    CREATE = "create"
    EDIT = "edit"
    DISABLE = "disable"
    ENABLE = "enable"
    RESET_PASSWORD = "reset_password"  # noqa: S105 (an action name, not a password)
    UNLOCK = "unlock"
    ASSIGN_ROLES = "assign_roles"
    ALL = (CREATE, EDIT, DISABLE, ENABLE, RESET_PASSWORD, UNLOCK, ASSIGN_ROLES)


def can_manage_account(actor: Any, *, region: Region, is_admin: bool, action: str) -> bool:
    """The tiered rule, written once. An account admin of a city, district or street manages
    (a) non-admin accounts of its own region and (b) account-admin accounts of the regions directly below;
    a street admin manages every account of its villages (villages have no account admin). Nobody manages
    upward, sideways, two levels down, or an admin of their own level (that is the level above's job).
    Every action (create, edit, disable, enable, reset, unlock, assign roles) follows the same rule."""
    if action not in AccountAction.ALL:
        return False
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if actor.region is None or not has_role(actor, Role.ACCOUNT_ADMIN):
        return False
    own = actor.region
    if own.level == RegionLevel.VILLAGE:
        return False
    if region.pk == own.pk:
        return not is_admin
    if region.parent_id != own.pk:
        return False
    if own.level == RegionLevel.STREET:
        return True
    return is_admin


def manageable_accounts_filter(actor: Any):
    """The same rule as :func:`can_manage_account`, as a condition on User rows (list pages, ``?manageable=``, the
    bulk reminder/lock views, anomalies). ``tests/accounts/test_permissions.py`` checks that both agree in every
    cell.

    It needs no join, so lists and their COUNTs read each account once (no DISTINCT) and PostgreSQL answers it
    from the index on ``region_id`` (a bitmap OR of the two region conditions) instead of reading every account:
    the regions are matched by id on the row itself (the children's ids come from the region directory), the
    account-admin role is an EXISTS on the group membership."""
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    from .selectors import region_directory

    if actor is None or not actor.is_authenticated or not actor.is_active:
        return Q(pk__in=[])
    if actor.is_superuser:
        return Q()
    if actor.region is None or not has_role(actor, Role.ACCOUNT_ADMIN) or actor.region.level == RegionLevel.VILLAGE:
        return Q(pk__in=[])
    own = actor.region
    memberships = get_user_model().groups.through.objects
    admin = Q(Exists(memberships.filter(user_id=OuterRef("pk"), group__name=Role.ACCOUNT_ADMIN.value)))
    below = Q(region_id__in=region_directory().children.get(own.pk, ()))
    own_staff = Q(region_id=own.pk) & ~admin
    if own.level == RegionLevel.STREET:
        return own_staff | below
    return own_staff | (below & admin)


#: The name the account views and filters use for the rule's queryset form.
managed_by = manageable_accounts_filter


def roles_allowed(*, region: Region, roles: set[str]) -> str | None:
    """Why a set of roles is not allowed for an account in ``region`` (None when it is)."""
    if Role.ACCOUNT_ADMIN.value in roles and region.level == RegionLevel.VILLAGE:
        return _("居/村没有账号管理员，村居账号由街道账号管理员统一管理。")
    return duty_conflict(roles)


def can_read_audit_trail(user: Any) -> bool:
    return has_role(user, Role.AUDITOR) or bool(user is not None and user.is_active and user.is_superuser)


# --- The city operations office, for every module (scenario filings and disconnection, security incidents) ------
# (The scenario rules — applicant, reviewer, evaluator — are in scenarios/permissions.py.)

def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def may_act_as_city_operations(user: Any) -> bool:
    """Acknowledging filings (报备), emergency disconnection and reconnection: the city operations office."""
    if not _active(user):
        return False
    return user.is_superuser or (is_city_operations_office(user) and has_role(user, Role.OPERATOR))


# --- Account anomalies: whoever manages the account under the tiered rule resolves (and may reopen) them --------

def may_handle_anomaly(user: Any, anomaly: Any) -> bool:
    account = anomaly.account
    if account.region is None:
        return bool(_active(user) and user.is_superuser)
    return can_manage_account(user, region=account.region, is_admin=Role.ACCOUNT_ADMIN.value in account.role_slugs,
                              action=AccountAction.EDIT)


def _anomaly_filter(user: Any):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model
    from django.db.models import Exists, OuterRef, Q

    user_model = get_user_model()
    return Q(Exists(user_model._base_manager.filter(manageable_accounts_filter(user), pk=OuterRef("account_id"))))


def _anomaly_handlers(anomaly: Any):  # type: ignore[no-untyped-def]
    from .services.accounts import account_managers

    return [u for u in account_managers(anomaly.account) if not u.is_superuser]


ANOMALY_HANDLER = Rule("anomaly_handler", may_handle_anomaly, _anomaly_filter, _anomaly_handlers)
