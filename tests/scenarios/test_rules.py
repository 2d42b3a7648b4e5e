"""Each scenario rule agrees with itself three ways — predicate == queryset form == holders — over the four levels,
every organisation kind and every role; queues and next actors are exactly what the rules allow."""

from __future__ import annotations

import pytest

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from scenarios.models import Evaluation, EvaluationCampaign, Scenario, Status
from scenarios.permissions import (
    APPLICANT,
    CITY_OPERATIONS,
    EVALUATION_FILLER,
    EVALUATION_RETURNER,
    EVALUATOR,
    REVIEWER,
)
from scenarios.selectors import review_queue
from scenarios.services import WORKFLOW, scenario_create
from tests.factories import OrganisationFactory

from .factories import SCENARIO

LEVELS = {"city": "310000000000", "district": "310115000000", "street": "310115015000", "village": "310115015001"}
KINDS = [OrganisationKind.COMPETENT_DEPT, OrganisationKind.OPERATIONS_OFFICE, OrganisationKind.COMMITTEE]
ROLES = [Role.REVIEWER, Role.OPERATOR, Role.STAFF, Role.AUDITOR]
# Owners: the four levels of the chain, siblings, and another district with its street.
OWNERS = ["310000000000", "310115000000", "310115015000", "310115015001", "310115016000", "310115016001",
          "310101000000", "310101002000"]


@pytest.fixture
def population(make_user):
    people = []
    for code in LEVELS.values():
        region = Region.objects.get(code=code)
        for kind in KINDS:
            organisation = OrganisationFactory(region=region, name=f"{kind}-{code}", kind=kind)
            for role in ROLES:
                people.append(make_user(code, roles=[role], organisation=organisation))
    outside = Region.objects.get(code="310101000000")
    people.append(make_user("310101000000", roles=[Role.REVIEWER],
                            organisation=OrganisationFactory(region=outside, kind=OrganisationKind.COMPETENT_DEPT)))
    return people


@pytest.fixture
def scenarios(make_user):
    root = make_user("city", is_superuser=True)
    return [scenario_create(actor=root, region=Region.objects.get(code=code), **{**SCENARIO, "name": f"场景{code}"})
            for code in OWNERS]


def _agree(rule, people, objects, model) -> None:
    filtered = {u.pk: set(model.objects.filter(rule.filter(u)).filter(pk__in=[o.pk for o in objects])
                          .values_list("pk", flat=True)) for u in people}
    holders = {o.pk: set(rule.holders(o).values_list("pk", flat=True)) for o in objects}
    disagreements = []
    for u in people:
        for o in objects:
            check = rule.check(u, o)
            if not (check == (o.pk in filtered[u.pk]) == (u.pk in holders[o.pk])):
                disagreements.append((rule.name, u.region.code, u.organisation.kind, u.role_slugs, str(o),
                                      check, o.pk in filtered[u.pk], u.pk in holders[o.pk]))
    assert not disagreements, disagreements[:10]


@pytest.mark.django_db
@pytest.mark.parametrize("rule", [APPLICANT, REVIEWER, CITY_OPERATIONS, EVALUATOR], ids=lambda r: r.name)
def test_scenario_rules_agree_three_ways(population, scenarios, rule):
    _agree(rule, population, scenarios, Scenario)


@pytest.mark.django_db
@pytest.mark.parametrize("rule", [EVALUATION_FILLER, EVALUATION_RETURNER], ids=lambda r: r.name)
def test_evaluation_rules_agree_three_ways(population, scenarios, rule):
    by_code = {s.region.code: s for s in scenarios}
    evaluations = []
    for campaign_code, scenario_codes in {"310000000000": ["310000000000", "310115000000", "310101000000"],
                                          "310115000000": ["310115015000", "310115015001", "310115016000"],
                                          "310101000000": ["310101002000"]}.items():
        campaign = EvaluationCampaign.objects.create(region=Region.objects.get(code=campaign_code), period="2026Q4",
                                                     due_date="2026-12-30")
        evaluations += [Evaluation.objects.create(campaign=campaign, scenario=by_code[c]) for c in scenario_codes]
    _agree(rule, population, evaluations, Evaluation)


@pytest.mark.django_db
def test_a_district_never_fills_the_city_campaigns_evaluation_of_its_own_scenario(population, scenarios):
    pudong_scenario = next(s for s in scenarios if s.region.code == "310115000000")
    campaign = EvaluationCampaign.objects.create(region=Region.objects.get(code="310000000000"), period="2026Q4",
                                                 due_date="2026-12-30")
    evaluation = Evaluation.objects.create(campaign=campaign, scenario=pudong_scenario)
    pudong_people = [u for u in population if u.region.code == "310115000000"]
    assert not any(EVALUATION_FILLER.check(u, evaluation) for u in pudong_people)
    city_fillers = {u.pk for u in population if EVALUATION_FILLER.check(u, evaluation)}
    assert city_fillers  # the city's own evaluators do
    assert all(u.region.code == "310000000000" for u in population if u.pk in city_fillers)


@pytest.mark.django_db
def test_queues_and_next_actors_are_exactly_the_waiting_rules(population, scenarios):
    statuses = [Status.DRAFT, Status.SUBMITTED, Status.APPROVED, Status.FILED, Status.ONLINE, Status.RECTIFYING,
                Status.DISCONNECTED, Status.OFFLINE]
    for i, scenario in enumerate(scenarios):
        Scenario.objects.filter(pk=scenario.pk).update(status=statuses[i % len(statuses)])
    rows = list(Scenario.objects.select_related("region").all())

    def waits_on(user, scenario) -> bool:
        return any(t.waits and t.source == scenario.status and t.allowed(user, scenario)
                   for t in WORKFLOW.table.values())

    for user in population:
        visible = set(Scenario.objects.visible_to(user).values_list("pk", flat=True))
        expected = {s.pk for s in rows if s.pk in visible and waits_on(user, s)}
        assert set(review_queue(user=user).values_list("pk", flat=True)) == expected, (user.region.code, user.role_slugs)
    for scenario in rows:
        expected = {u.pk for u in population if waits_on(u, scenario)}
        assert {u.pk for u in WORKFLOW.next_actors(scenario)} == expected, (scenario.region.code, scenario.status)
