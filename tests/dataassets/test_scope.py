"""The generic scope contract (tests/scope.py) for every data-assets viewset and every page about one object."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from accounts.models import OrganisationKind, Region
from accounts.roles import Role
from dataassets import services
from dataassets.models import Item, Objection, QualityIssue, Resource, SharingRequest
from scenarios.services import application_update, scenario_create, scenario_transition
from tests.factories import OrganisationFactory
from tests.scenarios.factories import SCENARIO, pdf_upload
from tests.scope import OUTSIDE, ScopeContract

from .factories import ITEMS, RESOURCE

YANGPU = "310110000000"


def _yangpu(make_user):
    street = Region.objects.get(code=OUTSIDE)
    steward = make_user(OUTSIDE, roles=[Role.DATA_STEWARD, Role.OPERATOR],
                        organisation=OrganisationFactory(region=street, name="控江路街道城运中心"))
    office = make_user(YANGPU, roles=[Role.DATA_STEWARD, Role.REVIEWER],
                       organisation=OrganisationFactory(region=Region.objects.get(code=YANGPU), name="杨浦区大数据中心",
                                                        kind=OrganisationKind.OPERATIONS_OFFICE))
    return steward, office


def outside_resource(make_user, *, published: bool = False) -> Resource:
    steward, office = _yangpu(make_user)
    resource = services.resource_create(actor=steward, **{**RESOURCE, "code": "YP-1", "name": "杨浦的数据"})
    for item in ITEMS:
        services.item_add(actor=steward, resource=resource, **item)
    if published:
        services.resource_transition(actor=steward, resource=resource, action="submit")
        resource = services.resource_transition(actor=office, resource=resource, action="publish")
    return resource


def _online_scenario(user):
    scenario = scenario_create(actor=user, region=user.region, **{**SCENARIO, "name": "杨浦场景"})
    application_update(actor=user, scenario=scenario, risk_report=pdf_upload())
    return scenario


def outside_sharing(make_user) -> SharingRequest:
    resource = outside_resource(make_user, published=True)
    street = Region.objects.get(code=OUTSIDE)
    requester = make_user(OUTSIDE, roles=[Role.OPERATOR], organisation=OrganisationFactory(region=street, name="控江路街道办"))
    scenario = _online_scenario(requester)
    from scenarios.models import Scenario, Status

    Scenario.objects.filter(pk=scenario.pk).update(status=Status.ONLINE)  # the onboarding chain is not under test here
    assert scenario_transition  # (imported for symmetry with the scenarios tests)
    return services.sharing_request_create(actor=requester, resource=resource, scenario_id=scenario.pk, purpose="核验")


def outside_objection(make_user) -> Objection:
    resource = outside_resource(make_user, published=True)
    filer = make_user(OUTSIDE, organisation=OrganisationFactory(region=Region.objects.get(code=OUTSIDE), name="某居委"))
    return services.objection_file(actor=filer, resource=resource, kind="error", description="错误")


def outside_issue(make_user) -> QualityIssue:
    resource = outside_resource(make_user, published=True)
    Resource.objects.filter(pk=resource.pk).update(description="")
    services.quality_check()
    return QualityIssue.objects.get(resource=resource)


# --- API ------------------------------------------------------------------------------------------------------------

class TestResourceApiScope(ScopeContract):
    basename = "dataassets-resource"
    model = Resource

    @pytest.fixture(autouse=True)
    def _cast(self, da):
        self.da = da

    def make_viewer(self, make_user):
        return self.da["steward"]

    def make_inside(self, viewer):
        resource = services.resource_create(actor=viewer, **RESOURCE)
        services.item_add(actor=viewer, resource=resource, **ITEMS[0])
        return resource

    def make_outside(self, make_user):
        return outside_resource(make_user)

    def forbidden(self, make_user, inside):
        return self.da["staff"], "post", f"/api/v1/dataassets/resources/{inside.pk}/submit/", {}


class TestItemApiScope(ScopeContract):
    basename = "dataassets-item"
    model = Item

    @pytest.fixture(autouse=True)
    def _cast(self, da):
        self.da = da

    def make_viewer(self, make_user):
        return self.da["steward"]

    def make_inside(self, viewer):
        resource = services.resource_create(actor=viewer, **RESOURCE)
        return services.item_add(actor=viewer, resource=resource, **ITEMS[0])

    def make_outside(self, make_user):
        return outside_resource(make_user).items.first()

    def forbidden(self, make_user, inside):
        return self.da["staff"], "delete", f"/api/v1/dataassets/items/{inside.pk}/", {}


class TestSharingApiScope(ScopeContract):
    basename = "dataassets-sharing"
    model = SharingRequest

    @pytest.fixture(autouse=True)
    def _cast(self, da, make_sharing):
        self.da = da
        self.make_sharing = make_sharing

    def make_viewer(self, make_user):
        return self.da["office"]

    def make_inside(self, viewer):
        return self.make_sharing()

    def make_outside(self, make_user):
        return outside_sharing(make_user)

    def forbidden(self, make_user, inside):
        return self.da["steward"], "post", f"/api/v1/dataassets/sharing-requests/{inside.pk}/approve/", {
            "expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()}

    def create_outside(self, viewer, outside):
        return "post", "/api/v1/dataassets/sharing-requests/", {"resource": outside.resource_id, "scenario": 1,
                                                                "purpose": "核验"}


class TestObjectionApiScope(ScopeContract):
    basename = "dataassets-objection"
    model = Objection

    @pytest.fixture(autouse=True)
    def _cast(self, da, make_objection):
        self.da = da
        self.make_objection = make_objection

    def make_viewer(self, make_user):
        return self.da["office"]

    def make_inside(self, viewer):
        return self.make_objection()

    def make_outside(self, make_user):
        return outside_objection(make_user)

    def forbidden(self, make_user, inside):
        return self.da["steward"], "post", f"/api/v1/dataassets/objections/{inside.pk}/mark/", {}

    def create_outside(self, viewer, outside):
        return "post", "/api/v1/dataassets/objections/", {"resource": outside.resource_id, "kind": "error",
                                                          "description": "错"}


class TestQualityApiScope(ScopeContract):
    basename = "dataassets-quality"
    model = QualityIssue

    @pytest.fixture(autouse=True)
    def _cast(self, da, make_issue):
        self.da = da
        self.make_issue = make_issue

    def make_viewer(self, make_user):
        return self.da["office"]

    def make_inside(self, viewer):
        return self.make_issue()

    def make_outside(self, make_user):
        return outside_issue(make_user)

    def forbidden(self, make_user, inside):
        return self.da["office"], "post", f"/api/v1/dataassets/quality-issues/{inside.pk}/resolve/", {"comment": "x"}


# --- pages ----------------------------------------------------------------------------------------------------------

class TestDraftResourcePagesScope(TestResourceApiScope):
    basename = ""
    pages = {"dataassets:detail": {}, "dataassets:edit": {}, "dataassets:items": {},
             "dataassets:act": {"action": "submit"}, "dataassets:item_delete": {"item_id": 1}}
    list_page = "dataassets:catalogue"

    def forbidden(self, make_user, inside):
        return self.da["staff"], "get", f"/dataassets/{inside.pk}/edit/", {}


class TestPublishedResourcePagesScope(ScopeContract):
    pages = {"dataassets:objection_new": {}, "dataassets:sharing_new": {}, "dataassets:revise": {},
             "dataassets:report_update": {}}
    model = Resource

    @pytest.fixture(autouse=True)
    def _cast(self, da, make_resource):
        self.da = da
        self.make_resource = make_resource

    def make_viewer(self, make_user):
        return self.da["staff"]  # another unit of the same street: may object and ask for sharing

    def make_inside(self, viewer):
        return self.make_resource("published")

    def make_outside(self, make_user):
        return outside_resource(make_user, published=True)

    def forbidden(self, make_user, inside):
        return self.da["staff"], "post", f"/dataassets/{inside.pk}/revise/", {}


class TestObjectionPagesScope(TestObjectionApiScope):
    basename = ""
    pages = {"dataassets:objection": {}, "dataassets:objection_act": {"action": "mark"}}
    list_page = "dataassets:objections"

    def create_outside(self, viewer, outside):
        return "post", f"/dataassets/{outside.resource_id}/objections/new/", {"kind": "error", "description": "错"}

    def forbidden(self, make_user, inside):
        return None  # a refused action on a page is a message, not a 403 (the API test covers 403)


class TestSharingPagesScope(TestSharingApiScope):
    basename = ""
    pages = {"dataassets:sharing": {}, "dataassets:sharing_act": {"action": "approve"}}
    list_page = "dataassets:sharing_list"

    def create_outside(self, viewer, outside):
        return "post", f"/dataassets/{outside.resource_id}/sharing/new/", {"scenario": 1, "purpose": "核验"}

    def forbidden(self, make_user, inside):
        return None


class TestQualityPagesScope(TestQualityApiScope):
    basename = ""
    pages = {"dataassets:quality_issue": {}, "dataassets:quality_act": {"action": "resolve"}}
    list_page = "dataassets:quality"

    def forbidden(self, make_user, inside):
        return None
