"""The evaluation report's table (scenarios/transitions.py EVALUATION_TRANSITIONS) on the shared engine: every
(state, action) pair — legal ones apply and add one history row, all others 409 and change nothing; wrong people
403; every return comment is kept; the page and the API offer exactly the table's actions; two at once → one wins."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from scenarios.models import Evaluation, EvaluationEvent, EvaluationStatus, Status
from scenarios.services.evaluations import (
    EVALUATION_WORKFLOW,
    campaign_open,
    evaluation_return,
    evaluation_save,
    evaluation_submit,
)
from shequyun.errors import Conflict

FILLED = {f"{d}_score": 80 for d in ("mechanism", "effectiveness", "participation", "security")} | {
    f"{d}_finding": "良好" for d in ("mechanism", "effectiveness", "participation", "security")}
STATES = [s.value for s in EvaluationStatus]
ACTIONS = sorted(EVALUATION_WORKFLOW.actions)
WHO = {"submit": "reviewer", "return": "city_reviewer"}


def _evaluation(make_scenario, regions, actors, state: str) -> Evaluation:
    scenario = make_scenario(Status.ONLINE)
    evaluation = campaign_open(region=regions["pudong"], period="2026Q4").evaluations.get(scenario=scenario)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="keep", **FILLED)
    if state in (EvaluationStatus.SUBMITTED, EvaluationStatus.RETURNED):
        evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    if state == EvaluationStatus.RETURNED:
        evaluation_return(actor=actors["city_reviewer"], evaluation=evaluation, comment="第一次退回")
    evaluation.refresh_from_db()
    assert evaluation.status == state
    return evaluation


def _act(action, evaluation, actor):
    if action == "submit":
        return evaluation_submit(actor=actor, evaluation=evaluation)
    return evaluation_return(actor=actor, evaluation=evaluation, comment="意见")


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_action_pair(make_scenario, regions, actors, state, action):
    evaluation = _evaluation(make_scenario, regions, actors, state)
    before = EvaluationEvent.objects.filter(evaluation=evaluation).count()
    step = EVALUATION_WORKFLOW.get(state, action)
    actor = actors[WHO[action]]
    if step is None:
        with pytest.raises(Conflict) as excinfo:
            _act(action, evaluation, actor)
        assert excinfo.value.payload["status"] == state
        evaluation.refresh_from_db()
        assert evaluation.status == state
        assert EvaluationEvent.objects.filter(evaluation=evaluation).count() == before
    else:
        result = _act(action, evaluation, actor)
        assert result.status == step.target
        event = EvaluationEvent.objects.filter(evaluation=evaluation).latest("id")
        assert (event.from_status, event.to_status, event.action, event.actor) == (state, step.target, action, actor)
        assert EvaluationEvent.objects.filter(evaluation=evaluation).count() == before + 1


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), sorted(EVALUATION_WORKFLOW.table))
def test_wrong_people_get_403_and_nothing_changes(make_scenario, regions, actors, state, action):
    evaluation = _evaluation(make_scenario, regions, actors, state)
    allowed = {"submit": {"reviewer"}, "return": {"city_reviewer", "city_ops"}}[action]
    for who in ("applicant", "reviewer", "city_ops", "city_reviewer", "other_street", "staff"):
        if who in allowed:
            continue
        with pytest.raises(PermissionDenied):
            _act(action, evaluation, actors[who])
        evaluation.refresh_from_db()
        assert evaluation.status == state


@pytest.mark.django_db
def test_a_second_return_keeps_the_first_comment(client, api_client, make_scenario, regions, actors):
    evaluation = _evaluation(make_scenario, regions, actors, EvaluationStatus.RETURNED)
    evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
    with pytest.raises(ValidationError) as excinfo:
        evaluation_return(actor=actors["city_reviewer"], evaluation=evaluation, comment=" ")
    assert "comment" in excinfo.value.message_dict
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SUBMITTED  # the empty return changed nothing
    evaluation_return(actor=actors["city_reviewer"], evaluation=evaluation, comment="第二次退回")
    comments = list(EvaluationEvent.objects.filter(evaluation=evaluation, action="return").values_list("comment", flat=True))
    assert comments == ["第一次退回", "第二次退回"]
    client.force_login(actors["reviewer"])
    page = client.get(f"/scenarios/evaluations/{evaluation.pk}/").content.decode()
    assert "第一次退回" in page
    assert "第二次退回" in page
    api_client.force_authenticate(actors["reviewer"])
    body = api_client.get(f"/api/v1/scenarios/evaluations/{evaluation.pk}/").json()
    assert [e["comment"] for e in body["history"] if e["action"] == "return"] == ["第一次退回", "第二次退回"]
    assert body["return_comment"] == "第二次退回"
    assert body["available_actions"] == ["submit"]


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
def test_buttons_come_from_the_table(client, make_scenario, regions, actors, state):
    evaluation = _evaluation(make_scenario, regions, actors, state)
    for who in ("reviewer", "city_reviewer", "other_street"):
        client.force_login(actors[who])
        response = client.get(f"/scenarios/evaluations/{evaluation.pk}/")
        if who == "other_street":
            assert response.status_code == 404
            continue
        page = response.content.decode()
        offered = {a for a in ACTIONS if f'data-action="{a}"' in page}
        expected = {t.action for t in EVALUATION_WORKFLOW.available_actions(evaluation, actors[who])}
        assert offered == expected, (state, who)


@pytest.mark.django_db
def test_the_queue_is_the_tables_waiting_rule(make_scenario, regions, actors):
    due = _evaluation(make_scenario, regions, actors, EvaluationStatus.DUE)
    waiting = Evaluation.objects.visible_to(actors["reviewer"]).filter(EVALUATION_WORKFLOW.waiting_on(actors["reviewer"]))
    assert list(waiting) == [due]
    assert not Evaluation.objects.filter(EVALUATION_WORKFLOW.waiting_on(actors["city_reviewer"])).exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_returns_at_once_exactly_one_wins(make_scenario, regions, actors, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race needs PostgreSQL")
    from accounts.roles import Role

    second = make_user("city", roles=[Role.REVIEWER], organisation=actors["city_reviewer"].organisation)
    evaluation = _evaluation(make_scenario, regions, actors, EvaluationStatus.SUBMITTED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user):
        try:
            barrier.wait(timeout=10)
            evaluation_return(actor=user, evaluation=evaluation, comment="并发")
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in (actors["city_reviewer"], second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["409", "won"]
    assert EvaluationEvent.objects.filter(evaluation=evaluation, action="return").count() == 1
