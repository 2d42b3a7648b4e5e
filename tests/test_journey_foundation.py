"""Journey: sign in (keyboard only) → home page of the user's region → switch language → 大字模式 → browse down."""

from __future__ import annotations

import pytest

from tests.factories import TEST_PASSWORD


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_sign_in_home_language_and_large_text(journey, make_user):
    user = make_user("dongming", username="dongming_staff")
    page = journey.page

    journey.sign_in(user.username, TEST_PASSWORD, keyboard=True)
    assert page.get_by_test_id("home-region").inner_text() == "东明路街道 · 工作台"
    assert page.get_by_test_id("region-trail").inner_text() == "上海市 / 浦东新区 / 东明路街道"
    assert page.get_by_test_id("count-village").inner_text() == "39"

    journey.follow(lambda: page.get_by_test_id("language-en").click())
    assert page.get_by_test_id("home-region").inner_text() == "东明路街道 · Workbench"
    assert page.locator("html").get_attribute("lang") == "en"

    journey.follow(lambda: page.get_by_role("button", name="150%").click())
    assert page.locator("html").get_attribute("data-font-scale") == "150"
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "24px"

    journey.follow(lambda: page.get_by_test_id("language-zh-hans").click())

    assert page.get_by_role("link", name="三林苑居委会").count() == 0  # villages are not pages of their own
    journey.follow(lambda: page.get_by_role("navigation", name="主导航").get_by_role("link", name="辖区").click())
    assert page.get_by_role("heading", level=1).inner_text() == "东明路街道"
    assert page.get_by_role("table").locator("tbody tr").count() == 39


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_city_admin_browses_down_but_a_street_cannot_go_up(journey, make_user):
    city = make_user("city", username="city_staff")
    journey.sign_in(city.username, TEST_PASSWORD)
    page = journey.page
    journey.follow(lambda: page.get_by_role("link", name="浦东新区").click())
    journey.follow(lambda: page.get_by_role("link", name="东明路街道").click())
    crumbs = page.get_by_role("navigation", name="层级导航").inner_text()
    assert "上海市" in crumbs
    assert "浦东新区" in crumbs

    journey.follow(lambda: page.get_by_role("button", name="退出登录").click())
    street = make_user("dongming", username="street_staff")
    journey.sign_in(street.username, TEST_PASSWORD)
    response = page.goto(journey.url("/accounts/regions/310115000000/"))
    assert response.status == 404
    journey.check()
