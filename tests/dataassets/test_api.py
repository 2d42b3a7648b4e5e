"""REST: answers conform to the declared OpenAPI response schemas; bad input answers 400 naming the field and saves
nothing; illegal actions answer 409; list endpoints keep a constant number of queries whatever the page size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from dataassets import services
from dataassets.models import Item, Objection, ResourceStatus, SharingRequest
from tests.openapi import assert_conforms

from .factories import ITEMS, RESOURCE, workbook

pytestmark = pytest.mark.django_db

R = "/api/v1/dataassets/resources/"


def test_every_answer_conforms_to_its_schema(api_client, da, make_resource, make_objection, make_sharing, make_issue):
    published = make_resource(ResourceStatus.PUBLISHED)
    draft = make_resource()
    objection = make_objection(resource=published)
    sharing = make_sharing(resource=published)
    issue = make_issue()
    api_client.force_authenticate(da["office"])
    for url in [R, f"{R}{published.pk}/", f"{R}{published.pk}/items/", f"{R}{published.pk}/versions/",
                f"{R}?q=姓名", "/api/v1/dataassets/objections/", f"/api/v1/dataassets/objections/{objection.pk}/",
                "/api/v1/dataassets/sharing-requests/", f"/api/v1/dataassets/sharing-requests/{sharing.pk}/",
                "/api/v1/dataassets/quality-issues/", f"/api/v1/dataassets/quality-issues/{issue.pk}/",
                "/api/v1/dataassets/quality-issues/scores/", f"/api/v1/dataassets/items/{draft.items.first().pk}/",
                f"{R}dcat/"]:
        response = api_client.get(url)
        assert response.status_code == 200, (url, response.content)
        assert_conforms(response)
    api_client.force_authenticate(da["steward"])
    created = api_client.post(R, {**RESOURCE, "code": "NEW-1"}, format="json")
    assert created.status_code == 201
    assert_conforms(created, "post")
    pk = created.json()["id"]
    for url, data, status in [
        (f"{R}{pk}/items/", ITEMS[0], 201),
        (f"{R}{pk}/submit/", {}, 200),
        (f"{R}{published.pk}/revise/", {}, 201),
        (f"{R}{published.pk}/report-update/", {}, 200),
    ]:
        response = api_client.post(url, data, format="json")
        assert response.status_code == status, (url, response.content)
        assert_conforms(response, "post")
    response = api_client.patch(f"{R}{draft.pk}/", {"name": "改名"}, format="json")
    assert_conforms(response, "patch")
    response = api_client.post(f"{R}{draft.pk}/items-import/", {
        "file": __import__("io").BytesIO(workbook([["t", "f", "字段", "date", "", "", "", "", ""]]))},
        format="multipart")
    assert response.status_code == 200
    assert_conforms(response, "post")
    api_client.force_authenticate(da["office"])
    for url, data in [(f"{R}{pk}/publish/", {}),
                      (f"/api/v1/dataassets/objections/{objection.pk}/mark/", {}),
                      (f"/api/v1/dataassets/objections/{objection.pk}/transfer/", {"responsible_org": da["provider"].pk}),
                      (f"/api/v1/dataassets/sharing-requests/{sharing.pk}/approve/",
                       {"expires_on": (timezone.localdate() + dt.timedelta(days=30)).isoformat()})]:
        response = api_client.post(url, data, format="json")
        assert response.status_code == 200, (url, response.content)
        assert_conforms(response, "post")
    api_client.force_authenticate(da["steward"])
    for url, data in [(f"/api/v1/dataassets/objections/{objection.pk}/decide/", {"decision": "correct", "result": "已改"}),
                      (f"/api/v1/dataassets/quality-issues/{issue.pk}/resolve/", {"comment": "已补充"})]:
        response = api_client.post(url, data, format="json")
        assert response.status_code == 200, (url, response.content)
        assert_conforms(response, "post")


@pytest.mark.parametrize(("url", "data", "field"), [
    (R, {**RESOURCE, "sharing_type": "bogus"}, "sharing_type"),
    (R, {**RESOURCE, "name": ""}, "name"),
    (R, {**RESOURCE, "code": "带 空格"}, "code"),
    ("/api/v1/dataassets/objections/", {"resource": 2_000_000_000, "kind": "error", "description": "x"}, "resource"),
    ("/api/v1/dataassets/objections/", {"resource": "x", "kind": "nope"}, "kind"),
    ("/api/v1/dataassets/sharing-requests/", {"resource": 1}, "scenario"),
])
def test_bad_input_names_the_field(api_client, da, url, data, field):
    api_client.force_authenticate(da["steward"])
    response = api_client.post(url, data, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()


def test_bad_input_on_actions(api_client, da, make_resource, make_objection, make_sharing):
    objection = make_objection()
    sharing = make_sharing()
    draft = make_resource(items=[])
    api_client.force_authenticate(da["office"])
    cases = [
        (f"/api/v1/dataassets/objections/{objection.pk}/transfer/", {"responsible_org": "x"}, "responsible_org"),
        (f"/api/v1/dataassets/sharing-requests/{sharing.pk}/approve/", {"expires_on": "tomorrow"}, "expires_on"),
        (f"/api/v1/dataassets/sharing-requests/{sharing.pk}/approve/", {"expires_on": "2020-01-01"}, "expires_on"),
        (f"/api/v1/dataassets/sharing-requests/{sharing.pk}/reject/", {}, "comment"),
    ]
    for url, data, field in cases:
        response = api_client.post(url, data, format="json")
        assert response.status_code == 400, (url, response.content)
        assert field in response.json(), (url, response.json())
    api_client.force_authenticate(da["steward"])
    response = api_client.post(f"{R}{draft.pk}/submit/", {}, format="json")
    assert response.status_code == 400
    assert "items" in response.json()
    response = api_client.post(f"{R}{draft.pk}/items-import/", {"file": __import__("io").BytesIO(b"\x00\x01binary")},
                               format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()
    response = api_client.get("/api/v1/dataassets/quality-issues/scores/?quarter=soon")
    assert response.status_code == 400
    assert "quarter" in response.json()
    assert not Item.objects.filter(resource=draft).exists()
    assert Objection.objects.get().status == "received"
    assert SharingRequest.objects.get().status == "submitted"


def test_illegal_actions_answer_409_and_stale_ones_too(api_client, da, make_resource):
    published = make_resource(ResourceStatus.PUBLISHED)
    api_client.force_authenticate(da["steward"])
    response = api_client.post(f"{R}{published.pk}/submit/", {}, format="json")
    assert response.status_code == 409
    assert response.json()["status"] == "published"
    response = api_client.patch(f"{R}{published.pk}/", {"name": "直接改"}, format="json")
    assert response.status_code == 409


def test_a_forbidden_action_on_a_visible_entry_is_403(api_client, da, make_resource):
    submitted = make_resource(ResourceStatus.SUBMITTED)
    api_client.force_authenticate(da["district_reviewer"])  # a reviewer, but not the data office
    assert api_client.post(f"{R}{submitted.pk}/publish/", {}, format="json").status_code == 403


def _bulk(da, n):
    for i in range(n):
        services.resource_create(actor=da["steward"], **{**RESOURCE, "code": f"BULK-{i}", "name": f"资源{i}"})


@pytest.mark.parametrize("url", [R, f"{R}?q=资源", "/api/v1/dataassets/objections/",
                                 "/api/v1/dataassets/sharing-requests/", "/api/v1/dataassets/quality-issues/"])
def test_list_endpoints_constant_in_queries(api_client, da, django_assert_max_num_queries, url):
    _bulk(da, 12)
    api_client.force_authenticate(da["office"])
    sep = "&" if "?" in url else "?"
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        assert api_client.get(f"{url}{sep}page_size=2").status_code == 200
    with CaptureQueriesContext(connection) as large:
        assert api_client.get(f"{url}{sep}page_size=50").status_code == 200
    assert len(large) == len(small)
    with django_assert_max_num_queries(12):
        api_client.get(f"{url}{sep}page_size=50")


def test_the_schema_documents_every_route():
    from tests.openapi import document

    paths = document()["paths"]
    for path in ["/api/v1/dataassets/resources/", "/api/v1/dataassets/resources/{id}/items/",
                 "/api/v1/dataassets/resources/{id}/versions/", "/api/v1/dataassets/resources/{id}/publish/",
                 "/api/v1/dataassets/resources/dcat/", "/api/v1/dataassets/sharing-requests/{id}/approve/",
                 "/api/v1/dataassets/objections/{id}/transfer/", "/api/v1/dataassets/quality-issues/scores/"]:
        assert path in paths, path
    dcat = paths["/api/v1/dataassets/resources/dcat/"]["get"]["responses"]["200"]["content"]
    assert "application/ld+json" in dcat
