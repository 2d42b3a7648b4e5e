"""The one way to notify people: in-app inbox rows now, e-mail after the transaction commits."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone

from .models import Notification


def notify(
    *,
    recipients: Iterable[Any],
    title: str,
    body: str = "",
    url: str = "",
    target: Any = None,
    dedupe_key: str = "",
    email: bool = True,
) -> list[Notification]:
    """Put a notification in each recipient's inbox (inactive users are skipped) and e-mail it on commit.

    With a ``dedupe_key``, a recipient who already has that key is not notified again (idempotent reminders).
    Works in batches: one query to find existing keys, one bulk insert.
    """
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    if not people:
        return []
    if dedupe_key:
        already = set(
            Notification.objects.filter(recipient_id__in=people, dedupe_key=dedupe_key).values_list(
                "recipient_id", flat=True
            )
        )
        people = {pk: user for pk, user in people.items() if pk not in already}
    rows = [
        Notification(
            recipient_id=pk,
            title=title[:200],
            body=body,
            url=url,
            target_type=target._meta.label_lower if target is not None else "",
            target_id=str(target.pk) if target is not None else "",
            dedupe_key=dedupe_key,
        )
        for pk in people
    ]
    created = Notification.objects.bulk_create(rows, ignore_conflicts=bool(dedupe_key))
    if email:
        ids_query = Notification.objects.filter(recipient_id__in=people, title=title[:200], emailed_at__isnull=True)
        if dedupe_key:
            ids_query = ids_query.filter(dedupe_key=dedupe_key)
        ids = list(ids_query.values_list("id", flat=True))
        if ids:
            from .tasks import send_notification_emails

            transaction.on_commit(lambda: send_notification_emails.delay(ids))
    return created


def absolute_url(path: str) -> str:
    """A portal link for use outside the portal (e-mail): ``PORTAL_BASE_URL`` + the path; absolute URLs unchanged."""
    from django.conf import settings

    if not path or "://" in path:
        return path
    return f"{settings.PORTAL_BASE_URL}/{path.lstrip('/')}"


def notification_mark_read(*, user: Any, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the user's own notifications read (all unread ones when no ids are given). Returns how many."""
    queryset = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        queryset = queryset.filter(pk__in=list(notification_ids))
    return queryset.update(read_at=timezone.now())


def email_claim(*, notification: Notification) -> bool:
    """Claim a notification for e-mailing (so a concurrent run does not send it again); False when already claimed."""
    return bool(Notification.objects.filter(pk=notification.pk, emailed_at__isnull=True).update(emailed_at=timezone.now()))


def email_release(*, notification: Notification) -> None:
    """Give a claim back after the mail server failed, so the retry sends it."""
    Notification.objects.filter(pk=notification.pk).update(emailed_at=None)
