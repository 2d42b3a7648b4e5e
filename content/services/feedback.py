"""工作交流平台 (000 Art. 10, 17): questions and suggestions routed to the operations office one level up, which
answers, forwards further up or closes; unanswered past the working-day deadline, they escalate by themselves."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequyun.audit import acting_as
from shequyun.notifications.services import notify
from shequyun.workdays import calendar, log_moved_deadline
from shequyun.workflow import Transition, Workflow, transition

from ..models import Feedback, FeedbackEvent, FeedbackKind, FeedbackStatus
from ..permissions import feedback_recipients, feedback_route, may_raise_feedback
from ..transitions import FEEDBACK_TRANSITIONS


def answer_days() -> int:
    """Working days the handling office has to answer (``CONTENT_FEEDBACK_ANSWER_DAYS``, default 5)."""
    value = getattr(settings, "CONTENT_FEEDBACK_ANSWER_DAYS", None) or os.environ.get("CONTENT_FEEDBACK_ANSWER_DAYS")
    try:
        return max(1, int(value)) if value else 5
    except ValueError:
        return 5


def _deadline() -> tuple[Any, bool]:
    due = calendar.add_working_days(timezone.localdate(), answer_days())
    return due, calendar.is_provisional(due)


def _record(feedback: Feedback, step: Transition, actor: Any, comment: str, previous: str, **extra: Any) -> None:
    FeedbackEvent.objects.create(feedback=feedback, action=step.action, from_status=previous, to_status=step.target,
                                 from_region_id=extra.get("from_region"), to_region_id=feedback.handler_region_id,
                                 actor=actor, comment=comment or "")


def _after(feedback: Feedback, step: Transition, actor: Any, comment: str) -> None:
    actor_pk = getattr(actor, "pk", None)
    notify(recipients=[u for u in feedback_recipients(feedback) if u.pk != actor_pk],
           title=_("工作交流“%(t)s”：%(a)s") % {"t": feedback.title, "a": step.label}, body=comment,
           url=f"/content/feedback/{feedback.pk}/", target=feedback,
           dedupe_key=f"feedback-{feedback.pk}-{step.action}-{feedback.handler_region_id}-{feedback.escalations}")


WORKFLOW = Workflow(name="feedback", transitions=FEEDBACK_TRANSITIONS, record=_record, after=_after,
                    people=lambda feedback: feedback_recipients(feedback))


@transaction.atomic
def feedback_raise(*, actor: Any, kind: str, title: str, body: str) -> Feedback:
    if not may_raise_feedback(actor):
        raise PermissionDenied
    due, provisional = _deadline()
    feedback = Feedback(region=actor.region, raised_by=actor, kind=kind, title=(title or "").strip(),
                        body=(body or "").strip(), handler_region=feedback_route(actor.region), due_date=due,
                        due_provisional=provisional)
    feedback.full_clean(exclude=["region", "raised_by", "handler_region"])
    with acting_as(actor):
        feedback.save()
        FeedbackEvent.objects.create(feedback=feedback, action="raise", from_status=FeedbackStatus.OPEN,
                                     to_status=FeedbackStatus.OPEN, to_region=feedback.handler_region, actor=actor)
    transaction.on_commit(lambda: notify(
        recipients=feedback_recipients(feedback), url=f"/content/feedback/{feedback.pk}/", target=feedback,
        title=_("新的%(k)s：%(t)s") % {"k": FeedbackKind(kind).label, "t": feedback.title},
        dedupe_key=f"feedback-{feedback.pk}-raise"))
    return feedback


def feedback_act(*, actor: Any, feedback: Feedback, action: str, comment: str = "") -> Feedback:
    """answer (the comment is the answer), forward (one level up, with a new deadline) or close."""
    from_region = feedback.handler_region_id

    def apply(locked: Feedback, step: Transition) -> list[str]:
        if step.action == "answer":
            locked.answer, locked.answered_by, locked.answered_at = comment.strip(), actor, timezone.now()
            return ["answer", "answered_by", "answered_at", "updated_at"]
        if step.action in {"forward", "escalate"}:
            locked.handler_region = locked.handler_region.parent
            locked.due_date, locked.due_provisional = _deadline()
            fields = ["handler_region", "due_date", "due_provisional", "updated_at"]
            if step.action == "escalate":
                locked.escalations += 1
                fields.append("escalations")
            return fields
        return ["updated_at"]

    return transition(WORKFLOW, obj=feedback, action=action, actor=actor, comment=comment, extra_update=apply,
                      from_region=from_region)


def feedback_deadlines_recheck(*, changed_dates: list[Any]) -> int:
    """After the working-day calendar changed, log every open item's answer deadline that the new calendar would
    place on another day (counted from the day the item reached its current handler). The stored deadline stands."""
    if not changed_dates:
        return 0
    earliest, latest = min(changed_dates), max(changed_dates)
    logged = 0
    items = (Feedback.objects.filter(status=FeedbackStatus.OPEN, due_date__gte=earliest)
             .select_related("region").prefetch_related("events"))
    for feedback in items:
        routed = [e for e in feedback.events.all() if e.action in ("raise", "forward", "escalate")]
        if not routed:
            continue
        start = timezone.localdate(max(routed, key=lambda e: (e.created_at, e.pk)).created_at)
        if start > latest:
            continue
        recomputed = calendar.add_working_days(start, answer_days())
        logged += log_moved_deadline(target=feedback, region_path=feedback.region.path, stored=feedback.due_date,
                                     recomputed=recomputed, changed_dates=changed_dates)
    return logged


def feedback_escalate(*, feedback: Feedback) -> Feedback:
    """The scheduler: an open item past its deadline goes one level up (409 when it is no longer overdue)."""
    return feedback_act(actor=None, feedback=feedback, action="escalate",
                        comment=_("超过%(n)d个工作日未答复，自动转报上级。") % {"n": answer_days()})
