"""Two reviewers acting at once on one step: exactly one wins (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from content import services
from content.models import ItemEvent, Status
from shequyun.errors import Conflict

from .factories import CHECKS


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("second_action", ["approve", "return"])
def test_two_reviewers_on_one_step_exactly_one_wins(people, make_item, second_action):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race needs PostgreSQL")
    item = make_item(Status.REVIEW_1)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user, action):
        try:
            barrier.wait(timeout=10)
            services.item_review(actor=user, item=item, action=action, checks=CHECKS, comment="并发", step=1)
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(people["first"], "approve")),
               threading.Thread(target=act, args=(people["first2"], second_action))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["409", "won"]
    item.refresh_from_db()
    assert item.status in {Status.REVIEW_2, Status.DRAFT}
    assert ItemEvent.objects.filter(item=item, step=1, action__in=["approve", "return"]).count() == 1
