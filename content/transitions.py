"""The content workflows as explicit tables, executed by shequyun/workflow.py.

The review chain is data (``ReviewChain``/``ReviewStep``, 1–3 steps), snapshotted on submit into the item's round.
A chain of *n* steps runs through the states ``review_1 … review_n``; so there is one table per chain length,
built by :func:`item_transitions` and chosen by the item's ``step_count``. The rule of every review step is the same
predicate (``permissions.may_review``), which reads the step's region and role from the item.

Scheduled publishing and expiry are system actions (actor ``None``): their rule is the clock, never a person.
"""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from shequyun.workflow import Transition

from . import permissions as p
from .models import FeedbackStatus as F
from .models import Status as S
from .models import review_state

MAX_STEPS = 3


def editor(user: Any, item: Any) -> bool:
    return p.may_edit(user, item)


def reviewer(user: Any, item: Any) -> bool:
    return p.may_review(user, item)


def withdrawer(user: Any, item: Any) -> bool:
    return p.may_withdraw(user, item)


def publisher(user: Any, item: Any) -> bool:
    return p.may_publish_now(user, item)


def publication_due(user: Any, item: Any) -> bool:
    """The scheduler (no person) publishes once the publish time has come."""
    return user is None and (item.publish_at is None or item.publish_at <= timezone.now())


def expiry_due(user: Any, item: Any) -> bool:
    return user is None and item.expire_at is not None and item.expire_at <= timezone.now()


def item_transitions(steps: int) -> list[Transition]:
    """The table for a chain of ``steps`` steps (1–3)."""
    if not 1 <= steps <= MAX_STEPS:
        raise ValueError(steps)
    table = [Transition(S.DRAFT, "submit", review_state(1), editor, _("提交审核"))]
    for position in range(1, steps + 1):
        state = review_state(position)
        following = review_state(position + 1) if position < steps else S.APPROVED
        table += [
            Transition(state, "approve", following, reviewer, _("审核通过")),
            Transition(state, "return", S.DRAFT, reviewer, _("退回修改"), needs_comment=True, style="outline-danger"),
        ]
        if position > 1:  # an edit after an approval restarts the chain
            table.append(Transition(state, "restart", review_state(1), editor, _("修改后重新送审"), waits=False))
    table += [
        Transition(S.APPROVED, "restart", review_state(1), editor, _("修改后重新送审"), waits=False),
        Transition(S.APPROVED, "publish", S.PUBLISHED, publisher, _("立即发布"), style="outline-primary", waits=False),
        Transition(S.APPROVED, "auto_publish", S.PUBLISHED, publication_due, _("定时发布")),
        Transition(S.APPROVED, "expire", S.EXPIRED, expiry_due, _("到期下线")),
        Transition(S.PUBLISHED, "expire", S.EXPIRED, expiry_due, _("到期下线")),
        Transition(S.APPROVED, "withdraw", S.WITHDRAWN, withdrawer, _("撤稿"), needs_comment=True, style="outline-danger",
                   waits=False),
        Transition(S.PUBLISHED, "withdraw", S.WITHDRAWN, withdrawer, _("撤稿"), needs_comment=True,
                   style="outline-danger", waits=False),
    ]
    return table


#: Actions offered as buttons on an item's page (approve/return live on the review page with the four checks;
#: restart happens by editing; the scheduler's actions are nobody's button).
BUTTON_ACTIONS = ("submit", "publish", "withdraw")
#: Actions of the REST API (``POST /api/v1/content/items/{id}/<action>/``).
API_ACTIONS = ("submit", "approve", "return", "publish", "withdraw")
SYSTEM_ACTIONS = ("auto_publish", "expire")


# --- Feedback -------------------------------------------------------------------------------------------------

def handler(user: Any, feedback: Any) -> bool:
    return p.may_handle_feedback(user, feedback)


def closer(user: Any, feedback: Any) -> bool:
    return p.may_close_feedback(user, feedback)


def can_go_up(user: Any, feedback: Any) -> bool:
    return p.may_handle_feedback(user, feedback) and feedback.handler_region.parent_id is not None


def overdue(user: Any, feedback: Any) -> bool:
    """The scheduler escalates an unanswered question past its working-day deadline (not at the city: the top)."""
    return (user is None and feedback.due_date < timezone.localdate()
            and feedback.handler_region.parent_id is not None)


FEEDBACK_TRANSITIONS = [
    Transition(F.OPEN, "answer", F.ANSWERED, handler, _("答复"), needs_comment=True),
    Transition(F.OPEN, "forward", F.OPEN, can_go_up, _("转报上级"), needs_comment=True, style="outline-primary"),
    Transition(F.OPEN, "close", F.CLOSED, handler, _("关闭"), needs_comment=True, style="outline-danger"),
    Transition(F.ANSWERED, "close", F.CLOSED, closer, _("关闭"), style="outline-danger"),
    Transition(F.OPEN, "escalate", F.OPEN, overdue, _("超期升级")),
]
FEEDBACK_API_ACTIONS = ("answer", "forward", "close")
