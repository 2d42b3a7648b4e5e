"""Working days on real State Council calendars, across the year boundary into an uncovered year."""

from __future__ import annotations

import datetime as dt

import chinese_calendar
import pytest

from shequyun.models import WorkdayOverride
from shequyun.workdays import WorkCalendar, calendar_health

pytestmark = pytest.mark.django_db  # the calendar reads entered overrides
cal = WorkCalendar()


def test_2025_spring_festival_and_make_up_days():
    assert chinese_calendar.is_workday(dt.date(2025, 1, 26))  # Sunday make-up workday
    assert cal.is_workday(dt.date(2025, 1, 26))
    assert cal.is_workday(dt.date(2025, 2, 8))  # Saturday make-up workday
    assert not cal.is_workday(dt.date(2025, 1, 29))  # 春节
    # From Friday 2025-01-24: Sun 26 and Mon 27 are working days, then the holiday to 2-4, then Wed 2-5.
    assert cal.add_working_days(dt.date(2025, 1, 24), 3) == dt.date(2025, 2, 5)


def test_2025_national_day_golden_week():
    for day in range(1, 9):
        assert not cal.is_workday(dt.date(2025, 10, day))
    assert cal.is_workday(dt.date(2025, 10, 11))  # Saturday make-up workday
    assert cal.add_working_days(dt.date(2025, 9, 30), 1) == dt.date(2025, 10, 9)


def test_into_an_uncovered_year_is_provisional_not_an_error():
    assert not cal.is_provisional(dt.date(2026, 12, 31))
    assert cal.is_provisional(dt.date(2027, 1, 4))
    # 12-31 (official workday), then 2027 is Monday–Friday until its calendar is entered: 1-1 (Fri), 1-4 (Mon).
    assert cal.add_working_days(dt.date(2026, 12, 30), 3) == dt.date(2027, 1, 4)
    assert cal.working_days_between(dt.date(2026, 12, 25), dt.date(2027, 1, 8)) > 0


def test_counting_between():
    assert cal.working_days_between(dt.date(2025, 9, 30), dt.date(2025, 10, 9)) == 1
    assert cal.working_days_between(dt.date(2025, 10, 9), dt.date(2025, 9, 30)) == -1
    assert cal.working_days_between(dt.date(2025, 3, 3), dt.date(2025, 3, 3)) == 0


@pytest.mark.django_db
def test_an_override_entered_for_2027_changes_the_answer_and_is_not_provisional():
    assert WorkCalendar().is_workday(dt.date(2027, 1, 1))
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    WorkdayOverride.objects.create(date=dt.date(2027, 2, 6), is_workday=True, note="春节调休（星期六上班）")
    fresh = WorkCalendar()
    assert not fresh.is_workday(dt.date(2027, 1, 1))
    assert fresh.is_workday(dt.date(2027, 2, 6))
    assert not fresh.is_provisional(dt.date(2027, 3, 1))
    assert fresh.add_working_days(dt.date(2026, 12, 30), 3) == dt.date(2027, 1, 5)


@pytest.mark.django_db
def test_health_check_warns_in_q4_until_next_year_is_entered():
    assert calendar_health(dt.date(2026, 6, 1)) == []
    assert "2027年放假安排尚未录入" in calendar_health(dt.date(2026, 11, 23))[0]
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False)
    assert calendar_health(dt.date(2026, 11, 23)) == []


@pytest.mark.django_db
def test_override_queries_are_per_year_not_per_day(django_assert_max_num_queries):
    cal = WorkCalendar()
    with django_assert_max_num_queries(2):
        for i in range(1000):
            cal.add_working_days(dt.date(2026, 1, 1) + dt.timedelta(days=i % 300), 5)


def test_coverage_task_notifies_once_a_day(make_user, monkeypatch):
    from shequyun import workdays
    from shequyun.notifications.models import Notification
    from shequyun.tasks import check_calendar_coverage

    root = make_user("city", is_superuser=True)
    monkeypatch.setattr(workdays, "calendar_health", lambda today=None: ["2027年放假安排尚未录入"])
    assert check_calendar_coverage.delay().get() == ["2027年放假安排尚未录入"]
    check_calendar_coverage.delay().get()
    assert Notification.objects.filter(recipient=root).count() == 1


def test_admin_enters_an_override_and_it_is_audited(client, make_user, django_capture_on_commit_callbacks):
    from shequyun.models import AuditEvent, AuditEventType

    client.force_login(make_user("city", is_superuser=True, is_staff=True))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/shequyun/workdayoverride/add/",
                               {"date": "2027-01-01", "is_workday": "", "note": "元旦"})
    assert response.status_code == 302
    assert WorkdayOverride.objects.filter(date=dt.date(2027, 1, 1), is_workday=False).exists()
    assert AuditEvent.objects.filter(event_type=AuditEventType.CALENDAR_CHANGED, extra__date="2027-01-01").exists()


# Across 2026 → 2027 on the suite's clock: the boundary is Shanghai's midnight, and 2027 is a provisional year.

@pytest.mark.parametrize(("instant", "period", "provisional"), [
    ("2026-12-31T23:30:00+08:00", "2026Q4", True),   # New Year's Eve at night: still Q4, due date falls in 2027
    ("2026-12-31T16:30:00+00:00", "2027Q1", True),   # 00:30 on 1 January in Shanghai, still 31 December in UTC
    ("2026-11-18T10:00:00+08:00", "2026Q4", False),  # 20 working days from mid-November stay inside 2026
])
def test_the_quarter_and_its_due_date_follow_shanghai_midnight(clock, regions, instant, period, provisional):
    from scenarios.models import EvaluationCampaign
    from scenarios.services.evaluations import open_quarterly_campaigns

    clock.move_to(instant)
    open_quarterly_campaigns()
    campaign = EvaluationCampaign.objects.get(region=regions["pudong"])
    assert campaign.period == period
    assert campaign.due_provisional is provisional
    assert campaign.due_date > dt.date(2026, 12, 31) or not provisional


@pytest.mark.clock("2026-12-31T23:30:00+08:00")
def test_deadline_badges_count_into_the_provisional_year():
    from shequyun.workdays import deadline_words

    # Thursday 31 December → Monday 4 January: Friday 1 January is a working day only provisionally (no
    # override entered), so two working days remain.
    assert deadline_words(dt.date(2027, 1, 4))["text"] == "剩2个工作日"
    assert deadline_words(dt.date(2026, 12, 31))["text"] == "今天到期"
    assert deadline_words(dt.date(2026, 12, 30))["text"] == "超期1天"
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    assert deadline_words(dt.date(2027, 1, 4))["text"] == "剩1个工作日"  # the entered holiday is seen at once


@pytest.mark.clock("2026-12-31T23:30:00+08:00")
def test_a_rectification_deadline_set_on_new_years_eve_is_stored_and_marked_by_the_calendar(make_scenario, actors):
    from django.utils import timezone

    from scenarios.models import Status
    from scenarios.services import scenario_rectify

    scenario = make_scenario(Status.ONLINE)
    today = timezone.localdate()
    assert today == dt.date(2026, 12, 31)
    deadline = cal.add_working_days(today, 10)
    scenario_rectify(actor=actors["reviewer"], scenario=scenario, deadline=deadline, comment="整改",
                     working_days_from=(today, 10))
    scenario.refresh_from_db()
    assert scenario.rectify_deadline == dt.date(2027, 1, 14)  # Monday–Friday in 2027 until its calendar is entered
    assert cal.is_provisional(scenario.rectify_deadline)
