"""docker-compose.yml: the services of a production-like deployment, each with a health check, a restart policy,
named volumes for state and secrets from the environment. Validated with ``docker compose config`` when a Docker
client with the compose plugin is installed (no engine is needed for that); the structure is checked here always."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SECRETS = {"SECRET_KEY": "s" * 60, "FIELD_ENCRYPTION_KEY": "0" * 32, "POSTGRES_PASSWORD": "pg-secret",
           "MINIO_ROOT_PASSWORD": "minio-secret"}
LONG_RUNNING = {"db", "redis", "minio", "web", "worker", "worker-long", "beat"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_every_part_of_the_deployment_is_a_service(compose):
    assert set(compose["services"]) == LONG_RUNNING | {"buckets", "migrate"}
    assert compose["services"]["db"]["image"].startswith("postgres:15")  # pg_dump in the image is 15 (bookworm)


def test_long_running_services_have_health_checks_and_restart_policies(compose):
    for name in LONG_RUNNING:
        service = compose["services"][name]
        assert service.get("restart") == "unless-stopped", name
        assert service.get("healthcheck", {}).get("test"), name
    assert compose["services"]["web"]["healthcheck"]["test"][-1].endswith("/readyz').status != 200)")


def test_state_lives_in_named_volumes(compose):
    assert set(compose["volumes"]) == {"pgdata", "redisdata", "miniodata"}
    assert "pgdata:/var/lib/postgresql/data" in compose["services"]["db"]["volumes"]
    assert "web" not in [v.split(":")[0] for v in compose["services"]["web"].get("volumes", [])]  # media: MinIO


def test_secrets_come_from_the_environment(compose):
    text = COMPOSE.read_text()
    for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "POSTGRES_PASSWORD", "MINIO_ROOT_PASSWORD"):
        assert re.search(r"\$\{" + name + r":\?", text), f"{name} must be required from the environment"
    env = compose["services"]["web"]["environment"]
    assert env["SECRET_KEY"].startswith("${")
    assert env["FIELD_ENCRYPTION_KEY"].startswith("${")
    assert "shequyun:shequyun@" not in text  # no default database password


def test_the_app_services_share_one_configuration(compose):
    web, worker, beat = (compose["services"][n] for n in ("web", "worker", "beat"))
    assert web["environment"] == worker["environment"] == beat["environment"]
    env = web["environment"]
    assert env["DJANGO_SETTINGS_MODULE"] == "shequyun.settings.production"
    assert env["CACHE_URL"].startswith("redis://")
    assert env["CELERY_BROKER_URL"].startswith("redis://")
    assert env["AWS_STORAGE_BUCKET_NAME"]
    assert env["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert "s3://shequyun-backups" in env["BACKUP_TARGET"]
    for name in ("web", "worker", "worker-long", "beat"):
        assert compose["services"][name]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_one_beat_and_a_worker_per_queue(compose):
    beats = [n for n, s in compose["services"].items() if " beat" in " ".join(s.get("command", []) or [])]
    assert beats == ["beat"]
    assert compose["services"]["beat"].get("deploy", {}).get("replicas", 1) == 1
    queues = {n: s["command"][s["command"].index("-Q") + 1] for n, s in compose["services"].items()
              if "-Q" in (s.get("command") or [])}
    assert queues == {"worker": "default", "worker-long": "long"}


def _compose_available() -> bool:
    docker = shutil.which("docker")
    if not docker:
        return False
    return subprocess.run([docker, "compose", "version"], capture_output=True, check=False).returncode == 0  # noqa: S603


def test_docker_compose_config_validates(tmp_path):
    if not _compose_available():
        pytest.skip("no Docker client with the compose plugin on this machine (structure checked above)")
    import os

    result = subprocess.run([shutil.which("docker"), "compose", "-f", str(COMPOSE), "config", "--quiet"],  # noqa: S603
                            env={**os.environ, **SECRETS}, capture_output=True, text=True, check=False, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    missing = subprocess.run([shutil.which("docker"), "compose", "-f", str(COMPOSE), "config", "--quiet"],  # noqa: S603
                             env={k: v for k, v in os.environ.items() if k not in SECRETS}, capture_output=True,
                             text=True, check=False, cwd=ROOT)
    assert missing.returncode != 0  # refuses to start without the secrets
