"""Working days on real State Council calendars, across the year boundary into an uncovered year."""

from __future__ import annotations

import datetime as dt

import chinese_calendar

from shequyun.workdays import WorkCalendar

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
