"""Every (state, action) pair of every chain length: pairs in the table succeed and add one history row; all others
answer 409 and change nothing. The same for the feedback channel."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from content import services
from content.models import ContentItem, Feedback, FeedbackEvent, FeedbackStatus, ItemEvent, Status
from content.services.feedback import WORKFLOW as FEEDBACK_WORKFLOW
from content.services.items import WORKFLOWS
from shequyun.errors import Conflict

from .factories import CHECKS

STATES = [s.value for s in Status]
STEPS = {1: [{"name": "终审", "role": "reviewer", "level": "district"}],
         2: [{"name": "初审", "role": "reviewer", "level": "street"},
             {"name": "终审", "role": "reviewer", "level": "district"}],
         3: [{"name": "初审", "role": "reviewer", "level": "street"}, {"name": "复审", "role": "operator", "level": "street"},
             {"name": "终审", "role": "reviewer", "level": "district"}]}
REVIEWER_AT = {"street": "first", "district": "final"}


def _reviewer(people, item):
    step = item.review_round.step(item.current_step)
    return people["street_ops"] if step["role"] == "operator" else people[REVIEWER_AT[step["level"]]]


def _reach(people, steps, state):
    """An item of a chain of ``steps`` steps in ``state`` (None when the state does not exist for that length)."""
    author = people["author"]
    item = services.item_create(actor=author, kind="notice", title="通知", body="<p>正文</p>",
                                publish_at=timezone.now() + timedelta(days=2), is_time_bound=True,
                                expire_at=timezone.now() + timedelta(days=9))
    if state == Status.DRAFT:
        return item
    item = services.item_submit(actor=author, item=item)
    target = {"review_1": 1, "review_2": 2, "review_3": 3}.get(state)
    if target is not None:
        if target > steps:
            return None
        for _ in range(target - 1):
            item = services.item_review(actor=_reviewer(people, item), item=item, action="approve", checks=CHECKS)
        return item
    for _ in range(steps):
        item = services.item_review(actor=_reviewer(people, item), item=item, action="approve", checks=CHECKS)
    if state == Status.APPROVED:
        return item
    if state == Status.WITHDRAWN:
        return services.item_withdraw(actor=author, item=item, reason="撤回")
    ContentItem.objects.filter(pk=item.pk).update(publish_at=timezone.now() - timedelta(minutes=3))
    item = services.item_publish_due(item=ContentItem.objects.get(pk=item.pk))
    if state == Status.EXPIRED:
        ContentItem.objects.filter(pk=item.pk).update(publish_at=timezone.now() - timedelta(minutes=2),
                                                      expire_at=timezone.now() - timedelta(minutes=1))
        item = services.item_expire(item=ContentItem.objects.get(pk=item.pk))
    return item


def _act(people, item, action):
    author = people["author"]
    if action in {"approve", "return"}:
        actor = _reviewer(people, item) if item.current_step else people["first"]
        return services.item_review(actor=actor, item=item, action=action, checks=CHECKS, comment="意见")
    if action == "submit":
        return services.item_submit(actor=author, item=item)
    if action == "publish":
        return services.item_publish(actor=author, item=item)
    if action == "withdraw":
        return services.item_withdraw(actor=author, item=item, reason="撤稿理由")
    if action == "restart":
        return services.item_update(actor=author, item=item, title="修改后的标题")
    if action == "auto_publish":
        earlier = timezone.now() - timedelta(minutes=1)
        if item.expire_at is not None:
            earlier = min(earlier, item.expire_at - timedelta(minutes=1))
        ContentItem.objects.filter(pk=item.pk).update(publish_at=earlier)
        return services.item_publish_due(item=ContentItem.objects.get(pk=item.pk))
    if action == "expire":
        ContentItem.objects.filter(pk=item.pk).update(publish_at=timezone.now() - timedelta(minutes=2),
                                                      expire_at=timezone.now() - timedelta(minutes=1),
                                                      is_time_bound=True)
        return services.item_expire(item=ContentItem.objects.get(pk=item.pk))
    raise AssertionError(action)


@pytest.mark.django_db
@pytest.mark.parametrize("steps", [1, 2, 3])
@pytest.mark.parametrize("state", STATES)
@pytest.mark.parametrize("action", sorted(WORKFLOWS[3].actions))
def test_every_state_action_pair(people, regions, steps, state, action):
    services.chain_save(actor=people["street_ops"], region=regions["dongming"], steps=STEPS[steps])
    item = _reach(people, steps, state)
    if item is None:
        pytest.skip(f"no {state} in a {steps}-step chain")
    item.refresh_from_db()
    assert item.status == state
    workflow = WORKFLOWS[item.step_count or 3]
    transition = workflow.get(state, action)
    before = ItemEvent.objects.filter(item=item).count()
    if action == "restart" and state in (Status.DRAFT, Status.REVIEW_1):
        transition = None  # editing a draft or an item before any approval is a plain edit, not a restart
        result = _act(people, item, action)
        assert result.status == state
        return
    if transition is None:
        with pytest.raises(Conflict) as excinfo:
            _act(people, item, action)
        assert excinfo.value.payload["status"] == state
        item.refresh_from_db()
        assert item.status == state
        assert ItemEvent.objects.filter(item=item).count() == before
        return
    result = _act(people, item, action)
    assert result.status == transition.target
    event = ItemEvent.objects.filter(item=item).latest("id")
    assert (event.from_status, event.to_status, event.action) == (state, transition.target, action)
    assert ItemEvent.objects.filter(item=item).count() == before + 1


def test_tables_per_chain_length():
    assert {s for (s, a) in WORKFLOWS[1].table if a == "approve"} == {"review_1"}
    assert WORKFLOWS[1].get("review_1", "approve").target == "approved"
    assert WORKFLOWS[2].get("review_1", "approve").target == "review_2"
    assert WORKFLOWS[3].get("review_2", "approve").target == "review_3"
    assert WORKFLOWS[3].get("review_3", "restart").target == "review_1"
    assert WORKFLOWS[2].get("review_3", "approve") is None


FEEDBACK_STATES = [s.value for s in FeedbackStatus]


@pytest.mark.django_db
@pytest.mark.parametrize("state", FEEDBACK_STATES)
@pytest.mark.parametrize("action", sorted(FEEDBACK_WORKFLOW.actions))
def test_every_feedback_state_action_pair(people, state, action, clock):
    feedback = services.feedback_raise(actor=people["author"], kind="question", title="问题", body="内容")
    if state == FeedbackStatus.ANSWERED:
        feedback = services.feedback_act(actor=people["street_ops"], feedback=feedback, action="answer", comment="答")
    elif state == FeedbackStatus.CLOSED:
        feedback = services.feedback_act(actor=people["street_ops"], feedback=feedback, action="close", comment="重复")
    before = FeedbackEvent.objects.filter(feedback=feedback).count()
    transition = FEEDBACK_WORKFLOW.get(state, action)

    def act():
        if action == "escalate":
            Feedback.objects.filter(pk=feedback.pk).update(due_date=timezone.localdate() - timedelta(days=1))
            return services.feedback_escalate(feedback=Feedback.objects.get(pk=feedback.pk))
        actor = people["author"] if (state, action) == ("answered", "close") else people["street_ops"]
        return services.feedback_act(actor=actor, feedback=feedback, action=action, comment="说明")

    if transition is None:
        with pytest.raises(Conflict):
            act()
        assert FeedbackEvent.objects.filter(feedback=feedback).count() == before
        return
    result = act()
    assert result.status == transition.target
    assert FeedbackEvent.objects.filter(feedback=feedback).count() == before + 1
    if action in {"forward", "escalate"}:
        assert result.handler_region.code == "310115000000"
