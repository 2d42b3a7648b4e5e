"""Scenario pages: scope (404), permissions (403), bad input, stale actions (409 message), query counts."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from scenarios.models import Scenario, Status
from shequyun.models import AuditEvent, AuditEventType
from tests.scenarios.factories import SCENARIO


@pytest.mark.django_db
def test_out_of_scope_pages_are_404(client, make_scenario, actors):
    scenario = make_scenario(Status.SUBMITTED)
    client.force_login(actors["other_street"])
    for url in (f"/scenarios/{scenario.pk}/", f"/scenarios/{scenario.pk}/review/", f"/scenarios/{scenario.pk}/report/",
                f"/scenarios/{scenario.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/scenarios/{scenario.pk}/act/approve/").status_code == 404


@pytest.mark.django_db
def test_forbidden_action_is_403_and_stale_action_is_explained(client, make_scenario, actors):
    scenario = make_scenario(Status.SUBMITTED)
    client.force_login(actors["applicant"])
    assert client.post(f"/scenarios/{scenario.pk}/act/approve/").status_code == 403
    client.force_login(actors["reviewer"])
    client.post(f"/scenarios/{scenario.pk}/act/approve/")
    stale = client.post(f"/scenarios/{scenario.pk}/act/approve/", follow=True).content.decode()
    assert "可能已有其他人处理了该事项" in stale


@pytest.mark.django_db
def test_review_redirects_to_the_next_item(client, make_scenario, actors):
    first = make_scenario(Status.SUBMITTED, name="第一个")
    second = make_scenario(Status.SUBMITTED, name="第二个")
    client.force_login(actors["reviewer"])
    response = client.post(f"/scenarios/{first.pk}/act/approve/", {"from": "review"})
    assert response["Location"] == f"/scenarios/{second.pk}/review/"


@pytest.mark.django_db
def test_registration_bad_input_keeps_what_was_typed(client, actors):
    client.force_login(actors["applicant"])
    data = {**SCENARIO, "developer_credit_code": "123", "category": "public_service"}
    page = client.post("/scenarios/new/", data).content.decode()
    assert "统一社会信用代码应为 18 位" in page
    assert SCENARIO["function_summary"] in page  # nothing typed is lost
    assert not Scenario.objects.exists()


@pytest.mark.django_db
def test_report_upload_sniffed_in_the_browser(client, make_scenario, actors):
    scenario = make_scenario(Status.DRAFT)
    client.force_login(actors["applicant"])
    data = {**SCENARIO, "category": "public_service", "risk_report": SimpleUploadedFile("fake.pdf", b"GIF89a....")}
    page = client.post(f"/scenarios/{scenario.pk}/edit/", data).content.decode()
    assert "只接受" in page


@pytest.mark.django_db
def test_staff_without_region_role_cannot_register(client, make_user):
    client.force_login(make_user("dongming", roles=["auditor"]))
    assert client.get("/scenarios/new/").status_code == 403


@pytest.mark.django_db
def test_inventory_export_is_watermarked_and_audited(client, make_scenario, actors):
    make_scenario(Status.ONLINE)
    client.force_login(actors["city_ops"])
    response = client.get("/scenarios/?export=xlsx")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert actors["city_ops"].username in sheet["A1"].value
    assert sheet["B4"].value == SCENARIO["name"]
    assert AuditEvent.objects.filter(event_type=AuditEventType.EXPORT, actor=actors["city_ops"]).exists()


@pytest.mark.django_db
def test_inventory_page_constant_queries(client, make_scenario, actors, django_assert_max_num_queries):
    for i in range(12):
        make_scenario(Status.ONLINE, name=f"场景{i}")
    client.force_login(actors["city_ops"])
    with django_assert_max_num_queries(14):
        client.get("/scenarios/")


@pytest.mark.django_db
def test_similar_partial(client, make_scenario, actors):
    make_scenario(Status.ONLINE)
    client.force_login(actors["other_street"])
    page = client.get("/scenarios/similar/", {"name": "老人助餐预约", "function_summary": "老人助餐助浴"}).content.decode()
    assert SCENARIO["name"] in page
