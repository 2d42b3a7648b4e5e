"""Issue 14 (5) for security: daily reminders are one digest per person per day, each stage of a due date mentioned
once, in a fixed number of queries. Issue 12 / DESIGN §10: deadlines counted in working days are rechecked when the
calendar changes — a move is logged and the stored deadline stands."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from security import services
from security.models import ConfidentialityAgreement, Drill, PlanStatus
from security.services.incidents import ack_deadlines_recheck
from security.services.plans import revision_deadlines_recheck
from shequyun.models import AuditEvent, AuditEventType, WorkdayOverride
from shequyun.notifications.models import Notification
from shequyun.workdays import calendar, override_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def due_things(sec, make_scenario, active_plan):  # type: ignore[no-untyped-def]
    """``due_things(n, days)``: n confidentiality agreements of a 东明路街道 scenario (→ the street's officer) and
    n planned drills of 花木街道 (→ its officer), all due in ``days`` days."""
    scenario = make_scenario("online")
    version = active_plan(sec["huamu_so"]).versions.get()

    def build(n: int, days: int) -> None:
        today = timezone.localdate()
        ConfidentialityAgreement.objects.bulk_create(
            [ConfidentialityAgreement(scenario=scenario, vendor_name=f"技术公司{i}", vendor_credit_code="91310000MA1FL0000X",
                                      signatory="李工", signed_on=dt.date(2025, 1, 1),
                                      expires_on=today + dt.timedelta(days=days), created_by=sec["street_so"])
             for i in range(n)])
        Drill.objects.bulk_create(
            [Drill(region=sec["huamu_so"].region, plan_version=version, title=f"演练{i}",
                   planned_on=today + dt.timedelta(days=days), created_by=sec["huamu_so"]) for i in range(n)])

    return build


def _digests(user):  # type: ignore[no-untyped-def]
    return Notification.objects.filter(recipient=user, dedupe_key__startswith="security:reminder-digest:")


def test_many_due_objects_make_one_digest_per_person_and_each_stage_is_mentioned_once(sec, due_things, clock):
    due_things(12, 20)
    assert services.send_reminders() == 2  # the street's officer and 花木's: one message each
    street, huamu = _digests(sec["street_so"]).get(), _digests(sec["huamu_so"]).get()
    assert "12 项" in street.title
    assert "12 项" in huamu.title
    assert street.body.count("保密协议") == 12
    assert huamu.body.count("/security/drills/") == 12
    assert "http" in street.body
    assert "/security/agreements/" in street.body
    assert not _digests(sec["district_so"]).exists()
    assert not _digests(sec["city_so"]).exists()
    assert services.send_reminders() == 0  # the same day again: nothing
    clock.move_to(timezone.now() + dt.timedelta(days=1))
    assert services.send_reminders() == 0  # the next day, still the 30-day stage: already mentioned
    clock.move_to(timezone.now() + dt.timedelta(days=13))  # 6 days left: the 7-day stage
    assert services.send_reminders() == 2
    assert _digests(sec["street_so"]).count() == 2
    assert services.send_reminders() == 0
    clock.move_to(timezone.now() + dt.timedelta(days=7))  # overdue
    assert services.send_reminders() == 2
    latest = _digests(sec["street_so"]).order_by("-pk").first()
    assert "已超期 12 项" in latest.title
    assert "已超期" in latest.body


def test_a_long_digest_lists_thirty_lines_and_counts_the_rest(sec, due_things):
    due_things(35, 5)
    services.send_reminders()
    body = _digests(sec["street_so"]).get().body
    assert body.count("保密协议") == 30
    assert "另有 5 项" in body


def test_reminders_take_the_same_number_of_queries_for_3_or_30_objects(sec, due_things, django_assert_max_num_queries):
    due_things(3, 20)
    with CaptureQueriesContext(connection) as few:
        assert services.send_reminders() == 2
    due_things(30, 25)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert services.send_reminders() == 2
    assert services.send_reminders() == 0


# --- Calendar changes ---------------------------------------------------------------------------------------------

@pytest.mark.clock("2026-11-18T10:00:00+08:00")  # a Wednesday: one working day is Thursday 19 November
def test_a_working_day_ack_deadline_a_calendar_change_would_move_is_logged_and_stands(
        sec, report, django_capture_on_commit_callbacks):
    grade_three = report()  # 重要 × 严重 → III: one working day, Thursday 19 November
    grade_two = report(importance="special", loss="serious")  # II: two hours, never moves
    stored = grade_three.ack_due_at
    assert timezone.localdate(stored) == dt.date(2026, 11, 19)
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(date=dt.date(2026, 11, 19), is_workday=False, note="调休")
        override_changed(day=dt.date(2026, 11, 19), actor=sec["city_ops"])
    grade_three.refresh_from_db()
    assert grade_three.ack_due_at == stored  # the stored deadline stands
    events = AuditEvent.objects.filter(event_type=AuditEventType.DEADLINE_AFFECTED,
                                       target_type="security.incident")
    assert [e.target_id for e in events] == [str(grade_three.pk)]
    assert events.get().extra["stored"] == "2026-11-19"
    assert events.get().extra["recomputed"] == "2026-11-20"
    assert str(grade_two.pk) not in {e.target_id for e in events}
    assert ack_deadlines_recheck(changed_dates=[dt.date(2026, 11, 19)]) == 1  # rerun: the same finding
    assert ack_deadlines_recheck(changed_dates=[dt.date(2027, 3, 1)]) == 0  # after the deadline: nothing moves


def test_a_plan_revision_deadline_a_calendar_change_would_move_is_logged_and_stands(
        sec, active_plan, django_capture_on_commit_callbacks):
    plan = active_plan(sec["street_so"])
    today = timezone.localdate()
    drill = services.drill_create(actor=sec["street_so"], region=sec["street_so"].region,
                                  plan_version=plan.versions.get(), title="数据泄露处置演练", planned_on=today)
    services.drill_complete(actor=sec["street_so"], drill=drill, held_on=today, findings="通讯录过期",
                            revision_required=True, revision_working_days=10)
    revision = plan.versions.get(status=PlanStatus.DRAFT)
    stored = revision.revision_due
    inside = calendar.add_working_days(today, 3)  # a working day inside the window becomes a holiday
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(date=inside, is_workday=False, note="调休")
        override_changed(day=inside, actor=sec["city_ops"])
    revision.refresh_from_db()
    assert revision.revision_due == stored
    event = AuditEvent.objects.get(event_type=AuditEventType.DEADLINE_AFFECTED, target_type="security.planversion")
    assert event.target_id == str(revision.pk)
    assert event.extra["stored"] == stored.isoformat()
    assert event.extra["recomputed"] == calendar.add_working_days(today, 10).isoformat() != stored.isoformat()
    assert revision_deadlines_recheck(changed_dates=[stored + dt.timedelta(days=1)]) == 0  # after it: no move
