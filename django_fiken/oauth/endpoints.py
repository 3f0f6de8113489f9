"""Fiken's OAuth endpoints outside allauth's login dance: refresh and revoke.

Hosts come from ``FIKEN["OAUTH"]`` so the fake Fiken can stand in; API calls (``/user``,
``/companies``) go through the client instead. Nothing here logs or raises with a token in it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests

from django_fiken.conf import fiken_settings
from django_fiken.oauth.errors import ClientCredentialsRejected, RefreshRefused, TokenEndpointError

logger = logging.getLogger(__name__)

REFUSED_MESSAGE = "Fiken access was revoked or expired: reconnect Fiken"


@dataclass(frozen=True)
class TokenGrant:
    """What Fiken's token endpoint hands out; the secrets stay out of ``repr``."""

    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    expires_in: int | None


def _error_code(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return ""
    return str(body.get("error", "")) if isinstance(body, dict) else ""


def refresh_access_token(client_id: str, client_secret: str, refresh_token: str) -> TokenGrant:
    """Spend ``refresh_token`` for a new access token (and, possibly, a rotated refresh token).

    Raises :class:`RefreshRefused` when Fiken says the grant is gone (``invalid_grant``: only the
    user can fix that), :class:`ClientCredentialsRejected` when the site's app credentials are
    wrong, and :class:`TokenEndpointError` when a later try may work (unreachable, 5xx).
    """
    where = {"method": "POST", "path": urlsplit(fiken_settings.OAUTH["TOKEN_URL"]).path}
    try:
        response = requests.post(
            fiken_settings.OAUTH["TOKEN_URL"],
            data={"grant_type": "refresh_token", "refresh_token": refresh_token},
            auth=(client_id, client_secret),
            headers={"Accept": "application/json"},
            timeout=fiken_settings.TIMEOUT,
        )
    except requests.RequestException as exc:
        raise TokenEndpointError(
            messages=[f"Could not reach Fiken's token endpoint ({type(exc).__name__})"], **where
        ) from None
    status = response.status_code
    code = _error_code(response)
    if code == "invalid_grant":
        raise RefreshRefused(status, [REFUSED_MESSAGE], **where)
    if status == 401 or code == "invalid_client":
        raise ClientCredentialsRejected(
            status,
            [
                "Fiken rejected this site's OAuth client id/secret: check the Fiken app "
                "credentials (SOCIALACCOUNT_PROVIDERS['fiken'] or the Fiken SocialApp)"
            ],
            **where,
        )
    if status != 200:
        raise TokenEndpointError(
            status, [f"Fiken's token endpoint failed ({code or 'no error code'})"], **where
        )
    try:
        body: dict[str, Any] = response.json()
        return TokenGrant(
            access_token=str(body["access_token"]),
            refresh_token=body.get("refresh_token") or None,
            expires_in=int(body["expires_in"]) if body.get("expires_in") else None,
        )
    except (ValueError, KeyError, TypeError):
        raise TokenEndpointError(
            status, ["Fiken's token endpoint answered without an access token"], **where
        ) from None


def revoke(access_token: str) -> bool:
    """Revoke the grant behind ``access_token`` at Fiken; ``True`` when Fiken confirmed it.

    Failures are logged, not raised: a user who disconnects must be disconnected here even when
    Fiken cannot be reached (they can still remove the app under Fiken's security settings).
    """
    try:
        response = requests.post(
            fiken_settings.OAUTH["REVOKE_URL"],
            headers={"Authorization": f"Bearer {access_token}"},
            timeout=fiken_settings.TIMEOUT,
        )
    except requests.RequestException as exc:
        logger.warning("Revoking the Fiken grant failed: %s", type(exc).__name__)
        return False
    if response.status_code != 200:
        logger.warning("Revoking the Fiken grant failed: HTTP %s", response.status_code)
        return False
    return True
