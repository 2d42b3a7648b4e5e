"""Journeys of issue 14 points 6 and 7 in the browser (axe on every page visited):
a street admin resolves an anomaly, reopens it and resolves it again — both notes stay on the page; a district
evaluator sees both of the city's return comments; a street operator finds a scenario promoted to their street
under 本辖区可用 with its 应用范围."""

from __future__ import annotations

import pytest

from accounts.models import AccountAnomaly, AnomalyKind
from accounts.roles import Role
from scenarios.models import Status
from scenarios.services import scenario_promote
from scenarios.services.evaluations import campaign_open, evaluation_return, evaluation_save, evaluation_submit
from tests.factories import TEST_PASSWORD

FILLED = {f"{d}_score": 80 for d in ("mechanism", "effectiveness", "participation", "security")} | {
    f"{d}_finding": "良好" for d in ("mechanism", "effectiveness", "participation", "security")}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_anomaly_resolved_reopened_and_resolved_again_keeps_both_notes(journey, make_user):
    admin = make_user("dongming", username="dm_admin", roles=[Role.ACCOUNT_ADMIN])
    villager = make_user("sanlinyuan", full_name="王小红")
    AccountAnomaly.objects.create(account=villager, kind=AnomalyKind.USER_REPORT, description="夜里有人登录我的账号",
                                  reported_by=villager)
    page = journey.page
    journey.sign_in(admin.username, TEST_PASSWORD)
    journey.goto("/accounts/manage/anomalies/")
    page.get_by_label("处理说明").fill("已重置密码")
    journey.follow(lambda: page.get_by_role("button", name="标记已处理").click())
    page.get_by_label("重新打开的原因").fill("又出现了夜间登录")
    journey.follow(lambda: page.get_by_role("button", name="重新打开").click())
    page.get_by_label("处理说明").fill("已停用并重新开通")
    journey.follow(lambda: page.get_by_role("button", name="标记已处理").click())
    history = page.get_by_test_id("anomaly-history").inner_text()
    assert "已重置密码" in history
    assert "又出现了夜间登录" in history
    assert "已停用并重新开通" in history


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_both_return_comments_and_the_promoted_scope_are_shown(journey, make_scenario, actors, regions):
    scenario = make_scenario(Status.ONLINE)
    evaluation = campaign_open(region=regions["pudong"], period="2026Q4").evaluations.get(scenario=scenario)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, outcome="keep", **FILLED)
    for comment in ("请补充佐证材料", "佐证材料仍不完整"):
        evaluation_submit(actor=actors["reviewer"], evaluation=evaluation)
        evaluation_return(actor=actors["city_reviewer"], evaluation=evaluation, comment=comment)
    promoted = make_scenario(Status.ONLINE, name="花木助餐服务", applicant=actors["other_street"])
    scenario_promote(actor=actors["reviewer"], scenario=promoted, regions=[regions["dongming"]], comment="推广")
    page = journey.page

    journey.sign_in(actors["reviewer"].username, TEST_PASSWORD)
    journey.goto(f"/scenarios/evaluations/{evaluation.pk}/")
    comments = page.get_by_test_id("return-comments").inner_text()
    assert "请补充佐证材料" in comments
    assert "佐证材料仍不完整" in comments
    journey.follow(lambda: page.get_by_role("button", name="退出登录").click())

    journey.sign_in(actors["applicant"].username, TEST_PASSWORD)
    journey.goto("/scenarios/")
    page.get_by_label("本辖区可用").check()
    journey.follow(lambda: page.get_by_role("button", name="筛选").click())
    row = page.get_by_test_id("inventory").locator("tr", has_text="花木助餐服务")
    assert "花木街道、东明路街道" in row.inner_text()
