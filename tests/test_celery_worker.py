"""A real Celery worker process runs the portal's tasks against the test database, on whatever broker is
configured: kombu's filesystem transport in the embedded mode, Redis when CELERY_BROKER_URL says so."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from shequyun.celery import app
from shequyun.models import ServiceHeartbeat
from tests.clock import CLOCK_ENV

ROOT = Path(__file__).resolve().parent.parent


def _database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


@pytest.fixture
def worker(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "shequyun.settings.base",
        "DATABASE_URL": _database_url(),
        "SHEQUYUN_VAR_DIR": str(settings.VAR_DIR),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        CLOCK_ENV: timezone.now().isoformat(),  # the worker runs on the test's clock, not the wall clock
    }
    with open(log, "w") as out:
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "tests.run_on_clock", "celery", "-A", "shequyun", "worker", "--pool=solo", "--without-gossip",
             "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
        )
    deadline = time.monotonic() + 60
    while " ready." not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.2)
    assert " ready." in log.read_text(), log.read_text()
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    yield process
    process.terminate()
    process.wait(timeout=30)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_runs_a_task_against_the_database(worker):
    from shequyun.tasks import heartbeat

    result = heartbeat.delay("worker-test")
    stamp = result.get(timeout=30)
    beat = ServiceHeartbeat.objects.get(name="worker-test")
    assert beat.last_seen.isoformat() == stamp
    # Idempotent: a second run updates the same row.
    heartbeat.delay("worker-test").get(timeout=30)
    assert ServiceHeartbeat.objects.filter(name="worker-test").count() == 1


def test_beat_schedule_is_defined_once_and_points_at_real_tasks():
    app.loader.import_default_modules()  # what a worker does at start: import every app's tasks module

    for name, entry in app.conf.beat_schedule.items():
        assert entry["task"] in app.tasks, f"{name}: {entry['task']} is not a registered task"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_opens_the_quarterly_campaigns(worker, regions):
    """The beat task itself, on the real worker and broker, twice: 17 campaigns (city + 16 districts), once."""
    from scenarios.models import EvaluationCampaign
    from scenarios.tasks import open_campaigns

    open_campaigns.delay().get(timeout=60)
    open_campaigns.delay().get(timeout=60)
    assert EvaluationCampaign.objects.count() == 17
