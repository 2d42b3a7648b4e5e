"""The one working-day calendar (DESIGN §9) for every deadline and every "age in working days".

Sources, in order: the State Council calendar shipped in ``chinesecalendar`` (import ``chinese_calendar``; it covers
2004–2026 today and raises NotImplementedError beyond), then plain Monday–Friday marked *provisional* — never an
exception. Working-day counts never use ``get_workdays(include_weekends=False)``, which drops make-up Saturdays.

Not yet built here (see the closing note): the admin-editable override table for a newly announced year and the Q4
health check; both plug in at :meth:`WorkCalendar.is_workday`.
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
    def is_workday(self, day: dt.date) -> bool:
        official = _official(day)
        return official if official is not None else day.weekday() < 5

    def is_provisional(self, day: dt.date) -> bool:
        """The day's status is a Monday–Friday guess because no official calendar covers its year."""
        return _official(day) is None

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
