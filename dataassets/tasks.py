"""Periodic work of the data-assets module (scheduled in shequyun/celery.py). Each is idempotent: safe to run twice."""

from __future__ import annotations

from celery import shared_task

from . import services


@shared_task
def expire_sharing_grants() -> int:
    """End every authorised-sharing grant past its expiry and tell the requester."""
    return services.sharing_expire_due()


@shared_task
def escalate_overdue_objections() -> int:
    """Escalate objections past a stored clock one level up the hierarchy (once per stage)."""
    return services.objection_escalate_overdue()


@shared_task
def check_catalogue_quality() -> int:
    """Timeliness and completeness of every published resource; failures go back to the provider."""
    return len(services.quality_check())
