"""The suite's clock. Time is an input: no test reads the wall clock.

Every test runs at :data:`SUITE_NOW` — a Wednesday working morning in Shanghai — with the clock then ticking on
(time-machine patches ``time.time``, ``datetime.now`` … in this process and its threads, so the live server of
the browser tests runs on it too). ``make test`` therefore gives the same result at 03:00, at noon and on New
Year's Eve.

A test that depends on a particular instant says so, and the clocked CI pass holds it to that:

* ``@pytest.mark.clock("2026-12-31T23:30:00+08:00")`` runs the test at that instant;
* the ``clock`` fixture (a time-machine traveller) moves it inside the test: ``clock.move_to(...)``.

``SHEQUYUN_TEST_CLOCK`` replaces :data:`SUITE_NOW` for the whole run. ``.ci/run`` uses it, together with
Debian's ``faketime`` for subprocesses (the Celery worker, chromium), to run the suite at 23:30 on New Year's
Eve: a test that silently assumes office hours, this year's calendar or a date before a quarter's end fails
there, so the class of night-time failures cannot come back. ``@pytest.mark.wall_clock`` opts a test out
entirely (nothing does today).
"""

from __future__ import annotations

import os
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

SHANGHAI = ZoneInfo("Asia/Shanghai")

#: Wednesday 18 November 2026, 10:00 Shanghai time: a working day inside the shipped State Council calendar.
DEFAULT_SUITE_NOW = datetime(2026, 11, 18, 10, 0, tzinfo=SHANGHAI)

#: An instant inside office hours on a working day, for tests whose outcome depends on signing in by day.
OFFICE_HOURS = "2026-11-18T10:00:00+08:00"

#: The clock variable that subprocesses started by tests (the Celery worker) read to run on the same clock.
CLOCK_ENV = "SHEQUYUN_TEST_CLOCK"


def parse_instant(value: str | datetime) -> datetime:
    """``2026-12-31T23:30:00+08:00`` or ``2026-12-31 23:30`` (Shanghai time when no offset is given)."""
    if isinstance(value, datetime):
        instant = value
    else:
        instant = datetime.fromisoformat(value.strip())
    if instant.tzinfo is None:
        instant = instant.replace(tzinfo=SHANGHAI)
    return instant


def suite_now() -> datetime:
    configured = os.environ.get(CLOCK_ENV, "").strip()
    return parse_instant(configured) if configured else DEFAULT_SUITE_NOW


SUITE_NOW = suite_now()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "clock(instant): run the test at this instant (ISO 8601; Shanghai by default)")
    config.addinivalue_line("markers", "wall_clock: the test reads the real clock (none should)")


def pytest_report_header(config: pytest.Config) -> str:
    return f"suite clock: {SUITE_NOW.isoformat()} ({CLOCK_ENV} to change)"


@pytest.fixture(autouse=True)
def clock(request: pytest.FixtureRequest):  # type: ignore[no-untyped-def]
    """The test's clock, started before any other fixture that creates data (it is autouse and first)."""
    if request.node.get_closest_marker("wall_clock"):
        yield None
        return
    marker = request.node.get_closest_marker("clock")
    instant = parse_instant(marker.args[0]) if marker else SUITE_NOW
    with time_machine.travel(instant, tick=True) as traveller:
        yield traveller
