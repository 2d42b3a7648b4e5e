"""Who may do what in the security module. Each rule in three forms side by side — the predicate
(``may_x(user, obj)``), its queryset form (``x_queryset(user)``: the objects the user may act on) and its recipients
(``x_people(obj)``: the users who may act, notified when something waits on them). ``tests/security/
test_permissions.py`` checks that the three agree over the four levels and the roles.

Seeing an incident is the scoping rule (``Incident.objects.visible_to``) plus the explicit grants that escalation
records (``shequyun/grants.py``, permission :data:`VIEW_INCIDENT`)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Region, RegionLevel, User
from accounts.permissions import has_role, may_act_as_city_operations
from accounts.roles import Role
from shequyun.grants import grant_holders, has_grant
from shequyun.scoping import in_scope

#: The object permission an escalation grants (django-guardian, through shequyun/grants.py only).
VIEW_INCIDENT = "security.view_incident"


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and user.is_active


def _officers() -> Q:
    return Q(is_active=True) & (Q(groups__name=Role.SECURITY_OFFICER.value) | Q(is_superuser=True))


def is_security_officer(user: Any) -> bool:
    return _active(user) and (user.is_superuser or has_role(user, Role.SECURITY_OFFICER))


# --- Incidents --------------------------------------------------------------------------------------------

def may_report(user: Any) -> bool:
    """Anyone on staff reports an incident or a fault (000 Art. 15; 001 §3(六)3: cooperating departments too)."""
    return _active(user) and (user.is_superuser or user.region is not None)


def may_view_incident(user: Any, incident: Any) -> bool:
    """The scoping rule on the responsible region, or an explicit grant recorded by an escalation."""
    return _active(user) and (in_scope(user, incident.region) or has_grant(user, VIEW_INCIDENT, incident))


def may_handle_incident(user: Any, incident: Any) -> bool:
    """Acknowledge, grade, respond, contain, resolve, review, activate a plan: a security officer (the level's
    city-operations centre) who sees the incident — by the subtree rule or because the escalation reached them."""
    if not is_security_officer(user):
        return False
    return user.is_superuser or may_view_incident(user, incident)


def handle_queryset(user: Any) -> QuerySet:
    """The incidents ``user`` may handle (same rule as :func:`may_handle_incident`)."""
    from .models import Incident

    if not is_security_officer(user):
        return Incident.objects.none()
    return Incident.objects.visible_to(user, granted=VIEW_INCIDENT)


def incident_handlers(incident: Any) -> QuerySet:
    """Everyone who may handle the incident: security officers on the responsible region's chain (the region and
    its ancestors), security officers the escalation granted it to, and the bootstrap superusers."""
    paths = _chain_paths(incident.region)
    granted = grant_holders(VIEW_INCIDENT, incident).values("pk")
    return User.objects.filter(_officers()).filter(
        Q(is_superuser=True) | Q(region__path__in=paths) | Q(pk__in=granted)).distinct()


def may_disconnect(user: Any, incident: Any) -> bool:
    """000 Art. 16: the city operations office interrupts a connection; never for a practice incident."""
    return may_act_as_city_operations(user) and may_view_incident(user, incident) and not incident.is_drill


def _chain_paths(region: Region) -> list[str]:
    codes = region.ancestor_codes
    return ["".join(f"{code}/" for code in codes[: i + 1]) for i in range(len(codes))]


def level_officers(region: Region) -> QuerySet:
    """The security officers of exactly this region: its city-operations centre (城运中心) in the portal."""
    return User.objects.filter(is_active=True, region=region, groups__name=Role.SECURITY_OFFICER.value).distinct()


def handling_region(region: Region) -> Region:
    """Where a report from ``region`` is handled: the region itself, or for a village its street (居村 are
    cooperating departments of the street's modules, 001 §4)."""
    return region.parent if region.level == RegionLevel.VILLAGE else region


# --- Emergency plans ------------------------------------------------------------------------------------------

def may_edit_plan(user: Any, plan: Any) -> bool:
    """The security officers of the plan's own region keep it (each level its own plan, 000 Art. 16)."""
    if not is_security_officer(user):
        return False
    return user.is_superuser or user.region_id == plan.region_id


def plan_edit_queryset(user: Any) -> QuerySet:
    from .models import EmergencyPlan

    if not is_security_officer(user):
        return EmergencyPlan.objects.none()
    return EmergencyPlan.objects.all() if user.is_superuser else EmergencyPlan.objects.filter(region_id=user.region_id)


def plan_editors(plan: Any) -> QuerySet:
    return User.objects.filter(_officers()).filter(Q(is_superuser=True) | Q(region_id=plan.region_id)).distinct()


def may_approve_plan(user: Any, version: Any) -> bool:
    """A reviewer or security officer of the plan's region or above, never the version's own author."""
    if not _active(user) or user.pk == version.created_by_id:
        return False
    if user.is_superuser:
        return True
    return (has_role(user, Role.REVIEWER) or has_role(user, Role.SECURITY_OFFICER)) and in_scope(user,
                                                                                                 version.plan.region)


def plan_approve_queryset(user: Any) -> QuerySet:
    """The same rule as :func:`may_approve_plan` over plan versions: the versions ``user`` may approve."""
    from .models import PlanVersion

    if not _active(user):
        return PlanVersion.objects.none()
    queryset = PlanVersion.objects.visible_to(user).exclude(created_by_id=user.pk)
    if user.is_superuser:
        return queryset
    if not (has_role(user, Role.REVIEWER) or has_role(user, Role.SECURITY_OFFICER)):
        return PlanVersion.objects.none()
    return queryset


def plan_approvers(version: Any) -> QuerySet:
    paths = _chain_paths(version.plan.region)
    roles = [Role.REVIEWER.value, Role.SECURITY_OFFICER.value]
    return (User.objects.filter(is_active=True)
            .filter(Q(is_superuser=True) | Q(region__path__in=paths, groups__name__in=roles))
            .exclude(pk=version.created_by_id).distinct())


# --- Drills, training, assessments -----------------------------------------------------------------------------

def may_manage_drills(user: Any, region: Region) -> bool:
    """Drills are organised by the security officers of the region or above."""
    return is_security_officer(user) and (user.is_superuser or in_scope(user, region))


def may_record_training(user: Any, region: Region) -> bool:
    """Training is recorded by security officers and operators of the region or above (000 Art. 17)."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return (has_role(user, Role.SECURITY_OFFICER) or has_role(user, Role.OPERATOR)) and in_scope(user, region)


def may_manage_assessment(user: Any, scenario: Any) -> bool:
    """Graded-protection facts and confidentiality agreements of a scenario: security officers over its region."""
    return is_security_officer(user) and (user.is_superuser or in_scope(user, scenario.region))


def assessment_keepers(scenario: Any) -> QuerySet:
    paths = _chain_paths(scenario.region)
    return User.objects.filter(_officers()).filter(Q(is_superuser=True) | Q(region__path__in=paths)).distinct()


def may_correct_categories(user: Any) -> bool:
    """The GB/T 20986-2023 category list is corrected by the city operations office."""
    return may_act_as_city_operations(user)
