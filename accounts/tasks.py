from celery import shared_task

from .services.accounts import password_expiry_reminders


@shared_task(name="accounts.tasks.password_expiry_reminders")
def remind_password_expiry() -> int:
    """Daily: reminders 7, 3 and 1 days before expiry; expired passwords must be changed. Safe to run twice."""
    return password_expiry_reminders()
