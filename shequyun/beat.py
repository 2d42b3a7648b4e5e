"""Exactly one Celery beat, whatever is started: django-celery-beat's database scheduler behind a lock.

Beat may be started on two machines (a standby); the second waits at start-up until the lock is free, so periodic
tasks are never sent twice. The lock lives in Redis when the broker is Redis (``SET NX PX``, renewed on every
tick, released on exit, lost after ``BEAT_LOCK_TTL`` seconds if its holder dies) and is a file lock next to the
embedded broker otherwise (one machine). The scheduler also writes the ``beat`` heartbeat that /readyz reads.

Configured by ``CELERY_BEAT_SCHEDULER = "shequyun.beat:SingleBeatScheduler"``.
"""

from __future__ import annotations

import logging
import os
import socket
import time
import uuid
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections
from django.utils import timezone
from django_celery_beat.schedulers import DatabaseScheduler

logger = logging.getLogger(__name__)

LOCK_KEY = "shequyun:beat:lock"
HEARTBEAT_EVERY = 60.0  # seconds

_RENEW = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end"
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"


class BeatLock:
    """Held by one beat process at a time."""

    def __init__(self, broker_url: str, ttl: int) -> None:
        self.ttl_ms = ttl * 1000
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.redis: Any = None
        self.handle: Any = None
        self.renewed_at = time.monotonic()
        if broker_url.startswith(("redis://", "rediss://")):
            import redis

            self.redis = redis.Redis.from_url(broker_url, socket_timeout=5)

    def try_acquire(self) -> bool:
        if self.redis is not None:
            self.renewed_at = time.monotonic()
            return bool(self.redis.set(LOCK_KEY, self.owner, nx=True, px=self.ttl_ms))
        import fcntl

        path = Path(settings.VAR_DIR) / "celery" / "beat.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = open(path, "a+")  # noqa: SIM115 — held open for the life of the process
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.close()
            return False
        self.handle = handle
        return True

    def acquire(self, poll: float = 5.0) -> None:
        waited = False
        while not self.try_acquire():
            if not waited:
                logger.warning("another beat holds the lock; this one waits as a standby")
                waited = True
            time.sleep(poll)
        logger.info("beat lock acquired by %s", self.owner)

    def renew(self) -> bool:
        """True while this process holds the lock. A Redis blip is tolerated for half the TTL (nobody else can
        take the lock before it expires); after that, this beat stops rather than risk a second one sending."""
        if self.redis is None:
            return self.handle is not None
        try:
            held = bool(self.redis.eval(_RENEW, 1, LOCK_KEY, self.owner, self.ttl_ms))
        except Exception:  # noqa: BLE001 — Redis unreachable for a moment
            logger.warning("beat lock not renewed (Redis unavailable)", exc_info=True)
            return time.monotonic() - self.renewed_at < self.ttl_ms / 2000
        if held:
            self.renewed_at = time.monotonic()
        return held

    def release(self) -> None:
        if self.redis is not None:
            try:
                self.redis.eval(_RELEASE, 1, LOCK_KEY, self.owner)
            except Exception:  # noqa: BLE001 — best effort at exit; the TTL frees it anyway
                logger.warning("could not release the beat lock", exc_info=True)
        elif self.handle is not None:
            self.handle.close()
            self.handle = None


class SingleBeatScheduler(DatabaseScheduler):
    lock: BeatLock | None = None
    _heartbeat_at = 0.0

    def setup_schedule(self) -> None:
        if self.lock is None:
            self.lock = BeatLock(self.app.conf.broker_url or "", int(getattr(settings, "BEAT_LOCK_TTL", 60)))
            self.lock.acquire()
        super().setup_schedule()

    def tick(self, *args: Any, **kwargs: Any) -> float:
        if self.lock is not None and not self.lock.renew():
            logger.error("beat lost its lock (another beat took over); stopping")
            raise SystemExit(1)
        self.heartbeat()
        return super().tick(*args, **kwargs)

    def heartbeat(self) -> None:
        now = time.monotonic()
        if now - self._heartbeat_at < HEARTBEAT_EVERY:
            return
        from .models import ServiceHeartbeat

        try:
            close_old_connections()
            ServiceHeartbeat.objects.update_or_create(name="beat", defaults={"last_seen": timezone.now()})
            self._heartbeat_at = now
        except DatabaseError:
            logger.warning("beat heartbeat not written (database unavailable)", exc_info=True)

    def close(self) -> None:
        try:
            super().close()
        finally:
            if self.lock is not None:
                self.lock.release()
