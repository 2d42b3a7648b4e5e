"""Journey: street staff report a grade-III data leak on a scenario → the street's security officer acknowledges →
the city is notified → the city activates its plan and disconnects the scenario → contained, resolution note →
review; the scenario shows 已断开 linked to the incident; a drill finding forces a plan revision. axe on every page."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from security import services
from tests.factories import TEST_PASSWORD, OrganisationFactory

from .factories import PLAN


def _switch(journey, user):  # type: ignore[no-untyped-def]
    journey.follow(lambda: journey.page.get_by_role("button", name="退出登录").click())
    journey.sign_in(user.username, TEST_PASSWORD)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_incident_journey(journey, make_user, make_scenario):
    from security.categories import load_categories
    from security.models import IncidentCategory

    load_categories(IncidentCategory)  # a transactional test before this one may have flushed the migration's rows
    page = journey.page
    city = Region.objects.get(code="310000000000")
    street_staff = make_user("dongming", roles=[Role.STAFF], full_name="东明路街道工作人员")
    street_so = make_user("dongming", roles=[Role.SECURITY_OFFICER], full_name="东明路街道安全员")
    city_office = OrganisationFactory(region=city, name="上海市社区服务中心", kind=OrganisationKind.OPERATIONS_OFFICE)
    city_so = make_user("city", roles=[Role.SECURITY_OFFICER, Role.OPERATOR], organisation=city_office,
                        full_name="市级安全员")
    city_reviewer = make_user("city", roles=[Role.REVIEWER])
    scenario = make_scenario("online")
    plan = services.plan_create(actor=city_so, region=city, title="上海市社区云网络安全事件应急预案",
                                team=[{"user": city_so, "duty": "总指挥", "contact": "13800001111"}], **PLAN)
    services.plan_transition(actor=city_reviewer, version=plan.versions.get(), action="approve")
    services.plan_transition(actor=city_so, version=plan.versions.get(), action="activate")
    street_plan = services.plan_create(actor=street_so, region=street_so.region, title="东明路街道应急预案",
                                       team=[{"user": street_so, "duty": "现场处置"}], **PLAN)
    services.plan_transition(actor=make_user("dongming", roles=[Role.REVIEWER]), version=street_plan.versions.get(),
                             action="approve")
    services.plan_transition(actor=street_so, version=street_plan.versions.get(), action="activate")
    from django.utils import timezone

    drill = services.drill_create(actor=street_so, region=street_so.region, plan_version=street_plan.versions.get(),
                                  title="居民信息泄露处置演练", planned_on=timezone.localdate())

    # 1. street staff report a grade-III data leak on the scenario
    journey.sign_in(street_staff.username, TEST_PASSWORD)
    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="安全管理").click())
    journey.follow(lambda: page.get_by_role("navigation", name="安全管理").get_by_role("link", name="安全事件").click())
    journey.follow(lambda: page.get_by_role("link", name="上报事件或故障").click())
    page.get_by_label("事件概述").fill("为老服务预约导出接口泄露居民信息")
    page.get_by_label("详细情况").fill("导出接口未鉴权，居民姓名、电话可被批量下载。")
    page.get_by_label("受影响场景").select_option(str(scenario.pk))
    page.get_by_label("事件类别（GB/T 20986-2023）").select_option("DS")
    page.get_by_label("事件子类").select_option("DSDATALEAK")
    page.get_by_label("影响对象重要程度").select_option("important")
    page.get_by_label("业务损失").select_option("serious")
    page.get_by_label("社会危害").select_option("general")
    page.get_by_label("疑似个人信息泄露").check()
    journey.follow(lambda: page.get_by_role("button", name="上报").click())
    assert "III级" in page.get_by_test_id("grade").inner_text()
    incident_url = page.url

    # 2. the street's security officer acknowledges, confirming grade III
    _switch(journey, street_so)
    journey.goto("/security/incidents/")
    journey.follow(lambda: page.get_by_test_id("queue").get_by_role("link", name="为老服务预约导出接口泄露居民信息").click())
    page.get_by_label("确认级别").select_option("3")
    journey.follow(lambda: page.locator("button[data-action=acknowledge]").click())
    assert "已受理" in page.get_by_test_id("status").inner_text()

    # 3. the city was notified at once; it activates its plan and disconnects the scenario
    _switch(journey, city_so)
    journey.follow(lambda: page.get_by_role("link", name=re.compile(r"^消息")).click())
    assert "为老服务预约导出接口泄露居民信息" in page.locator("main").inner_text()
    journey.goto(incident_url.replace(journey.base_url, ""))
    page.get_by_label("应急预案").select_option(label="上海市 · 上海市社区云网络安全事件应急预案（第1版）")
    journey.follow(lambda: page.locator("button[data-action=activate_plan]").click())
    assert "启动应急预案" in page.get_by_test_id("timeline").inner_text()
    page.get_by_label("断开理由").fill("接口泄露居民信息，先行断开")
    journey.follow(lambda: page.locator("button[data-action=disconnect]").click())
    assert scenario.name in page.get_by_test_id("disconnected").inner_text()

    # 4. the street responds, contains, resolves with a note and reviews
    _switch(journey, street_so)
    journey.goto(incident_url.replace(journey.base_url, ""))
    journey.follow(lambda: page.locator("button[data-action=respond]").click())
    journey.follow(lambda: page.locator("button[data-action=contain]").click())
    page.get_by_label("处置结果说明").fill("接口已加鉴权，泄露数据范围已核实并告知相关居民。")
    journey.follow(lambda: page.locator("button[data-action=resolve]").click())
    assert "接口已加鉴权" in page.get_by_test_id("resolution").inner_text()
    journey.follow(lambda: page.get_by_role("link", name="填写复盘").click())
    page.get_by_label("原因分析").fill("开发商上线前未做接口鉴权测试。")
    row = page.get_by_test_id("action-row").first
    row.get_by_label("整改措施").fill("全面排查导出接口并补做渗透测试")
    row.get_by_label("责任人").select_option(str(street_so.pk))
    row.get_by_label("完成期限").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    journey.follow(lambda: page.get_by_role("button", name="完成复盘").click())
    assert "已复盘" in page.get_by_test_id("status").inner_text()
    assert "全面排查导出接口" in page.get_by_test_id("review-actions").inner_text()

    # 5. the scenario shows 已断开, linked to the incident
    journey.follow(lambda: page.locator("main dl").get_by_role("link", name=scenario.name).click())
    assert "已断开" in page.get_by_role("heading", level=1).inner_text()
    journey.follow(lambda: page.get_by_test_id("incident-link").first.click())
    assert page.url == incident_url

    # 6. a drill finding forces a plan revision
    journey.goto("/security/drills/")
    journey.follow(lambda: page.get_by_role("link", name=drill.title).click())
    page.get_by_label("演练发现").fill("应急通讯录过期，未能在30分钟内联系到技术公司。")
    page.get_by_label("须修订预案").check()
    page.get_by_label("修订期限（工作日）").fill("10")
    journey.follow(lambda: page.locator("button[data-action=complete]").click())
    journey.follow(lambda: page.get_by_role("link", name="东明路街道应急预案").click())
    assert "修订中" in page.get_by_test_id("revision-due").inner_text()
    journey.follow(lambda: page.get_by_role("link", name="修改草稿").click())
    page.get_by_label("III级（较大）响应程序").fill("立即通知区、市安全员；城运中心30分钟内联系技术公司。")
    journey.follow(lambda: page.get_by_role("button", name="保存草稿").click())
    journey.follow(lambda: page.get_by_role("link", name="比较版本差异").click())
    assert "30分钟内联系技术公司" in page.get_by_test_id("diff-procedure_3").inner_text()
    journey.goto("/security/")
