"""Background work survives a killed worker (issue 9 point 8): ``kill -9`` in the middle of the quarterly campaign,
then the rerun completes it with 0 duplicates and 0 missing evaluations.

* A pool process killed under the task (OOM killer, kill -9 of the child): late acknowledgement plus
  reject-on-worker-lost give the message back at once; the worker's next process runs it again. Any broker.
* The whole worker killed (solo pool, Redis): the unacknowledged message comes back after the visibility timeout
  (configured, not Redis' default hour) and another worker finishes it.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.models import Region, RegionLevel
from scenarios.models import Evaluation, EvaluationCampaign, Status
from scenarios.services.evaluations import _campaign_scenarios, period_of
from shequyun.celery import app
from tests.clock import CLOCK_ENV
from tests.test_celery_worker import _database_url

ROOT = Path(__file__).resolve().parents[2]


class Workers:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.marker = tmp_path / "stalled.pid"
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self, *, pool: str, name: str, **extra_env: str) -> subprocess.Popen[bytes]:
        log = self.tmp_path / f"{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "shequyun.settings.base",
            "DATABASE_URL": _database_url(),
            "SHEQUYUN_VAR_DIR": str(settings.VAR_DIR),
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "SLOW_CAMPAIGN_MARKER": str(self.marker),
            CLOCK_ENV: timezone.now().isoformat(),
            **extra_env,
        }
        pool_args = ["--pool=prefork", "--concurrency=1"] if pool == "prefork" else ["--pool=solo"]
        with open(log, "w") as out:
            process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "tests.ops.slow_worker", "celery", "-A", "shequyun", "worker", *pool_args,
                 f"--hostname={name}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat",
                 "--loglevel=INFO"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        self.processes.append(process)
        wait_for(lambda: " ready." in log.read_text(), 60, lambda: log.read_text(), process)
        return process

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()


def wait_for(condition, seconds, describe, process=None):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        if process is not None:
            assert process.poll() is None, describe()
        assert time.monotonic() < deadline, describe()
        time.sleep(0.3)


@pytest.fixture
def workers(tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setitem(app.conf, "task_always_eager", False)
    running = Workers(tmp_path)
    yield running
    running.stop()


def expected_evaluations() -> dict[str, int]:
    return {region.code: _campaign_scenarios(region).count()
            for region in Region.objects.filter(level__in=[RegionLevel.CITY, RegionLevel.DISTRICT])}


def assert_complete_without_duplicates(expected: dict[str, int]) -> None:
    period = period_of(timezone.localdate())
    campaigns = EvaluationCampaign.objects.filter(period=period)
    assert sorted(campaigns.values_list("region__code", flat=True)) == sorted(expected)  # one per region
    actual = {c.region.code: c.evaluations.count() for c in campaigns.select_related("region")}
    assert actual == expected  # 0 missing
    pairs = list(Evaluation.objects.values_list("campaign_id", "scenario_id"))
    assert len(pairs) == len(set(pairs)) == sum(expected.values())  # 0 duplicates


def campaign_done(expected: dict[str, int]):  # type: ignore[no-untyped-def]
    total = sum(expected.values())
    return lambda: (EvaluationCampaign.objects.count() == len(expected) and Evaluation.objects.count() == total)


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_pool_process_killed_mid_campaign_is_rerun_at_once(workers, make_scenario, actors):
    from scenarios.tasks import open_campaigns

    for _ in range(3):
        make_scenario(Status.ONLINE)
    expected = expected_evaluations()
    assert expected["310115000000"] == 3  # 浦东新区 evaluates the street's scenarios

    worker = workers.start(pool="prefork", name="prefork")
    result = open_campaigns.delay()
    wait_for(workers.marker.exists, 60, lambda: "the campaign never reached the third region", worker)
    child = int(workers.marker.read_text())
    assert child != worker.pid  # the pool process, not the worker
    assert 0 < EvaluationCampaign.objects.count() < len(expected)  # really mid-task
    assert not EvaluationCampaign.objects.filter(region__code="310115000000").exists()  # 浦东新区 still to come
    os.kill(child, signal.SIGKILL)

    wait_for(campaign_done(expected), 90, lambda: (workers.tmp_path / "prefork.log").read_text(), worker)
    assert_complete_without_duplicates(expected)
    wait_for(lambda: result.state == "SUCCESS", 30, lambda: f"result state {result.state}")
    assert worker.poll() is None  # the worker itself stayed up


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_whole_worker_killed_mid_campaign_its_message_comes_back_after_the_visibility_timeout(
        workers, make_scenario, actors):
    if not settings.CELERY_BROKER_URL.startswith("redis://"):
        pytest.skip("visibility timeout: Redis broker (kombu's filesystem transport removes a message when it is "
                    "read; a pool process killed under a task is covered by the previous test)")
    from scenarios.tasks import open_campaigns

    for _ in range(2):
        make_scenario(Status.ONLINE)
    expected = expected_evaluations()
    short = {"CELERY_VISIBILITY_TIMEOUT": "4", "CELERY_RESTORE_INTERVAL": "1", "CELERY_RESTORE_THROTTLE": "1"}
    first = workers.start(pool="solo", name="first", **short)
    open_campaigns.delay()
    wait_for(workers.marker.exists, 60, lambda: "the campaign never reached the third region", first)
    assert int(workers.marker.read_text()) == first.pid
    assert 0 < EvaluationCampaign.objects.count() < len(expected)
    os.kill(first.pid, signal.SIGKILL)  # the whole worker, message unacknowledged
    first.wait(timeout=10)

    second = workers.start(pool="solo", name="second", **short)
    wait_for(campaign_done(expected), 90, lambda: (workers.tmp_path / "second.log").read_text(), second)
    assert_complete_without_duplicates(expected)


def test_late_acknowledgement_settings_fit_the_tasks():
    from shequyun.tasks import run_backup

    assert app.conf.task_acks_late is True
    assert app.conf.task_reject_on_worker_lost is True
    assert app.conf.worker_prefetch_multiplier == 1
    # Every task finishes (hard time limit) before Redis would hand its message to another worker.
    assert app.conf.task_time_limit < settings.CELERY_VISIBILITY_TIMEOUT
    if settings.CELERY_BROKER_URL.startswith("redis://"):
        assert app.conf.broker_transport_options["visibility_timeout"] == settings.CELERY_VISIBILITY_TIMEOUT
    # The backup is the exception: never twice at once; a lost run is caught by the lateness alert.
    assert run_backup.acks_late is False


def test_long_jobs_and_reminders_use_separate_queues():
    router = app.amqp.router

    def queue(name: str) -> str:
        route = router.route({}, name)
        return route["queue"].name

    app.loader.import_default_modules()
    assert queue("scenarios.tasks.open_quarterly_campaigns") == "long"
    assert queue("shequyun.tasks.run_backup") == "long"
    assert queue("scenarios.tasks.evaluation_reminders") == "default"
    assert queue("accounts.tasks.password_expiry_reminders") == "default"
    assert queue("shequyun.tasks.heartbeat") == "default"
    assert {q.name for q in app.conf.task_queues} == {"default", "long"}
