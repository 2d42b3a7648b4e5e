"""Periodic work of the content module (beat schedule in shequyun/celery.py). Each task works in batches, loads by
id, calls a service and is safe to run twice: an item already published, expired or escalated answers 409 and is
skipped."""

from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone

from shequyun.errors import Conflict

BATCH = 200


def _run(ids: list[int], action) -> int:
    done = 0
    for pk in ids:
        try:
            action(pk)
            done += 1
        except (Conflict, PermissionDenied):
            continue  # someone (or an earlier run) got there first
    return done


@shared_task(name="content.tasks.publish_item")
def publish_item(item_id: int) -> bool:
    """Publish one approved item whose time has come (after its final approval, when it is already due)."""
    from .models import ContentItem
    from .services import item_publish_due

    item = ContentItem.objects.filter(pk=item_id).first()
    if item is None:
        return False
    return bool(_run([item.pk], lambda pk: item_publish_due(item=item)))


@shared_task(name="content.tasks.publish_due")
def publish_due(batch: int = BATCH) -> int:
    """Publish every approved item whose publish time has come (and whose expiry has not), in batches."""
    from .models import ContentItem, Status
    from .services import item_publish_due

    now = timezone.now()
    total = 0
    while True:
        ids = list(ContentItem.objects.filter(status=Status.APPROVED)
                   .filter(Q(publish_at__isnull=True) | Q(publish_at__lte=now))
                   .filter(Q(expire_at__isnull=True) | Q(expire_at__gt=now))
                   .order_by("publish_at", "pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return total
        done = _run(ids, lambda pk: item_publish_due(item=ContentItem.objects.get(pk=pk)))
        total += done
        if done == 0:
            return total


@shared_task(name="content.tasks.expire_due")
def expire_due(batch: int = BATCH) -> int:
    """Take every published (or still waiting) item past its expiry off line, in batches."""
    from .models import ContentItem, Status
    from .services import item_expire

    now = timezone.now()
    total = 0
    while True:
        ids = list(ContentItem.objects.filter(status__in=[Status.PUBLISHED, Status.APPROVED], expire_at__lte=now)
                   .order_by("expire_at", "pk").values_list("pk", flat=True)[:batch])
        if not ids:
            return total
        done = _run(ids, lambda pk: item_expire(item=ContentItem.objects.get(pk=pk)))
        total += done
        if done == 0:
            return total


@shared_task(name="content.tasks.escalate_feedback")
def escalate_feedback(batch: int = BATCH) -> int:
    """Open feedback past its working-day deadline goes one level up (each run moves an item at most once)."""
    from .models import Feedback, FeedbackStatus
    from .services import feedback_escalate

    today = timezone.localdate()
    ids = list(Feedback.objects.filter(status=FeedbackStatus.OPEN, due_date__lt=today,
                                       handler_region__parent__isnull=False)
               .order_by("due_date", "pk").values_list("pk", flat=True)[: batch * 10])
    return _run(ids, lambda pk: feedback_escalate(feedback=Feedback.objects.get(pk=pk)))


@shared_task(name="content.tasks.training_reminders")
def training_reminders(after_days: int = 3, within_days: int = 60) -> int:
    """Remind once those who have not read a material a few days after it was published."""
    from .models import TrainingMaterial
    from .services import material_remind

    now = timezone.now()
    reminded = 0
    for material in TrainingMaterial.objects.filter(created_at__lte=now - timedelta(days=after_days),
                                                    created_at__gte=now - timedelta(days=within_days)).select_related(
            "region", "created_by"):
        reminded += material_remind(actor=material.created_by, material=material, automatic=True)
    return reminded
