"""Journey: a district evaluator opens a due evaluation from the home queue, reads the participation chart,
scores the four dimensions, chooses "rectify in 10 working days" and submits; the scenario is rectifying."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from scenarios.models import Status
from scenarios.services.evaluations import campaign_open, metrics_push
from shequyun.workdays import calendar
from tests.factories import TEST_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_evaluation_journey(journey, make_scenario, actors, regions):
    scenario = make_scenario(Status.ONLINE)
    today = timezone.localdate()
    metrics_push(actor=actors["applicant"], scenario=scenario, rows=[
        {"date": today - dt.timedelta(days=d), "active_users": 100 + d, "visits": 300 + d, "households_reached": 80}
        for d in range(1, 15)])
    campaign_open(region=regions["pudong"], period="2026Q4", due_date=calendar.add_working_days(today, 2))
    page = journey.page

    journey.sign_in(actors["reviewer"].username, TEST_PASSWORD)
    journey.follow(lambda: page.get_by_test_id("home-queue").get_by_role("link", name="应用场景待评估").click())
    assert "剩2个工作日" in page.get_by_test_id("evaluation-queue").inner_text()
    journey.follow(lambda: page.get_by_role("link", name=scenario.name).click())
    assert "日均活跃用户" in page.get_by_test_id("participation-summary").inner_text()
    page.get_by_role("button", name="以表格查看").click()
    assert page.locator("#chart-participation-table tbody tr").count() == 14
    for dimension in ("mechanism", "effectiveness", "participation", "security"):
        page.locator(f"#id_{dimension}_score").fill("75")
        page.locator(f"#id_{dimension}_finding").fill("基本达到要求，需改进居民参与")
    page.get_by_label("限期整改").check()
    page.locator("#id_rectify_working_days").fill("10")
    journey.follow(lambda: page.get_by_role("button", name="提交评估报告").click())
    assert "整改中" in page.get_by_role("heading", level=1).inner_text()
    expected = calendar.add_working_days(today, 10).isoformat()
    assert expected in page.locator("dl").inner_text()
