"""The embedded default serves several users at once (issue 9 point 2): two simultaneous workflow actions on one
application give one 200 and one 409 on SQLite, as on PostgreSQL — never "database is locked".

Each action holds its transaction open a moment after reading the row (``acting_as`` is slowed), so both requests
are inside their transactions together. With IMMEDIATE transactions the second waits at BEGIN and then sees the new
state (409); with SQLite's default DEFERRED transactions both read the old state and the second cannot write — the
control case shows the configuration is what makes the difference.
"""

from __future__ import annotations

import contextlib
import threading
import time

import pytest
from django.db import connection, connections
from rest_framework.test import APIClient

from accounts.roles import Role
from scenarios.models import ScenarioEvent, Status


def _race(make_scenario, actors, make_user, monkeypatch) -> list[int]:  # type: ignore[no-untyped-def]
    import shequyun.workflow

    second = make_user("pudong", roles=[Role.REVIEWER], organisation=actors["reviewer"].organisation)
    scenario = make_scenario(Status.SUBMITTED)
    url = f"/api/v1/scenarios/applications/{scenario.application.pk}/approve/"
    original = shequyun.workflow.acting_as

    @contextlib.contextmanager
    def slow_acting_as(actor):  # type: ignore[no-untyped-def]
        time.sleep(0.4)  # inside the transaction, after the row was read
        with original(actor):
            yield

    monkeypatch.setattr(shequyun.workflow, "acting_as", slow_acting_as)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def act(user) -> None:  # type: ignore[no-untyped-def]
        client = APIClient()
        client.raise_request_exception = False
        client.force_authenticate(user)
        try:
            barrier.wait(timeout=10)
            codes.append(client.post(url).status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(user,)) for user in (actors["reviewer"], second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    scenario.refresh_from_db()
    assert scenario.status == Status.APPROVED
    assert ScenarioEvent.objects.filter(scenario=scenario, from_status=Status.SUBMITTED).count() == 1
    return sorted(codes)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_on_sqlite_give_200_and_409(make_scenario, actors, make_user, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("the embedded SQLite configuration (PostgreSQL: tests/scenarios/test_race_and_similarity.py)")
    options = connection.settings_dict["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    with connection.cursor() as cursor:
        assert cursor.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert _race(make_scenario, actors, make_user, monkeypatch) == [200, 409]


@pytest.mark.django_db(transaction=True)
def test_control_with_deferred_transactions_the_loser_cannot_write(make_scenario, actors, make_user, monkeypatch):
    if connection.vendor != "sqlite":
        pytest.skip("SQLite only")
    monkeypatch.setitem(connections.settings["default"]["OPTIONS"], "transaction_mode", "DEFERRED")
    codes = _race(make_scenario, actors, make_user, monkeypatch)
    # "database is locked": without IMMEDIATE the loser fails (503 since the database-error handler; 500 before).
    assert codes == [200, 503], codes
