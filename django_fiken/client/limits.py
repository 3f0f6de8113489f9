"""Fiken's limits: one request in flight per token, at most ``rate`` request starts per second.

Fiken answers concurrent requests with 429 and may ban a token that keeps sending them, so every
process that calls Fiken with the same token must take turns. Two implementations share one
small interface (``with limiter.slot(limit_key): send()``):

* :class:`CacheLimiter` coordinates threads *and processes* through a shared Django-cache-like
  object (``add``/``get``/``set``/``delete``: Redis, the database cache, memcached). The app
  passes ``django.core.cache.caches[FIKEN["LIMITER_CACHE"]]``; this module imports nothing from
  Django.
* :class:`LocalLimiter` coordinates the threads of one process, for scripts and tests that
  have no shared cache.

The lock is a cache key added with ``add`` (atomic "set if absent") holding a random owner value
and a lease (its timeout), so a process killed while holding it (SIGKILL, OOM) blocks the others
for at most the lease. The holder spaces request starts at least ``1/rate`` seconds apart (plus a
small margin for network jitter) using a "last start" timestamp kept next to the lock, then
releases the lock only if it still owns it.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, Protocol

from .errors import LimiterTimeout

KEY_PREFIX = "django_fiken:limit:"
DEFAULT_RATE = 4.0
# Longer than the default (connect, read) timeout of (5, 30) seconds plus the spacing wait, so
# a live holder never loses its lease in the middle of a request.
DEFAULT_LEASE = 90.0
DEFAULT_MAX_WAIT = 120.0
# Added to the 1/rate spacing so network jitter never lets Fiken see more than ``rate`` starts
# inside one second (requests are timed where they leave; Fiken counts where they arrive):
# 10 ms, or a tenth of the spacing at high rates.
DEFAULT_MARGIN = 0.01


def _spacing(rate: float, margin: float | None) -> float:
    if margin is None:
        margin = min(DEFAULT_MARGIN, 0.1 / rate)
    return 1.0 / rate + margin


class CacheBackend(Protocol):
    """The part of Django's cache API the limiter uses."""

    def add(self, key: str, value: Any, timeout: float | None = ...) -> bool: ...

    def get(self, key: str, default: Any = ...) -> Any: ...

    def set(self, key: str, value: Any, timeout: float | None = ...) -> None: ...

    def delete(self, key: str) -> Any: ...


class Limiter(Protocol):
    """Grants one request slot at a time per ``limit_key``."""

    def slot(self, limit_key: str) -> Any:
        """A context manager: the request is sent inside it."""
        ...


def _check_rate(rate: float) -> float:
    if not isinstance(rate, int | float) or rate <= 0:
        raise ValueError(
            f"The Fiken rate limit must be a positive number of requests per second, got {rate!r}."
        )
    return float(rate)


class CacheLimiter:
    """Per-token lock and spacing through a cache shared by every process that calls Fiken."""

    def __init__(
        self,
        cache: CacheBackend,
        *,
        rate: float = DEFAULT_RATE,
        lease: float = DEFAULT_LEASE,
        max_wait: float = DEFAULT_MAX_WAIT,
        margin: float | None = None,
        poll_interval: float = 0.02,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.cache = cache
        self.rate = _check_rate(rate)
        self.spacing = _spacing(self.rate, margin)
        self.lease = lease
        self.max_wait = max_wait
        self.poll_interval = poll_interval
        self._sleep = sleep
        self._clock = clock

    def __repr__(self) -> str:
        return f"CacheLimiter(rate={self.rate}, lease={self.lease}, max_wait={self.max_wait})"

    @contextmanager
    def slot(self, limit_key: str) -> Iterator[None]:
        lock_key = KEY_PREFIX + limit_key
        owner = secrets.token_hex(16)
        self._acquire(lock_key, owner, limit_key)
        try:
            self._space_start(lock_key + ":last-start")
            yield
        finally:
            self._release(lock_key, owner)

    def _acquire(self, lock_key: str, owner: str, limit_key: str) -> None:
        deadline = time.monotonic() + self.max_wait
        # Whole seconds: Django's Redis and memcached backends truncate timeouts to int.
        lease = max(1, round(self.lease))
        while not self.cache.add(lock_key, owner, lease):
            if time.monotonic() >= deadline:
                raise LimiterTimeout(
                    messages=[
                        f"Waited {self.max_wait:g} s for the Fiken request lock of token "
                        f"{limit_key}; another process has held it all that time. If one died, "
                        f"the lock frees itself after its {self.lease:g} s lease."
                    ]
                )
            self._sleep(self.poll_interval * random.uniform(0.5, 1.5))  # noqa: S311 (jitter)

    def _space_start(self, last_start_key: str) -> None:
        last_start = self.cache.get(last_start_key)
        if last_start is not None:
            wait = float(last_start) + self.spacing - self._clock()
            if wait > 0:
                self._sleep(wait)
        self.cache.set(last_start_key, self._clock(), max(1, round(self.lease)))

    def _release(self, lock_key: str, owner: str) -> None:
        # Only our own lock: after a lease expiry someone else may hold it now.
        if self.cache.get(lock_key) == owner:
            self.cache.delete(lock_key)


class LocalLimiter:
    """Per-token lock and spacing for the threads of one process (no shared cache)."""

    def __init__(
        self,
        *,
        rate: float = DEFAULT_RATE,
        max_wait: float = DEFAULT_MAX_WAIT,
        margin: float | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.rate = _check_rate(rate)
        self.spacing = _spacing(self.rate, margin)
        self.max_wait = max_wait
        self._sleep = sleep
        self._clock = clock
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}
        self._last_start: dict[str, float] = {}

    def __repr__(self) -> str:
        return f"LocalLimiter(rate={self.rate}, max_wait={self.max_wait})"

    @contextmanager
    def slot(self, limit_key: str) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(limit_key, threading.Lock())
        if not lock.acquire(timeout=self.max_wait):
            raise LimiterTimeout(
                messages=[
                    f"Waited {self.max_wait:g} s for the Fiken request lock of token {limit_key}."
                ]
            )
        try:
            last_start = self._last_start.get(limit_key)
            if last_start is not None:
                wait = last_start + self.spacing - self._clock()
                if wait > 0:
                    self._sleep(wait)
            self._last_start[limit_key] = self._clock()
            yield
        finally:
            lock.release()
