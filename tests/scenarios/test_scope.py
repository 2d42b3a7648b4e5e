"""The generic scope contract (tests/scope.py) for every scenario endpoint and page."""

from __future__ import annotations

from accounts.models import Region
from accounts.roles import Role
from scenarios.models import Scenario
from scenarios.services import scenario_create
from tests.factories import OrganisationFactory
from tests.scope import OUTSIDE, ScopeContract

from .factories import SCENARIO


def outside_scenario(make_user):  # type: ignore[no-untyped-def]
    region = Region.objects.get(code=OUTSIDE)
    operator = make_user(OUTSIDE, roles=[Role.OPERATOR], organisation=OrganisationFactory(region=region))
    return scenario_create(actor=operator, region=region, **{**SCENARIO, "name": "杨浦的场景"})


class TestScenarioInventoryScope(ScopeContract):
    basename = "scenario"
    model = Scenario

    def make_viewer(self, make_user):  # type: ignore[no-untyped-def]
        return make_user("dongming", roles=[Role.OPERATOR])

    def make_inside(self, viewer):  # type: ignore[no-untyped-def]
        return scenario_create(actor=viewer, region=viewer.region, **SCENARIO)

    def make_outside(self, make_user):  # type: ignore[no-untyped-def]
        return outside_scenario(make_user)

    def forbidden(self, make_user, inside):  # type: ignore[no-untyped-def]
        auditor = make_user("dongming", roles=[Role.AUDITOR])  # sees the draft, may not submit it
        return auditor, "post", f"/api/v1/scenarios/applications/{inside.application.pk}/submit/", {}

    def create_outside(self, viewer, outside):  # type: ignore[no-untyped-def]
        return "post", "/api/v1/scenarios/", {**SCENARIO, "region": OUTSIDE}
