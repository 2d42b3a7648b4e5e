"""The objection clocks of 003 Art. 48, written once. Each is computed by the one working-day calendar
(``shequyun/workdays.py``) when its stage starts, stored on the objection, and never recomputed silently: a later
calendar override that would move a stored clock is logged (:func:`dataassets.services.objections.clocks_recheck`).

* 标注 within 1 working day of receiving the objection;
* decide, or transfer to the responsible department, within 2 working days of receiving it;
* the responsible department decides within 5 working days of receiving the transfer.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from shequyun.workdays import calendar

MARK_DAYS = 1
DECIDE_DAYS = 2
DEPARTMENT_DAYS = 5


@dataclass(frozen=True)
class Clock:
    field: str  # the Objection field that stores it
    start_field: str  # the Objection field it counts from
    working_days: int


CLOCKS = (
    Clock("mark_due", "received_on", MARK_DAYS),
    Clock("decide_due", "received_on", DECIDE_DAYS),
    Clock("department_due", "transferred_on", DEPARTMENT_DAYS),
)


def due(start: dt.date, working_days: int) -> dt.date:
    """The last day of a clock that starts on ``start`` (the n-th working day after it)."""
    return calendar.add_working_days(start, working_days)


def receipt_clocks(received_on: dt.date) -> dict[str, object]:
    """The clocks set when an objection is received."""
    mark = due(received_on, MARK_DAYS)
    decide = due(received_on, DECIDE_DAYS)
    return {"mark_due": mark, "decide_due": decide,
            "provisional_clocks": calendar.is_provisional(mark) or calendar.is_provisional(decide)}


def transfer_clock(transferred_on: dt.date) -> dict[str, object]:
    """The clock set when the data office transfers the objection to the responsible department."""
    department = due(transferred_on, DEPARTMENT_DAYS)
    return {"department_due": department, "provisional": calendar.is_provisional(department)}


def recomputed(objection: object) -> dict[str, tuple[dt.date, dt.date]]:
    """``{field: (stored, recomputed)}`` for every stored clock the current calendar would place elsewhere."""
    moved = {}
    for clock in CLOCKS:
        stored = getattr(objection, clock.field)
        start = getattr(objection, clock.start_field)
        if stored is None or start is None:
            continue
        now = due(start, clock.working_days)
        if now != stored:
            moved[clock.field] = (stored, now)
    return moved
