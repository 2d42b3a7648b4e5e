"""REST for scenarios: inventory, public inventory, applications and actions (400/403/404/409)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scenarios.models import Scenario, Status
from tests.scenarios.factories import PDF, SCENARIO


def _as(api_client, user):
    api_client.force_authenticate(user)
    return api_client


@pytest.mark.django_db
def test_full_onboarding_through_the_api(api_client, actors):
    c = _as(api_client, actors["applicant"])
    payload = {k: v for k, v in SCENARIO.items()}
    created = c.post("/api/v1/scenarios/", payload, format="json")
    assert created.status_code == 201, created.json()
    scenario_id = created.json()["id"]
    assert created.json()["region"] == "310115015000"
    application_id = Scenario.objects.get(pk=scenario_id).application.pk
    refused = c.post(f"/api/v1/scenarios/applications/{application_id}/submit/")
    assert refused.status_code == 400
    assert "risk_report" in refused.json()

    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = c.patch(f"/api/v1/scenarios/applications/{application_id}/",
                     {"risk_report": SimpleUploadedFile("r.pdf", PDF)}, format="multipart")
    assert upload.status_code == 200, upload.json()
    assert upload.json()["risk_report"]["type"] == "pdf"
    assert c.post(f"/api/v1/scenarios/applications/{application_id}/submit/").json()["status"] == "submitted"

    c = _as(api_client, actors["reviewer"])
    assert c.post(f"/api/v1/scenarios/applications/{application_id}/return/", {"comment": ""}).status_code == 400
    assert c.post(f"/api/v1/scenarios/applications/{application_id}/return/", {"comment": "请补充运行机制"}).json()[
        "status"] == "draft"
    c = _as(api_client, actors["applicant"])
    c.patch(f"/api/v1/scenarios/applications/{application_id}/", {"operating_mechanism": "补充后的运行机制"}, format="json")
    c.post(f"/api/v1/scenarios/applications/{application_id}/submit/")
    c = _as(api_client, actors["reviewer"])
    assert c.post(f"/api/v1/scenarios/applications/{application_id}/approve/").json()["status"] == "approved"
    stale = c.post(f"/api/v1/scenarios/applications/{application_id}/approve/")
    assert stale.status_code == 409
    assert stale.json()["status"] == "approved"
    c = _as(api_client, actors["city_ops"])
    assert c.post(f"/api/v1/scenarios/applications/{application_id}/file/").json()["status"] == "filed"
    c = _as(api_client, actors["applicant"])
    detail = c.post(f"/api/v1/scenarios/{scenario_id}/go-online/").json()
    assert detail["status"] == "online"
    assert [e["action"] for e in detail["history"]] == ["submit", "return", "submit", "approve", "file", "go_online"]
    assert detail["history"][1]["comment"] == "请补充运行机制"


@pytest.mark.django_db
def test_scope_404_forbidden_403(api_client, make_scenario, actors):
    scenario = make_scenario(Status.SUBMITTED)
    c = _as(api_client, actors["other_street"])  # sibling street: invisible
    assert c.get(f"/api/v1/scenarios/{scenario.pk}/").status_code == 404
    assert c.post(f"/api/v1/scenarios/applications/{scenario.application.pk}/approve/").status_code == 404
    c = _as(api_client, actors["applicant"])  # visible but not the reviewer
    assert c.post(f"/api/v1/scenarios/applications/{scenario.application.pk}/approve/").status_code == 403
    assert c.get(f"/api/v1/scenarios/applications/{scenario.application.pk}/report/").status_code == 200
    c = _as(api_client, actors["other_street"])
    assert c.get(f"/api/v1/scenarios/applications/{scenario.application.pk}/report/").status_code == 404


@pytest.mark.django_db
def test_public_inventory_is_readable_across_regions_without_personal_data(api_client, make_scenario, actors):
    online = make_scenario(Status.ONLINE)
    make_scenario(Status.SUBMITTED, name="未上线的场景")
    body = _as(api_client, actors["other_street"]).get("/api/v1/scenarios/public/").json()
    assert [r["id"] for r in body["results"]] == [online.pk]
    assert "responsible_person" not in body["results"][0]
    assert body["results"][0]["region_path"] == "上海市 / 浦东新区 / 东明路街道"
    api_client.force_authenticate(None)
    assert api_client.get("/api/v1/scenarios/public/").status_code == 401


@pytest.mark.django_db
def test_inventory_filters_and_search(api_client, make_scenario, actors):
    make_scenario(Status.ONLINE)
    make_scenario(Status.DRAFT, name="居民议事厅", category="self_governance", developer_name="另一家公司",
                  function_summary="居民线上议事协商")
    c = _as(api_client, actors["reviewer"])
    get = lambda q: c.get(f"/api/v1/scenarios/?{q}").json()  # noqa: E731
    assert get("status=online")["count"] == 1
    assert get("category=self_governance")["count"] == 1
    assert get("developer=另一家")["count"] == 1
    assert get("level=street")["count"] == 2
    assert get("region=310115015000")["count"] == 2
    assert get("region=310101000000")["count"] == 0
    assert get("search=议事")["count"] == 1
    assert get("ordering=name")["count"] == 2
    assert c.get("/api/v1/scenarios/?status=flying").status_code == 400


@pytest.mark.django_db
def test_inventory_list_queries_are_constant(api_client, make_scenario, actors):
    for i in range(8):
        make_scenario(Status.ONLINE, name=f"场景{i}")
    c = _as(api_client, actors["city_ops"])
    counts = []
    for size in (2, 8):
        with CaptureQueriesContext(connection) as ctx:
            assert len(c.get(f"/api/v1/scenarios/?page_size={size}").json()["results"]) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts


@pytest.mark.django_db
def test_merge_and_disconnect(api_client, make_scenario, actors):
    survivor = make_scenario(Status.ONLINE, name="养老服务总入口")
    duplicate = make_scenario(Status.ONLINE)
    c = _as(api_client, actors["reviewer"])
    assert c.post(f"/api/v1/scenarios/{duplicate.pk}/merge/", {"into": 999999, "comment": "重复"}).status_code == 400
    merged = c.post(f"/api/v1/scenarios/{duplicate.pk}/merge/", {"into": survivor.pk, "comment": "功能重复"}).json()
    assert merged["status"] == "offline"
    assert merged["merged_into"] == survivor.pk
    c = _as(api_client, actors["applicant"])
    assert c.post(f"/api/v1/scenarios/{survivor.pk}/disconnect/", {"comment": "x"}).status_code == 403
    c = _as(api_client, actors["city_ops"])
    assert c.post(f"/api/v1/scenarios/{survivor.pk}/disconnect/", {"comment": ""}).status_code == 400
    assert c.post(f"/api/v1/scenarios/{survivor.pk}/disconnect/", {"comment": "数据泄露风险"}).json()["status"] == "disconnected"
    assert c.post(f"/api/v1/scenarios/{survivor.pk}/reconnect/", {"comment": "已处置"}).json()["status"] == "online"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [({"name": ""}, "name"), ({"category": "x"}, "category"), ({"developer_credit_code": "123"}, "developer_credit_code"),
     ({"region": "310101002001"}, "region")],
)
def test_create_bad_input_names_the_field(api_client, actors, payload, field):
    before = Scenario.objects.count()
    response = _as(api_client, actors["applicant"]).post("/api/v1/scenarios/", {**SCENARIO, **payload}, format="json")
    assert response.status_code in (400, 403)
    if response.status_code == 400:
        assert field in response.json()
    assert Scenario.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content"), [("r.pdf", b"MZ\x90\x00 not a pdf"), ("r.pdf", b""),
                                               ("r.docx", b"plain text pretending")])
def test_report_upload_is_sniffed(api_client, make_scenario, actors, name, content):
    from django.core.files.uploadedfile import SimpleUploadedFile

    scenario = make_scenario(Status.DRAFT)
    response = _as(api_client, actors["applicant"]).patch(
        f"/api/v1/scenarios/applications/{scenario.application.pk}/", {"risk_report": SimpleUploadedFile(name, content)},
        format="multipart")
    assert response.status_code == 400
    assert "risk_report" in response.json()
