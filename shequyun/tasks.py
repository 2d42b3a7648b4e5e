"""Platform-wide periodic tasks. Each loads what it needs and is safe to run twice."""

import logging
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
    """Delete audit rows and access-log rows older than their retention periods (网络安全法 Art. 21: at least six
    months — never fewer than ``AUDIT_RETENTION_MINIMUM_DAYS`` = 184 days, whatever is configured). Idempotent."""
    from auditlog.models import LogEntry
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    minimum = settings.AUDIT_RETENTION_MINIMUM_DAYS
    now = timezone.now()
    audit_cutoff = now - timedelta(days=max(int(settings.AUDITLOG_RETENTION_DAYS), minimum))
    access_cutoff = now - timedelta(days=max(int(settings.ACCESS_LOG_RETENTION_DAYS), minimum))
    deleted, _ = AuditEvent.objects.filter(created_at__lt=audit_cutoff).delete()
    deleted_changes, _ = LogEntry.objects.filter(timestamp__lt=audit_cutoff).delete()
    deleted_access = AccessLog.objects.filter(attempt_time__lt=access_cutoff).delete()[0]
    deleted_access += AccessFailureLog.objects.filter(attempt_time__lt=access_cutoff).delete()[0]
    deleted_access += AccessAttempt.objects.filter(attempt_time__lt=access_cutoff).delete()[0]
    if deleted or deleted_changes or deleted_access:  # the pruning itself stays on record
        from .audit import AuditEventType, record_event

        record_event(AuditEventType.BULK_CHANGE, model="audit", action="delete", reason="retention", ids=[],
                     count=deleted + deleted_changes + deleted_access, events=deleted, changes=deleted_changes,
                     access_logs=deleted_access, before=audit_cutoff.isoformat())
    return deleted + deleted_changes + deleted_access


def security_officers() -> list:
    """Who hears about failed or late backups: the city's security officers (superusers if there are none)."""
    from django.contrib.auth import get_user_model

    from accounts.models import RegionLevel

    users = get_user_model().objects.filter(is_active=True)
    officers = list(users.filter(groups__name="security_officer", region__level=RegionLevel.CITY).distinct())
    return officers or list(users.filter(is_superuser=True))


def alert_backup(title: str, body: str, *, key: str) -> None:
    from .notifications.services import notify

    logging.getLogger(__name__).error("%s: %s", title, body)
    notify(recipients=security_officers(), title=title, body=body, dedupe_key=key)


# Not acks_late: a backup is never run twice at once. If its worker dies, the next run (or the lateness alert
# below) takes over.
@shared_task(name="shequyun.tasks.run_backup", acks_late=False, time_limit=6 * 3600, soft_time_limit=6 * 3600 - 300)
def run_backup() -> str:
    """Daily: a backup set to BACKUP_TARGET with retention. A failure alerts the city security officer (in-app and
    e-mail) and is raised again so the task shows as failed. Records the time of the last good backup."""
    from .backups import backup

    try:
        result = backup()
    except Exception as exc:
        alert_backup("数据备份失败", f"{timezone.localtime():%Y-%m-%d %H:%M} 的定时备份失败：{type(exc).__name__}: {exc}",
                     key=f"backup-failed:{timezone.localdate()}")
        raise
    ServiceHeartbeat.objects.update_or_create(name="backup", defaults={"last_seen": timezone.now()})
    return result.name


@shared_task(name="shequyun.tasks.check_backup_freshness")
def check_backup_freshness() -> bool:
    """Hourly: alert (once a day) when the last good backup is older than BACKUP_MAX_AGE_HOURS — the backup task
    did not run, or died. Idempotent."""
    beat = ServiceHeartbeat.objects.filter(name="backup").first()
    limit = timedelta(hours=settings.BACKUP_MAX_AGE_HOURS)
    if beat is not None and timezone.now() - beat.last_seen <= limit:
        return True
    since = f"上次成功备份于 {timezone.localtime(beat.last_seen):%Y-%m-%d %H:%M}" if beat else "尚无成功的备份"
    alert_backup("数据备份逾期", f"{since}，已超过 {settings.BACKUP_MAX_AGE_HOURS} 小时。请检查备份任务与存储。",
                 key=f"backup-late:{timezone.localdate()}")
    return False


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
