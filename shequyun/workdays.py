"""The one working-day calendar (DESIGN §9) for every deadline and every "age in working days".

Sources, in order: the State Council calendar shipped in ``chinesecalendar`` (import ``chinese_calendar``; it covers
2004–2026 today and raises NotImplementedError beyond), then plain Monday–Friday marked *provisional* — never an
exception. Working-day counts never use ``get_workdays(include_weekends=False)``, which drops make-up Saturdays.

An administrator enters a newly announced year's 放假安排 in the override table (``WorkdayOverride``, Django admin);
any row for a year makes the year announced (not provisional). The override table is read once per process (one
query) and re-read when it changes (a version token in the shared cache, written on every save and delete). :func:`calendar_health` warns in Q4 when next year is neither shipped nor entered.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .refcache import ProcessCopy

if TYPE_CHECKING:
    from .models import WorkdayOverride


@lru_cache(maxsize=4096)
def _official(day: dt.date) -> bool | None:
    """True/False from the State Council calendar, or None for a year it does not cover."""
    import chinese_calendar

    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


@dataclasses.dataclass(frozen=True)
class _Overrides:
    """All override rows of every year."""

    by_date: dict[dt.date, bool]
    years: frozenset[int]


def _load_overrides() -> _Overrides:
    from .models import WorkdayOverride

    by_date = dict(WorkdayOverride.objects.values_list("date", "is_workday"))
    return _Overrides(by_date=by_date, years=frozenset(day.year for day in by_date))


#: The override table, read once per process (one query) and re-read when it changes (``shequyun/refcache.py``).
_overrides = ProcessCopy("shequyun:workdays:overrides", _load_overrides)


def invalidate_overrides() -> None:
    """The override table changed: this process reloads at once, the others within a second."""
    _overrides.invalidate()


class WorkCalendar:
    """The calendar. Stateless: the override table is read once per process and re-read when it changes, so a
    queue of 200 rows costs no query per row."""

    def _year(self, year: int) -> dict[dt.date, bool]:
        return {day: value for day, value in _overrides.get().by_date.items() if day.year == year}

    def _override(self, day: dt.date) -> bool | None:
        return _overrides.get().by_date.get(day)

    def _announced(self, year: int) -> bool:
        return year in _overrides.get().years

    def is_workday(self, day: dt.date) -> bool:
        override = self._override(day)
        if override is not None:
            return override
        official = _official(day)
        return official if official is not None else day.weekday() < 5

    def is_provisional(self, day: dt.date) -> bool:
        """The day's status is a Monday–Friday guess: no shipped calendar and no entered override for its year."""
        return _official(day) is None and not self._announced(day.year)

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


calendar = WorkCalendar()


def calendar_health(today: dt.date | None = None) -> list[str]:
    """Warnings for the operators: in Q4, next year's holidays must be entered if the shipped calendar lacks them."""
    from django.utils import timezone

    today = today or timezone.localdate()
    if today.month < 10:
        return []
    next_year = today.year + 1
    if _official(dt.date(next_year, 1, 1)) is not None or calendar._announced(next_year):
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
    invalidate_overrides()  # now, and again when the change commits
    transaction.on_commit(lambda: calendar_changed.send(sender=WorkCalendar, dates=[day]))


def log_moved_deadline(*, target: object, region_path: str, stored: dt.date, recomputed: dt.date,
                       changed_dates: list[dt.date], **extra: Any) -> bool:
    """DESIGN §10: a deadline is stored when it is set; when a later calendar change would move it, the move is
    logged (audit event 期限受日历调整影响) and the stored deadline stands. Returns whether it moved."""
    from .audit import AuditEventType, record_event

    if recomputed == stored:
        return False
    record_event(AuditEventType.DEADLINE_AFFECTED, target=target, region_path=region_path,
                 stored=stored.isoformat(), recomputed=recomputed.isoformat(),
                 calendar_dates=[d.isoformat() for d in changed_dates], **extra)
    return True


def override_save(*, actor: Any, override: WorkdayOverride) -> None:
    """Add or change one calendar override (the admin's form): saved, audited, apps told after commit."""
    from django.db import transaction

    from .audit import acting_as

    with transaction.atomic():
        if override.created_by_id is None:
            override.created_by = actor
        with acting_as(actor):
            override.save()
        override_changed(day=override.date, actor=actor)


def override_delete(*, actor: Any, override: WorkdayOverride) -> None:
    """Remove one calendar override: deleted, audited, apps told after commit."""
    from django.db import transaction

    from .audit import acting_as

    with transaction.atomic():
        day = override.date
        with acting_as(actor):
            override.delete()
        override_changed(day=day, actor=actor, removed=True)
