"""/healthz (the process is up) and /readyz (what a node needs to serve); the request id in logs and tasks;
the retention of the audit trail and access logs."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.utils import timezone

from shequyun.logs import JsonFormatter, RequestIdFilter, request_id_var
from shequyun.models import ServiceHeartbeat


def test_healthz_touches_nothing_but_the_process(client):
    response = client.get("/healthz")  # no django_db mark: a single query would raise here
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_every_check_and_degrades_without_beat(client):
    body = client.get("/readyz").json()
    assert set(body["checks"]) == {"database", "broker", "storage", "beat", "worker", "calendar", "backup"}
    assert body["checks"]["database"]["ok"]
    assert body["checks"]["broker"]["ok"]
    assert body["checks"]["storage"]["ok"]
    assert body["checks"]["beat"] == {"ok": False, "detail": "never seen"}
    assert body["status"] == "degraded"


@pytest.mark.clock("2026-06-17T10:00:00+08:00")  # before Q4: the calendar check has nothing to say
@pytest.mark.django_db
def test_readyz_is_ready_with_a_fresh_beat_heartbeat(client):
    now = timezone.now()
    for name in ("beat", "worker", "backup"):
        ServiceHeartbeat.objects.create(name=name, last_seen=now - timedelta(minutes=2))
    response = client.get("/readyz/")
    assert response.status_code == 200
    assert response.json()["status"] == "ready", response.json()
    ServiceHeartbeat.objects.filter(name="beat").update(last_seen=now - timedelta(minutes=30))
    assert response.status_code == 200
    assert client.get("/readyz/").json()["checks"]["beat"]["ok"] is False


@pytest.mark.django_db
def test_readyz_critical_failure_answers_503(client, settings, monkeypatch):
    import shequyun.views

    monkeypatch.setattr(shequyun.views, "_check_broker", lambda: (False, "ConnectionRefusedError"))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response["Retry-After"]
    assert response.json()["status"] == "unavailable"
    settings.READYZ_CRITICAL = ["database"]
    assert client.get("/readyz").status_code == 200


@pytest.mark.clock("2026-11-18T10:00:00+08:00")
@pytest.mark.django_db
def test_readyz_calendar_check_warns_in_q4_when_next_year_is_missing(client):
    # 2027 is not in the shipped calendar and no override is entered: degraded, with the operator's message.
    check = client.get("/readyz").json()["checks"]["calendar"]
    assert check["ok"] is False
    assert "2027" in check["detail"]


@pytest.mark.django_db
def test_request_id_is_returned_and_accepted_from_the_load_balancer(client):
    assert len(client.get("/accounts/login/")["X-Request-ID"]) == 32
    assert client.get("/accounts/login/", HTTP_X_REQUEST_ID="lb-123")["X-Request-ID"] == "lb-123"
    forged = client.get("/accounts/login/", HTTP_X_REQUEST_ID="x\n" * 40)["X-Request-ID"]
    assert "\n" not in forged
    assert len(forged) == 32


def test_json_log_lines_carry_the_request_id_and_extra_fields():
    record = logging.LogRecord("shequyun.access", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    record.status = 200
    token = request_id_var.set("req-1")
    try:
        RequestIdFilter().filter(record)
        line = json.loads(JsonFormatter().format(record))
    finally:
        request_id_var.reset(token)
    assert line["request_id"] == "req-1"
    assert line["message"] == "GET /x"
    assert line["status"] == 200
    assert line["level"] == "INFO"


def test_a_task_sent_during_a_request_carries_its_request_id():
    from celery import shared_task

    from shequyun.celery import _adopt_request_id, _forget_request_id, _send_request_id

    headers: dict[str, str] = {}
    token = request_id_var.set("req-42")
    try:
        _send_request_id(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"request_id": "req-42"}

    @shared_task(name="tests.ops.echo_request_id")
    def echo() -> str:
        return request_id_var.get()

    class Request:
        request_id = "req-42"

    class Task:
        name = "tests.ops.echo_request_id"
        request = Request()

    _adopt_request_id(task_id="t-1", task=Task())
    assert request_id_var.get() == "req-42"
    _forget_request_id(task_id="t-1")
    assert request_id_var.get() == "-"


def test_an_eager_task_inside_a_request_keeps_the_request_id():
    from celery import shared_task

    from shequyun.tasks import heartbeat  # noqa: F401 — registered tasks

    @shared_task(name="tests.ops.current_request_id")
    def current() -> str:
        return request_id_var.get()

    token = request_id_var.set("req-7")
    try:
        assert current.delay().get() == "req-7"
    finally:
        request_id_var.reset(token)


@pytest.mark.django_db
def test_audit_and_access_logs_are_kept_184_days_whatever_is_configured(settings, make_user):
    from auditlog.models import LogEntry
    from axes.models import AccessLog

    from shequyun.models import AuditEvent, AuditEventType
    from shequyun.tasks import prune_audit_events

    settings.AUDITLOG_RETENTION_DAYS = 30  # too short: the minimum applies
    settings.ACCESS_LOG_RETENTION_DAYS = 30
    user = make_user("city")
    now = timezone.now()
    kept = AuditEvent.objects.create(event_type=AuditEventType.SIGN_IN, actor=user)
    gone = AuditEvent.objects.create(event_type=AuditEventType.SIGN_IN, actor=user)
    AuditEvent.objects.filter(pk=kept.pk).update(created_at=now - timedelta(days=183))
    AuditEvent.objects.filter(pk=gone.pk).update(created_at=now - timedelta(days=185))
    access_kept = AccessLog.objects.create(username="a", ip_address="127.0.0.1", user_agent="t")
    access_gone = AccessLog.objects.create(username="b", ip_address="127.0.0.1", user_agent="t")
    AccessLog.objects.filter(pk=access_kept.pk).update(attempt_time=now - timedelta(days=183))
    AccessLog.objects.filter(pk=access_gone.pk).update(attempt_time=now - timedelta(days=185))
    LogEntry.objects.update(timestamp=now - timedelta(days=100))
    prune_audit_events()
    assert AuditEvent.objects.filter(pk=kept.pk).exists()
    assert not AuditEvent.objects.filter(pk=gone.pk).exists()
    assert AccessLog.objects.filter(pk=access_kept.pk).exists()
    assert not AccessLog.objects.filter(pk=access_gone.pk).exists()
    assert LogEntry.objects.exists()
    assert prune_audit_events() == 0  # idempotent


def test_retention_setting_cannot_go_below_six_months(monkeypatch):
    import importlib

    import shequyun.settings.base as base

    monkeypatch.setenv("AUDIT_RETENTION_DAYS", "90")
    reloaded = importlib.reload(base)
    try:
        assert reloaded.AUDITLOG_RETENTION_DAYS == 184
    finally:
        monkeypatch.delenv("AUDIT_RETENTION_DAYS")
        importlib.reload(base)


@pytest.mark.django_db
def test_pages_are_never_framed_but_an_inline_report_is_framed_by_its_review_page(client, make_scenario, actors):
    from scenarios.models import Status

    scenario = make_scenario(Status.SUBMITTED)
    client.force_login(actors["reviewer"])
    page = client.get(f"/scenarios/{scenario.pk}/review/")
    assert page["X-Frame-Options"] == "DENY"
    assert "frame-ancestors 'none'" in page["Content-Security-Policy"]
    assert "frame-src 'self'" in page["Content-Security-Policy"]
    report = client.get(f"/scenarios/{scenario.pk}/report/preview/")
    assert report.status_code == 200
    assert report["Content-Disposition"].startswith("inline")
    assert report["X-Frame-Options"] == "SAMEORIGIN"
    assert report["Content-Security-Policy"] == "frame-ancestors 'self'"
