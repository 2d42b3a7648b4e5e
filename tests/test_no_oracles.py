"""No existence oracles: an id outside the caller's scope and an id that does not exist get the same answer, in
filters and in request bodies, on every endpoint."""

from __future__ import annotations

import django_filters
import pytest

from accounts.models import Organisation, Region
from accounts.roles import Role
from scenarios.models import Evaluation, EvaluationCampaign
from tests.scope import MISSING_PK, OUTSIDE, all_routes


def _filtersets():
    seen = {}
    for route in all_routes():
        viewset = getattr(route.callback, "cls", None)
        filterset = getattr(viewset, "filterset_class", None)
        if filterset is not None:
            seen[filterset] = route.name
    return seen


def test_no_filter_validates_ids_against_a_whole_table():
    offenders = []
    for filterset, route in _filtersets().items():
        for name, flt in filterset.base_filters.items():
            if isinstance(flt, django_filters.ModelChoiceFilter | django_filters.ModelMultipleChoiceFilter):
                offenders.append(f"{route}: {filterset.__name__}.{name}")
    assert not offenders, f"use shequyun.filters.PortalFilterSet (ids as plain numbers): {offenders}"


@pytest.fixture
def yangpu_evaluation(make_scenario):
    district = Region.objects.get(code="310110000000")
    campaign = EvaluationCampaign.objects.create(region=district, period="2026Q4", due_date="2026-12-30")
    scenario = make_scenario()
    return Evaluation.objects.create(campaign=campaign, scenario=scenario)


@pytest.mark.django_db
@pytest.mark.parametrize("param", ["scenario", "campaign"])
def test_evaluation_filters_answer_alike(api_client, make_user, yangpu_evaluation, param):
    api_client.force_authenticate(make_user("310110012000", roles=[Role.REVIEWER]))  # 控江路: sees neither
    outside_id = getattr(yangpu_evaluation, f"{param}_id")
    outside = api_client.get("/api/v1/scenarios/evaluations/", {param: outside_id})
    missing = api_client.get("/api/v1/scenarios/evaluations/", {param: MISSING_PK})
    assert outside.status_code == missing.status_code == 200
    assert outside.json()["count"] == missing.json()["count"] == 0


@pytest.mark.django_db
def test_an_organisation_outside_scope_reads_like_a_missing_one(api_client, make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    yangpu_org = Organisation.objects.create(region=Region.objects.get(code=OUTSIDE), name="杨浦单位")
    api_client.force_authenticate(admin)
    bodies = []
    for organisation in (yangpu_org.pk, MISSING_PK):
        response = api_client.post("/api/v1/accounts/users/", {
            "username": f"oracle{organisation}", "full_name": "某人", "region": "310115015001", "roles": ["staff"],
            "organisation": organisation}, format="json")
        assert response.status_code == 400
        bodies.append(response.json()["organisation"][0].replace(str(organisation), "<id>"))
    assert bodies[0] == bodies[1]


@pytest.mark.django_db
def test_a_region_code_outside_scope_reads_like_a_missing_one(api_client, make_user):
    api_client.force_authenticate(make_user("dongming", roles=[Role.ACCOUNT_ADMIN]))
    bodies = []
    for code in (OUTSIDE, "319999999999"):
        response = api_client.post("/api/v1/accounts/users/", {
            "username": f"code{code}", "full_name": "某人", "region": code, "roles": ["staff"]}, format="json")
        assert response.status_code == 400
        bodies.append(response.json()["region"][0].replace(code, "<code>"))
    assert bodies[0] == bodies[1]


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["abc", "31011501500", "3101150150001"])
def test_malformed_region_codes_in_filters_name_the_parameter(api_client, make_user, value):
    api_client.force_authenticate(make_user("dongming"))
    response = api_client.get("/api/v1/scenarios/", {"region": value})
    assert response.status_code == 400
    assert "region" in response.json()
