"""Two officers acknowledge at once: exactly one wins (PostgreSQL row locks). The graded-protection data migration."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from security.models import IncidentEvent, IncidentStatus
from security.services import incident_acknowledge
from shequyun.errors import Conflict


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_officers_acknowledge_at_once_exactly_one_wins(sec, report, make_user):
    if connection.vendor != "postgresql":
        pytest.skip("row-lock race needs PostgreSQL")
    from accounts.roles import Role

    incident = report()
    second = make_user("pudong", roles=[Role.SECURITY_OFFICER])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user):  # type: ignore[no-untyped-def]
        try:
            barrier.wait(timeout=10)
            incident_acknowledge(actor=user, incident=incident, comment="并发")
            outcomes.append("won")
        except Conflict:
            outcomes.append("409")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(sec["street_so"],)), threading.Thread(target=act, args=(second,))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["409", "won"]
    incident.refresh_from_db()
    assert incident.status == IncidentStatus.ACKNOWLEDGED
    assert IncidentEvent.objects.filter(incident=incident, action="acknowledge").count() == 1


@pytest.mark.django_db(transaction=True)
def test_graded_protection_moves_from_scenarios_to_assessments(make_scenario):
    """security.0003 copies level and test date (level 5 kept as 4 with a note); the reverse copies them back."""
    from django.db.migrations.executor import MigrationExecutor

    scenario = make_scenario("online")
    other = make_scenario("draft", name="另一个场景")
    before = [("security", "0002_incident_categories"), ("scenarios", "0003_graded_protection")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    apps = executor.loader.project_state(before).apps
    old_scenario = apps.get_model("scenarios", "Scenario")
    old_scenario.objects.filter(pk=scenario.pk).update(protection_level=3, protection_tested_on=dt.date(2026, 4, 1))
    old_scenario.objects.filter(pk=other.pk).update(protection_level=5)
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    from security.models import Assessment

    moved = {a.scenario_id: a for a in Assessment.objects.all()}
    assert (moved[scenario.pk].protection_level, moved[scenario.pk].tested_on) == (3, dt.date(2026, 4, 1))
    assert moved[other.pk].protection_level == 4
    assert "第五级" in moved[other.pk].note
    scenario.refresh_from_db()
    assert scenario.protection_level == 3  # read through the assessment
