"""Journey (axe on every page): a data steward registers a resource as 不予共享 without a legal basis → refused, the
field named → fixes it, adds an item, submits → the district data office publishes → another unit files an objection
→ the office marks it and the entry shows 标注 → the office transfers it to the responsible department → the department
decides → the objector sees the result. The deadlines shown are the calendar's."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shequyun.workdays import calendar
from tests.factories import TEST_PASSWORD


def _switch(journey, user):
    journey.follow(lambda: journey.page.get_by_role("button", name="退出登录").click())
    journey.sign_in(user.username, TEST_PASSWORD)


def _prose(day):
    return f"{day.year}年{day.month}月{day.day}日"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_objection_journey(journey, da):
    page = journey.page
    today = timezone.localdate()
    name = "东明路街道为老服务对象信息"

    # The steward registers the resource as 不予共享 and forgets the legal basis.
    journey.sign_in(da["steward"].username, TEST_PASSWORD)
    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="数据资源").click())
    journey.follow(lambda: page.get_by_role("link", name="登记数据资源").click())
    page.locator("#id_name").fill(name)
    page.locator("#id_code").fill("DM-WL-009")
    page.locator("#id_description").fill("为老服务对象的基本情况和服务需求")
    page.locator("#id_sharing_type").select_option("not_shared")
    page.locator("#id_sharing_reason").fill("涉及老年人健康隐私")
    page.locator("#id_open_type").select_option("non_open")
    page.locator("#id_contains_personal_info").check()
    journey.follow(lambda: page.get_by_role("button", name="保存草稿").click())
    errors = page.get_by_role("alert").inner_text()
    assert "法律法规规章依据" in errors
    assert "法律、法规、规章依据" in errors
    page.locator("#id_legal_basis").fill("《中华人民共和国个人信息保护法》第二十八条")
    journey.follow(lambda: page.get_by_role("button", name="保存草稿").click())
    assert "信息项" in page.get_by_role("heading", level=1).inner_text()
    page.locator("#id_item-table_name").fill("elder")
    page.locator("#id_item-field_name").fill("name")
    page.locator("#id_item-label").fill("姓名")
    page.locator("#id_item-data_type").select_option("string")
    page.locator("#id_item-length").fill("50")
    page.locator("#id_item-personal_info").check()
    page.locator("#id_item-masking_rule").select_option("partial")
    journey.follow(lambda: page.get_by_role("button", name="添加", exact=True).click())
    assert "姓名" in page.get_by_test_id("items").inner_text()
    journey.follow(lambda: page.get_by_role("link", name="完成，返回资源").click())
    journey.follow(lambda: page.locator("button[data-action=submit]").click())
    assert "待审核" in page.get_by_role("heading", level=1).inner_text()

    # The district data office publishes it from its queue.
    _switch(journey, da["office"])
    journey.goto("/dataassets/review/")
    journey.follow(lambda: page.get_by_test_id("review-queue").get_by_role("link", name=name).click())
    journey.follow(lambda: page.locator("button[data-action=publish]").click())
    assert "已发布" in page.get_by_role("heading", level=1).inner_text()
    resource_url = page.url

    # Another unit files an objection; the 标注 deadline shown is the calendar's.
    _switch(journey, da["other"])
    journey.goto("/dataassets/?q=为老服务对象")
    journey.follow(lambda: page.get_by_test_id("catalogue").get_by_role("link", name=name).click())
    journey.follow(lambda: page.get_by_role("link", name="提出异议").click())
    page.locator("#id_kind").select_option("error")
    page.locator("#id_description").fill("王某已于上月迁出，仍在名单中")
    page.locator("#id_objector_name").fill("王某家属")
    journey.follow(lambda: page.get_by_role("button", name="提交异议").click())
    objection_url = page.url
    mark_due = calendar.add_working_days(today, 1)
    decide_due = calendar.add_working_days(today, 2)
    assert page.get_by_test_id("mark-due").locator("time").get_attribute("datetime") == mark_due.isoformat()
    assert _prose(mark_due) in page.get_by_test_id("mark-due").inner_text()
    assert _prose(decide_due) in page.get_by_test_id("decide-due").inner_text()

    # The data office marks it: the entry shows 标注; then transfers it to the provider.
    _switch(journey, da["office"])
    journey.goto("/dataassets/objections/")
    assert "剩1个工作日" in page.get_by_test_id("objection-queue").inner_text()
    journey.follow(lambda: page.get_by_test_id("objection-queue").get_by_role("link", name=name).click())
    journey.follow(lambda: page.locator("button[data-action=mark]").click())
    journey.goto(resource_url.replace(journey.base_url, ""))
    assert page.get_by_test_id("objection-mark").inner_text() == "异议标注"
    journey.goto(objection_url.replace(journey.base_url, ""))
    page.locator("#id_responsible_org").select_option(str(da["provider"].pk))
    journey.follow(lambda: page.locator("button[data-action=transfer]").click())
    department_due = calendar.add_working_days(today, 5)
    assert page.get_by_test_id("department-due").locator("time").get_attribute("datetime") == department_due.isoformat()
    assert _prose(department_due) in page.get_by_test_id("department-due").inner_text()

    # The responsible department decides.
    _switch(journey, da["steward"])
    journey.goto("/dataassets/objections/")
    journey.follow(lambda: page.get_by_test_id("objection-queue").get_by_role("link", name=name).click())
    page.get_by_label("予以更正").check()
    page.locator("#id_result").fill("已核实，王某已从名单中移除")
    journey.follow(lambda: page.locator("button[data-action=decide]").click())

    # The objector sees the result, on the page and in the inbox.
    _switch(journey, da["other"])
    journey.goto(objection_url.replace(journey.base_url, ""))
    assert "已办结" in page.get_by_role("heading", level=1).inner_text()
    assert page.get_by_test_id("decision").inner_text() == "予以更正"
    assert "已从名单中移除" in page.get_by_test_id("result").inner_text()
    journey.goto("/notifications/")
    assert "您提出的数据异议已办结" in page.locator("main").inner_text()
