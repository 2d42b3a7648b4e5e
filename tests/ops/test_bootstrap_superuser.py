"""DESIGN §10: the bootstrap superuser needs only a username and a password, and sits at city level."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.models import User
from tests.test_celery_worker import _database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db(transaction=True)
def test_createsuperuser_noinput_without_email_sits_at_city_level(regions):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "shequyun.settings.base", "DATABASE_URL": _database_url(),
           "DJANGO_SUPERUSER_USERNAME": "root", "DJANGO_SUPERUSER_PASSWORD": "Root#pass2026"}
    env.pop("DJANGO_SUPERUSER_EMAIL", None)
    result = subprocess.run([sys.executable, "manage.py", "createsuperuser", "--noinput"],  # noqa: S603
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    root = User.objects.get(username="root")
    assert root.is_superuser
    assert root.is_staff
    assert root.email == ""
    assert root.password.startswith("pbkdf2_")  # a usable password was set from the environment
    assert root.region.code == "310000000000"
