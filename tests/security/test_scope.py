"""The generic scope contract (tests/scope.py) for every security endpoint and page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import Region
from accounts.roles import Role
from scenarios.models import Scenario
from scenarios.services import scenario_create
from security import services
from security.models import Assessment, ConfidentialityAgreement, Drill, EmergencyPlan, Incident, Training
from tests.factories import OrganisationFactory
from tests.scenarios.factories import SCENARIO
from tests.scope import OUTSIDE, ScopeContract

from .factories import INCIDENT, PLAN, times


def _outside_officer(make_user):  # type: ignore[no-untyped-def]
    region = Region.objects.get(code=OUTSIDE)
    return make_user(OUTSIDE, roles=[Role.SECURITY_OFFICER, Role.OPERATOR],
                     organisation=OrganisationFactory(region=region))


def _scenario(actor) -> Scenario:  # type: ignore[no-untyped-def]
    applicant = actor
    return scenario_create(actor=applicant, region=applicant.region, **{**SCENARIO, "name": f"{actor.region.name}的场景"})


def _plan(officer, make_user) -> EmergencyPlan:  # type: ignore[no-untyped-def]
    plan = services.plan_create(actor=officer, region=officer.region, title=f"{officer.region.name}应急预案",
                                team=[{"user": officer, "duty": "指挥"}], **PLAN)
    approver = make_user(officer.region.code, roles=[Role.REVIEWER])
    services.plan_transition(actor=approver, version=plan.versions.get(), action="approve")
    services.plan_transition(actor=officer, version=plan.versions.get(), action="activate")
    return plan


class OfficerViewer:
    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.SECURITY_OFFICER, Role.OPERATOR])


class TestIncidentScope(OfficerViewer, ScopeContract):
    basename = "security-incident"
    model = Incident

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.incident_report(actor=viewer, **INCIDENT, **times())

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return services.incident_report(actor=_outside_officer(make_user), **INCIDENT, **times())

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])  # sees it, is not a security officer
        return staff, "post", f"/api/v1/security/incidents/{inside.pk}/acknowledge/", {}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/security/incidents/", {**INCIDENT, **{k: v.isoformat() for k, v in times().items()},
                                                        "region": OUTSIDE}


class TestIncidentPagesScope(TestIncidentScope):
    basename = ""
    pages = {"security:incident": {}, "security:incident_review": {}, "security:incident_act": {"action": "respond"}}
    list_page = "security:incidents"

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/security/incidents/new/", {**INCIDENT, "started_at": "2026-11-18T08:00",
                                                    "detected_at": "2026-11-18T09:00", "kind": "incident",
                                                    "scenario": str(_scenario_outside_pk())}

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])
        return staff, "get", f"/security/incidents/{inside.pk}/review/", {}


def _scenario_outside_pk() -> int:
    return Scenario.objects.filter(region__code=OUTSIDE).values_list("pk", flat=True).first() or 2_000_000_000


class TestPlanScope(OfficerViewer, ScopeContract):
    basename = "security-plan"
    model = EmergencyPlan

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        from tests.factories import UserFactory

        approver = UserFactory(organisation=viewer.organisation, region=viewer.region, roles=[Role.REVIEWER])
        plan = services.plan_create(actor=viewer, region=viewer.region, title="东明路街道应急预案",
                                    team=[{"user": viewer, "duty": "指挥"}], **PLAN)
        services.plan_transition(actor=approver, version=plan.versions.get(), action="approve")
        return plan

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return _plan(_outside_officer(make_user), make_user)

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        staff = make_user("dongming", roles=[Role.STAFF])
        return staff, "post", f"/api/v1/security/plans/{inside.pk}/activate/", {}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/security/plans/", {"title": "越权预案", "region": OUTSIDE}


class TestPlanPagesScope(TestPlanScope):
    basename = ""
    pages = {"security:plan": {}, "security:plan_edit": {}, "security:plan_diff": {},
             "security:plan_act": {"action": "approve"}}
    list_page = "security:plans"

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.plan_create(actor=viewer, region=viewer.region, title="东明路街道应急预案",
                                    team=[{"user": viewer, "duty": "指挥"}], **PLAN)

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF]), "get", f"/security/plans/{inside.pk}/edit/", {}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return None


class TestDrillScope(OfficerViewer, ScopeContract):
    basename = "security-drill"
    model = Drill

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        from tests.factories import UserFactory

        approver = UserFactory(organisation=viewer.organisation, region=viewer.region, roles=[Role.REVIEWER])
        plan = services.plan_create(actor=viewer, region=viewer.region, title="东明路街道应急预案",
                                    team=[{"user": viewer, "duty": "指挥"}], **PLAN)
        services.plan_transition(actor=approver, version=plan.versions.get(), action="approve")
        return services.drill_create(actor=viewer, region=viewer.region, plan_version=plan.versions.get(),
                                     title="演练", planned_on=timezone.localdate() + dt.timedelta(days=3))

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        officer = _outside_officer(make_user)
        plan = _plan(officer, make_user)
        return services.drill_create(actor=officer, region=officer.region, plan_version=plan.versions.get(),
                                     title="杨浦演练", planned_on=timezone.localdate())

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF]), "post", f"/api/v1/security/drills/{inside.pk}/cancel/", {
            "comment": "x"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/security/drills/", {"title": "越权", "region": OUTSIDE,
                                                    "plan_version": outside.plan_version_id,
                                                    "planned_on": timezone.localdate().isoformat()}


class TestDrillPagesScope(TestDrillScope):
    basename = ""
    pages = {"security:drill": {}, "security:drill_complete": {}, "security:drill_act": {"action": "cancel"}}
    list_page = "security:drills"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return None

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/security/drills/new/", {"title": "越权", "plan_version": outside.plan_version_id,
                                                 "planned_on": timezone.localdate().isoformat()}


class TestTrainingScope(OfficerViewer, ScopeContract):
    basename = "security-training"
    model = Training

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.training_create(actor=viewer, region=viewer.region, topic="等保政策解读",
                                        held_on=timezone.localdate(), participants=[viewer.pk])

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        officer = _outside_officer(make_user)
        return services.training_create(actor=officer, region=officer.region, topic="杨浦培训",
                                        held_on=timezone.localdate(), participants=[officer.pk])

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/security/trainings/", {"topic": "越权", "region": OUTSIDE,
                                                       "held_on": timezone.localdate().isoformat(),
                                                       "participants": [viewer.pk]}


class TestTrainingPagesScope(TestTrainingScope):
    basename = ""
    pages = {"security:training": {}}
    list_page = "security:trainings"

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/security/trainings/new/", {"topic": "越权", "held_on": timezone.localdate().isoformat(),
                                                    "participants": [str(outside.participants.first().pk)]}


class TestAssessmentScope(OfficerViewer, ScopeContract):
    basename = "security-assessment"
    model = Assessment

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.assessment_save(actor=viewer, scenario=_scenario(viewer), protection_level=2,
                                        tested_on=timezone.localdate())

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        officer = _outside_officer(make_user)
        return services.assessment_save(actor=officer, scenario=_scenario(officer), protection_level=3,
                                        tested_on=timezone.localdate())

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF]), "patch", f"/api/v1/security/assessments/{inside.pk}/", {
            "protection_level": 4}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        scenario = Scenario.objects.filter(region__code=OUTSIDE).exclude(assessment__isnull=False).first() or outside.scenario
        return "post", "/api/v1/security/assessments/", {"scenario": scenario.pk, "protection_level": 2}


class TestAssessmentPagesScope(TestAssessmentScope):
    basename = ""
    pages = {"security:assessment": {}}
    list_page = "security:assessments"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF]), "post", f"/security/assessments/{inside.pk}/", {
            "protection_level": "4"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/security/assessments/new/", {"scenario": outside.scenario_id, "protection_level": "2"}


class TestAgreementScope(OfficerViewer, ScopeContract):
    basename = "security-agreement"
    model = ConfidentialityAgreement

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return services.agreement_save(actor=viewer, scenario=_scenario(viewer), signatory="李工",
                                       signed_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1))

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        officer = _outside_officer(make_user)
        return services.agreement_save(actor=officer, scenario=_scenario(officer), signatory="王工",
                                       signed_on=dt.date(2026, 1, 1), expires_on=dt.date(2027, 1, 1))

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF]), "patch", f"/api/v1/security/agreements/{inside.pk}/", {
            "signatory": "张三"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/security/agreements/", {"scenario": outside.scenario_id, "signatory": "x",
                                                        "signed_on": "2026-01-01", "expires_on": "2027-01-01"}


class TestAgreementPagesScope(TestAgreementScope):
    basename = ""
    pages = {"security:agreement": {}}
    list_page = "security:agreements"

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.STAFF]), "post", f"/security/agreements/{inside.pk}/", {
            "signatory": "张三"}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/security/agreements/new/", {"scenario": outside.scenario_id, "vendor_name": "x",
                                                     "vendor_credit_code": "91310115MA1H7ABC0Q", "signatory": "x",
                                                     "signed_on": "2026-01-01", "expires_on": "2027-01-01"}


@pytest.mark.django_db
def test_scope_fixtures_are_distinct(make_user, regions):
    assert Region.objects.get(code=OUTSIDE).path.startswith("310000000000/310110000000/")
