"""The Celery application and the one beat schedule of the portal.

Every periodic task is listed here and nowhere else; django-celery-beat copies the schedule into the database
at start-up so administrators can see (and pause) each entry.
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "shequyun.settings.base")

app = Celery("shequyun")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

app.conf.beat_schedule = {
    "audit-retention": {
        "task": "shequyun.tasks.prune_audit_events",
        "schedule": crontab(hour=3, minute=10),
    },
    "password-expiry-reminders": {
        "task": "accounts.tasks.password_expiry_reminders",
        "schedule": crontab(hour=8, minute=0),
    },
    "evaluation-campaigns": {  # quarterly by default: 1 January, April, July, October
        "task": "scenarios.tasks.open_quarterly_campaigns",
        "schedule": crontab(day_of_month=1, month_of_year="1,4,7,10", hour=6, minute=0),
    },
    "evaluation-reminders": {
        "task": "scenarios.tasks.evaluation_reminders",
        "schedule": crontab(hour=8, minute=30),
    },
    "calendar-coverage": {
        "task": "shequyun.tasks.check_calendar_coverage",
        "schedule": crontab(hour=7, minute=0),
    },
    "dataassets-sharing-expiry": {
        "task": "dataassets.tasks.expire_sharing_grants",
        "schedule": crontab(hour=0, minute=20),
    },
    "dataassets-objection-escalation": {  # after midnight: yesterday's clocks have run out
        "task": "dataassets.tasks.escalate_overdue_objections",
        "schedule": crontab(hour=0, minute=30),
    },
    "dataassets-quality-check": {
        "task": "dataassets.tasks.check_catalogue_quality",
        "schedule": crontab(hour=5, minute=0),
    },
    "worker-heartbeat": {
        "task": "shequyun.tasks.heartbeat",
        "schedule": 300.0,
    },
}
