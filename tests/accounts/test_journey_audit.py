"""The auditor reads the trail in the browser (issue 14 §4, §9): filters by district → street with the cascade
(htmx), the filters stay in the URL, axe after every swap."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from accounts.services.accounts import user_disable, user_update
from tests.factories import TEST_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_auditor_filters_the_trail_by_region(journey, make_user):
    city_admin = make_user("city", roles=[Role.ACCOUNT_ADMIN])
    pudong_admin = make_user("pudong", roles=[Role.ACCOUNT_ADMIN])
    street_admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    staff = make_user("dongming", roles=[Role.STAFF])
    user_update(actor=city_admin, user=pudong_admin, full_name="王浦东")
    user_disable(actor=street_admin, user=staff, reason="离职")
    auditor = make_user("city", roles=[Role.AUDITOR])
    page = journey.page

    journey.sign_in(auditor.username, TEST_PASSWORD)
    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="审计日志").click())
    assert "王浦东" in page.get_by_test_id("audit-changes").inner_text()

    district = page.get_by_label("区", exact=True)
    district.select_option(label="浦东新区")
    street = page.get_by_label("街道/乡镇")
    expect(street).to_be_visible()
    journey.check()  # after the htmx swap
    street.select_option(label="东明路街道")
    expect(page.get_by_test_id("region-cascade-region")).to_contain_text("310115015000")
    journey.check()
    journey.follow(lambda: page.get_by_role("button", name="筛选").click())
    assert "region=310115015000" in page.url
    table = page.get_by_test_id("audit-changes").inner_text()
    assert "王浦东" not in table
    assert "离职" not in table  # the reason is an event, on the other tab
    expect(page.get_by_label("街道/乡镇")).to_have_value("310115015000")  # the filter is kept on the page

    journey.follow(lambda: page.get_by_role("link", name="安全事件").click())
    journey.follow(lambda: page.get_by_role("button", name="筛选").click())
    assert "停用账号" in page.get_by_test_id("audit-events").inner_text()
