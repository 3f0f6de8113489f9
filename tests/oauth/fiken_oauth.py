"""Fiken's OAuth server and the two API calls the connect needs, on ``responses``.

Stands in for the fake Fiken's OAuth side in these tests: codes, HTTP Basic client auth,
refresh tokens that rotate and can be spent once (counted), revocation, ``/user``, ``/companies``.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
from dataclasses import dataclass, field
from urllib.parse import parse_qs

import responses

AUTHORIZE_URL = "https://fiken.no/oauth/authorize"
TOKEN_URL = "https://fiken.no/oauth/token"
REVOKE_URL = "https://fiken.no/oauth/revoke"
API = "https://api.fiken.no/api/v2"


@dataclass
class FikenOAuth:
    client_id: str
    secret: str
    user: dict = field(
        default_factory=lambda: {"name": "Kari Nordmann", "email": "Kari@Fiken.example"}
    )
    companies: list[dict] = field(default_factory=list)
    expires_in: int = 86_400
    rotate: bool = True  # a refresh spends the refresh token and hands out a new one
    send_refresh_token: bool = True  # on the code exchange
    refresh_calls: int = 0
    code_exchanges: list[dict] = field(default_factory=list)
    revoked: list[str] = field(default_factory=list)
    spent: set[str] = field(default_factory=set)
    live_refresh: set[str] = field(default_factory=set)
    access: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_company(self, slug: str, name: str | None = None) -> None:
        self.companies.append(
            {
                "slug": slug,
                "name": name or slug,
                "organizationNumber": "999999999",
                "hasApiAccess": True,
                "testCompany": True,
                "vatType": "no",
            }
        )

    def issue_code(self) -> str:
        code = secrets.token_urlsafe(8)
        self.codes.add(code)
        return code

    def seed_refresh_token(self, token: str) -> None:
        self.live_refresh.add(token)

    # -- responses callbacks ---------------------------------------------------------------
    def _authorized(self, request) -> bool:
        expected = base64.b64encode(f"{self.client_id}:{self.secret}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    def _issue(self, *, with_refresh: bool) -> dict:
        access = secrets.token_urlsafe(12)
        self.access.add(access)
        body = {"access_token": access, "token_type": "bearer", "expires_in": self.expires_in}
        if with_refresh:
            refresh = secrets.token_urlsafe(12)
            self.live_refresh.add(refresh)
            body["refresh_token"] = refresh
        return body

    def _token(self, request):
        form = {k: v[0] for k, v in parse_qs(request.body or "").items()}
        if not self._authorized(request):
            return 401, {}, json.dumps({"error": "invalid_client"})
        with self.lock:
            if form.get("grant_type") == "authorization_code":
                self.code_exchanges.append(form)
                if form.get("code") not in self.codes:
                    return 400, {}, json.dumps({"error": "invalid_grant"})
                self.codes.discard(form["code"])
                return (
                    200,
                    {"Content-Type": "application/json"},
                    json.dumps(self._issue(with_refresh=self.send_refresh_token)),
                )
            if form.get("grant_type") == "refresh_token":
                self.refresh_calls += 1
                token = form.get("refresh_token")
                if token not in self.live_refresh or token in self.spent:
                    return 400, {}, json.dumps({"error": "invalid_grant"})
                if self.rotate:
                    self.spent.add(token)
                return (
                    200,
                    {"Content-Type": "application/json"},
                    json.dumps(self._issue(with_refresh=self.rotate)),
                )
        return 400, {}, json.dumps({"error": "unsupported_grant_type"})

    def _bearer_ok(self, request) -> bool:
        auth = request.headers.get("Authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.access

    def _revoke(self, request):
        if not self._bearer_ok(request):
            return 401, {}, ""
        self.revoked.append(request.headers["Authorization"][7:])
        return 200, {}, ""

    def _user(self, request):
        if not self._bearer_ok(request):
            return 401, {}, ""
        return 200, {"Content-Type": "application/json"}, json.dumps(self.user)

    def _companies(self, request):
        if not self._bearer_ok(request):
            return 401, {}, ""
        headers = {
            "Content-Type": "application/json",
            "Fiken-Api-Page": "0",
            "Fiken-Api-Page-Size": "100",
            "Fiken-Api-Page-Count": "1",
            "Fiken-Api-Result-Count": str(len(self.companies)),
        }
        return 200, headers, json.dumps(self.companies)

    def install(self, mock: responses.RequestsMock) -> None:
        mock.add_callback(responses.POST, TOKEN_URL, callback=self._token)
        mock.add_callback(responses.POST, REVOKE_URL, callback=self._revoke)
        mock.add_callback(responses.GET, f"{API}/user", callback=self._user)
        mock.add_callback(responses.GET, f"{API}/companies", callback=self._companies)
