"""Fiken's OAuth2 endpoints outside the API: authorize (auto-approving), token and revoke."""

from __future__ import annotations

import base64
import binascii
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .http import FakeRequest, FakeResponse

if TYPE_CHECKING:
    from .auth import AuthRegistry


def _oauth_error(status: int, error: str, description: str) -> FakeResponse:
    return FakeResponse.json({"error": error, "error_description": description}, status=status)


def _with_query(url: str, params: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query)))


def _basic_auth(request: FakeRequest) -> tuple[str, str] | None:
    scheme, _, encoded = (request.headers.get("Authorization") or "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        client_id, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return client_id, secret


def handle_oauth(auth: AuthRegistry, request: FakeRequest) -> FakeResponse:
    path = request.path.rstrip("/")
    if path == "/authorize" and request.method == "GET":
        return authorize(auth, request)
    if path == "/token" and request.method == "POST":
        return token(auth, request)
    if path == "/revoke" and request.method == "POST":
        return revoke(auth, request)
    return _oauth_error(404, "not_found", f"No OAuth endpoint {request.method} {request.path}")


def authorize(auth: AuthRegistry, request: FakeRequest) -> FakeResponse:
    """Approve at once as the approving user and redirect back with a code and the state."""
    params = dict(request.query)
    client = auth.clients.get(params.get("client_id", ""))
    redirect_uri = params.get("redirect_uri", "")
    if client is None:
        return _oauth_error(400, "invalid_client", "Unknown client_id")
    if redirect_uri not in client.redirect_uris:
        return _oauth_error(
            400, "invalid_request", "redirect_uri is not registered for this client"
        )
    if params.get("response_type") != "code":
        return FakeResponse(
            302,
            {
                "Location": _with_query(
                    redirect_uri,
                    {"error": "unsupported_response_type", "state": params.get("state", "")},
                )
            },
        )
    if not params.get("state"):
        return FakeResponse(
            302,
            {
                "Location": _with_query(
                    redirect_uri,
                    {"error": "invalid_request", "error_description": "state is required"},
                )
            },
        )
    user = auth.approving_user or auth.default_user()
    code = auth.issue_code(user, client.client_id, redirect_uri)
    return FakeResponse(
        302, {"Location": _with_query(redirect_uri, {"code": code, "state": params["state"]})}
    )


def token(auth: AuthRegistry, request: FakeRequest) -> FakeResponse:
    credentials = _basic_auth(request)
    client = auth.client(*credentials) if credentials else None
    if client is None:
        return _oauth_error(401, "invalid_client", "Client authentication failed (HTTP Basic)")
    if "application/x-www-form-urlencoded" not in request.content_type:
        return _oauth_error(
            400, "invalid_request", "Send the form as application/x-www-form-urlencoded"
        )
    form = dict(parse_qsl(request.body.decode(), keep_blank_values=True))
    grant_type = form.get("grant_type")
    if grant_type == "authorization_code":
        grant = auth.redeem_code(form.get("code", ""), client.client_id, form.get("redirect_uri"))
        if grant is None:
            return _oauth_error(
                400, "invalid_grant", "The authorization code is invalid or expired."
            )
    elif grant_type == "refresh_token":
        grant = auth.rotate_refresh(form.get("refresh_token", ""), client.client_id)
        if grant is None:
            return _oauth_error(
                400, "invalid_grant", "The refresh token is invalid, spent or revoked."
            )
    else:
        return _oauth_error(400, "unsupported_grant_type", f"Unsupported grant_type {grant_type!r}")
    access, refresh, expires_in = auth.issue_tokens(grant)
    return FakeResponse.json(
        {
            "access_token": access,
            "refresh_token": refresh,
            "token_type": "bearer",
            "expires_in": expires_in,
        },
        headers={"Cache-Control": "no-store"},
    )


def revoke(auth: AuthRegistry, request: FakeRequest) -> FakeResponse:
    if not auth.revoke(request.bearer_token):
        return _oauth_error(401, "invalid_token", "Unknown or already revoked access token")
    return FakeResponse(200)
