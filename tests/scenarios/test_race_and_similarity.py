"""Two reviewers at once: exactly one wins (PostgreSQL row locks). Similar scenarios by Chinese text."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from scenarios.models import ScenarioEvent, Status
from scenarios.selectors import similar_scenarios
from scenarios.services import scenario_transition
from scenarios.similarity import rank, tokenize
from shequyun.errors import Conflict


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_reviewers_at_once_exactly_one_wins(make_scenario, actors, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race needs PostgreSQL")
    from accounts.roles import Role

    second = make_user("pudong", roles=[Role.REVIEWER], organisation=actors["reviewer"].organisation)
    scenario = make_scenario(Status.SUBMITTED)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, action):
        try:
            barrier.wait(timeout=10)
            scenario_transition(actor=user, scenario=scenario, action=action, comment="并发")
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(actors["reviewer"], "approve")),
               threading.Thread(target=act, args=(second, "reject"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["409", "won"]
    scenario.refresh_from_db()
    assert scenario.status in {Status.APPROVED, Status.REJECTED}
    assert ScenarioEvent.objects.filter(scenario=scenario, from_status=Status.SUBMITTED).count() == 1


def test_tokenize_segments_chinese():
    tokens = tokenize("社区养老服务预约", "为老人提供助餐上门护理")
    assert "养老" in tokens
    assert "助餐" in tokens
    assert "社区" not in tokens  # too common to mean anything here


def test_rank_prefers_the_same_function():
    corpus = [(1, " ".join(tokenize("老年助餐预约", "老人 助餐 订餐 送餐"))),
              (2, " ".join(tokenize("垃圾分类积分", "垃圾分类 积分 兑换"))),
              (3, " ".join(tokenize("停车收费管理", "停车 收费")))]
    matches = rank(tokenize("长者助餐服务", "老人线上订餐和送餐"), corpus)
    assert [m.scenario_id for m in matches][:1] == [1]
    assert all(m.scenario_id != 2 for m in matches)


@pytest.mark.django_db
def test_similar_scenarios_from_the_inventory(make_scenario, actors):
    existing = make_scenario(Status.ONLINE)
    make_scenario(Status.ONLINE, name="垃圾分类积分兑换", function_summary="居民垃圾分类投放积分和兑换礼品")
    found = similar_scenarios(user=actors["applicant"], name="老年人助餐助浴预约",
                              summary="社区老人预约助餐、助浴和上门护理服务")
    assert found
    assert found[0][0] == existing
