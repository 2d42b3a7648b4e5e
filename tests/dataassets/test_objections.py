"""Objections (003 Art. 48) on the one calendar: 标注 within 1 working day, decide or transfer within 2, the responsible
department decides within 5 working days of the transfer. Clocks computed once and stored; a later override that
would move one is logged; overdue stages escalate once; the objector is told the result."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dataassets import clocks, services
from dataassets.models import ObjectionEscalation, ObjectionStatus
from shequyun.models import AuditEvent, AuditEventType, WorkdayOverride
from shequyun.notifications.models import Notification
from shequyun.workdays import calendar, override_changed

pytestmark = pytest.mark.django_db

D = dt.date


@pytest.mark.clock("2026-09-30T10:00:00+08:00")
def test_filed_the_day_before_national_day(make_objection, da):
    objection = make_objection()
    assert objection.received_on == D(2026, 9, 30)
    # 1–7 October are holidays; the 8th (Thursday) is the first working day after.
    assert objection.mark_due == D(2026, 10, 8)
    assert objection.decide_due == D(2026, 10, 9)
    assert not objection.provisional_clocks


@pytest.mark.clock("2026-10-10T09:00:00+08:00")
def test_filed_on_the_saturday_make_up_workday(make_objection, da):
    assert calendar.is_workday(D(2026, 10, 10))
    objection = make_objection()
    assert (objection.mark_due, objection.decide_due) == (D(2026, 10, 12), D(2026, 10, 13))
    transferred = services.objection_transfer(
        actor=da["office"], objection=services.objection_mark(actor=da["office"], objection=objection),
        responsible_org=da["provider"])
    # transferred on the make-up Saturday: five working days are 12, 13, 14, 15, 16 October
    assert transferred.transferred_on == D(2026, 10, 10)
    assert transferred.department_due == D(2026, 10, 16)


@pytest.mark.clock("2026-12-30T10:00:00+08:00")
def test_a_deadline_that_crosses_into_the_provisional_year(make_objection, da, django_capture_on_commit_callbacks):
    objection = make_objection()
    assert objection.mark_due == D(2026, 12, 31)
    assert objection.decide_due == D(2027, 1, 1)  # provisional 2027: Monday–Friday, so New Year's Day counts
    assert objection.provisional_clocks
    assert calendar.is_provisional(objection.decide_due)
    # The State Council publishes 2027: New Year's Day is a holiday. The stored clock stands; the move is logged.
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(date=D(2027, 1, 1), is_workday=False, note="元旦")
        override_changed(day=D(2027, 1, 1), actor=da["city_office"])
    objection.refresh_from_db()
    assert objection.decide_due == D(2027, 1, 1)
    event = AuditEvent.objects.get(event_type=AuditEventType.DEADLINE_AFFECTED, target_id=str(objection.pk))
    assert event.extra == {"clock": "decide_due", "stored": "2027-01-01", "recomputed": "2027-01-04",
                           "calendar_dates": ["2027-01-01"]}


@pytest.mark.clock("2026-12-31T23:30:00+08:00")
def test_new_years_eve_at_night(make_objection, da):
    objection = make_objection()
    assert objection.received_on == D(2026, 12, 31)
    assert objection.mark_due == D(2027, 1, 1)
    assert objection.decide_due == D(2027, 1, 4)


def test_clocks_are_computed_by_the_one_calendar(make_objection):
    objection = make_objection()
    today = timezone.localdate()
    assert objection.mark_due == calendar.add_working_days(today, clocks.MARK_DAYS)
    assert objection.decide_due == calendar.add_working_days(today, clocks.DECIDE_DAYS)
    assert clocks.recomputed(objection) == {}


def test_an_override_that_does_not_move_a_clock_logs_nothing(make_objection, da, django_capture_on_commit_callbacks):
    make_objection()
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(date=D(2027, 3, 1), is_workday=False)
        override_changed(day=D(2027, 3, 1))
    assert not AuditEvent.objects.filter(event_type=AuditEventType.DEADLINE_AFFECTED).exists()


def test_whole_path_transfer_and_department_decision_tells_the_objector(make_objection, da,
                                                                       django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        objection = make_objection(ObjectionStatus.TRANSFERRED)
    assert objection.department_due == calendar.add_working_days(timezone.localdate(), 5)
    assert Notification.objects.filter(recipient=da["steward"], target_id=str(objection.pk)).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_decide(actor=da["steward"], objection=objection, decision="correct", result="地址已更正")
    told = Notification.objects.get(recipient=da["other"], dedupe_key=f"objection-{objection.pk}-decided")
    assert "予以更正" in told.title
    assert told.body == "地址已更正"


def test_transfer_only_to_a_department_of_the_resources_region_or_above(make_objection, da, make_user):
    from tests.factories import OrganisationFactory

    objection = make_objection(ObjectionStatus.MARKED)
    sideways = OrganisationFactory(region=da["other"].region, name="花木街道某部门")
    with pytest.raises(ValidationError) as excinfo:
        services.objection_transfer(actor=da["office"], objection=objection, responsible_org=sideways)
    assert "responsible_org" in excinfo.value.message_dict
    objection.refresh_from_db()
    assert objection.status == ObjectionStatus.MARKED


def test_decision_needs_a_decision_and_a_result(make_objection, da):
    objection = make_objection(ObjectionStatus.MARKED)
    with pytest.raises(ValidationError) as excinfo:
        services.objection_decide(actor=da["office"], objection=objection, decision="maybe", result=" ")
    assert set(excinfo.value.message_dict) == {"decision", "result"}


def test_only_published_resources_take_objections(make_resource, da):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.objection_file(actor=da["other"], resource=make_resource(), kind="error", description="x")


def test_overdue_objections_escalate_once_per_stage(make_objection, da, clock, django_capture_on_commit_callbacks):
    objection = make_objection()
    assert services.objection_escalate_overdue() == 0  # not late yet
    clock.move_to(dt.datetime.combine(objection.mark_due + dt.timedelta(days=1), dt.time(1, 0),
                                      tzinfo=timezone.get_current_timezone()))
    with django_capture_on_commit_callbacks(execute=True):
        assert services.objection_escalate_overdue() == 1
        assert services.objection_escalate_overdue() == 0  # idempotent
    escalation = ObjectionEscalation.objects.get(objection=objection)
    assert escalation.stage == ObjectionStatus.RECEIVED
    assert escalation.to_region.code == "310000000000"  # the district office is late: the city hears of it
    assert Notification.objects.filter(recipient=da["city_office"], target_id=str(objection.pk)).count() == 1
    assert AuditEvent.objects.filter(event_type=AuditEventType.OBJECTION_ESCALATED).count() == 1
    # marked late; once the decide clock has run out too, the next stage escalates once more
    services.objection_mark(actor=da["office"], objection=objection)
    assert services.objection_escalate_overdue() == 0
    clock.move_to(dt.datetime.combine(objection.decide_due + dt.timedelta(days=1), dt.time(1, 0),
                                      tzinfo=timezone.get_current_timezone()))
    assert services.objection_escalate_overdue() == 1
    assert services.objection_escalate_overdue() == 0


def test_escalation_task_runs_twice_safely(make_objection, clock):
    from dataassets.tasks import escalate_overdue_objections

    objection = make_objection()
    clock.move_to(dt.datetime.combine(objection.decide_due + dt.timedelta(days=3), dt.time(1, 0),
                                      tzinfo=timezone.get_current_timezone()))
    assert escalate_overdue_objections.delay().get() == 1
    assert escalate_overdue_objections.delay().get() == 0


def test_the_objector_outside_the_subtree_follows_their_objection(make_objection, da, api_client):
    objection = make_objection()
    api_client.force_authenticate(da["other"])  # 花木街道: not in 东明路's subtree
    assert api_client.get(f"/api/v1/dataassets/objections/{objection.pk}/").status_code == 200
    colleague = __import__("tests.factories", fromlist=["UserFactory"]).UserFactory(
        organisation=da["other"].organisation, region=da["other"].region)
    api_client.force_authenticate(colleague)
    assert api_client.get(f"/api/v1/dataassets/objections/{objection.pk}/").status_code == 404


def test_dashboard_counts_by_stage_and_lateness(make_objection, da, clock):
    from dataassets.selectors import objection_dashboard

    make_objection()
    make_objection(ObjectionStatus.TRANSFERRED)
    make_objection(ObjectionStatus.DECIDED)
    clock.move_to(timezone.now() + dt.timedelta(days=5))
    stages = {s["status"]: s for s in objection_dashboard(user=da["office"])["stages"]}
    assert stages["received"]["total"] == 1
    assert stages["received"]["overdue"] == 1
    assert stages["transferred"]["total"] == 1
    assert stages["decided"] == {**stages["decided"], "total": 1, "overdue": 0}
