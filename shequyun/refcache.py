"""Per-process copies of small reference tables (the working-day overrides, the region names), kept until the
table changes.

A copy is loaded with one query at its first use and reused by every request and task of the process. Whoever
changes the table calls :meth:`ProcessCopy.invalidate`: it writes a new version token in the shared cache (Redis
with ``CACHE_URL``, so every web node and worker sees it), now and again when the transaction commits, and drops
this process's copy; the other processes look
at the token at most once every ``check_every`` seconds and reload when it changed. Whatever the token says, no
copy is older than ``max_age`` seconds (a lost cache entry cannot keep stale data for long).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class ProcessCopy(Generic[T]):
    def __init__(self, key: str, load: Callable[[], T], *, check_every: float = 1.0, max_age: float = 300.0) -> None:
        self.key = key
        self.load = load
        self.check_every = check_every
        self.max_age = max_age
        self._value: T | None = None
        self._version: object = None
        self._loaded_at = 0.0
        self._checked_at = 0.0
        #: How many times this process invalidated the copy (the tests drop a copy a rolled-back test changed).
        self.invalidations = 0

    def get(self) -> T:
        now = time.monotonic()
        if self._value is not None and now - self._checked_at < self.check_every:
            return self._value
        from django.core.cache import cache

        version = cache.get(self.key)
        self._checked_at = now
        if self._value is None or version != self._version or now - self._loaded_at > self.max_age:
            self._value = self.load()
            self._version = version
            self._loaded_at = now
        return self._value

    def invalidate(self) -> None:
        """The table changed: this process reloads at its next use, the others within ``check_every`` seconds.

        Called inside a transaction, the token is written again when it commits: another process that reloaded in
        between read the table as it was before the change, and must read it once more."""
        from django.db import connection, transaction

        self._drop()
        if connection.in_atomic_block:
            transaction.on_commit(self._drop)

    def _drop(self) -> None:
        from django.core.cache import cache

        cache.set(self.key, uuid.uuid4().hex, None)
        self._value = None
        self.invalidations += 1
