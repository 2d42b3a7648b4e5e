"""Periodic work of the scenarios app. Each task loads what it needs, calls a service and is safe to run twice."""

from celery import shared_task

from .services.evaluations import evaluation_reminders, open_quarterly_campaigns


@shared_task(name="scenarios.tasks.open_quarterly_campaigns")
def open_campaigns() -> int:
    return open_quarterly_campaigns()


@shared_task(name="scenarios.tasks.evaluation_reminders")
def remind_evaluations() -> int:
    return evaluation_reminders()
