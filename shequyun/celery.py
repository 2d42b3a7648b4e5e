"""The Celery application and the one beat schedule of the portal.

Every periodic task is listed here and nowhere else; django-celery-beat copies the schedule into the database
at start-up so administrators can see (and pause) each entry.
"""

import os
from typing import Any

from celery import Celery
from celery.schedules import crontab
from celery.signals import before_task_publish, task_postrun, task_prerun

from .logs import request_id_var, task_var

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
    "purge-staged-imports": {
        "task": "shequyun.tasks.purge_staged_imports",
        "schedule": crontab(minute=20),
    },
    "content-publish-due": {  # scheduled publishing (batched; an item already published is skipped)
        "task": "content.tasks.publish_due",
        "schedule": 60.0,
    },
    "content-expire-due": {  # automatic expiry of time-bound items
        "task": "content.tasks.expire_due",
        "schedule": 60.0,
    },
    "content-feedback-escalation": {  # 工作交流: unanswered past the working-day deadline goes one level up
        "task": "content.tasks.escalate_feedback",
        "schedule": crontab(hour=8, minute=15),
    },
    "content-training-reminders": {
        "task": "content.tasks.training_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
    "security-overdue-incidents": {  # acknowledgement deadlines are in hours for grades I-II
        "task": "security.tasks.escalate_overdue_incidents",
        "schedule": 300.0,
    },
    "security-reminders": {
        "task": "security.tasks.security_reminders",
        "schedule": crontab(hour=8, minute=15),
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
    "backup": {  # a consistent dump + media + manifest to BACKUP_TARGET, with retention (manage.py backup)
        "task": "shequyun.tasks.run_backup",
        "schedule": crontab(hour=2, minute=30),
    },
    "backup-freshness": {  # alerts the city security officer when the last good backup is late
        "task": "shequyun.tasks.check_backup_freshness",
        "schedule": crontab(minute=15),
    },
}


# --- The request id travels with every task (shequyun/logs.py) ---------------------------------------------------
_tokens: dict[str, Any] = {}


@before_task_publish.connect
def _send_request_id(headers: dict[str, Any] | None = None, **_kwargs: Any) -> None:
    request_id = request_id_var.get()
    if headers is not None and request_id != "-":
        headers.setdefault("request_id", request_id)


@task_prerun.connect
def _adopt_request_id(task_id: str | None = None, task: Any = None, **_kwargs: Any) -> None:
    sent = getattr(task.request, "request_id", None) or (getattr(task.request, "headers", None) or {}).get("request_id")
    current = request_id_var.get()
    request_id = sent or (current if current != "-" else task_id or "-")
    if task_id:
        _tokens[task_id] = (request_id_var.set(request_id), task_var.set(f"{task.name}[{task_id}]"))


@task_postrun.connect
def _forget_request_id(task_id: str | None = None, **_kwargs: Any) -> None:
    tokens = _tokens.pop(task_id or "", None)
    if tokens is not None:
        try:
            request_id_var.reset(tokens[0])
            task_var.reset(tokens[1])
        except ValueError:  # set in another context (cannot happen in a worker); nothing to undo
            pass
