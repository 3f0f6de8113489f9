"""allauth's OAuth2 adapter and the login/callback views for Fiken."""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.providers.base import ProviderException
from allauth.socialaccount.providers.oauth2.client import OAuth2Client
from allauth.socialaccount.providers.oauth2.views import (
    OAuth2Adapter,
    OAuth2CallbackView,
    OAuth2LoginView,
)
from allauth.utils import get_request_param
from django.http import HttpRequest
from django.utils.http import urlencode

from django_fiken.client.errors import FikenError
from django_fiken.conf import fiken_settings
from django_fiken.oauth.connect_only import PROVIDER_ID
from django_fiken.oauth.tokens import IssuedTokenProvider


class FikenOAuth2Client(OAuth2Client):
    """allauth's client without the empty ``scope=`` Fiken has no use for (Fiken has no scopes)."""

    def get_redirect_url(self, authorization_url: str, scope: Any, extra_params: dict) -> str:
        params = {
            self.client_id_parameter: self.consumer_key,
            "redirect_uri": self.callback_url,
            "response_type": "code",
        }
        if scope:
            params["scope"] = self.scope_delimiter.join(sorted(set(scope)))
        if self.state:
            params["state"] = self.state
        params.update(extra_params)
        return f"{authorization_url}?{urlencode(params)}"


class FikenOAuth2Adapter(OAuth2Adapter):
    """Authorization code flow with HTTP Basic client authentication on the token endpoint."""

    provider_id = PROVIDER_ID
    client_class = FikenOAuth2Client
    basic_auth = True

    @property
    def authorize_url(self) -> str:  # read per request so FIKEN overrides apply at once
        return fiken_settings.OAUTH["AUTHORIZE_URL"]

    @property
    def access_token_url(self) -> str:  # type: ignore[override]
        return fiken_settings.OAUTH["TOKEN_URL"]

    def get_access_token_data(
        self, request: HttpRequest, app: Any, client: Any, pkce_code_verifier: str | None = None
    ) -> dict[str, Any]:
        # Fiken documents ``state`` as a required parameter of the code exchange too.
        code = get_request_param(self.request, "code")
        state = get_request_param(self.request, "state")
        data = client.get_access_token(
            code,
            pkce_code_verifier=pkce_code_verifier,
            extra_data={"state": state} if state else None,
        )
        self.did_fetch_access_token = True
        return data

    def complete_login(self, request: HttpRequest, app: Any, token: Any, **kwargs: Any):
        """Ask Fiken who the user is (``GET /user``: name and email) through the client."""
        from django_fiken.auth import build_client

        try:
            user_info = build_client(IssuedTokenProvider(token.token)).user.get()
        except FikenError as exc:  # allauth renders ProviderException as its error page
            raise ProviderException(f"Fiken did not tell who the user is: {exc}") from None
        return self.get_provider().sociallogin_from_response(request, dict(user_info))


oauth2_login = OAuth2LoginView.adapter_view(FikenOAuth2Adapter)
oauth2_callback = OAuth2CallbackView.adapter_view(FikenOAuth2Adapter)
