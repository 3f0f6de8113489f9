"""Where the client gets its bearer token: the token provider protocol.

The client never stores a token itself; it asks its provider for one before every request, and
on a 401 asks it once to refresh. ``limit_key`` names the token for the rate limiter and logs
without revealing it (Fiken's limits are per token).
"""

from __future__ import annotations

import hashlib
from typing import Protocol, runtime_checkable


@runtime_checkable
class TokenProvider(Protocol):
    """What ``FikenClient`` needs from a source of access tokens."""

    @property
    def limit_key(self) -> str:
        """A stable, non-secret id for the token (a hash), shared by every process using it."""
        ...

    def get_token(self) -> str:
        """The access token to send now."""
        ...

    def refresh(self) -> str | None:
        """Called once after a 401: a new token, or ``None`` when it cannot be refreshed."""
        ...


def token_fingerprint(token: str) -> str:
    """A short sha256 of a token: safe for cache keys and logs, useless to an attacker."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()[:16]


class StaticTokenProvider:
    """A personal API token (never expires, so it cannot be refreshed)."""

    def __init__(self, token: str) -> None:
        if not isinstance(token, str) or not token.strip():
            raise ValueError("A Fiken API token must be a non-empty string.")
        self._token = token
        self._limit_key = token_fingerprint(token)

    @property
    def limit_key(self) -> str:
        return self._limit_key

    def get_token(self) -> str:
        return self._token

    def refresh(self) -> str | None:
        return None

    def __repr__(self) -> str:
        return f"StaticTokenProvider(limit_key={self._limit_key!r})"
