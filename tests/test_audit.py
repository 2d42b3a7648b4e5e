"""Audit: every model registered with django-auditlog; sign-in, sign-out and failures recorded."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.apps import apps
from django.conf import settings

from shequyun.models import AuditEvent, AuditEventType
from tests.clock import OFFICE_HOURS
from tests.factories import TEST_PASSWORD

# Models deliberately left out, each with its reason in settings.AUDITLOG_EXCLUDE_TRACKING_MODELS.
EXCLUDED_APPS = {"sessions", "contenttypes", "axes", "django_celery_beat", "auditlog"}
EXCLUDED_MODELS = {"shequyun.auditevent", "shequyun.stagedimport", "admin.logentry"}


def test_every_model_is_registered_with_auditlog():
    missing = [
        model._meta.label_lower
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed
        and model._meta.app_label not in EXCLUDED_APPS
        and model._meta.label_lower not in EXCLUDED_MODELS
        and not auditlog.contains(model)
    ]
    assert not missing, f"register these models with auditlog (or exclude them with a reason): {missing}"


def test_exclusions_are_the_documented_ones():
    assert set(settings.AUDITLOG_EXCLUDE_TRACKING_MODELS) == {
        "sessions", "contenttypes", "axes", "django_celery_beat", "shequyun.auditevent", "shequyun.stagedimport",
    }


@pytest.mark.django_db
def test_model_changes_are_logged_without_the_password(make_user):
    user = make_user("dongming")
    user.set_password("Another#Pass1")
    user.full_name = "改名"
    user.save()
    entry = LogEntry.objects.get_for_object(user).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert "full_name" in entry.changes_dict
    assert "Another#Pass1" not in str(entry.changes)
    assert "password" not in entry.changes_dict  # not even the hash


@pytest.mark.django_db
@pytest.mark.clock(OFFICE_HOURS)  # a sign-in at night is also an odd-hours anomaly
def test_sign_in_sign_out_and_failure_are_recorded(client, make_user):
    user = make_user("dongming")
    client.post("/accounts/login/", {"username": user.username, "password": "wrong-password"})
    client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    client.post("/accounts/logout/")
    events = list(
        AuditEvent.objects.filter(event_type__lt=200).order_by("id").values_list("event_type", "actor_username", "target_id")
    )
    assert events == [
        (AuditEventType.SIGN_IN_FAILED, user.username, str(user.pk)),
        (AuditEventType.SIGN_IN, user.username, ""),
        (AuditEventType.SIGN_OUT, user.username, ""),
    ]
    failed = AuditEvent.objects.get(event_type=AuditEventType.SIGN_IN_FAILED)
    assert failed.region_path == user.region.path  # visible to the account's own region's auditors
    assert "wrong-password" not in str(failed.extra)


@pytest.mark.django_db
def test_failed_sign_in_of_unknown_user_is_recorded(client, regions):
    client.post("/accounts/login/", {"username": "ghost", "password": "x"})
    event = AuditEvent.objects.get(event_type=AuditEventType.SIGN_IN_FAILED)
    assert (event.event_type, event.actor_username, event.actor) == (AuditEventType.SIGN_IN_FAILED, "ghost", None)


@pytest.mark.django_db
def test_api_permission_denial_is_recorded(api_client, make_user):
    from rest_framework.exceptions import PermissionDenied
    from rest_framework.test import APIRequestFactory

    from shequyun.api import exception_handler

    user = make_user("dongming")
    request = APIRequestFactory().get("/api/v1/regions/")
    request.user = user
    response = exception_handler(PermissionDenied(), {"request": request})
    assert response.status_code == 403
    assert AuditEvent.objects.filter(event_type=AuditEventType.PERMISSION_DENIED, actor=user).exists()


@pytest.mark.django_db
def test_retention_task_keeps_184_days_and_is_idempotent(make_user):
    from datetime import timedelta

    from django.utils import timezone

    from shequyun.tasks import prune_audit_events

    user = make_user("city")
    old = AuditEvent.objects.create(event_type=AuditEventType.SIGN_IN, actor=user)
    AuditEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=185))
    recent = AuditEvent.objects.create(event_type=AuditEventType.SIGN_IN, actor=user)
    AuditEvent.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=183))
    assert prune_audit_events() >= 1
    assert prune_audit_events() == 0
    assert not AuditEvent.objects.filter(pk=old.pk).exists()
    assert AuditEvent.objects.filter(pk=recent.pk).exists()
