"""Test settings: the same code, fast hashing, tasks run eagerly unless a test starts a real worker."""

import os
import tempfile
from pathlib import Path

# Tests keep their database file and Celery folders apart from a running `make run` (which uses var/).
os.environ.setdefault("SHEQUYUN_VAR_DIR", str(Path(__file__).resolve().parents[2] / "var" / "test"))

from .base import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = tempfile.mkdtemp(prefix="shequyun-test-media-")
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"auth": "10000/min"}}  # noqa: F405
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

# One test database per test process, so that parallel runs never share (and destroy) each other's database.
# For SQLite a file (not :memory:), so that a real worker process (tests/test_celery_worker.py) sees the test data.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}  # noqa: F405

# The second factor is tested on its own (tests/accounts/test_otp.py); other tests sign in with a password only.
OTP_REQUIRED_ROLES: list[str] = []
