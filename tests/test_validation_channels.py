"""Issue 9 (4): validation written once (shequyun/validators.py) holds on every channel. Each bad value is refused
by the browser form and by the API alike — the form shows the error on the field, the API answers 400 naming it —
and nothing is created or changed."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import models
from django.utils import timezone

from accounts.models import Region
from scenarios.models import EvaluationCampaign, Scenario, Status, UsageMetric
from security.models import Assessment
from shequyun.validators import SaneDate
from tests.scenarios.factories import SCENARIO
from tests.security.factories import sec  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def _days(n: int) -> str:
    return (timezone.localdate() + dt.timedelta(days=n)).isoformat()


BAD_PERIODS = ["×øÄ\x82³\x7f", "2026Q5", "0080Q1", "2026", "2026q4"]
BAD_DUE_DATES = ["0080-06-16", "5274-02-28", "2001-01-01"]


@pytest.mark.parametrize("period", BAD_PERIODS)
def test_campaign_period_on_both_channels(client, api_client, actors, period):
    client.force_login(actors["reviewer"])
    response = client.post("/scenarios/evaluations/", {"period": period})
    assert "period" in response.context["form"].errors
    api_client.force_authenticate(actors["reviewer"])
    response = api_client.post("/api/v1/scenarios/campaigns/", {"period": period}, format="json")
    assert response.status_code == 400
    assert "period" in response.json()
    assert not EvaluationCampaign.objects.exists()


@pytest.mark.parametrize("due", [*BAD_DUE_DATES, "yesterday"])
def test_campaign_due_date_on_both_channels(client, api_client, actors, due):
    due = _days(-1) if due == "yesterday" else due
    client.force_login(actors["reviewer"])
    response = client.post("/scenarios/evaluations/", {"period": "2026Q4", "due_date": due})
    assert "due_date" in response.context["form"].errors
    api_client.force_authenticate(actors["reviewer"])
    response = api_client.post("/api/v1/scenarios/campaigns/", {"period": "2026Q4", "due_date": due}, format="json")
    assert response.status_code == 400
    assert "due_date" in response.json()
    assert not EvaluationCampaign.objects.exists()


def test_campaign_service_holds_the_rules_too(actors):
    from django.core.exceptions import ValidationError

    from scenarios.services.evaluations import campaign_open

    with pytest.raises(ValidationError) as caught:
        campaign_open(region=actors["reviewer"].region, period="junk", due_date=dt.date(80, 6, 16))
    assert set(caught.value.message_dict) == {"period", "due_date"}
    assert not EvaluationCampaign.objects.exists()


@pytest.mark.parametrize("day", ["0002-01-01", "9122-01-01", "1999-12-31", "tomorrow"])
def test_metric_dates_through_the_api(api_client, actors, make_scenario, day):
    scenario = make_scenario(Status.ONLINE)
    day = _days(1) if day == "tomorrow" else day
    api_client.force_authenticate(actors["applicant"])
    row = {"date": day, "active_users": 1, "visits": 1, "households_reached": 1}
    for payload in (row, [row]):
        response = api_client.post(f"/api/v1/scenarios/{scenario.pk}/metrics/", payload, format="json")
        assert response.status_code == 400, response.json()
        assert "date" in str(response.json())
    assert not UsageMetric.objects.exists()


def test_metric_in_the_future_is_refused_by_the_service_and_never_plotted(actors, make_scenario):
    from django.core.exceptions import ValidationError

    from scenarios.services.evaluations import metrics_push, participation

    scenario = make_scenario(Status.ONLINE)
    with pytest.raises(ValidationError) as caught:
        metrics_push(actor=actors["applicant"], scenario=scenario,
                     rows=[{"date": dt.date(2030, 1, 1), "active_users": 1, "visits": 1, "households_reached": 1}])
    assert "date" in caught.value.message_dict
    UsageMetric.objects.create(scenario=scenario, date=dt.date(2030, 1, 1), active_users=1, visits=1,
                               households_reached=1)  # a row from before the rule
    assert participation(scenario)["trend"] == []


@pytest.mark.parametrize("tested_on", ["2099-01-01", "tomorrow", "0080-06-16"])
def test_graded_protection_test_date_on_both_channels(client, api_client, sec, make_scenario, tested_on):  # noqa: F811
    scenario = make_scenario(Status.ONLINE)
    tested_on = _days(1) if tested_on == "tomorrow" else tested_on
    client.force_login(sec["street_so"])
    response = client.post("/security/assessments/new/", {"scenario": scenario.pk, "protection_level": 3,
                                                          "tested_on": tested_on})
    assert "tested_on" in response.context["form"].errors
    api_client.force_authenticate(sec["street_so"])
    response = api_client.post("/api/v1/security/assessments/", {"scenario": scenario.pk, "protection_level": 3,
                                                                 "tested_on": tested_on}, format="json")
    assert response.status_code == 400
    assert "tested_on" in response.json()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("phone", ["abc", "12", "021-555-abcd", "1" * 25])
def test_developer_phone_on_both_channels(client, api_client, actors, phone):
    client.force_login(actors["applicant"])
    response = client.post("/scenarios/new/", {**SCENARIO, "developer_phone": phone})
    assert "developer_phone" in response.context["form"].errors
    api_client.force_authenticate(actors["applicant"])
    response = api_client.post("/api/v1/scenarios/", {**SCENARIO, "developer_phone": phone}, format="json")
    assert response.status_code == 400
    assert "developer_phone" in response.json()
    assert not Scenario.objects.exists()


@pytest.mark.parametrize("phone", ["13800138000", "021-12345678", "02158880000",
                                   "+86 13800138000", "12345", "400-820-8820", "021-12345678转123"])
def test_developer_phone_accepts_real_numbers(phone):
    from shequyun.validators import phone_validator

    phone_validator(phone)


def test_households_never_exceed_population_on_both_channels(client, api_client, make_user):
    admin = make_user("dongming", roles=["account_admin"])
    village = Region.objects.get(code="310115015001")
    client.force_login(admin)
    response = client.post(f"/accounts/regions/{village.code}/", {"households": 5000, "population": 10})
    assert "households" in response.context["form"].errors
    api_client.force_authenticate(admin)
    response = api_client.patch(f"/api/v1/regions/{village.code}/", {"households": 5000, "population": 10},
                                format="json")
    assert response.status_code == 400
    assert "households" in response.json()
    village.refresh_from_db()
    assert (village.households, village.population) == (None, None)
    # a PATCH of one number is checked against the stored other
    assert api_client.patch(f"/api/v1/regions/{village.code}/", {"households": 10, "population": 30},
                            format="json").status_code == 200
    response = api_client.patch(f"/api/v1/regions/{village.code}/", {"households": 31}, format="json")
    assert response.status_code == 400
    assert "households" in response.json()


def test_every_date_column_refuses_absurd_years():
    from django.apps import apps

    missing = [f"{m._meta.label_lower}.{f.name}" for m in apps.get_models()
               if m.__module__.split(".")[0] in ("accounts", "scenarios", "content", "security", "dataassets", "shequyun")
               for f in m._meta.concrete_fields
               if type(f) is models.DateField and not any(isinstance(v, SaneDate) for v in f.validators)]
    assert not missing, f"DateFields without sane_date (shequyun/validators.py): {missing}"
