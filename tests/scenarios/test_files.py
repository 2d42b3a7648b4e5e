"""Uploaded files: attachments with nosniff, a same-origin PDF preview, 404 for a missing file, old files deleted
on replacement, evaluation evidence downloadable by those who see the evaluation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Region
from scenarios.models import Evaluation, EvaluationCampaign, Status
from scenarios.services import application_update
from scenarios.services.evaluations import evaluation_save

from .factories import PDF, pdf_upload

POLYGLOT = PDF + b"<html><script>alert(document.domain)</script></html>"


@pytest.mark.django_db
def test_reports_download_as_attachments_and_preview_inline_only_for_the_portal(client, api_client, make_scenario,
                                                                              actors):
    scenario = make_scenario(Status.SUBMITTED)
    client.force_login(actors["reviewer"])
    download = client.get(f"/scenarios/{scenario.pk}/report/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    preview = client.get(f"/scenarios/{scenario.pk}/report/preview/")
    assert preview["Content-Disposition"].startswith("inline;")
    assert preview["Content-Type"] == "application/pdf"
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in preview["Content-Security-Policy"]
    api_client.force_authenticate(actors["reviewer"])
    api = api_client.get(f"/api/v1/scenarios/applications/{scenario.application.pk}/report/")
    assert api["Content-Disposition"].startswith("attachment;")


@pytest.mark.django_db
def test_a_polyglot_is_never_served_as_a_page(client, make_scenario, actors):
    scenario = make_scenario()
    application_update(actor=actors["applicant"], scenario=scenario,
                       risk_report=SimpleUploadedFile("x.pdf", POLYGLOT, content_type="text/html"))
    client.force_login(actors["applicant"])
    for url in (f"/scenarios/{scenario.pk}/report/", f"/scenarios/{scenario.pk}/report/preview/"):
        response = client.get(url)
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_a_missing_file_is_404_not_500(client, make_scenario, actors):
    scenario = make_scenario()
    scenario.application.risk_report.storage.delete(scenario.application.risk_report.name)
    client.force_login(actors["applicant"])
    assert client.get(f"/scenarios/{scenario.pk}/report/").status_code == 404
    assert client.get(f"/scenarios/{scenario.pk}/report/preview/").status_code == 404


@pytest.mark.django_db
def test_a_replaced_report_deletes_the_old_file_after_commit(make_scenario, actors, django_capture_on_commit_callbacks):
    scenario = make_scenario()
    old = scenario.application.risk_report
    storage, old_name = old.storage, old.name
    assert storage.exists(old_name)
    with django_capture_on_commit_callbacks(execute=True):
        application_update(actor=actors["applicant"], scenario=scenario, risk_report=pdf_upload("新版.pdf"))
    scenario.application.refresh_from_db()
    assert not storage.exists(old_name)
    assert storage.exists(scenario.application.risk_report.name)


@pytest.mark.django_db
def test_evaluation_evidence_is_downloadable_by_those_who_see_the_evaluation(client, api_client, make_scenario, actors,
                                                                             make_user):
    scenario = make_scenario(Status.ONLINE)
    campaign = EvaluationCampaign.objects.create(region=Region.objects.get(code="310115000000"), period="2026Q4",
                                                 due_date=dt.date(2026, 12, 30))
    evaluation = Evaluation.objects.create(campaign=campaign, scenario=scenario)
    evaluation_save(actor=actors["reviewer"], evaluation=evaluation, evidence=pdf_upload("佐证.pdf"))
    client.force_login(actors["reviewer"])
    response = client.get(f"/scenarios/evaluations/{evaluation.pk}/evidence/")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    api_client.force_authenticate(actors["reviewer"])
    assert api_client.get(f"/api/v1/scenarios/evaluations/{evaluation.pk}/evidence/").status_code == 200
    outsider = make_user("310101000000")
    client.force_login(outsider)
    assert client.get(f"/scenarios/evaluations/{evaluation.pk}/evidence/").status_code == 404


@pytest.mark.django_db
def test_pages_carry_no_inline_script_or_handlers(client, make_scenario, actors):
    import re

    scenario = make_scenario(Status.SUBMITTED)
    client.force_login(actors["reviewer"])
    for url in ("/", "/scenarios/", f"/scenarios/{scenario.pk}/", f"/scenarios/{scenario.pk}/review/",
                "/scenarios/queue/", "/scenarios/evaluations/", "/accounts/password/"):
        html = client.get(url).content.decode()
        inline_scripts = [m for m in re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
                          if 'type="application/json"' not in m]
        assert not inline_scripts, (url, inline_scripts)
        assert not re.search(r"\son[a-z]+\s*=", html), url
        assert not re.search(r'\sstyle="', html), url
