"""The one working-day calendar (DESIGN §9) for every deadline and every "age in working days".

Sources, in order: the State Council calendar shipped in ``chinesecalendar`` (import ``chinese_calendar``; it covers
2004–2026 today and raises NotImplementedError beyond), then plain Monday–Friday marked *provisional* — never an
exception. Working-day counts never use ``get_workdays(include_weekends=False)``, which drops make-up Saturdays.

An administrator enters a newly announced year's 放假安排 in the override table (``WorkdayOverride``, Django admin);
any row for a year makes the year announced (not provisional). Overrides are read once per year per calendar
instance (one query). :func:`calendar_health` warns in Q4 when next year is neither shipped nor entered.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache


@lru_cache(maxsize=4096)
def _official(day: dt.date) -> bool | None:
    """True/False from the State Council calendar, or None for a year it does not cover."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class WorkCalendar:
    """Create one per request or task (the overrides it has read are cached on the instance)."""

    def __init__(self) -> None:
        self._overrides: dict[int, dict[dt.date, bool]] = {}

    def _year(self, year: int) -> dict[dt.date, bool]:
        if year not in self._overrides:
            from .models import WorkdayOverride

            self._overrides[year] = dict(
                WorkdayOverride.objects.filter(date__year=year).values_list("date", "is_workday"))
        return self._overrides[year]

    def is_workday(self, day: dt.date) -> bool:
        overrides = self._year(day.year)
        if day in overrides:
            return overrides[day]
        official = _official(day)
        return official if official is not None else day.weekday() < 5

    def is_provisional(self, day: dt.date) -> bool:
        """The day's status is a Monday–Friday guess: no shipped calendar and no entered override for its year."""
        return _official(day) is None and not self._year(day.year)

    def add_working_days(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after ``start`` (n ≥ 1); n = 0 gives ``start`` itself if it is a working day,
        else the next working day."""
        day = start
        if n == 0:
            while not self.is_workday(day):
                day += dt.timedelta(days=1)
            return day
        step = 1 if n > 0 else -1
        remaining = abs(n)
        while remaining:
            day += dt.timedelta(days=step)
            if self.is_workday(day):
                remaining -= 1
        return day

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after ``start`` up to and including ``end`` (negative when end < start)."""
        if end == start:
            return 0
        sign = 1 if end > start else -1
        low, high = (start, end) if sign > 0 else (end, start)
        count = 0
        day = low + dt.timedelta(days=1)
        while day <= high:
            if self.is_workday(day):
                count += 1
            day += dt.timedelta(days=1)
        return sign * count


class _PerCall:
    """``calendar.xxx(...)``: a fresh WorkCalendar for each call site, so entered overrides are always seen."""

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(WorkCalendar(), name)


calendar = _PerCall()


def calendar_health(today: dt.date | None = None) -> list[str]:
    """Warnings for the operators: in Q4, next year's holidays must be entered if the shipped calendar lacks them."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if today.month < 10:
        return []
    next_year = today.year + 1
    probe = WorkCalendar()
    if _official(dt.date(next_year, 1, 1)) is not None or probe._year(next_year):
        return []
    return [f"{next_year}年放假安排尚未录入：{next_year}年的期限暂按周一至周五计算，请在国务院公布后到“工作日调整”中录入。"]


def deadline_words(due: dt.date, today: dt.date | None = None) -> dict[str, object]:
    """Badge text for queues (DESIGN §11): "剩3个工作日", "今天到期", "超期2天", with a severity for colour."""
    from django.utils import timezone
    from django.utils.translation import gettext as _

    today = today or timezone.localdate()
    if due < today:
        return {"text": _("超期%(n)d天") % {"n": (today - due).days}, "level": "danger", "order": (today - due).days}
    if due == today:
        return {"text": _("今天到期"), "level": "warning", "order": 0}
    left = calendar.working_days_between(today, due)
    return {"text": _("剩%(n)d个工作日") % {"n": left}, "level": "warning" if left <= 3 else "light", "order": -left}


def override_changed(*, day: dt.date, actor: object = None, removed: bool = False) -> None:
    """Record a calendar change and, after commit, tell the apps that store deadlines (signal ``calendar_changed``)."""
    from django.db import transaction

    from .audit import AuditEventType, record_event
    from .signals import calendar_changed

    record_event(AuditEventType.CALENDAR_CHANGED, actor=actor, region_path="", date=day.isoformat(), removed=removed)
    transaction.on_commit(lambda: calendar_changed.send(sender=WorkCalendar, dates=[day]))
