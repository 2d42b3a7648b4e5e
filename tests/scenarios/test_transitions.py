"""Every (state, action) pair of DESIGN §5: pairs in the table succeed and add one history row; all others 409."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from scenarios.models import ScenarioEvent, Status
from scenarios.services import (
    WORKFLOW,
    scenario_merge,
    scenario_promote,
    scenario_rectify,
    scenario_transition,
)
from shequyun.errors import Conflict

ACTIONS = sorted(WORKFLOW.actions)
STATES = [s.value for s in Status]
WHO = {"submit": "applicant", "go_online": "applicant", "report_rectified": "applicant", "request_offboarding": "applicant",
       "approve": "reviewer", "return": "reviewer", "reject": "reviewer", "rectify": "reviewer", "promote": "reviewer",
       "offboard": "reviewer", "merge": "reviewer", "file": "city_ops", "disconnect": "city_ops", "reconnect": "city_ops"}


def _act(action, scenario, actor, survivor=None):
    if action == "merge":
        return scenario_merge(actor=actor, scenario=scenario, into=survivor, comment="功能重复")
    if action == "promote":
        from accounts.models import Region

        return scenario_promote(actor=actor, scenario=scenario, regions=[Region.objects.get(code="310115016000")])
    if action == "rectify":
        return scenario_rectify(actor=actor, scenario=scenario, deadline=timezone.localdate() + timedelta(days=10),
                                comment="整改")
    return scenario_transition(actor=actor, scenario=scenario, action=action, comment="意见")


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_action_pair(make_scenario, actors, state, action):
    scenario = make_scenario(state)
    survivor = make_scenario(Status.ONLINE, name="另一个养老服务场景") if action == "merge" else None
    before = ScenarioEvent.objects.filter(scenario=scenario).count()
    step = WORKFLOW.get(state, action)
    actor = actors[WHO[action]]
    if step is None:
        with pytest.raises(Conflict) as excinfo:
            _act(action, scenario, actor, survivor)
        assert excinfo.value.payload["status"] == state
        scenario.refresh_from_db()
        assert scenario.status == state
        assert ScenarioEvent.objects.filter(scenario=scenario).count() == before
    else:
        result = _act(action, scenario, actor, survivor)
        assert result.status == step.target
        event = ScenarioEvent.objects.filter(scenario=scenario).latest("id")
        assert (event.from_status, event.to_status, event.action, event.actor) == (state, step.target, action, actor)
        assert ScenarioEvent.objects.filter(scenario=scenario).count() == before + 1
        if action == "merge":
            assert result.merged_into == survivor
            assert ScenarioEvent.objects.filter(scenario=survivor, action="absorbed").exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), sorted(WORKFLOW.table))
def test_wrong_people_get_403_and_nothing_changes(make_scenario, actors, state, action):
    """Also merge, promote and rectify, through their own services (which take more than a comment)."""
    scenario = make_scenario(state)
    survivor = make_scenario(Status.ONLINE, name="另一个养老服务场景") if action == "merge" else None
    events = ScenarioEvent.objects.count()
    evaluator_actions = {"offboard", "rectify", "promote", "merge"}
    allowed = {
        "applicant": {"applicant", "staff"},
        "reviewer": {"reviewer", "city_reviewer", "city_ops"} if action in evaluator_actions else {"reviewer"},
        "city_ops": {"city_ops"},
    }[WHO[action]]
    for who in ("applicant", "reviewer", "city_ops", "city_reviewer", "other_street", "staff"):
        if who in allowed:
            continue
        with pytest.raises(PermissionDenied):
            _act(action, scenario, actors[who], survivor)
        scenario.refresh_from_db()
        assert scenario.status == state
        assert scenario.merged_into is None
        assert ScenarioEvent.objects.count() == events, (who, action)


@pytest.mark.django_db
def test_submit_is_refused_field_by_field_until_complete(actors):
    from scenarios.services import scenario_create

    scenario = scenario_create(actor=actors["applicant"], region=actors["applicant"].region, name="空申请",
                               category="daily_office", responsible_person="王", developer_name="某公司",
                               developer_credit_code="91310115MA1H7ABC0Q", developer_contact="李",
                               developer_phone="021-55556666", has_public_opinion=True)
    with pytest.raises(ValidationError) as excinfo:
        scenario_transition(actor=actors["applicant"], scenario=scenario, action="submit")
    assert set(excinfo.value.message_dict) == {
        "function_summary", "operating_mechanism", "integration_needs", "developer_info", "risk_report", "behaviour_plan",
    }
    scenario.refresh_from_db()
    assert scenario.status == Status.DRAFT


@pytest.mark.django_db
def test_return_and_reject_need_a_comment(make_scenario, actors):
    scenario = make_scenario(Status.SUBMITTED)
    for action in ("return", "reject"):
        with pytest.raises(ValidationError) as excinfo:
            scenario_transition(actor=actors["reviewer"], scenario=scenario, action=action, comment=" ")
        assert "comment" in excinfo.value.message_dict


@pytest.mark.django_db
def test_district_scenarios_are_reviewed_by_the_city(make_user, actors, make_scenario):
    from accounts.roles import Role

    district_applicant = make_user("pudong", roles=[Role.OPERATOR])
    scenario = make_scenario(Status.SUBMITTED, applicant=district_applicant)
    with pytest.raises(PermissionDenied):
        scenario_transition(actor=actors["reviewer"], scenario=scenario, action="approve")
    assert scenario_transition(actor=actors["city_reviewer"], scenario=scenario, action="approve").status == Status.APPROVED


@pytest.mark.django_db
def test_notifications_go_to_whoever_acts_next(make_scenario, actors, django_capture_on_commit_callbacks):
    from shequyun.notifications.models import Notification

    with django_capture_on_commit_callbacks(execute=True):
        scenario = make_scenario(Status.SUBMITTED)
    assert Notification.objects.filter(recipient=actors["reviewer"], target_id=str(scenario.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        scenario_transition(actor=actors["reviewer"], scenario=scenario, action="approve")
    assert Notification.objects.filter(recipient=actors["city_ops"], target_id=str(scenario.pk)).exists()
