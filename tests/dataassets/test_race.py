"""Two data office reviewers act on the same entry at once: exactly one wins (PostgreSQL row locks)."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections

from dataassets import services
from dataassets.models import ObjectionEvent, ResourceEvent, ResourceStatus
from shequyun.errors import Conflict


def _race(calls):
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait(timeout=10)
            call()
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        except PermissionDenied:  # the winner moved it to a stage the loser may not act on
            outcomes.append("403")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    return sorted(outcomes)


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_publish_and_return_at_once_exactly_one_wins(make_resource, da):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race needs PostgreSQL")
    resource = make_resource(ResourceStatus.SUBMITTED)
    outcomes = _race([
        lambda: services.resource_transition(actor=da["office"], resource=resource, action="publish"),
        lambda: services.resource_transition(actor=da["office2"], resource=resource, action="return", comment="退回"),
    ])
    assert outcomes == ["409", "won"]
    assert ResourceEvent.objects.filter(resource=resource, from_status=ResourceStatus.SUBMITTED).count() == 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_decide_and_transfer_at_once_exactly_one_wins(make_objection, da):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race needs PostgreSQL")
    objection = make_objection("marked")
    outcomes = _race([
        lambda: services.objection_decide(actor=da["office"], objection=objection, decision="correct", result="已改"),
        lambda: services.objection_transfer(actor=da["office2"], objection=objection, responsible_org=da["provider"]),
    ])
    assert outcomes in (["409", "won"], ["403", "won"])
    assert ObjectionEvent.objects.filter(objection=objection, from_status="marked").count() == 1
