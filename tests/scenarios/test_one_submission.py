"""Issue 9 (5): a refused upload creates nothing. The registration page and the service are one transaction: a
rejected risk report (or any refused field) leaves no draft, so a retry never adds a duplicate."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from scenarios.models import Application, Scenario
from shequyun.models import AuditEvent
from tests.scenarios.factories import SCENARIO, pdf_upload


def _post(client, **extra):
    return client.post("/scenarios/new/", {**SCENARIO, "category": "public_service", **extra})


@pytest.mark.django_db
def test_rejected_report_saves_no_draft_and_retries_add_none(client, actors):
    client.force_login(actors["applicant"])
    before = AuditEvent.objects.count()
    for _attempt in range(3):
        response = _post(client, risk_report=SimpleUploadedFile("fake.pdf", b"GIF89a not a report"))
        assert response.status_code == 200
        assert "只接受" in response.content.decode()
    assert not Scenario.objects.exists()
    assert not Application.objects.exists()
    assert AuditEvent.objects.count() == before

    response = _post(client, risk_report=pdf_upload())
    assert response.status_code == 302
    scenario = Scenario.objects.get()
    assert scenario.application.risk_report_type == "pdf"


@pytest.mark.django_db
def test_refused_field_with_a_good_report_saves_nothing(client, actors):
    client.force_login(actors["applicant"])
    response = _post(client, developer_credit_code="123", risk_report=pdf_upload())
    assert response.status_code == 200
    assert not Scenario.objects.exists()
    assert not Application.objects.exists()


@pytest.mark.django_db
def test_service_is_one_transaction(actors):
    from django.core.exceptions import ValidationError

    from scenarios.services import scenario_create

    values = {k: v for k, v in SCENARIO.items() if k != "protection_level"}
    with pytest.raises(ValidationError) as caught:
        scenario_create(actor=actors["applicant"], region=actors["applicant"].region, **values,
                        risk_report=SimpleUploadedFile("x.pdf", b"MZ\x90\x00 an executable"))
    assert "risk_report" in caught.value.message_dict
    assert not Scenario.objects.exists()
