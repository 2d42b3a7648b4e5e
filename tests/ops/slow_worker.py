"""A real Celery worker whose quarterly campaign stalls once, so that a test can kill it mid-task.

``python -m tests.ops.slow_worker celery -A shequyun worker …`` runs like ``tests.run_on_clock`` (on the test's
clock), with ``scenarios.services.evaluations.campaign_open`` wrapped: after the third region's campaign is written, the
process that runs the task records its pid in ``$SLOW_CAMPAIGN_MARKER`` and sleeps — the test then kills it with
SIGKILL. Once the marker exists, the wrapper no longer stalls, so the rerun goes straight through.
"""

from __future__ import annotations

import os
import runpy
import sys
import time
from pathlib import Path

import time_machine

from tests.clock import CLOCK_ENV, parse_instant

STALL_AFTER = 3  # campaigns


def install() -> None:
    import django

    django.setup()
    import scenarios.services.evaluations as evaluations

    original = evaluations.campaign_open
    marker = Path(os.environ["SLOW_CAMPAIGN_MARKER"])
    calls = {"n": 0}

    def campaign_open(**kwargs):  # type: ignore[no-untyped-def]
        campaign = original(**kwargs)
        calls["n"] += 1
        if calls["n"] == STALL_AFTER and not marker.exists():
            marker.write_text(str(os.getpid()))
            time.sleep(600)
        return campaign

    evaluations.campaign_open = campaign_open


def main() -> None:
    module, *args = sys.argv[1:]
    instant = os.environ.get(CLOCK_ENV, "").strip()
    if instant:
        time_machine.travel(parse_instant(instant), tick=True).start()
    install()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
