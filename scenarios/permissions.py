"""Who may act on scenarios and their evaluations (DESIGN §5; 000 Art. 11–13, 16).

Each rule is a :class:`shequyun.workflow.Rule`, written three ways side by side: the predicate the services ask,
its queryset form (queues: what waits on me) and its holders (notifications: who must act). Rules about the
hierarchy in general (roles, organisation kinds, the superior competent region, the city operations office) live
in ``accounts/permissions.py``; this module only composes them. ``tests/scenarios/test_rules.py`` checks that the
three forms agree over the four levels, every organisation kind and every role.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import OrganisationKind, Region, RegionLevel, User
from accounts.permissions import has_role, may_act_as_city_operations, superior_competent_region, works_for
from accounts.roles import Role
from shequyun.scoping import path_in_scope
from shequyun.workflow import NOTHING, Rule

APPLICANT_ROLES = (Role.OPERATOR, Role.STAFF)
EVALUATOR_ROLES = (Role.REVIEWER, Role.OPERATOR)
EVALUATOR_KINDS = (OrganisationKind.COMPETENT_DEPT, OrganisationKind.OPERATIONS_OFFICE)
EVALUATING_LEVELS = (RegionLevel.CITY, RegionLevel.DISTRICT)


def _active(user: Any) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def _people() -> QuerySet[User]:
    """Candidates for ``holders``: active, not the bootstrap superuser."""
    return User.objects.filter(is_active=True, is_superuser=False).select_related("region", "organisation")


def _with_roles(queryset: QuerySet[User], roles: tuple[Role, ...]) -> QuerySet[User]:
    return queryset.filter(pk__in=User.objects.filter(groups__name__in=[r.value for r in roles]).values("pk"))


# --- The applicant (申请单位): operators or staff of the owning region; a street acts for its villages ---------

def may_apply_for(user: Any, region: Region) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    if user.region is None or not any(has_role(user, role) for role in APPLICANT_ROLES):
        return False
    if user.region.pk == region.pk:
        return True
    return region.level == RegionLevel.VILLAGE and region.parent_id == user.region.pk


def _applicant_filter(user: Any) -> Q:
    if not _active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    if user.region is None or not any(has_role(user, role) for role in APPLICANT_ROLES):
        return NOTHING
    return Q(region=user.region) | Q(region__level=RegionLevel.VILLAGE, region__parent=user.region)


def _applicants(scenario: Any) -> QuerySet[User]:
    regions = [scenario.region_id]
    if scenario.region.level == RegionLevel.VILLAGE:
        regions.append(scenario.region.parent_id)
    return _with_roles(_people().filter(region_id__in=regions), APPLICANT_ROLES)


APPLICANT = Rule("applicant", lambda user, scenario: may_apply_for(user, scenario.region), _applicant_filter,
                 _applicants)


# --- The reviewer: the superior competent department approves (000 Art. 11) ------------------------------------

def may_review_application(user: Any, region: Region) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return (
        user.region is not None
        and user.region.pk == superior_competent_region(region).pk
        and works_for(user, OrganisationKind.COMPETENT_DEPT)
        and has_role(user, Role.REVIEWER)
    )


def _reviewer_filter(user: Any) -> Q:
    if not _active(user):
        return NOTHING
    if user.is_superuser:
        return Q()
    if user.region is None or not (works_for(user, OrganisationKind.COMPETENT_DEPT) and has_role(user, Role.REVIEWER)):
        return NOTHING
    if user.region.level == RegionLevel.CITY:
        return Q(region__level__in=[RegionLevel.CITY, RegionLevel.DISTRICT])
    if user.region.level == RegionLevel.DISTRICT:
        return (Q(region__level=RegionLevel.STREET, region__parent=user.region)
                | Q(region__level=RegionLevel.VILLAGE, region__parent__parent=user.region))
    return NOTHING


def _reviewers(scenario: Any) -> QuerySet[User]:
    return _with_roles(_people().filter(region=superior_competent_region(scenario.region),
                                        organisation__kind=OrganisationKind.COMPETENT_DEPT), (Role.REVIEWER,))


REVIEWER = Rule("reviewer", lambda user, scenario: may_review_application(user, scenario.region), _reviewer_filter,
                _reviewers)


# --- The city operations office (市社区服务中心): filings, emergency disconnection, reconnection ---------------

def _city_operations_filter(user: Any) -> Q:
    return Q() if may_act_as_city_operations(user) else NOTHING


def city_operations_people() -> QuerySet[User]:
    return _with_roles(_people().filter(region__level=RegionLevel.CITY,
                                        organisation__kind=OrganisationKind.OPERATIONS_OFFICE), (Role.OPERATOR,))


CITY_OPERATIONS = Rule("city_operations", lambda user, scenario: may_act_as_city_operations(user),
                       _city_operations_filter, lambda scenario: city_operations_people())


# --- Evaluators: city and district departments rectify, promote, offboard and merge in their subtree ------------

def is_evaluator(user: Any) -> bool:
    """A city or district competent department / operations office, as reviewer or operator (000 Art. 13)."""
    return (
        _active(user)
        and user.region is not None
        and user.region.level in EVALUATING_LEVELS
        and any(works_for(user, kind) for kind in EVALUATOR_KINDS)
        and any(has_role(user, role) for role in EVALUATOR_ROLES)
    )


def may_evaluate(user: Any, region: Region) -> bool:
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return is_evaluator(user) and path_in_scope(user, region.path)


def _evaluator_filter(user: Any) -> Q:
    if _active(user) and user.is_superuser:
        return Q()
    return Q(region__path__startswith=user.region.path) if is_evaluator(user) else NOTHING


def evaluators_at(regions: list[Any]) -> QuerySet[User]:
    return _with_roles(_people().filter(region__in=regions, region__level__in=EVALUATING_LEVELS,
                                        organisation__kind__in=EVALUATOR_KINDS), EVALUATOR_ROLES)


def _evaluators(scenario: Any) -> QuerySet[User]:
    return evaluators_at([scenario.region, *scenario.region.ancestors()])


EVALUATOR = Rule("evaluator", lambda user, scenario: may_evaluate(user, scenario.region), _evaluator_filter,
                 _evaluators)


def campaign_region_for(region: Region) -> Region:
    """Whose periodic evaluation covers a scenario of ``region``: the district for street and village scenarios,
    the city for city and district ones (a city campaign is the city's, even for a district's own scenario)."""
    if region.level in (RegionLevel.STREET, RegionLevel.VILLAGE):
        return next(r for r in [region, *region.ancestors()] if r.level == RegionLevel.DISTRICT)
    return next(r for r in [region, *region.ancestors()] if r.level == RegionLevel.CITY)


# --- Evaluation reports: the campaign's owner fills and submits; the city returns -------------------------------

def may_fill_evaluation(user: Any, evaluation: Any) -> bool:
    """Fill in and submit: evaluators *at* the campaign's region — never a level below it."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return is_evaluator(user) and user.region_id == evaluation.campaign.region_id


def _fill_filter(user: Any) -> Q:
    if _active(user) and user.is_superuser:
        return Q()
    return Q(campaign__region=user.region) if is_evaluator(user) else NOTHING


def _fillers(evaluation: Any) -> QuerySet[User]:
    return evaluators_at([evaluation.campaign.region])


EVALUATION_FILLER = Rule("evaluation_filler", may_fill_evaluation, _fill_filter, _fillers)


def may_return_evaluation(user: Any, evaluation: Any) -> bool:
    """Send a submitted report back for revision: the city's evaluators, for every campaign."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return is_evaluator(user) and user.region.level == RegionLevel.CITY


def _return_filter(user: Any) -> Q:
    return Q() if may_return_evaluation(user, None) else NOTHING


def _returners(evaluation: Any) -> QuerySet[User]:
    return evaluators_at(list(Region.objects.filter(level=RegionLevel.CITY)))


EVALUATION_RETURNER = Rule("evaluation_returner", may_return_evaluation, _return_filter, _returners)


def may_open_campaign(user: Any, region: Region) -> bool:
    """Open a campaign for ``region`` (a city or a district): its own evaluators."""
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    return is_evaluator(user) and user.region_id == region.pk
