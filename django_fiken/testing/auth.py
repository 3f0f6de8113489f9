"""Who may call the fake: users, personal tokens, OAuth clients, grants and their tokens.

Tokens are kept only in memory and never appear in logs, call records or reprs; call records
carry :func:`limit_key` (a short hash) instead.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field


def limit_key(token: str | None) -> str:
    """A stable, non-secret key for a token (what the fake's limits and call log use)."""
    if not token:
        return "anonymous"
    return "tok-" + hashlib.sha256(token.encode()).hexdigest()[:12]


@dataclass
class User:
    user_id: int
    name: str
    email: str
    companies: set[str] = field(default_factory=set)


@dataclass
class OAuthClient:
    client_id: str
    secret: str = field(repr=False)
    redirect_uris: tuple[str, ...] = ()


@dataclass
class Grant:
    """One consent of a user to a client; revoking it kills every token issued under it."""

    grant_id: int
    user: User
    client_id: str
    companies: frozenset[str]
    revoked: bool = False


@dataclass
class AccessToken:
    user: User
    companies: frozenset[str] | None  # None: whatever the user may reach
    expires_at: float | None = None  # None: never (personal tokens)
    grant: Grant | None = None
    revoked: bool = False
    everywhere: bool = False  # a personal token added without companies or user: any company

    def reaches(self, slug: str) -> bool:
        if self.everywhere:
            return True
        allowed = self.companies if self.companies is not None else self.user.companies
        return slug in allowed


@dataclass
class RefreshToken:
    grant: Grant
    spent: bool = False


@dataclass
class AuthCode:
    grant_user: User
    client_id: str
    redirect_uri: str
    expires_at: float
    used: bool = False


class AuthRegistry:
    """Thread-safe registry of everything that authenticates against the fake."""

    CODE_LIFETIME = 600.0

    def __init__(self, clock: Callable[[], float], access_token_lifetime: int = 86_400):
        self.clock = clock
        self.access_token_lifetime = access_token_lifetime
        self.users: list[User] = []
        self.clients: dict[str, OAuthClient] = {}
        self._tokens: dict[str, AccessToken] = {}
        self._refresh: dict[str, RefreshToken] = {}
        self._codes: dict[str, AuthCode] = {}
        self._grants: list[Grant] = []
        self._lock = threading.RLock()
        # The user the auto-approving authorize endpoint consents as.
        self.approving_user: User | None = None

    # -- setup -------------------------------------------------------------------------------
    def add_user(self, email: str, name: str | None = None, companies: Iterable[str] = ()) -> User:
        with self._lock:
            user = User(len(self.users) + 1, name or email.split("@")[0], email, set(companies))
            self.users.append(user)
            if self.approving_user is None:
                self.approving_user = user
            return user

    def default_user(self) -> User:
        with self._lock:
            if not self.users:
                return self.add_user("api-user@example.com", "API User")
            return self.users[0]

    def add_personal_token(
        self, token: str, companies: Iterable[str] | None = None, user: User | None = None
    ) -> AccessToken:
        """A never-expiring token; without ``companies`` it reaches every company of ``user``,
        or every company of the fake when no user is given either."""
        with self._lock:
            everywhere = companies is None and user is None
            user = user or self.default_user()
            reach = frozenset(companies) if companies is not None else None
            if reach:
                user.companies |= reach
            record = AccessToken(user=user, companies=reach, everywhere=everywhere)
            self._tokens[token] = record
            return record

    def add_oauth_client(
        self, client_id: str, secret: str, redirect_uris: Iterable[str] = ()
    ) -> OAuthClient:
        with self._lock:
            client = OAuthClient(client_id, secret, tuple(redirect_uris))
            self.clients[client_id] = client
            return client

    # -- checks ------------------------------------------------------------------------------
    def access_token(self, token: str | None) -> AccessToken | None:
        """The live token record, or None when unknown, revoked or expired."""
        if not token:
            return None
        with self._lock:
            record = self._tokens.get(token)
            if record is None or record.revoked or (record.grant and record.grant.revoked):
                return None
            if record.expires_at is not None and self.clock() >= record.expires_at:
                return None
            return record

    def client(self, client_id: str, secret: str) -> OAuthClient | None:
        with self._lock:
            client = self.clients.get(client_id)
            if client is None or not secrets.compare_digest(client.secret, secret):
                return None
            return client

    # -- OAuth flow --------------------------------------------------------------------------
    def issue_code(self, user: User, client_id: str, redirect_uri: str) -> str:
        with self._lock:
            code = secrets.token_urlsafe(24)
            self._codes[code] = AuthCode(
                user, client_id, redirect_uri, self.clock() + self.CODE_LIFETIME
            )
            return code

    def redeem_code(self, code: str, client_id: str, redirect_uri: str | None) -> Grant | None:
        with self._lock:
            record = self._codes.get(code)
            if (
                record is None
                or record.used
                or record.client_id != client_id
                or self.clock() >= record.expires_at
                or (redirect_uri is not None and redirect_uri != record.redirect_uri)
            ):
                return None
            record.used = True
            grant = Grant(
                len(self._grants) + 1,
                record.grant_user,
                client_id,
                frozenset(record.grant_user.companies),
            )
            self._grants.append(grant)
            return grant

    def issue_tokens(self, grant: Grant) -> tuple[str, str, int]:
        """A new access token and refresh token for ``grant``: (access, refresh, expires_in)."""
        with self._lock:
            access = secrets.token_urlsafe(32)
            refresh = secrets.token_urlsafe(32)
            self._tokens[access] = AccessToken(
                user=grant.user,
                companies=grant.companies,
                expires_at=self.clock() + self.access_token_lifetime,
                grant=grant,
            )
            self._refresh[refresh] = RefreshToken(grant)
            return access, refresh, self.access_token_lifetime

    def rotate_refresh(self, refresh: str, client_id: str) -> Grant | None:
        """Spend ``refresh`` and return its grant, or None if unknown, spent or revoked."""
        with self._lock:
            record = self._refresh.get(refresh)
            if (
                record is None
                or record.spent
                or record.grant.revoked
                or record.grant.client_id != client_id
            ):
                return None
            record.spent = True
            return record.grant

    def revoke(self, token: str | None) -> bool:
        """Revoke the grant behind an access token (all its tokens) or a personal token."""
        with self._lock:
            record = self._tokens.get(token or "")
            if record is None or record.revoked:
                return False
            record.revoked = True
            if record.grant:
                record.grant.revoked = True
            return True

    def reset(self) -> None:
        with self._lock:
            self._codes.clear()
