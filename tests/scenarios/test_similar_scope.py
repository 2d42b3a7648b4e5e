"""Suggestions respect scope: another district's unpublished scenarios never appear (only the public inventory)."""

from __future__ import annotations

import pytest

from accounts.models import Region
from accounts.roles import Role
from scenarios.models import Scenario, Status
from scenarios.selectors import similar_scenarios
from scenarios.services import scenario_create
from tests.factories import OrganisationFactory
from tests.scope import OUTSIDE

from .factories import SCENARIO

SUMMARY = "社区老人预约助餐、助浴和上门护理服务"
UNPUBLISHED = [Status.SUBMITTED, Status.APPROVED, Status.FILED, Status.RECTIFYING, Status.DISCONNECTED, Status.OFFLINE]


@pytest.fixture
def yangpu(make_user):
    """Scenarios of 杨浦区 in every state, all with the same function as the query."""
    district = Region.objects.get(code="310110000000")
    street = Region.objects.get(code=OUTSIDE)
    applicant = make_user(OUTSIDE, roles=[Role.OPERATOR], organisation=OrganisationFactory(region=street))
    make_user("310110000000", roles=[Role.REVIEWER],
                         organisation=OrganisationFactory(region=district, kind="competent_dept"))
    rows = {}
    for status in [*UNPUBLISHED, Status.ONLINE]:
        scenario = scenario_create(actor=applicant, region=street, **{**SCENARIO, "name": f"杨浦助餐{status}"})
        Scenario.objects.filter(pk=scenario.pk).update(status=status)  # states set directly: only visibility matters
        rows[status] = scenario
    return rows


@pytest.mark.django_db
def test_selector_shows_own_subtree_and_the_public_inventory_only(make_user, yangpu):
    viewer = make_user("dongming", roles=[Role.OPERATOR])
    found = {s.pk: openable for s, _score, openable in similar_scenarios(
        user=viewer, name="老年人助餐助浴预约", summary=SUMMARY, limit=50)}
    assert yangpu[Status.ONLINE].pk in found
    assert found[yangpu[Status.ONLINE].pk] is False
    for status in UNPUBLISHED:
        assert yangpu[status].pk not in found, status


@pytest.mark.django_db
def test_similar_endpoint_and_detail_box_never_show_another_districts_unpublished(client, make_user, yangpu,
                                                                                   make_scenario):
    viewer = make_user("dongming", roles=[Role.OPERATOR])
    client.force_login(viewer)
    page = client.get("/scenarios/similar/", {"name": "老年人助餐助浴预约", "function_summary": SUMMARY}).content.decode()
    mine = make_scenario(Status.SUBMITTED, applicant=viewer)
    detail = client.get(f"/scenarios/{mine.pk}/").content.decode()
    for html in (page, detail):
        assert "杨浦助餐online" in html
        assert f"/scenarios/{yangpu[Status.ONLINE].pk}/" not in html  # no link to a page that would 404
        for status in UNPUBLISHED:
            assert f"杨浦助餐{status}" not in html, status
