"""Account services and tasks: reminders (idempotent, batched), forced changes, anomalies, lockout alerts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from accounts.models import AccountAnomaly, AnomalyKind, User
from accounts.roles import Role
from accounts.services.accounts import password_expiry_reminders, user_create
from shequyun.notifications.models import Notification
from tests.clock import OFFICE_HOURS
from tests.factories import TEST_PASSWORD


def _expiring_in(make_user, days: int, **kwargs):
    user = make_user("sanlinyuan", email=f"u{days}{kwargs.get('username', '')}@example.gov.cn", **kwargs)
    now = timezone.now()
    User.objects.filter(pk=user.pk).update(password_changed_at=now - timedelta(days=30 - days))
    return user


@pytest.mark.django_db
def test_reminders_at_7_3_and_1_days_once_each(make_user, django_capture_on_commit_callbacks):
    users = {days: _expiring_in(make_user, days) for days in (7, 3, 1, 5)}
    with django_capture_on_commit_callbacks(execute=True):
        assert password_expiry_reminders() == 3
        assert password_expiry_reminders() == 0  # run twice on one day: nothing new
    for days in (7, 3, 1):
        note = Notification.objects.get(recipient=users[days])
        assert f"{days} 天后" in note.title
    assert not Notification.objects.filter(recipient=users[5]).exists()
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_expired_passwords_must_be_changed(client, make_user):
    user = _expiring_in(make_user, -1)
    password_expiry_reminders()
    user.refresh_from_db()
    assert user.must_change_password
    client.force_login(user)
    assert client.get("/")["Location"] == "/accounts/password/"


@pytest.mark.django_db
def test_reminder_queries_do_not_grow_with_users(make_user, django_assert_max_num_queries):
    for _ in range(40):
        _expiring_in(make_user, 7)
    with django_assert_max_num_queries(12):
        assert password_expiry_reminders(batch_size=1000) == 40


@pytest.mark.django_db
def test_reminders_batch(make_user, django_assert_max_num_queries):
    for _ in range(30):
        _expiring_in(make_user, 3)
    with django_assert_max_num_queries(20):  # 3 batches of 10: a constant number of queries per batch
        assert password_expiry_reminders(batch_size=10) == 30


@pytest.mark.django_db
@pytest.mark.clock(OFFICE_HOURS)  # a sign-in at night is also an odd-hours anomaly
def test_user_reports_an_anomaly_that_reaches_the_admin(client, make_user):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    user = make_user("sanlinyuan")
    client.force_login(user)
    response = client.post("/accounts/anomaly/", {"description": "有人用我的账号在夜里登录"})
    assert response.status_code == 302
    anomaly = AccountAnomaly.objects.get(account=user)
    assert anomaly.kind == AnomalyKind.USER_REPORT
    assert Notification.objects.filter(recipient=admin, target_id=str(anomaly.pk)).exists()
    bad = client.post("/accounts/anomaly/", {"description": ""})
    assert bad.status_code == 200
    assert "至少 5 个字" in bad.content.decode()


@pytest.mark.django_db
def test_lockout_is_flagged_to_the_admin(client, make_user, settings):
    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    user = make_user("sanlinyuan")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert AccountAnomaly.objects.filter(account=user, kind=AnomalyKind.LOCKED_OUT).exists()
    assert Notification.objects.filter(recipient=admin).exists()


@pytest.mark.django_db
def test_failure_burst_is_flagged_once(client, make_user, settings):
    settings.FAILED_SIGN_IN_BURST = 3
    settings.AXES_FAILURE_LIMIT = 100
    user = make_user("sanlinyuan")
    for _ in range(5):
        client.post("/accounts/login/", {"username": user.username, "password": "wrong"})
    assert AccountAnomaly.objects.filter(account=user, kind=AnomalyKind.FAILED_BURST).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(("instant", "odd"), [
    ("2026-11-18T00:04:00+08:00", True),   # just after midnight
    ("2026-11-18T06:59:00+08:00", True),   # before 07:00
    ("2026-11-18T07:00:00+08:00", False),  # the working day starts
    ("2026-11-18T20:59:00+08:00", False),
    ("2026-11-18T21:00:00+08:00", True),   # the working day has ended
    ("2026-12-31T23:30:00+08:00", True),   # New Year's Eve
    ("2026-11-18T02:00:00+00:00", False),  # 10:00 in Shanghai: the hour is Shanghai's, not UTC's
])
def test_odd_hours_sign_in_is_flagged_in_shanghai_time(client, make_user, clock, instant, odd):
    user = make_user("sanlinyuan")
    clock.move_to(instant)
    client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    client.post("/accounts/login/", {"username": user.username, "password": TEST_PASSWORD})
    assert AccountAnomaly.objects.filter(account=user, kind=AnomalyKind.ODD_HOURS).count() == (1 if odd else 0)


@pytest.mark.django_db
def test_created_password_is_never_in_the_audit_log(make_user):
    from auditlog.models import LogEntry

    admin = make_user("dongming", roles=[Role.ACCOUNT_ADMIN])
    user, initial = user_create(actor=admin, username="newuser1", full_name="新用户", region=admin.region)
    entry = LogEntry.objects.get_for_object(user).get(action=LogEntry.Action.CREATE)
    assert initial not in str(entry.changes)
    assert "password" not in entry.changes_dict
    assert entry.actor == admin


@pytest.mark.django_db
def test_reminder_task_is_scheduled_and_idempotent(make_user):
    from accounts.tasks import remind_password_expiry
    from shequyun.celery import app

    assert any(e["task"] == "accounts.tasks.password_expiry_reminders" for e in app.conf.beat_schedule.values())
    _expiring_in(make_user, 1)
    assert remind_password_expiry.delay().get() == 1
    assert remind_password_expiry.delay().get() == 0


def test_initial_passwords_survive_the_spreadsheet():
    from accounts.services.accounts import generate_password
    from shequyun.exports import _safe_cell

    for _ in range(2000):
        password = generate_password()
        assert _safe_cell(password) == password  # never rewritten as a formula-safe text cell
        assert any(c.isdigit() for c in password)
        assert any(not c.isalnum() for c in password)
