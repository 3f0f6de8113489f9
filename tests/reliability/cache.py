"""The database cache with every timeout capped, for the fault suite's worker processes.

The limiter's per-token lock is a cache key whose timeout is its lease: a worker SIGKILLed while
holding it blocks the token for the whole lease (at least 90 s, see ``client/limits.py``). The
fault suite kills workers on purpose and must finish in well under that, so its workers use this
cache, which caps timeouts at ``MAX_TIMEOUT`` seconds. That is still far longer than any request
of the suite can take (its client timeouts are about a second), so a live holder never loses
the lock and one-in-flight per token stays enforced.
"""

from __future__ import annotations

from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache

MAX_TIMEOUT = 5


class ShortLeaseDatabaseCache(DatabaseCache):
    def _cap(self, timeout: Any) -> Any:
        if timeout is DEFAULT_TIMEOUT or timeout is None:
            return MAX_TIMEOUT
        return min(timeout, MAX_TIMEOUT)

    def add(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return super().add(key, value, self._cap(timeout), version)

    def set(self, key: str, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return super().set(key, value, self._cap(timeout), version)

    def touch(self, key: str, timeout: Any = DEFAULT_TIMEOUT, version: Any = None):
        return super().touch(key, self._cap(timeout), version)
