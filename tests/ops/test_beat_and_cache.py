"""Several machines: exactly one beat sends the periodic tasks (a lock; a standby waits), and the cache and sessions
are shared through Redis when CACHE_URL is set."""

from __future__ import annotations

import importlib
import os

import pytest
from django.conf import settings

from shequyun.beat import LOCK_KEY, BeatLock

REDIS_URL = os.environ.get("OPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


def _redis_or_skip():  # type: ignore[no-untyped-def]
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_timeout=2)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    return client


def test_the_beat_schedule_uses_the_locked_database_scheduler():
    assert settings.CELERY_BEAT_SCHEDULER == "shequyun.beat:SingleBeatScheduler"
    from django_celery_beat.schedulers import DatabaseScheduler

    from shequyun.beat import SingleBeatScheduler

    assert issubclass(SingleBeatScheduler, DatabaseScheduler)


def test_a_second_beat_on_the_same_machine_waits_for_the_file_lock(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    first, second = BeatLock("filesystem://", 60), BeatLock("filesystem://", 60)
    assert first.try_acquire()
    assert not second.try_acquire()
    first.release()
    assert second.try_acquire()
    second.release()


def test_a_second_beat_anywhere_waits_for_the_redis_lock_and_takes_over_when_it_expires():
    client = _redis_or_skip()
    client.delete(LOCK_KEY)
    first, second = BeatLock(REDIS_URL, 60), BeatLock(REDIS_URL, 60)
    try:
        assert first.try_acquire()
        assert not second.try_acquire()
        assert first.renew()
        assert not second.renew()  # renewing is for the holder only
        client.pexpire(LOCK_KEY, 1)  # the first beat died: its lock runs out
        import time

        time.sleep(0.05)
        assert second.try_acquire()
        assert not first.renew()  # the old holder learns it lost the lock (and stops)
        first.release()  # does not release someone else's lock
        assert client.get(LOCK_KEY).decode() == second.owner
    finally:
        second.release()
        client.delete(LOCK_KEY)


@pytest.mark.django_db
def test_the_scheduler_writes_the_beat_heartbeat(settings, tmp_path, monkeypatch):
    import shequyun.beat
    from shequyun.beat import SingleBeatScheduler

    monkeypatch.setattr(shequyun.beat, "close_old_connections", lambda: None)  # the test's transaction stays open
    from shequyun.celery import app
    from shequyun.models import ServiceHeartbeat

    settings.VAR_DIR = tmp_path
    scheduler = SingleBeatScheduler.__new__(SingleBeatScheduler)
    scheduler.app = app
    scheduler.heartbeat()
    assert ServiceHeartbeat.objects.filter(name="beat").exists()


def test_cache_and_sessions_are_shared_through_redis_when_configured(monkeypatch):
    import shequyun.settings.base as base

    monkeypatch.setenv("CACHE_URL", REDIS_URL)
    try:
        reloaded = importlib.reload(base)
        caches, session_engine = reloaded.CACHES, reloaded.SESSION_ENGINE
    finally:
        monkeypatch.delenv("CACHE_URL")
        importlib.reload(base)
    assert caches["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert caches["default"]["LOCATION"] == REDIS_URL
    assert session_engine == "django.contrib.sessions.backends.cached_db"
    assert base.SESSION_ENGINE == "django.contrib.sessions.backends.db"  # without Redis: the database alone


@pytest.mark.django_db
def test_a_session_started_on_one_node_is_read_on_another(settings, make_user):
    _redis_or_skip()
    from django.core.cache import caches
    from django.test import Client

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                                   "KEY_PREFIX": f"ops-test-{os.getpid()}"}}
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    node_a, node_b = Client(), Client()
    node_a.force_login(make_user("dongming"))
    node_b.cookies = node_a.cookies  # the load balancer sends the next request elsewhere
    assert node_b.get("/").status_code == 200
    caches["default"].clear()
