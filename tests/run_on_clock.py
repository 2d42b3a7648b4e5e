"""Run a command-line entry point on the test's clock: ``python -m tests.run_on_clock celery -A shequyun worker …``.

Tests that start a subprocess (the real Celery worker) pass their current instant in ``SHEQUYUN_TEST_CLOCK``, so
the subprocess agrees with the test about what "now" is, whatever the wall clock says.
"""

from __future__ import annotations

import os
import runpy
import sys

import time_machine

from tests.clock import CLOCK_ENV, parse_instant


def main() -> None:
    module, *args = sys.argv[1:]
    instant = os.environ.get(CLOCK_ENV, "").strip()
    traveller = time_machine.travel(parse_instant(instant), tick=True) if instant else None
    if traveller is not None:
        traveller.start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
