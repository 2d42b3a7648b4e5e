"""Account anomalies on the shared engine (accounts/transitions.py): every (state, action) pair — legal ones apply
with a history row, the rest 409 and change nothing; only the account's managers act (403); resolving again after a
reopening keeps the first note; the rule's three forms agree; buttons come from the table; two at once → one wins."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from accounts.models import AccountAnomaly, AnomalyEvent, AnomalyKind, AnomalyStatus
from accounts.permissions import ANOMALY_HANDLER
from accounts.roles import Role
from accounts.services.accounts import ANOMALY_WORKFLOW, anomaly_transition
from shequyun.errors import Conflict

STATES = [s.value for s in AnomalyStatus]
ACTIONS = sorted(ANOMALY_WORKFLOW.actions)


@pytest.fixture
def people(make_user):
    return {
        "street_admin": make_user("dongming", roles=[Role.ACCOUNT_ADMIN]),
        "district_admin": make_user("pudong", roles=[Role.ACCOUNT_ADMIN]),
        "other_street_admin": make_user("huamu", roles=[Role.ACCOUNT_ADMIN]),
        "city_admin": make_user("city", roles=[Role.ACCOUNT_ADMIN]),
        "village_staff": make_user("sanlinyuan"),
        "street_staff": make_user("dongming"),
        "auditor": make_user("pudong", roles=[Role.AUDITOR]),
    }


def _anomaly(people, state: str, account: str = "village_staff") -> AccountAnomaly:
    anomaly = AccountAnomaly.objects.create(account=people[account], kind=AnomalyKind.USER_REPORT,
                                            description="夜里有人登录我的账号", reported_by=people[account])
    if state == AnomalyStatus.RESOLVED:
        anomaly_transition(actor=people["street_admin"], anomaly=anomaly, action="resolve", comment="已重置密码")
    anomaly.refresh_from_db()
    assert anomaly.status == state
    return anomaly


@pytest.mark.django_db
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", ACTIONS)
def test_every_state_action_pair(people, state, action):
    anomaly = _anomaly(people, state)
    before = AnomalyEvent.objects.filter(anomaly=anomaly).count()
    step = ANOMALY_WORKFLOW.get(state, action)
    actor = people["street_admin"]
    if step is None:
        with pytest.raises(Conflict) as excinfo:
            anomaly_transition(actor=actor, anomaly=anomaly, action=action, comment="说明")
        assert excinfo.value.payload["status"] == state
        anomaly.refresh_from_db()
        assert anomaly.status == state
        assert AnomalyEvent.objects.filter(anomaly=anomaly).count() == before
    else:
        result = anomaly_transition(actor=actor, anomaly=anomaly, action=action, comment="说明")
        assert result.status == step.target
        event = AnomalyEvent.objects.filter(anomaly=anomaly).latest("id")
        assert (event.from_status, event.to_status, event.action, event.actor, event.comment) == (
            state, step.target, action, actor, "说明")
        assert AnomalyEvent.objects.filter(anomaly=anomaly).count() == before + 1


@pytest.mark.django_db
def test_an_unknown_action_is_409(people):
    with pytest.raises(Conflict):
        anomaly_transition(actor=people["street_admin"], anomaly=_anomaly(people, "open"), action="delete")


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "action"), sorted(ANOMALY_WORKFLOW.table))
def test_only_the_accounts_managers_act(people, state, action):
    anomaly = _anomaly(people, state)
    for who in ("district_admin", "other_street_admin", "city_admin", "village_staff", "street_staff", "auditor"):
        with pytest.raises(PermissionDenied):
            anomaly_transition(actor=people[who], anomaly=anomaly, action=action, comment="说明")
        anomaly.refresh_from_db()
        assert anomaly.status == state


@pytest.mark.django_db
def test_the_rules_three_forms_agree(people):
    anomalies = [_anomaly(people, "open", account) for account in ("village_staff", "street_staff", "street_admin")]
    for who, user in people.items():
        by_filter = set(AccountAnomaly.objects.filter(ANOMALY_HANDLER.filter(user)).values_list("pk", flat=True))
        for anomaly in anomalies:
            holders = {u.pk for u in ANOMALY_HANDLER.holders(anomaly)}
            assert ANOMALY_HANDLER.check(user, anomaly) == (anomaly.pk in by_filter) == (user.pk in holders), (
                who, anomaly.account.username)


@pytest.mark.django_db
def test_resolving_again_keeps_the_first_note(people):
    anomaly = _anomaly(people, "resolved")
    with pytest.raises(ValidationError) as excinfo:
        anomaly_transition(actor=people["street_admin"], anomaly=anomaly, action="reopen", comment=" ")
    assert "comment" in excinfo.value.message_dict
    anomaly_transition(actor=people["street_admin"], anomaly=anomaly, action="reopen", comment="又出现了")
    anomaly_transition(actor=people["street_admin"], anomaly=anomaly, action="resolve", comment="已停用并重新开通")
    assert list(AnomalyEvent.objects.filter(anomaly=anomaly).values_list("action", "comment")) == [
        ("resolve", "已重置密码"), ("reopen", "又出现了"), ("resolve", "已停用并重新开通")]
    anomaly.refresh_from_db()
    assert (anomaly.resolution, anomaly.resolved_by) == ("已停用并重新开通", people["street_admin"])


@pytest.mark.django_db
def test_the_page_offers_the_tables_buttons_and_shows_the_history(client, people):
    open_one, resolved = _anomaly(people, "open"), _anomaly(people, "resolved", "street_staff")
    client.force_login(people["street_admin"])
    page = client.get("/accounts/manage/anomalies/").content.decode()
    assert page.count('data-action="resolve"') == 1
    assert page.count('data-action="reopen"') == 1
    assert "已重置密码" in page
    response = client.post("/accounts/manage/anomalies/", {"anomaly": open_one.pk, "action": "resolve",
                                                             "comment": "已核实为本人"})
    assert response.status_code == 302
    open_one.refresh_from_db()
    assert open_one.status == AnomalyStatus.RESOLVED
    again = client.post("/accounts/manage/anomalies/", {"anomaly": open_one.pk, "action": "resolve", "comment": "x"},
                        follow=True).content.decode()
    assert "操作未执行" in again  # the 409 as a message; nothing changed
    assert AnomalyEvent.objects.filter(anomaly=open_one).count() == 1
    client.post("/accounts/manage/anomalies/", {"anomaly": resolved.pk, "resolution": "旧表单字段"})  # old form: resolve
    assert AnomalyEvent.objects.filter(anomaly=resolved).count() == 1  # already resolved → refused
    client.force_login(people["other_street_admin"])
    assert client.post("/accounts/manage/anomalies/", {"anomaly": resolved.pk, "action": "reopen",
                                                       "comment": "x"}).status_code == 404


@pytest.mark.django_db
def test_a_reopened_anomaly_reaches_its_managers(people, make_user, django_capture_on_commit_callbacks):
    from shequyun.notifications.models import Notification

    anomaly = _anomaly(people, "resolved")
    second = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    with django_capture_on_commit_callbacks(execute=True):
        reopened = anomaly_transition(actor=second, anomaly=anomaly, action="reopen", comment="又出现了")
    assert {u.pk for u in ANOMALY_WORKFLOW.next_actors(reopened)} == {people["street_admin"].pk, second.pk}
    assert Notification.objects.filter(recipient=people["street_admin"], title__contains="重新打开").exists()
    assert not Notification.objects.filter(recipient=second, title__contains="重新打开").exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_admins_at_once_exactly_one_wins(people, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race needs PostgreSQL")
    second = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    anomaly = _anomaly(people, "open")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user):
        try:
            barrier.wait(timeout=10)
            anomaly_transition(actor=user, anomaly=anomaly, action="resolve", comment="并发")
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in (people["street_admin"], second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["409", "won"]
    assert AnomalyEvent.objects.filter(anomaly=anomaly).count() == 1
