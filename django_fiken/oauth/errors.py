"""Errors of the OAuth side, typed like the client's so the job layer handles them alike.

They are :class:`~django_fiken.client.errors.FikenError` subclasses (``retryable`` says whether a
later try can help); messages are for operators and users and never carry a token.
"""

from __future__ import annotations

from django_fiken.client.errors import FikenError, Unauthorized


class FikenOAuthError(FikenError):
    """Base class: getting or keeping a user's Fiken token failed."""

    def _default_message(self) -> str:
        return "Fiken's OAuth server returned an error"


class TokenEndpointError(FikenOAuthError):
    """Fiken's token endpoint could not be reached or answered with a server error.

    The stored tokens are unchanged, so the same refresh can be tried again later.
    """

    retryable = True


class ClientCredentialsRejected(FikenOAuthError):
    """Fiken rejected this site's OAuth client id/secret: an operator must fix the app config."""


class RefreshRefused(FikenOAuthError, Unauthorized):
    """Fiken refused the refresh token (``invalid_grant``): access was revoked or has expired.

    The connection is marked broken; only the user can fix it, by connecting Fiken again.
    """


class NotConnected(FikenOAuthError):
    """There is no stored Fiken token for this account (disconnected, or tokens not stored)."""
