"""Periodic work of the security module (scheduled in shequyun/celery.py). Both tasks are idempotent."""

from celery import shared_task


@shared_task
def escalate_overdue_incidents() -> int:
    """Incidents not acknowledged in time go one level up (once per incident)."""
    from .services import escalate_overdue

    return escalate_overdue()


@shared_task
def security_reminders() -> int:
    """Plan reviews and revisions, drills, 等保 / 密评 and confidentiality agreements due soon or overdue."""
    from .services import send_reminders

    return send_reminders()
