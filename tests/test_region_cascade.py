"""Finding a region is easy (issue 14 §9): district → street → village selects choosing one region=<code> value,
only inside the viewer's subtree; the filters stay in the URL; a city-level list shows the district column."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from accounts.roles import Role
from scenarios.models import Status
from shequyun.region_picker import cascade_context
from tests.factories import TEST_PASSWORD


@pytest.mark.django_db
def test_cascade_for_a_street_lists_districts_streets_and_villages(make_user):
    city = make_user("city")
    context = cascade_context(city, name="region", value="310115015000")
    assert [level["label"] for level in context["levels"]] == ["区", "街道/乡镇", "居/村委"]
    assert [level["selected"] for level in context["levels"][:2]] == ["310115000000", "310115015000"]
    assert context["value"] == "310115015000"
    assert len(context["levels"][0]["options"]) == 16


@pytest.mark.django_db
def test_cascade_never_offers_or_accepts_outside_the_subtree(client, make_user):
    street_user = make_user("dongming")
    context = cascade_context(street_user, name="region", value="310110000000")  # 杨浦区: outside
    assert context["value"] == ""
    assert [level["parent"].code for level in context["levels"]] == ["310115015000"]
    client.force_login(street_user)
    html = client.get("/regions/cascade/?field=region&pick=310110000000").content.decode()
    assert "杨浦" not in html
    assert "东明路街道" in html
    html = client.get("/regions/cascade/?field=region%22&pick=junk").content.decode()
    assert 'name="region"' in html


@pytest.mark.django_db
def test_district_column_only_at_city_level(client, make_user, make_scenario, actors):
    make_scenario(Status.DRAFT)
    client.force_login(make_user("city", roles=[Role.OPERATOR]))
    html = client.get("/scenarios/").content.decode()
    assert "所属区" in html
    assert "浦东新区" in html
    client.force_login(actors["applicant"])
    assert "所属区" not in client.get("/scenarios/").content.decode()


@pytest.mark.django_db
def test_account_list_region_filter_takes_the_subtree(client, make_user):
    admin = make_user("pudong", roles=[Role.ACCOUNT_ADMIN])
    street_admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    other = make_user("huamu", roles=[Role.ACCOUNT_ADMIN])
    client.force_login(admin)
    html = client.get("/accounts/manage/?region=310115015000").content.decode()
    assert street_admin.username in html
    assert other.username not in html


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_inventory_filtered_by_keyboard_through_the_cascade(journey, make_user, make_scenario, actors):
    make_scenario(Status.DRAFT)
    make_scenario(Status.DRAFT, name="花木街道智慧停车", applicant=actors["other_street"])
    city = make_user("city", roles=[Role.OPERATOR])
    page = journey.page
    journey.sign_in(city.username, TEST_PASSWORD)
    journey.goto("/scenarios/")
    district = page.get_by_label("区", exact=True)
    district.focus()
    district.select_option("310115000000")  # what the arrow keys do, without depending on the option order
    street = page.get_by_label("街道/乡镇")
    expect(street).to_be_visible()
    journey.check()
    street.focus()
    street.select_option("310115015000")
    expect(page.get_by_test_id("region-cascade-region")).to_contain_text("310115015000")
    expect(page.get_by_label("街道/乡镇")).to_be_focused()  # htmx keeps the focus on the replaced select
    journey.check()
    page.get_by_role("button", name="筛选").focus()
    journey.follow(lambda: page.keyboard.press("Enter"))
    assert "region=310115015000" in page.url
    table = page.get_by_test_id("inventory").inner_text()
    assert "社区养老服务预约" in table
    assert "花木街道智慧停车" not in table
    assert "浦东新区" in table  # the district column at city level
