"""REST for metrics, campaigns and evaluations."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from scenarios.models import Evaluation, Status, UsageMetric
from scenarios.services.evaluations import campaign_open

FILLED = {f"{d}_score": 70 for d in ("mechanism", "effectiveness", "participation", "security")} | {
    f"{d}_finding": "符合要求" for d in ("mechanism", "effectiveness", "participation", "security")}


@pytest.mark.django_db
def test_metrics_bulk_push_and_replace(api_client, make_scenario, actors):
    scenario = make_scenario(Status.ONLINE)
    api_client.force_authenticate(actors["applicant"])
    url = f"/api/v1/scenarios/{scenario.pk}/metrics/"
    rows = [{"date": f"2026-11-{d:02d}", "active_users": d, "visits": d * 3, "households_reached": d} for d in range(1, 11)]
    assert api_client.post(url, rows, format="json").status_code == 200
    again = api_client.post(url, {"date": "2026-11-05", "active_users": 99, "visits": 1, "households_reached": 2},
                            format="json")
    assert again.status_code == 200
    assert UsageMetric.objects.filter(scenario=scenario).count() == 10
    assert UsageMetric.objects.get(scenario=scenario, date="2026-11-05").active_users == 99


@pytest.mark.django_db
@pytest.mark.parametrize(("payload", "field"), [
    ({"date": "2026-13-01", "active_users": 1, "visits": 1, "households_reached": 1}, "date"),
    ({"date": "2026-11-01", "active_users": -1, "visits": 1, "households_reached": 1}, "active_users"),
    ({"date": "2026-11-01", "visits": 1, "households_reached": 1}, "active_users"),
])
def test_metrics_bad_values_name_the_field(api_client, make_scenario, actors, payload, field):
    scenario = make_scenario(Status.ONLINE)
    api_client.force_authenticate(actors["applicant"])
    response = api_client.post(f"/api/v1/scenarios/{scenario.pk}/metrics/", payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not UsageMetric.objects.exists()


@pytest.mark.django_db
def test_metrics_duplicate_days_in_one_call_and_scope(api_client, make_scenario, actors):
    scenario = make_scenario(Status.ONLINE)
    api_client.force_authenticate(actors["applicant"])
    row = {"date": "2026-11-01", "active_users": 1, "visits": 1, "households_reached": 1}
    assert "date" in api_client.post(f"/api/v1/scenarios/{scenario.pk}/metrics/", [row, row], format="json").json()
    api_client.force_authenticate(actors["other_street"])
    assert api_client.post(f"/api/v1/scenarios/{scenario.pk}/metrics/", row, format="json").status_code == 404


@pytest.mark.django_db
def test_evaluation_through_the_api(api_client, make_scenario, actors, regions):
    scenario = make_scenario(Status.ONLINE)
    api_client.force_authenticate(actors["reviewer"])
    created = api_client.post("/api/v1/scenarios/campaigns/", {"period": "2026Q4", "due_date": (timezone.localdate() + dt.timedelta(days=30)).isoformat()})
    assert created.status_code == 201, created.json()
    assert created.json()["region"] == "310115000000"
    evaluation = Evaluation.objects.get(scenario=scenario)
    url = f"/api/v1/scenarios/evaluations/{evaluation.pk}/"
    assert api_client.patch(url, {"mechanism_score": 150}, format="json").status_code == 400
    assert api_client.post(f"{url}submit/").status_code == 400
    api_client.patch(url, {**FILLED, "outcome": "rectify", "rectify_working_days": 10}, format="json")
    assert api_client.post(f"{url}submit/").json()["status"] == "submitted"
    assert api_client.post(f"{url}submit/").status_code == 409
    scenario.refresh_from_db()
    assert scenario.status == Status.RECTIFYING
    listing = api_client.get("/api/v1/scenarios/evaluations/?status=submitted&outcome=rectify&region=310115015000").json()
    assert listing["count"] == 1
    api_client.force_authenticate(actors["other_street"])
    assert api_client.get(url).status_code == 404


@pytest.mark.django_db
def test_campaign_only_by_city_or_district(api_client, actors, regions):
    api_client.force_authenticate(actors["applicant"])
    assert api_client.post("/api/v1/scenarios/campaigns/", {"period": "2026Q4"}).status_code == 400
    campaign_open(region=regions["pudong"], period="2026Q3", due_date=None)
    api_client.force_authenticate(actors["reviewer"])
    assert api_client.get("/api/v1/scenarios/campaigns/").json()["count"] == 1
