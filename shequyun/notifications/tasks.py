from __future__ import annotations

import logging

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail

from .models import Notification
from .services import email_claim, email_release

logger = logging.getLogger(__name__)


@shared_task(name="notifications.send_emails", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_notification_emails(notification_ids: list[int]) -> int:
    """E-mail notifications that were not e-mailed yet. Safe to run twice: each row is claimed before sending."""
    sent = 0
    for notification in Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "recipient"
    ):
        claimed = email_claim(notification=notification)  # first, so that a concurrent run does not send it again
        if not claimed or not notification.recipient.email:
            continue
        body = notification.body
        if notification.url:
            from .services import absolute_url

            body = f"{body}\n\n{absolute_url(notification.url)}".strip()
        try:
            send_mail(
                subject=f"[社区云] {notification.title}",
                message=body or notification.title,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[notification.recipient.email],
                fail_silently=False,
            )
        except OSError:
            email_release(notification=notification)  # retried
            raise
        sent += 1
    return sent
