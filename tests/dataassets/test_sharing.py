"""Sharing requests for authorised-sharing resources: a named online scenario and a purpose, reviewed by the data
office, granted with an expiry as an explicit object grant (shequyun/grants.py), ended by an idempotent task that
tells the requester. The grant is tested as a matrix: who reads the items, before, during and after the grant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Region
from accounts.roles import Role
from dataassets import services
from dataassets.models import ResourceStatus, SharingRequest, SharingStatus
from scenarios.models import Status
from shequyun import grants
from shequyun.models import AuditEvent, AuditEventType
from shequyun.notifications.models import Notification
from tests.factories import OrganisationFactory
from tests.scope import OUTSIDE

pytestmark = pytest.mark.django_db

PHASES = ["none", "submitted", "granted", "expired"]
# who → expected GET /items/ status in each phase (404: cannot even see the entry)
MATRIX = {
    "requester": {"none": 403, "submitted": 403, "granted": 200, "expired": 403},
    "colleague": {"none": 403, "submitted": 403, "granted": 403, "expired": 403},  # grants are per person
    "provider": {"none": 200, "submitted": 200, "granted": 200, "expired": 200},  # the provider's subtree
    "district_office": {"none": 200, "submitted": 200, "granted": 200, "expired": 200},
    "outsider": {"none": 404, "submitted": 404, "granted": 404, "expired": 404},  # other district: not its catalogue
}


@pytest.fixture
def cast(da, actors, make_user):
    requester = actors["other_street"]  # 花木街道: outside 东明路's subtree, inside 浦东's supplementary catalogue
    return {
        "requester": requester,
        "colleague": make_user("huamu", roles=[Role.OPERATOR], organisation=requester.organisation),
        "provider": da["steward"],
        "district_office": da["office"],
        "outsider": make_user(OUTSIDE, roles=[Role.DATA_STEWARD],
                              organisation=OrganisationFactory(region=Region.objects.get(code=OUTSIDE))),
    }


@pytest.mark.parametrize("phase", PHASES)
def test_grant_matrix(api_client, da, cast, make_resource, make_scenario, actors, clock, phase):
    resource = make_resource(ResourceStatus.PUBLISHED)
    scenario = make_scenario(Status.ONLINE, applicant=actors["other_street"], name="花木街道为老服务")
    if phase != "none":
        request = services.sharing_request_create(actor=cast["requester"], resource=resource, scenario_id=scenario.pk,
                                                  purpose="上门服务核验")
    if phase in ("granted", "expired"):
        services.sharing_approve(actor=da["office"], request=request,
                                 expires_on=timezone.localdate() + dt.timedelta(days=30))
    if phase == "expired":
        clock.move_to(timezone.now() + dt.timedelta(days=32))
        assert services.sharing_expire_due() == 1
    for who, expected in MATRIX.items():
        api_client.force_authenticate(cast[who])
        status = api_client.get(f"/api/v1/dataassets/resources/{resource.pk}/items/").status_code
        assert status == expected[phase], (who, phase, status)
    holders = set(grants.grant_holders("dataassets.access_resource", resource))
    assert holders == ({cast["requester"]} if phase == "granted" else set())


def test_the_request_names_an_online_scenario_and_a_purpose(api_client, da, actors, make_resource, make_scenario):
    resource = make_resource(ResourceStatus.PUBLISHED)
    draft = make_scenario(Status.DRAFT, applicant=actors["other_street"], name="草稿场景")
    api_client.force_authenticate(actors["other_street"])
    url = "/api/v1/dataassets/sharing-requests/"
    response = api_client.post(url, {"resource": resource.pk, "scenario": draft.pk, "purpose": "核验"}, format="json")
    assert response.status_code == 400
    assert "scenario" in response.json()
    online = make_scenario(Status.ONLINE, applicant=actors["other_street"], name="运行场景")
    response = api_client.post(url, {"resource": resource.pk, "scenario": online.pk, "purpose": ""}, format="json")
    assert response.status_code == 400
    assert "purpose" in response.json()
    response = api_client.post(url, {"resource": resource.pk, "scenario": online.pk, "purpose": "核验"}, format="json")
    assert response.status_code == 201, response.content
    again = api_client.post(url, {"resource": resource.pk, "scenario": online.pk, "purpose": "核验"}, format="json")
    assert again.status_code == 400
    assert "resource" in again.json()
    assert SharingRequest.objects.count() == 1


def test_only_authorised_sharing_resources_are_requested(api_client, actors, make_resource, make_scenario):
    open_data = make_resource(ResourceStatus.PUBLISHED, sharing_type="unconditional", open_type="non_open")
    online = make_scenario(Status.ONLINE, applicant=actors["other_street"], name="运行场景")
    api_client.force_authenticate(actors["other_street"])
    response = api_client.post("/api/v1/dataassets/sharing-requests/",
                               {"resource": open_data.pk, "scenario": online.pk, "purpose": "核验"}, format="json")
    assert response.status_code == 400
    assert "resource" in response.json()


def test_expiry_is_validated_and_the_grant_is_audited(make_sharing, da):
    request = make_sharing()
    for bad in (None, timezone.localdate(), timezone.localdate() + dt.timedelta(days=400)):
        with pytest.raises(ValidationError) as excinfo:
            services.sharing_approve(actor=da["office"], request=request, expires_on=bad)
        assert "expires_on" in excinfo.value.message_dict
    granted = services.sharing_approve(actor=da["office"], request=request,
                                       expires_on=timezone.localdate() + dt.timedelta(days=90))
    assert granted.status == SharingStatus.GRANTED
    assert AuditEvent.objects.filter(event_type=AuditEventType.GRANT_ADDED, target_id=str(granted.resource_id),
                                     extra__grantee=granted.requester.username).exists()


def test_expiry_task_twice_ends_once_and_tells_the_requester(make_sharing, da, clock,
                                                            django_capture_on_commit_callbacks):
    from dataassets.tasks import expire_sharing_grants

    request = make_sharing(SharingStatus.GRANTED)
    assert expire_sharing_grants.delay().get() == 0  # not yet
    clock.move_to(dt.datetime.combine(request.expires_on + dt.timedelta(days=1), dt.time(0, 20),
                                      tzinfo=timezone.get_current_timezone()))
    with django_capture_on_commit_callbacks(execute=True):
        assert expire_sharing_grants.delay().get() == 1
        assert expire_sharing_grants.delay().get() == 0
    request.refresh_from_db()
    assert request.status == SharingStatus.EXPIRED
    assert not grants.has_grant(request.requester, "dataassets.access_resource", request.resource)
    told = Notification.objects.filter(recipient=request.requester, dedupe_key=f"sharing-{request.pk}-expire")
    assert told.count() == 1
    assert AuditEvent.objects.filter(event_type=AuditEventType.GRANT_REMOVED).count() == 1


def test_another_live_grant_keeps_access_when_one_expires(make_sharing, make_scenario, da, clock):
    first = make_sharing(SharingStatus.GRANTED)
    second = services.sharing_request_create(actor=first.requester, resource=first.resource,
                                             scenario_id=first.scenario_id, purpose="另一用途")
    services.sharing_approve(actor=da["office"], request=second, expires_on=first.expires_on + dt.timedelta(days=60))
    assert services.sharing_expire_due(today=first.expires_on + dt.timedelta(days=1)) == 1
    assert grants.has_grant(first.requester, "dataassets.access_resource", first.resource)
