"""`make run` keeps the web server up when the worker dies (issue 9 point 8): honcho stops everything when one of
its processes exits, so Procfile.dev runs the worker and beat in a restart loop. Here: the real Procfile.dev under
honcho, the Celery worker killed with SIGKILL, the web server still answering and the worker back."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.ops.production import free_port

ROOT = Path(__file__).resolve().parents[2]
HONCHO = Path(sys.executable).with_name("honcho")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def command_line(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def worker_main_pids() -> set[int]:
    """Celery worker main processes started from this test's Procfile (their parent is the restart loop's sh)."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            line = command_line(int(entry.name))
            if "celery -A shequyun worker --pool=prefork --concurrency=2" in line:
                stat = (entry / "stat").read_text()
                parent = int(stat.rsplit(")", 1)[1].split()[1])
                if "while :" in command_line(parent):  # the main process (its parent is the loop), not a pool child
                    pids.add(int(entry.name))
    return pids


def answers(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz/", timeout=5) as response:  # noqa: S310
            return response.status == 200
    except OSError:
        return False


def wait(condition, seconds: float, describe) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, describe()
        time.sleep(0.3)


@pytest.mark.worker
def test_the_web_server_stays_up_when_the_worker_is_killed(tmp_path):
    if not HONCHO.exists():
        pytest.skip("honcho is installed by requirements/dev.txt (make install-dev, make run)")
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}},
        "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}",
        "DJANGO_SETTINGS_MODULE": "shequyun.settings.base",
        "SHEQUYUN_VAR_DIR": str(tmp_path / "var"),
        "HOST": "127.0.0.1",
        "PORT": str(port),
        "DEBUG": "1",
        "PYTHONUNBUFFERED": "1",
    }
    subprocess.run([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True,  # noqa: S603
                   timeout=300)
    log = tmp_path / "honcho.log"
    before = worker_main_pids()
    with open(log, "w") as out:
        honcho = subprocess.Popen([str(HONCHO), "-f", "Procfile.dev", "start"], cwd=ROOT, env=env,  # noqa: S603
                                  stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        wait(lambda: answers(port) and log.read_text().count(" ready.") >= 1, 90, log.read_text)
        workers = worker_main_pids() - before
        assert len(workers) == 1, (workers, log.read_text())
        (worker,) = workers
        os.kill(worker, signal.SIGKILL)
        wait(lambda: "worker stopped" in log.read_text(), 30, log.read_text)
        assert answers(port), log.read_text()  # web up while the worker is down
        assert honcho.poll() is None
        wait(lambda: log.read_text().count(" ready.") >= 2, 90, log.read_text)  # the worker is back
        assert answers(port)
        assert (worker_main_pids() - before) - {worker}
    finally:
        os.killpg(honcho.pid, signal.SIGINT)
        try:
            honcho.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(honcho.pid, signal.SIGKILL)
    # Ctrl-C stopped everything it started.
    time.sleep(1)
    assert not (worker_main_pids() - before), log.read_text()[-2000:]


def test_honcho_is_a_development_dependency_that_make_run_installs():
    """The production image installs requirements/base.txt only: honcho stays out of it, and ``make run`` installs
    the development set (which has it) before starting honcho."""
    assert "honcho==" not in (ROOT / "requirements/base.txt").read_text()
    assert "honcho==" in (ROOT / "requirements/dev.txt").read_text()
    assert "requirements/base.txt" in (ROOT / "Dockerfile").read_text()
    assert "dev.txt" not in (ROOT / "Dockerfile").read_text()
    run = next(line for line in (ROOT / "Makefile").read_text().splitlines() if line.startswith("run:"))
    assert "install-dev" in run.split("#")[0]
