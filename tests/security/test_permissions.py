"""Who sees and who handles incidents: the escalation-grant matrix, and every rule's three forms agree."""

from __future__ import annotations

import pytest
from django.utils import timezone

from accounts.roles import Role
from scenarios.services import application_update, scenario_create, scenario_transition
from security import services
from security.models import Incident
from security.permissions import (
    VIEW_INCIDENT,
    assessment_keepers,
    handle_queryset,
    incident_handlers,
    may_approve_plan,
    may_edit_plan,
    may_handle_incident,
    may_manage_assessment,
    may_view_incident,
    plan_approvers,
    plan_edit_queryset,
    plan_editors,
)
from shequyun.grants import has_grant
from tests.scenarios.factories import SCENARIO, pdf_upload

from .factories import PLAN

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_scenario(actors):
    """A city-level scenario (社区云 itself), online: applied by the city operations office, approved by the city."""
    applicant = actors["city_ops"]
    scenario = scenario_create(actor=applicant, region=applicant.region, **{**SCENARIO, "name": "社区云统一门户"})
    scenario = application_update(actor=applicant, scenario=scenario, risk_report=pdf_upload())
    for action, who in (("submit", applicant), ("approve", actors["city_reviewer"]), ("file", applicant),
                        ("go_online", applicant)):
        scenario = scenario_transition(actor=who, scenario=scenario, action=action, comment="测试")
    return scenario


def _viewers(sec, make_user):  # type: ignore[no-untyped-def]
    return {
        **{k: sec[k] for k in ("city_so", "district_so", "street_so", "huamu_so", "street_staff", "village_staff",
                               "outside_so", "city_ops")},
        "other_village_staff": make_user("cuizhuyuan", roles=[Role.STAFF]),
        "huangpu_so": make_user("huangpu", roles=[Role.SECURITY_OFFICER]),
    }


def _visible(viewers, incident: Incident) -> set[str]:
    seen = {name for name, user in viewers.items()
            if Incident.objects.visible_to(user, granted=VIEW_INCIDENT).filter(pk=incident.pk).exists()}
    # the predicate says the same as the queryset for every viewer
    assert seen == {name for name, user in viewers.items() if may_view_incident(user, incident)}
    return seen


MATRIX = [
    # (case, who reports, scenario, grade elements, expected visible before grading, after confirming grade III)
    ("city scenario, street report, grade IV", "street_staff", "city",
     {"importance": "general", "loss": "minor", "social_impact": "general"},
     {"street_staff", "street_so", "city_so", "city_ops"},
     {"street_staff", "street_so", "district_so", "city_so", "city_ops"}),
    ("city scenario, street report, grade III at once", "street_staff", "city",
     {"importance": "important", "loss": "serious", "social_impact": "general"},
     {"street_staff", "street_so", "district_so", "city_so", "city_ops"},
     {"street_staff", "street_so", "district_so", "city_so", "city_ops"}),
    ("street scenario, village report, grade IV", "village_staff", "street",
     {"importance": "general", "loss": "minor", "social_impact": "general"},
     {"village_staff", "street_so", "street_staff", "district_so", "city_so", "city_ops"},
     {"village_staff", "street_so", "street_staff", "district_so", "city_so", "city_ops"}),
    ("no scenario, village report, grade IV", "village_staff", None,
     {"importance": "general", "loss": "minor", "social_impact": "general"},
     {"village_staff", "street_so", "street_staff", "district_so", "city_so", "city_ops"},
     {"village_staff", "street_so", "street_staff", "district_so", "city_so", "city_ops"}),
]


@pytest.mark.parametrize(("case", "reporter", "where", "elements", "before", "after"), MATRIX, ids=[m[0] for m in MATRIX])
def test_escalation_grant_matrix(case, reporter, where, elements, before, after, sec, make_user, report,
                                 make_scenario, city_scenario):
    viewers = _viewers(sec, make_user)
    scenario = {"city": city_scenario, "street": None, None: None}[where]
    if where == "street":
        scenario = make_scenario("online")
    incident = report(actor=sec[reporter], scenario=scenario.pk if scenario else None, **elements)
    assert _visible(viewers, incident) == before, case
    services.incident_confirm_grade(actor=sec["city_so"], incident=incident, grade=3, reason="影响扩大")
    assert _visible(viewers, incident) == after, case
    # the scoping rule itself is unchanged: the grants are explicit rows, recorded in the audit trail
    granted = {name for name, user in viewers.items() if has_grant(user, VIEW_INCIDENT, incident)}
    plain = {name for name, user in viewers.items() if Incident.objects.visible_to(user).filter(pk=incident.pk).exists()}
    assert granted | plain == after
    assert not granted & plain  # nobody is granted what they already see by the subtree rule


def test_overdue_escalation_grants_the_next_level(sec, make_user, report, city_scenario, clock):
    import datetime as dt

    viewers = _viewers(sec, make_user)
    incident = report(scenario=city_scenario.pk, importance="general", loss="minor", social_impact="general")
    assert "district_so" not in _visible(viewers, incident)
    clock.move_to(incident.ack_due_at + dt.timedelta(minutes=1))
    assert services.escalate_overdue() == 1
    assert services.escalate_overdue() == 0  # idempotent
    assert "district_so" in _visible(viewers, incident)
    assert "huamu_so" not in _visible(viewers, incident)


def _users(sec, make_user):  # type: ignore[no-untyped-def]
    return [*_viewers(sec, make_user).values(), make_user("city", roles=[Role.REVIEWER]),
            make_user("pudong", roles=[Role.REVIEWER]), make_user("city", is_superuser=True)]


def test_incident_handling_predicate_queryset_and_people_agree(sec, make_user, report, city_scenario, make_scenario):
    users = _users(sec, make_user)
    incidents = [report(scenario=city_scenario.pk, importance="general", loss="minor", social_impact="general"),
                 report(actor=sec["village_staff"], scenario=make_scenario("online").pk),
                 report(actor=sec["outside_so"])]
    for incident in incidents:
        people = set(incident_handlers(incident))
        for user in users:
            predicate = may_handle_incident(user, incident)
            assert predicate == handle_queryset(user).filter(pk=incident.pk).exists(), (user, incident)
            assert predicate == (user in people), (user, incident)


def test_plan_rules_agree(sec, make_user):
    users = _users(sec, make_user)
    plan = services.plan_create(actor=sec["street_so"], region=sec["street_so"].region, title="预案",
                                team=[{"user": sec["street_so"], "duty": "指挥"}], **PLAN)
    version = plan.versions.get()
    editors, approvers = set(plan_editors(plan)), set(plan_approvers(version))
    for user in [*users, sec["street_so"]]:
        assert may_edit_plan(user, plan) == plan_edit_queryset(user).filter(pk=plan.pk).exists() == (user in editors)
        assert may_approve_plan(user, version) == (user in approvers), user
    assert not may_approve_plan(sec["street_so"], version)  # never one's own version


def test_assessment_rules_agree(sec, make_user, make_scenario):
    users = _users(sec, make_user)
    scenario = make_scenario("online")
    keepers = set(assessment_keepers(scenario))
    for user in users:
        assert may_manage_assessment(user, scenario) == (user in keepers), user


def test_reporter_outside_the_responsible_subtree_is_granted_and_recorded(sec, report, city_scenario):
    from shequyun.models import AuditEvent, AuditEventType

    incident = report(scenario=city_scenario.pk, importance="general", loss="minor", social_impact="general")
    assert incident.region.code == "310000000000"
    assert has_grant(sec["street_staff"], VIEW_INCIDENT, incident)
    events = AuditEvent.objects.filter(event_type=AuditEventType.GRANT_ADDED, target_id=str(incident.pk))
    assert {e.extra["grantee"] for e in events} == {sec["street_staff"].username, sec["street_so"].username}
    assert timezone.now() < incident.ack_due_at
