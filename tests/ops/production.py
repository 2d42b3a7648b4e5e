"""Helpers to run the portal as production runs it: scripts/build-static (the Dockerfile's build step), the
production settings, gunicorn on loopback. Used by tests/ops/test_production_smoke.py."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "portal.example.gov.cn"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def production_env(folder: Path, **extra: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items()
            if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND"}
            and not k.startswith(("AWS_", "SHEQUYUN_TEST"))}
    return {
        **keep,
        "DJANGO_SETTINGS_MODULE": "shequyun.settings.production",
        "SECRET_KEY": "smoke-" + "9f8e7d6c5b4a39281706f5e4d3c2b1a0" * 2,
        "FIELD_ENCRYPTION_KEY": "00112233445566778899aabbccddeeff",
        "ALLOWED_HOSTS": HOST,
        "SHEQUYUN_VAR_DIR": str(folder / "var"),
        "STATIC_ROOT": str(folder / "static"),
        "LOG_FORMAT": "json",
        "EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "PYTHON": sys.executable,
        **extra,
    }


def run(args: list[str], env: dict[str, str], timeout: int = 300) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout)  # noqa: S603
    assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    cookies: dict[str, str] = field(default_factory=dict)

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def json(self) -> object:
        return json.loads(self.body)


class Gunicorn:
    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log = folder / "gunicorn.log"
        with open(self.log, "w") as out:
            self.process = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "gunicorn", "shequyun.wsgi:application", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", "2", "--timeout", "60"],
                cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                if self.get("/healthz", host="127.0.0.1", secure=False).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise AssertionError("gunicorn did not answer /healthz:\n" + self.log.read_text())

    def request(self, method: str, path: str, *, host: str = HOST, secure: bool = True, body: bytes | None = None,
                headers: dict[str, str] | None = None) -> Answer:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": host, **({"X-Forwarded-Proto": "https"} if secure else {}), **(headers or {})}
        conn.request(method, path, body=body, headers=sent)
        response = conn.getresponse()
        data = response.read()
        cookies = {}
        for value in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = value.partition("=")
            cookies[name] = value
        conn.close()
        return Answer(response.status, response.headers, data, cookies)

    def get(self, path: str, **kwargs: object) -> Answer:
        return self.request("GET", path, **kwargs)  # type: ignore[arg-type]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
