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


def _all_filtersets():
    """Every FilterSet of the project (API and pages alike), not only those a viewset names."""
    import importlib

    for app in ("accounts", "scenarios", "content", "security", "dataassets"):
        importlib.import_module(f"{app}.filters")
    found, stack = set(), list(django_filters.FilterSet.__subclasses__())
    while stack:
        cls = stack.pop()
        stack.extend(cls.__subclasses__())
        if cls.__module__.split(".")[0] in {"accounts", "scenarios", "content", "security", "dataassets", "shequyun"}:
            found.add(cls)
    return found


def test_every_number_filter_is_bounded():
    """schemathesis sent ``resource=-4.47e+24``: an unbounded NumberFilter passed it to the database (a 500 on
    SQLite's 64-bit integers). Every number a filter accepts has a lower and an upper bound, so an out-of-range
    value is a 400 naming the parameter."""
    offenders = []
    for filterset in _all_filtersets():
        for name, flt in filterset.base_filters.items():
            if isinstance(flt, django_filters.NumberFilter):
                if flt.extra.get("min_value") is None or flt.extra.get("max_value") is None:
                    offenders.append(f"{filterset.__module__}.{filterset.__name__}.{name}")
    assert not offenders, f"bound these (shequyun.filters.ObjectIdFilter for ids): {sorted(offenders)}"


@pytest.mark.parametrize("path", ["/api/v1/dataassets/objections/", "/api/v1/dataassets/sharing-requests/",
                                  "/api/v1/security/agreements/"])
def test_an_absurd_id_in_a_filter_is_a_400_naming_it(api_client, make_user, path):
    api_client.force_authenticate(make_user("pudong", roles=[Role.ACCOUNT_ADMIN]))
    field = "scenario" if "agreements" in path else "resource"
    response = api_client.get(path, {field: "-4.470825856521454e+24"})
    assert response.status_code == 400, response.content
    assert field in response.json()


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
