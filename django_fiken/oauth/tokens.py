"""The client's token provider for a user's Fiken grant, stored by allauth as a ``SocialToken``.

Fiken access tokens live about 24 hours and refresh tokens may rotate: a refresh token can be
spent once. Every refresh therefore happens inside a short transaction holding a row lock
(``select_for_update``; SQLite's database write lock) on the ``SocialToken``, and re-reads the
row after the lock is acquired: when another worker refreshed meanwhile, its new token is reused
and nothing is spent twice.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime, timedelta
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.db import connections, router, transaction
from django.db.models import F
from django.utils import timezone

from django_fiken.client.errors import FikenError
from django_fiken.client.tokens import token_fingerprint
from django_fiken.conf import fiken_settings
from django_fiken.oauth import endpoints
from django_fiken.oauth.connect_only import PROVIDER_ID
from django_fiken.oauth.errors import NotConnected, RefreshRefused

logger = logging.getLogger(__name__)


def limit_key_for(social_account_id: int) -> str:
    """The limiter key for one Fiken user: a hash of the social account, never the token."""
    return hashlib.sha256(f"django-fiken:oauth:{social_account_id}".encode()).hexdigest()[:32]


def mark_broken(social_account_id: int, reason: str = endpoints.REFUSED_MESSAGE) -> int:
    """Deactivate every connection made through this social account; returns how many."""
    from django_fiken.models import FikenConnection

    return FikenConnection.objects.filter(
        social_account_id=social_account_id, is_active=True
    ).update(is_active=False, broken_reason=reason)


def _app_for(token: SocialToken) -> Any:
    """The OAuth app (client id/secret) the token was issued to."""
    if token.app_id is not None:
        return token.app
    # Apps configured in settings are not stored, so the token's app FK is empty.
    return get_adapter().get_app(None, provider=PROVIDER_ID)


class IssuedTokenProvider:
    """An access token Fiken issued a moment ago, used before allauth has stored it.

    For the calls made during the connect itself (``GET /user``, ``GET /companies``); it cannot
    refresh. With ``social_account_id`` it shares the account's limiter key.
    """

    def __init__(self, access_token: str, social_account_id: int | None = None) -> None:
        self._access_token = access_token
        self.limit_key: str = (
            limit_key_for(social_account_id)
            if social_account_id is not None
            else token_fingerprint(access_token)
        )

    def __repr__(self) -> str:
        return f"<IssuedTokenProvider limit_key={self.limit_key}>"

    def get_token(self) -> str:
        return self._access_token

    def refresh(self) -> str | None:
        return None


class OAuthTokenProvider:
    """Hands the client a valid access token for one connected Fiken account.

    ``get_token()`` refreshes when the token expires within ``FIKEN["OAUTH"]["REFRESH_MARGIN"]``
    seconds; ``refresh()`` is what the client calls once after a 401. A refused refresh
    (``invalid_grant``) marks the account's connections broken and raises
    :class:`~django_fiken.oauth.errors.RefreshRefused`; there is no retry loop, since only the
    user can grant access again.
    """

    def __init__(self, source: SocialAccount | SocialToken) -> None:
        if isinstance(source, SocialToken):
            token = source
        else:
            token = SocialToken.objects.filter(account=source).order_by("-pk").first()
            if token is None:
                raise NotConnected(
                    messages=[
                        f"Fiken account {source.pk} has no stored token; connect Fiken again "
                        "(and keep SOCIALACCOUNT_STORE_TOKENS = True)"
                    ]
                )
        self._token_pk: int = token.pk
        self._social_account_id: int = token.account_id
        self._access_token: str = token.token
        self._expires_at: datetime | None = token.expires_at
        self.limit_key: str = limit_key_for(token.account_id)

    def __repr__(self) -> str:
        return f"<OAuthTokenProvider social_account={self._social_account_id}>"

    @property
    def social_account_id(self) -> int:
        return self._social_account_id

    def get_token(self) -> str:
        """A current access token, refreshed first when it is about to expire."""
        if self._expiring(self._expires_at):
            self._refresh(stale=self._access_token)
        return self._access_token

    def refresh(self) -> str | None:
        """A new access token after a 401, or ``None`` when there is no refresh token."""
        return self._refresh(stale=self._access_token, force=True)

    @staticmethod
    def _expiring(expires_at: datetime | None) -> bool:
        if expires_at is None:
            return False
        margin = timedelta(seconds=int(fiken_settings.OAUTH["REFRESH_MARGIN"]))
        return expires_at - timezone.now() <= margin

    def _refresh(self, *, stale: str, force: bool = False) -> str | None:
        refused: RefreshRefused | None = None
        using = router.db_for_write(SocialToken)
        with transaction.atomic(using=using):
            if not connections[using].features.has_select_for_update:
                # SQLite has no row locks: a no-op write takes its database write lock instead,
                # which serialises refreshes across threads and processes just the same.
                SocialToken.objects.filter(pk=self._token_pk).update(token=F("token"))
            try:
                row = SocialToken.objects.select_for_update().get(pk=self._token_pk)
            except SocialToken.DoesNotExist:
                raise NotConnected(
                    messages=[f"Fiken account {self._social_account_id} was disconnected"]
                ) from None
            if row.token != stale and not self._expiring(row.expires_at):
                # Another worker refreshed while we waited for the lock: use its token.
                self._remember(row)
                return row.token
            if not row.token_secret:
                self._remember(row)
                return None if force else row.token
            app = _app_for(row)
            try:
                grant = endpoints.refresh_access_token(app.client_id, app.secret, row.token_secret)
            except RefreshRefused as exc:
                refused = exc
            else:
                row.token = grant.access_token
                if grant.refresh_token:  # Fiken may rotate it; keep the old one if it did not
                    row.token_secret = grant.refresh_token
                row.expires_at = (
                    timezone.now() + timedelta(seconds=grant.expires_in)
                    if grant.expires_in
                    else None
                )
                row.save(update_fields=["token", "token_secret", "expires_at"])
                self._remember(row)
                return row.token
        # Outside the transaction: the refusal must be recorded, not rolled back.
        broken = mark_broken(self._social_account_id)
        logger.warning(
            "Fiken refused to refresh the token of social account %s; %s connection(s) marked "
            "broken.",
            self._social_account_id,
            broken,
        )
        assert refused is not None
        raise refused

    def _remember(self, row: SocialToken) -> None:
        self._access_token = row.token
        self._expires_at = row.expires_at


def revoke_grant(token: SocialToken) -> bool:
    """Revoke the Fiken grant behind ``token`` (used when the user disconnects Fiken).

    Fiken's revoke endpoint takes the access token as Bearer; an expired one is refreshed first
    (under the same row lock as any refresh) so the grant, and every token issued from it, is
    really withdrawn at Fiken. Best effort: the local disconnect goes on whatever happens here.
    """
    try:
        access_token = OAuthTokenProvider(token).get_token()
    except FikenError as exc:
        logger.warning(
            "Could not refresh social account %s's token before revoking it: %s",
            token.account_id,
            type(exc).__name__,
        )
        access_token = token.token
    return endpoints.revoke(access_token)
