"""Platform-wide periodic tasks. Each loads what it needs and is safe to run twice."""

from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from .models import AuditEvent, ServiceHeartbeat


@shared_task(name="shequyun.tasks.heartbeat")
def heartbeat(name: str = "worker") -> str:
    """Prove a worker is alive: the health page shows when it last ran."""
    now = timezone.now()
    ServiceHeartbeat.objects.update_or_create(name=name, defaults={"last_seen": now})
    return now.isoformat()


@shared_task(name="shequyun.tasks.prune_audit_events")
def prune_audit_events() -> int:
    """Delete audit rows older than the retention period (DESIGN §9: at least 180 days). Idempotent."""
    days = max(int(settings.AUDITLOG_RETENTION_DAYS), 180)
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _ = AuditEvent.objects.filter(created_at__lt=cutoff).delete()
    from auditlog.models import LogEntry

    deleted_changes, _ = LogEntry.objects.filter(timestamp__lt=cutoff).delete()
    return deleted + deleted_changes


@shared_task(name="shequyun.tasks.check_calendar_coverage")
def check_calendar_coverage() -> list[str]:
    """Daily: warn (log and notify superusers, once a day) when next year's holidays are missing in Q4."""
    import logging

    from django.contrib.auth import get_user_model

    from .notifications.services import notify
    from .workdays import calendar_health

    warnings = calendar_health()
    for warning in warnings:
        logging.getLogger(__name__).warning(warning)
        notify(recipients=get_user_model().objects.filter(is_superuser=True, is_active=True), title=warning,
               dedupe_key=f"calendar-health:{timezone.localdate()}")
    return warnings


@shared_task(name="shequyun.tasks.purge_staged_imports")
def purge_staged_imports() -> int:
    """Hourly: delete import stagings nobody confirmed or cancelled within their hour (they hold personal data)."""
    from .staging import purge_expired

    return purge_expired()
