"""Bootstrap commands and production settings."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_demo_data_is_idempotent_and_signs_in(client, regions):
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    demo = {u.username: u for u in User.objects.filter(username__in=[
        "city_admin", "pudong_admin", "dongming_admin", "sanlinyuan_staff"])}
    assert {u: demo[u].region.code for u in demo} == {
        "city_admin": "310000000000", "pudong_admin": "310115000000",
        "dongming_admin": "310115015000", "sanlinyuan_staff": "310115015001",
    }
    assert "account_admin" in demo["dongming_admin"].role_slugs
    response = client.post("/accounts/login/", {"username": "dongming_admin", "password": "Shequyun#2026"})
    assert response.status_code == 302


@pytest.mark.django_db
def test_createsuperuser_noinput_sits_at_city_level(regions, monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "root")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "Root#pass2026")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "root@example.gov.cn")
    call_command("createsuperuser", "--noinput", stdout=open(os.devnull, "w"))  # noqa: SIM115
    root = User.objects.get(username="root")
    assert root.is_superuser
    assert root.region.code == "310000000000"


def test_production_settings_pass_check_deploy(tmp_path):
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},  # set only for Playwright
        "DJANGO_SETTINGS_MODULE": "shequyun.settings.production",
        "SECRET_KEY": "k" * 20 + "9f8e7d6c5b4a39281706f5e4d3c2b1a0" + "Zy#x" * 5,
        "ALLOWED_HOSTS": "shequyun.example.gov.cn",
        "FIELD_ENCRYPTION_KEY": "0123456789abcdef0123456789abcdef",
        "SHEQUYUN_VAR_DIR": str(tmp_path),
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_refuses_a_missing_secret_key(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shequyun.settings.production", "SECRET_KEY": "",
           "SHEQUYUN_VAR_DIR": str(tmp_path)}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_demo_scenarios_are_idempotent(regions):
    from scenarios.models import Scenario

    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("load_demo_scenarios", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("load_demo_scenarios", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert dict(Scenario.objects.values_list("name", "status")) == {
        "东明路街道为老服务预约": "online", "东明路街道居民议事厅": "submitted",
        "东明路街道垃圾分类积分": "filed", "东明路街道日常排班": "draft",
    }
