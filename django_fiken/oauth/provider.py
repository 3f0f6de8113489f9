"""The allauth provider for Fiken (``id = "fiken"``), connect-only."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.base import ProviderAccount, ProviderException
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.http import HttpRequest, HttpResponse

from django_fiken.oauth import connect_only
from django_fiken.oauth.views import FikenOAuth2Adapter


class FikenAccount(ProviderAccount):
    """A connected Fiken user; shown by name and email (Fiken has no profile page or avatar)."""

    def to_str(self) -> str:
        data = self.account.extra_data or {}
        return data.get("email") or data.get("name") or super().to_str()


class FikenProvider(OAuth2Provider):
    """Fiken's OAuth2 (authorization code, HTTP Basic on the token endpoint, no scopes)."""

    id = connect_only.PROVIDER_ID
    name = "Fiken"
    account_class = FikenAccount
    oauth2_adapter_class = FikenOAuth2Adapter

    def get_default_scope(self) -> list[str]:
        return []

    def redirect(
        self,
        request: HttpRequest,
        process: str,
        next_url: str | None = None,
        data: Any = None,
        **kwargs: Any,
    ) -> HttpResponse:
        """Refuse anything but a connect by a logged-in user before sending anyone to Fiken."""
        refused = connect_only.refusal(
            request, process, headless=bool(kwargs.get("headless")), next_url=next_url
        )
        if refused is not None:
            return refused
        return super().redirect(request, process, next_url=next_url, data=data, **kwargs)

    def extract_uid(self, data: dict[str, Any]) -> str:
        """The user's email address, normalised.

        Fiken's ``GET /user`` returns only ``name`` and ``email``: there is no user id, so the
        email is the only stable handle. It only identifies the Fiken side of a connection; it is
        never used to find or log in a local user (Fiken is connect-only).
        """
        email = (data.get("email") or "").strip().lower()
        if not email:
            raise ProviderException("Fiken did not return an email address for this user.")
        return email

    def extract_extra_data(self, data: dict[str, Any]) -> dict[str, Any]:
        return {"name": data.get("name", ""), "email": data.get("email", "")}

    def extract_common_fields(self, data: dict[str, Any]) -> dict[str, Any]:
        # Nothing flows into the local user: Fiken never creates or matches local accounts.
        return {}


provider_classes = [FikenProvider]
