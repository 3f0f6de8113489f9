"""Errors of the OAuth side; messages are for operators and users and never carry a token."""

from __future__ import annotations


class FikenOAuthError(Exception):
    """Base class: talking to Fiken's OAuth endpoints failed."""


class TokenEndpointError(FikenOAuthError):
    """Fiken's token endpoint could not be reached or answered with an unexpected error.

    The stored tokens are unchanged, so the same refresh can be tried again later.
    """


class RefreshRefused(FikenOAuthError):
    """Fiken refused the refresh token (``invalid_grant``): access was revoked or has expired.

    The connection is marked broken; only the user can fix it, by connecting Fiken again.
    """

    def __init__(self, message: str, *, social_account_id: int | None = None) -> None:
        super().__init__(message)
        self.social_account_id = social_account_id


class NotConnected(FikenOAuthError):
    """There is no stored Fiken token for this account (``SOCIALACCOUNT_STORE_TOKENS`` off?)."""
