"""Notifications: inbox rows, e-mail on commit, de-duplication for reminders, inbox page and API."""

from __future__ import annotations

import pytest
from django.core import mail

from shequyun.notifications.models import Notification
from shequyun.notifications.services import notify
from shequyun.notifications.tasks import send_notification_emails


@pytest.mark.django_db
def test_notify_creates_inbox_rows_and_emails_on_commit(make_user, django_capture_on_commit_callbacks):
    alice = make_user("dongming", email="alice@example.gov.cn")
    bob = make_user("dongming", email="")
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=[alice, bob], title="待审核：测试申请", body="请处理", url="/scenarios/1/")
    assert Notification.objects.filter(title="待审核：测试申请").count() == 2
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["alice@example.gov.cn"]
    assert "/scenarios/1/" in mail.outbox[0].body


@pytest.mark.django_db
def test_dedupe_key_makes_reminders_idempotent(make_user, django_capture_on_commit_callbacks):
    users = [make_user("dongming", email=f"u{i}@example.gov.cn") for i in range(3)]
    with django_capture_on_commit_callbacks(execute=True):
        notify(recipients=users, title="密码将于7天后过期", dedupe_key="password-expiry:7:2026-11-30")
        notify(recipients=users, title="密码将于7天后过期", dedupe_key="password-expiry:7:2026-11-30")
    assert Notification.objects.filter(dedupe_key="password-expiry:7:2026-11-30").count() == 3
    assert len(mail.outbox) == 3


@pytest.mark.django_db
def test_inactive_users_are_skipped(make_user):
    assert notify(recipients=[make_user("dongming", is_active=False)], title="x") == []


@pytest.mark.django_db
def test_email_task_is_idempotent(make_user):
    user = make_user("dongming", email="a@example.gov.cn")
    notify(recipients=[user], title="t", email=False)
    ids = list(Notification.objects.values_list("id", flat=True))
    assert send_notification_emails(ids) == 1
    assert send_notification_emails(ids) == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_inbox_page_and_mark_read(client, make_user):
    user = make_user("dongming")
    other = make_user("dongming")
    notify(recipients=[user], title="我的消息", email=False)
    notify(recipients=[other], title="别人的消息", email=False)
    client.force_login(user)
    page = client.get("/notifications/").content.decode()
    assert "我的消息" in page
    assert "别人的消息" not in page
    assert "条未读" in client.get("/").content.decode()
    client.post("/notifications/read/")
    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).exists()


@pytest.mark.django_db
def test_notifications_api_is_the_callers_own(api_client, make_user):
    user = make_user("dongming")
    other = make_user("dongming")
    notify(recipients=[user, other], title="消息", email=False)
    api_client.force_authenticate(user)
    body = api_client.get("/api/v1/notifications/").json()
    assert body["count"] == 1
    foreign = Notification.objects.get(recipient=other)
    assert api_client.get(f"/api/v1/notifications/{foreign.pk}/").status_code == 404
    assert api_client.post("/api/v1/notifications/read/", {"ids": ["x"]}, format="json").status_code == 400
    assert api_client.post("/api/v1/notifications/read/", {}, format="json").json() == {"marked_read": 1}
