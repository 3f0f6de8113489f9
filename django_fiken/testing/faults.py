"""Fault injection: make the next matching requests fail the way networks and Fiken fail."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

FaultKind = Literal["status", "reset", "slow", "commit_then_timeout", "commit_then_reset"]
KINDS: tuple[FaultKind, ...] = (
    "status",
    "reset",
    "slow",
    "commit_then_timeout",
    "commit_then_reset",
)
# Faults that happen after the fake has processed (committed) the request.
AFTER_COMMIT = frozenset({"commit_then_timeout", "commit_then_reset"})


@dataclass
class Fault:
    kind: FaultKind
    remaining: int = 1
    status: int = 503
    retry_after: int | None = None
    delay: float = 2.0
    method: str | None = None
    path_regex: str | None = None
    _pattern: re.Pattern | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"Unknown fault kind {self.kind!r}; choose one of {KINDS}")
        if self.method:
            self.method = self.method.upper()
        self._pattern = re.compile(self.path_regex) if self.path_regex else None

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method == method) and (
            self._pattern is None or bool(self._pattern.search(path))
        )

    def as_dict(self) -> dict:
        return {
            "kind": self.kind,
            "remaining": self.remaining,
            "status": self.status,
            "retry_after": self.retry_after,
            "delay": self.delay,
            "method": self.method,
            "path_regex": self.path_regex,
        }


class Faults:
    """Queue of planned faults (first match wins) plus an optional seeded random mode."""

    def __init__(self) -> None:
        self._planned: list[Fault] = []
        self._lock = threading.Lock()
        self._random: random.Random | None = None
        self._probability = 0.0
        self._random_kinds: tuple[Fault, ...] = ()
        self.injected = 0

    # -- planning ----------------------------------------------------------------------------
    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._planned.append(fault)
        return fault

    def fail_next(
        self,
        n: int = 1,
        status: int = 503,
        retry_after: int | None = None,
        method: str | None = None,
        path_regex: str | None = None,
    ) -> Fault:
        """The next ``n`` matching requests answer ``status`` (429, 500, 503...)."""
        if status == 429 and retry_after is None:
            retry_after = 1
        return self.add(
            Fault("status", n, status, retry_after, method=method, path_regex=path_regex)
        )

    def reset_next(
        self, n: int = 1, method: str | None = None, path_regex: str | None = None
    ) -> Fault:
        """The next ``n`` matching requests get their connection reset, unprocessed."""
        return self.add(Fault("reset", n, method=method, path_regex=path_regex))

    def slow_next(
        self,
        n: int = 1,
        delay: float = 2.0,
        method: str | None = None,
        path_regex: str | None = None,
    ) -> Fault:
        """The next ``n`` matching requests time out without being processed.

        Over HTTP the fake waits ``delay`` seconds (set it above the client's read timeout) and
        then answers 504; in the ``responses`` face the client gets ``requests.ReadTimeout`` at
        once. Either way nothing was created.
        """
        return self.add(Fault("slow", n, delay=delay, method=method, path_regex=path_regex))

    def commit_then_timeout(
        self,
        n: int = 1,
        method: str | None = None,
        path_regex: str | None = None,
        delay: float = 2.0,
    ) -> Fault:
        """Process the request (e.g. create the resource), then let the client time out."""
        return self.add(
            Fault("commit_then_timeout", n, delay=delay, method=method, path_regex=path_regex)
        )

    def commit_then_reset(
        self, n: int = 1, method: str | None = None, path_regex: str | None = None
    ) -> Fault:
        """Process the request, then drop the connection before the client reads the answer."""
        return self.add(Fault("commit_then_reset", n, method=method, path_regex=path_regex))

    def random(
        self,
        seed: int,
        probability: float,
        kinds: Iterable[Fault] | None = None,
    ) -> None:
        """Fail each request with ``probability``, choosing among ``kinds`` with a seeded RNG."""
        if not 0.0 <= probability <= 1.0:
            raise ValueError("probability must be between 0 and 1")
        with self._lock:
            self._random = random.Random(seed)  # noqa: S311 - reproducible test faults
            self._probability = probability
            self._random_kinds = (
                tuple(kinds)
                if kinds
                else (
                    Fault("status", status=503),
                    Fault("status", status=429, retry_after=1),
                    Fault("status", status=500),
                    Fault("reset"),
                    Fault("commit_then_reset"),
                )
            )

    def clear(self) -> None:
        with self._lock:
            self._planned.clear()
            self._random = None
            self._probability = 0.0
            self.injected = 0

    @property
    def pending(self) -> list[Fault]:
        with self._lock:
            return [f for f in self._planned if f.remaining > 0]

    # -- consuming ---------------------------------------------------------------------------
    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any (consumes one use of a planned fault)."""
        with self._lock:
            for fault in self._planned:
                if fault.remaining > 0 and fault.matches(method, path):
                    fault.remaining -= 1
                    self.injected += 1
                    self._planned = [f for f in self._planned if f.remaining > 0]
                    return fault
            if self._random is not None and self._random.random() < self._probability:
                self.injected += 1
                return self._random.choice(self._random_kinds)
        return None
