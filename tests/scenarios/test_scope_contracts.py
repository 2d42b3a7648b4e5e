"""The generic scope contract (tests/scope.py) for the application, campaign and evaluation endpoints and for
every scenario and evaluation page (the inventory viewset's contract is in test_scope.py).

Inside: 东明路街道 (浦东新区) with its district reviewer; outside: 控江路街道 (杨浦区, ``OUTSIDE``).
"""

from __future__ import annotations

import pytest

from accounts.models import Region
from accounts.roles import Role
from scenarios.models import Application, Evaluation, EvaluationCampaign, Scenario, Status
from scenarios.services import application_update
from scenarios.services.evaluations import campaign_open, evaluation_save
from tests.scope import MISSING_PK, ScopeContract

from .factories import pdf_upload
from .test_scope import outside_scenario

YANGPU = "310110000000"
PUDONG = "310115000000"


def outside_online_scenario(make_user) -> Scenario:  # type: ignore[no-untyped-def]
    scenario = outside_scenario(make_user)
    application_update(actor=scenario.created_by, scenario=scenario, risk_report=pdf_upload())
    Scenario.objects.filter(pk=scenario.pk).update(status=Status.ONLINE)  # the onboarding chain is not under test here
    return scenario


def outside_evaluation(make_user) -> Evaluation:  # type: ignore[no-untyped-def]
    scenario = outside_online_scenario(make_user)
    campaign_open(region=Region.objects.get(code=YANGPU), period="2026Q4")
    return Evaluation.objects.get(scenario=scenario)


class _Cast:
    """The scenario fixtures (tests/scenarios/factories.py) on the contract instance."""

    @pytest.fixture(autouse=True)
    def _cast(self, actors, make_scenario):  # type: ignore[no-untyped-def]
        self.actors = actors
        self.make_scenario = make_scenario


# --- API ------------------------------------------------------------------------------------------------------------

class TestApplicationApiScope(_Cast, ScopeContract):
    basename = "scenario-application"
    model = Application

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return self.actors["applicant"]

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return self.make_scenario(Status.DRAFT).application

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        scenario = outside_scenario(make_user)
        application_update(actor=scenario.created_by, scenario=scenario, risk_report=pdf_upload())
        return scenario.application

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        auditor = make_user("dongming", roles=[Role.AUDITOR])  # sees the draft, may not submit it
        return auditor, "post", f"/api/v1/scenarios/applications/{inside.pk}/submit/", {}


class TestCampaignApiScope(_Cast, ScopeContract):
    basename = "scenario-campaign"
    model = EvaluationCampaign

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return self.actors["reviewer"]

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return campaign_open(region=Region.objects.get(code=PUDONG), period="2026Q4")

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return campaign_open(region=Region.objects.get(code=YANGPU), period="2026Q4")

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("pudong", roles=[Role.STAFF])  # sees the district's campaigns, may not open one
        return staff, "post", "/api/v1/scenarios/campaigns/", {"period": "2027Q1", "due_date": "2027-03-30"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/scenarios/campaigns/", {"region": YANGPU, "period": "2027Q1", "due_date": "2027-03-30"}


class TestEvaluationApiScope(_Cast, ScopeContract):
    basename = "scenario-evaluation"
    model = Evaluation

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return self.actors["reviewer"]

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        scenario = self.make_scenario(Status.ONLINE)
        campaign_open(region=Region.objects.get(code=PUDONG), period="2026Q4")
        evaluation = Evaluation.objects.get(scenario=scenario)
        return evaluation_save(actor=viewer, evaluation=evaluation, evidence=pdf_upload("佐证材料.pdf"))

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return outside_evaluation(make_user)

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])  # sees the evaluation of its street, may not fill it
        return staff, "patch", f"/api/v1/scenarios/evaluations/{inside.pk}/", {"mechanism_score": 80}


# --- pages ----------------------------------------------------------------------------------------------------------

class TestScenarioPagesScope(_Cast, ScopeContract):
    pages = {"scenarios:detail": {}, "scenarios:edit": {}, "scenarios:review": {}, "scenarios:report": {},
             "scenarios:report_preview": {}, "scenarios:act": {"action": "submit"}}
    list_page = "scenarios:inventory"
    model = Scenario

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return self.actors["applicant"]

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return self.make_scenario(Status.DRAFT)

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        scenario = outside_scenario(make_user)
        application_update(actor=scenario.created_by, scenario=scenario, risk_report=pdf_upload())
        return scenario

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        auditor = make_user("dongming", roles=[Role.AUDITOR])  # reads the draft, may not edit it
        return auditor, "get", f"/scenarios/{inside.pk}/edit/", {}


class TestEvaluationPagesScope(TestEvaluationApiScope):
    basename = ""
    pages = {"scenarios:evaluation": {}, "scenarios:evaluation_evidence": {}, "scenarios:evaluation_return": {}}
    list_page = "scenarios:evaluations"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return None  # the page shows a read-only form to onlookers; the API's 403 is checked above


# --- the public inventory -------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_public_inventory_shows_online_scenarios_only(api_client, make_user, make_scenario):
    """``scenario-public`` is unscoped by design (the published inventory of online scenarios city-wide, listed in
    NOT_SCOPED): a scenario that is not online outside the caller's subtree answers 404 like a missing id; an
    online one answers 200 wherever it is; anonymous callers get 401."""
    draft_outside = outside_scenario(make_user)
    online_outside = outside_online_scenario(make_user)
    online_inside = make_scenario(Status.ONLINE)
    url = "/api/v1/scenarios/public/"
    assert api_client.get(f"{url}{online_inside.pk}/").status_code == 401
    api_client.force_authenticate(make_user("dongming", roles=[Role.OPERATOR]))
    missing = api_client.get(f"{url}{MISSING_PK}/")
    refused = api_client.get(f"{url}{draft_outside.pk}/")
    assert refused.status_code == missing.status_code == 404
    assert refused.json() == missing.json()
    assert api_client.get(f"{url}{online_outside.pk}/").status_code == 200
    assert api_client.get(f"{url}{online_inside.pk}/").status_code == 200
    listed = {row["id"] for row in api_client.get(url, {"page_size": 200}).json()["results"]}
    assert {online_inside.pk, online_outside.pk} <= listed
    assert draft_outside.pk not in listed
