"""Promotion has an effect (issue 14, point 7): a promoted scenario's 应用范围 (its region plus ``scope_regions``)
is shown in the inventory, the detail page and the API; "available in my region" includes scenarios promoted to
it; participation is measured against the population of the whole scope; the lists stay constant in queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Region
from scenarios.models import Scenario, Status
from scenarios.services import scenario_promote
from scenarios.services.evaluations import metrics_push, participation


@pytest.fixture
def promoted(make_scenario, actors, regions):
    """Built by 花木街道, promoted by 浦东新区 to 东明路街道."""
    scenario = make_scenario(Status.ONLINE, name="花木助餐服务", applicant=actors["other_street"])
    return scenario_promote(actor=actors["reviewer"], scenario=scenario, regions=[regions["dongming"]], comment="推广")


@pytest.mark.django_db
def test_promotion_writes_the_scope_shown_everywhere(client, api_client, promoted, actors):
    assert [r.code for r in Scenario.objects.get(pk=promoted.pk).application_scope] == ["310115016000", "310115015000"]
    api_client.force_authenticate(actors["reviewer"])
    expected = [{"code": "310115016000", "name": "花木街道"}, {"code": "310115015000", "name": "东明路街道"}]
    listed = api_client.get("/api/v1/scenarios/").json()["results"]
    assert next(row for row in listed if row["id"] == promoted.pk)["application_scope"] == expected
    assert api_client.get(f"/api/v1/scenarios/{promoted.pk}/").json()["application_scope"] == expected
    public = api_client.get("/api/v1/scenarios/public/").json()["results"]
    assert next(row for row in public if row["id"] == promoted.pk)["application_scope"] == expected
    client.force_login(actors["reviewer"])
    inventory = client.get("/scenarios/").content.decode()
    assert "花木街道、东明路街道" in inventory
    assert "应用范围" in inventory
    detail = client.get(f"/scenarios/{promoted.pk}/").content.decode()
    assert "花木街道（310115016000）、东明路街道（310115015000）" in detail


@pytest.mark.django_db
def test_a_scope_region_inside_another_is_not_listed_twice(make_scenario, actors, regions):
    scenario = make_scenario(Status.ONLINE)  # 东明路街道
    scenario_promote(actor=actors["reviewer"], scenario=scenario, regions=[regions["sanlinyuan"], regions["huamu"]])
    assert [r.code for r in Scenario.objects.get(pk=scenario.pk).application_scope] == ["310115015000", "310115016000"]


@pytest.mark.django_db
def test_available_in_my_region_includes_scenarios_promoted_to_it(client, api_client, promoted, make_scenario,
                                                                 actors, make_user):
    own = make_scenario(Status.ONLINE, name="东明路自建场景")
    sibling = make_scenario(Status.ONLINE, name="花木未推广场景", applicant=actors["other_street"])
    draft = make_scenario(Status.SUBMITTED, name="东明路待核准场景")
    district = make_scenario(Status.ONLINE, name="浦东全区场景")
    Scenario.objects.filter(pk=district.pk).update(region=actors["reviewer"].region)  # built by 浦东新区: serves all
    village_user = make_user("sanlinyuan")
    expected = {promoted.pk, own.pk, district.pk}
    for user in (actors["applicant"], village_user):  # the street and a village below it
        api_client.force_authenticate(user)
        rows = api_client.get("/api/v1/scenarios/public/?available_to_me=true&page_size=100").json()["results"]
        assert {row["id"] for row in rows} == expected, user.region.name
    api_client.force_authenticate(actors["other_street"])
    rows = api_client.get("/api/v1/scenarios/public/?available_in=310115015001&page_size=100").json()["results"]
    assert {row["id"] for row in rows} == expected
    rows = api_client.get("/api/v1/scenarios/public/?available_to_me=true&page_size=100").json()["results"]
    assert {row["id"] for row in rows} == {promoted.pk, sibling.pk, district.pk}
    bad = api_client.get("/api/v1/scenarios/public/?available_in=东明路")
    assert bad.status_code == 400
    assert "available_in" in bad.json()
    assert api_client.get("/api/v1/scenarios/public/?available_to_me=maybe").status_code == 400
    # The page: the promoted scenario of another street is listed (not a link: its page is 花木's); drafts are not.
    client.force_login(actors["applicant"])
    page = client.get("/scenarios/?available_to_me=true").content.decode()
    assert "花木助餐服务" in page
    assert f'href="/scenarios/{promoted.pk}/"' not in page
    assert f'href="/scenarios/{own.pk}/"' in page
    assert "东明路待核准场景" not in page
    assert "花木未推广场景" not in page
    assert draft.pk
    assert "东明路待核准场景" in client.get("/scenarios/").content.decode()  # the usual inventory is unchanged


@pytest.mark.django_db
def test_participation_is_measured_against_the_whole_scope(promoted, actors, regions):
    Region.objects.filter(parent=regions["huamu"]).update(households=None, population=None)
    Region.objects.filter(parent=regions["dongming"]).update(households=None, population=None)
    Region.objects.filter(code__in=["310115016001", "310115015001", "310115015002"]).update(households=100,
                                                                                        population=300)
    metrics_push(actor=actors["other_street"], scenario=promoted, rows=[
        {"date": timezone.localdate(), "active_users": 90, "visits": 500, "households_reached": 150}])
    result = participation(promoted)
    assert result["region_population"] == 900  # 花木's village and 东明路's two, not only 花木
    assert result["region_households"] == 300
    assert result["households_rate"] == pytest.approx(0.5)
    assert result["active_rate"] == pytest.approx(0.1)
    assert [r.code for r in result["scope"]] == ["310115016000", "310115015000"]


def _count(fetch) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = fetch()
    assert response.status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_lists_with_scopes_are_constant_in_queries(client, api_client, make_scenario, actors, regions,
                                                   django_assert_max_num_queries):
    def add(n):
        for i in range(n):
            scenario = make_scenario(Status.ONLINE, name=f"推广场景{Scenario.objects.count()}-{i}")
            scenario_promote(actor=actors["reviewer"], scenario=scenario, regions=[regions["huamu"]])

    add(2)
    api_client.force_authenticate(actors["reviewer"])
    client.force_login(actors["reviewer"])
    urls = {"api": "/api/v1/scenarios/?page_size=100", "public": "/api/v1/scenarios/public/?page_size=100",
            "applications": "/api/v1/scenarios/applications/?page_size=100"}
    few = {k: _count(lambda u=u: api_client.get(u)) for k, u in urls.items()}
    few["page"] = _count(lambda: client.get("/scenarios/"))
    add(6)
    for key, url in urls.items():
        with django_assert_max_num_queries(few[key]):
            assert len(api_client.get(url).json()["results"]) >= 8
    with django_assert_max_num_queries(few["page"]):
        client.get("/scenarios/")
    with django_assert_max_num_queries(few["page"] + 1):  # the "available" view adds the one "may I open" query
        client.get("/scenarios/?available_to_me=true")
