"""Audited saves read no row back (issue 15, P5): the old values come from the instance as it was loaded
(``shequyun/audit.py: install_loaded_values``), and the diff is still exact."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scenarios.models import Scenario, ScenarioEvent, Status
from shequyun.audit import acting_as


def _last_changes(obj):  # type: ignore[no-untyped-def]
    return LogEntry.objects.get_for_object(obj).order_by("-pk").first().changes


@pytest.mark.django_db
def test_an_audited_save_selects_nothing_and_records_the_old_value(make_scenario, actors):
    scenario = make_scenario(Status.DRAFT, name="旧名称")
    locked = Scenario.objects.select_related("region").get(pk=scenario.pk)
    locked.name = "新名称"
    with CaptureQueriesContext(connection) as queries, acting_as(actors["applicant"]):
        locked.save(update_fields=["name", "updated_at"])
    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT")]
    assert _last_changes(locked)["name"] == ["旧名称", "新名称"]
    # A second save of the same instance compares with what the first one wrote.
    locked.name = "第三个名称"
    locked.save(update_fields=["name"])
    assert _last_changes(locked)["name"] == ["新名称", "第三个名称"]


@pytest.mark.django_db
def test_a_json_value_changed_in_place_is_recorded(make_scenario, actors):
    scenario = make_scenario(Status.DRAFT)
    event = ScenarioEvent.objects.create(scenario=scenario, action="note", from_status="draft", to_status="draft",
                                         actor=actors["applicant"], extra={"n": 1})
    loaded = ScenarioEvent.objects.get(pk=event.pk)
    loaded.extra["n"] = 2
    loaded.save(update_fields=["extra"])
    assert "extra" in _last_changes(loaded)


@pytest.mark.django_db
def test_a_deferred_field_falls_back_to_reading_the_row(make_scenario):
    scenario = make_scenario(Status.DRAFT, name="原名")
    partial = Scenario.objects.only("pk", "name").get(pk=scenario.pk)
    partial.name = "改名"
    partial.save(update_fields=["name"])
    assert _last_changes(partial)["name"] == ["原名", "改名"]
