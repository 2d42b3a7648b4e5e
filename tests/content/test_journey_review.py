"""Journey: village staff submit a reprint without its citation (refused, the field named) → add the citation →
submit; 初审 approves with all four checks (keyboard only); 终审 returns; the author edits; the chain restarts; both
approve; the item publishes at its time and appears on the public village page; after expiry it disappears.
axe-core runs on every page; the review record prints on one A4 page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from content import tasks
from tests.factories import TEST_PASSWORD

TITLE = "转载：本市居民养老服务补贴政策解读"


def _switch(journey, user):
    journey.follow(lambda: journey.page.get_by_role("button", name="退出登录").click())
    journey.sign_in(user.username, TEST_PASSWORD)


def _local(value):
    return timezone.localtime(value).strftime("%Y-%m-%dT%H:%M")


def _open_review(journey, page):
    journey.goto("/content/review/")
    journey.follow(lambda: page.get_by_role("link", name=TITLE).first.click())


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_review_journey(journey, people, chain, clock, live_server):
    page = journey.page
    start = timezone.now()
    publish_at = start + timedelta(hours=2)
    expire_at = start + timedelta(days=3)

    # Village staff collect a reprint without its citation.
    journey.sign_in(people["author"].username, TEST_PASSWORD, keyboard=True)
    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="内容管理").click())
    journey.follow(lambda: page.get_by_role("link", name="采集内容").first.click())
    page.locator("#id_kind").select_option("article")
    page.locator("#id_title").fill(TITLE)
    page.locator("#id_body").fill("市民政局发布养老服务补贴新政策。\n\n符合条件的老年人可向居委会咨询申请。")
    page.locator("#id_publish_at").fill(_local(publish_at))
    page.locator("#id_is_time_bound").check()
    page.locator("#id_expire_at").fill(_local(expire_at))
    page.locator("#id_is_reprint").check()
    journey.follow(lambda: page.get_by_role("button", name="保存").click())
    assert "转载内容须注明来源名称" in page.get_by_test_id("missing").inner_text()
    journey.follow(lambda: page.locator("button[data-action=submit]").click())
    errors = page.get_by_test_id("submit-errors")
    assert errors.locator("[data-field=source_name]").count() == 1
    assert "来源名称" in errors.inner_text()
    assert "草稿" in page.get_by_test_id("status").inner_text()

    # Add the citation, submit.
    journey.follow(lambda: page.get_by_role("link", name="修改内容").click())
    page.locator("#id_source_name").fill("上海市民政局")
    page.locator("#id_source_url").fill("https://mzj.sh.gov.cn/a/1.html")
    page.locator("#id_authorisation").fill("来源单位书面授权（2026）12号")
    journey.follow(lambda: page.get_by_role("button", name="保存").click())
    journey.follow(lambda: page.locator("button[data-action=submit]").click())
    assert "审核中（第1步）" in page.get_by_test_id("status").inner_text()

    # 初审 approves with all four checks, keyboard only.
    _switch(journey, people["first"])
    _open_review(journey, page)
    assert "首次送审" in page.get_by_role("heading", name="首次送审（无可比较的旧版本）").inner_text()
    page.locator("#id_checks_0").focus()
    for _check in range(4):
        page.keyboard.press("Space")
        page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "id_comment"
    page.keyboard.type("文字规范")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "approve"
    journey.follow(lambda: page.keyboard.press("Enter"))

    # 终审 returns.
    _switch(journey, people["final"])
    _open_review(journey, page)
    assert page.get_by_test_id("history").get_by_text("初审").count() >= 1
    page.locator("#id_comment").fill("请在标题中注明政策文号")
    journey.follow(lambda: page.locator("button[data-action=return]").click())

    # The author edits; the chain restarts from 初审.
    _switch(journey, people["author"])
    journey.goto("/content/items/")
    journey.follow(lambda: page.get_by_role("link", name=TITLE).click())
    assert "请在标题中注明政策文号" in page.get_by_test_id("history").inner_text()
    journey.follow(lambda: page.get_by_role("link", name="修改内容").click())
    page.locator("#id_body").fill("市民政局发布养老服务补贴新政策（沪民规〔2026〕1号）。\n\n符合条件的老年人可向居委会咨询申请。")
    journey.follow(lambda: page.get_by_role("button", name="保存").click())
    journey.follow(lambda: page.locator("button[data-action=submit]").click())
    assert "审核中（第1步）" in page.get_by_test_id("status").inner_text()

    # Both approve; the reviewers see what changed since the last approved version.
    _switch(journey, people["first"])
    _open_review(journey, page)
    assert "沪民规" in page.get_by_test_id("diff").locator("ins").first.inner_text()
    for index in range(4):
        page.locator(f"#id_checks_{index}").check()
    journey.follow(lambda: page.locator("button[data-action=approve]").click())
    _switch(journey, people["final"])
    _open_review(journey, page)
    for index in range(4):
        page.locator(f"#id_checks_{index}").check()
    journey.follow(lambda: page.locator("button[data-action=approve]").click())

    # The review record: every step, reviewer and check; one A4 page when printed.
    _switch(journey, people["author"])
    journey.goto("/content/items/")
    journey.follow(lambda: page.get_by_role("link", name=TITLE).click())
    assert "已通过待发布" in page.get_by_test_id("status").inner_text()
    journey.follow(lambda: page.get_by_role("link", name="审核表").click())
    record = page.get_by_test_id("record-steps").inner_text()
    assert people["first"].display_name in record
    assert people["final"].display_name in record
    assert record.count("✓") == 8
    pdf = page.pdf(format="A4")
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") == 1

    # Not public before its time; public after the scheduler ran at its time; gone after expiry.
    journey.goto("/content/public/310115015001/")
    assert TITLE not in page.content()
    clock.move_to(publish_at + timedelta(minutes=1))
    assert tasks.publish_due() == 1
    journey.goto("/content/public/310115015001/")
    assert TITLE in page.get_by_test_id("public-items").inner_text()
    journey.follow(lambda: page.get_by_role("link", name=TITLE).click())
    assert "沪民规" in page.content()
    clock.move_to(expire_at + timedelta(minutes=1))
    assert tasks.expire_due() == 1
    journey.goto("/content/public/310115015001/")
    assert TITLE not in page.content()
