"""What the fake saw: a call log and the peaks a client's limiter must keep down."""

from __future__ import annotations

import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Call:
    """One request as logged (never the token: ``limit_key`` is a hash of it)."""

    method: str
    path: str
    query: str
    status: int
    request_id: str
    limit_key: str
    outcome: str = "respond"
    area: str = "api"
    operation_id: str = ""  # the spec's operationId ("" for OAuth and unknown paths)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class Stats:
    """Counters and peaks, per token (``*_by_key``) and overall. Thread-safe."""

    WINDOW = 1.0

    def __init__(self, clock: Callable[[], float]):
        self._clock = clock
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.total_requests = 0
            self.rate_limited = 0  # responses with status 429, whatever caused them
            self.max_in_flight = 0
            self.max_in_flight_by_key: dict[str, int] = defaultdict(int)
            self.max_rate = 0
            self.max_rate_by_key: dict[str, int] = defaultdict(int)
            self._in_flight = 0
            self._in_flight_by_key: dict[str, int] = defaultdict(int)
            self._starts: deque[float] = deque()
            self._starts_by_key: dict[str, deque[float]] = defaultdict(deque)
            self._calls: list[Call] = []

    # -- lifecycle of one request ------------------------------------------------------------
    def started(self, key: str, limited: bool = True) -> int:
        """Record a request start; returns how many requests of this key are now in flight.

        ``limited=False`` (OAuth endpoints, which Fiken's API limits do not cover) only counts
        the request; it takes no part in the in-flight and rate peaks.
        """
        now = self._clock()
        with self._lock:
            self.total_requests += 1
            if not limited:
                return 0
            self._in_flight += 1
            self._in_flight_by_key[key] += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            self.max_in_flight_by_key[key] = max(
                self.max_in_flight_by_key[key], self._in_flight_by_key[key]
            )
            for window, bucket in ((self._starts, None), (self._starts_by_key[key], key)):
                window.append(now)
                while window and window[0] <= now - self.WINDOW:
                    window.popleft()
                if bucket is None:
                    self.max_rate = max(self.max_rate, len(window))
                else:
                    self.max_rate_by_key[key] = max(self.max_rate_by_key[key], len(window))
            return self._in_flight_by_key[key]

    def finished(self, key: str, call: Call, limited: bool = True) -> None:
        with self._lock:
            if limited:
                self._in_flight -= 1
                self._in_flight_by_key[key] -= 1
            if call.status == 429:
                self.rate_limited += 1
            self._calls.append(call)

    # -- reading -----------------------------------------------------------------------------
    def calls(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        operation_id: str | None = None,
    ) -> list[Call]:
        """Logged calls, filtered by method, a regex searched in the path, and/or operationId."""
        pattern = re.compile(path_regex) if path_regex else None
        with self._lock:
            snapshot = list(self._calls)
        return [
            c
            for c in snapshot
            if (method is None or c.method == method.upper())
            and (pattern is None or pattern.search(c.path))
            and (operation_id is None or c.operation_id == operation_id)
        ]

    def summary(self) -> dict[str, Any]:
        with self._lock:
            return {
                "total_requests": self.total_requests,
                "rate_limited": self.rate_limited,
                "max_in_flight": self.max_in_flight,
                "max_in_flight_by_key": dict(self.max_in_flight_by_key),
                "max_rate": self.max_rate,
                "max_rate_by_key": dict(self.max_rate_by_key),
            }


class RateLimiter:
    """Fiken's per-token limits: one request in flight, at most ``rate`` starts per second.

    Only accepted requests count towards the rate, so a client that backs off recovers.
    ``rate=None`` turns the rate limit off (benchmarks); ``concurrency=False`` allows
    parallel requests per token.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        rate: float | None = 4.0,
        concurrency: bool = True,
    ):
        self._clock = clock
        self.rate = rate
        self.concurrency = concurrency
        self._accepted: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def check(self, key: str, in_flight: int) -> tuple[str, int] | None:
        """None to accept, or (reason, retry_after seconds) to answer 429."""
        if self.concurrency and in_flight > 1:
            return ("Too many concurrent requests: Fiken allows one at a time per token", 1)
        if not self.rate:
            return None
        now = self._clock()
        with self._lock:
            window = self._accepted[key]
            while window and window[0] <= now - 1.0:
                window.popleft()
            if len(window) >= int(self.rate):
                retry_after = max(1, int(window[0] + 1.0 - now + 0.999))
                return (
                    f"Rate limit exceeded: more than {self.rate:g} requests per second",
                    retry_after,
                )
            window.append(now)
        return None

    def reset(self) -> None:
        with self._lock:
            self._accepted.clear()
