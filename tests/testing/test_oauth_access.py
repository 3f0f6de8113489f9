"""OAuth (authorize, code, token, refresh rotation, revoke), token expiry, company access."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from .conftest import API, COMPANY, TOKEN, make_fake

OAUTH = "https://fiken.no/oauth"
REDIRECT = "https://shop.example/accounts/fiken/login/callback/"


@pytest.fixture
def oauth_fake(clock):
    fake = make_fake(clock=clock, access_token_lifetime=3600)
    fake.add_company("other-as", name="Other AS")
    fake.add_oauth_client("shop-client", "shop-secret", [REDIRECT])
    with fake.mock():
        yield fake
    fake.assert_no_violations()


def _authorize(state="xyz") -> str:
    response = requests.get(
        f"{OAUTH}/authorize",
        params={
            "response_type": "code",
            "client_id": "shop-client",
            "redirect_uri": REDIRECT,
            "state": state,
        },
        allow_redirects=False,
    )
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith(REDIRECT)
    query = parse_qs(urlsplit(location).query)
    assert query["state"] == [state]
    return query["code"][0]


def _token(**form):
    return requests.post(f"{OAUTH}/token", data=form, auth=("shop-client", "shop-secret"))


def _bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_code_token_refresh_rotation_and_revoke(oauth_fake, clock):
    code = _authorize()
    issued = _token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert issued.status_code == 200
    tokens = issued.json()
    assert tokens["token_type"] == "bearer" and tokens["expires_in"] == 3600
    access, refresh = tokens["access_token"], tokens["refresh_token"]
    assert requests.get(f"{COMPANY}/contacts", headers=_bearer(access)).status_code == 200

    # The code is single-use.
    reused = _token(grant_type="authorization_code", code=code, redirect_uri=REDIRECT)
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"

    # Refresh rotates: a new pair, and the old refresh token is spent.
    rotated = _token(grant_type="refresh_token", refresh_token=refresh).json()
    assert rotated["refresh_token"] != refresh and rotated["access_token"] != access
    spent = _token(grant_type="refresh_token", refresh_token=refresh)
    assert spent.status_code == 400 and spent.json()["error"] == "invalid_grant"

    # Revoking kills every token of the grant, including the refresh token.
    revoked = requests.post(f"{OAUTH}/revoke", headers=_bearer(rotated["access_token"]))
    assert revoked.status_code == 200
    for token in (access, rotated["access_token"]):
        assert requests.get(f"{API}/user", headers=_bearer(token)).status_code == 401
    after = _token(grant_type="refresh_token", refresh_token=rotated["refresh_token"])
    assert after.status_code == 400 and after.json()["error"] == "invalid_grant"


def test_access_token_expires(oauth_fake, clock):
    tokens = _token(
        grant_type="authorization_code", code=_authorize(), redirect_uri=REDIRECT
    ).json()
    assert requests.get(f"{API}/user", headers=_bearer(tokens["access_token"])).status_code == 200
    clock.advance(3601)
    expired = requests.get(f"{API}/user", headers=_bearer(tokens["access_token"]))
    assert expired.status_code == 401
    fresh = _token(grant_type="refresh_token", refresh_token=tokens["refresh_token"]).json()
    assert requests.get(f"{API}/user", headers=_bearer(fresh["access_token"])).status_code == 200


def test_token_endpoint_requires_basic_client_auth(oauth_fake):
    code = _authorize()
    wrong = requests.post(
        f"{OAUTH}/token",
        auth=("shop-client", "wrong"),
        data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT},
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"
    missing = requests.post(
        f"{OAUTH}/token", data={"grant_type": "authorization_code", "code": code}
    )
    assert missing.status_code == 401


def test_code_bound_to_redirect_uri(oauth_fake):
    response = _token(
        grant_type="authorization_code", code=_authorize(), redirect_uri="https://evil.example/"
    )
    assert response.status_code == 400


def test_authorize_rejects_unknown_client_and_redirect(oauth_fake):
    unknown = requests.get(
        f"{OAUTH}/authorize",
        allow_redirects=False,
        params={
            "response_type": "code",
            "client_id": "nope",
            "redirect_uri": REDIRECT,
            "state": "s",
        },
    )
    assert unknown.status_code == 400
    bad_redirect = requests.get(
        f"{OAUTH}/authorize",
        allow_redirects=False,
        params={
            "response_type": "code",
            "client_id": "shop-client",
            "redirect_uri": "https://evil.example/",
            "state": "s",
        },
    )
    assert bad_redirect.status_code == 400


def test_oauth_grant_reaches_only_the_users_companies(oauth_fake):
    tokens = _token(
        grant_type="authorization_code", code=_authorize(), redirect_uri=REDIRECT
    ).json()
    headers = _bearer(tokens["access_token"])
    slugs = [c["slug"] for c in requests.get(f"{API}/companies", headers=headers).json()]
    assert slugs == ["fiken-demo-as"]
    assert requests.get(f"{API}/companies/other-as/contacts", headers=headers).status_code == 403


def test_personal_token_without_access_gets_403(oauth_fake):
    oauth_fake.add_personal_token("other-token", companies=["other-as"])
    headers = _bearer("other-token")
    assert requests.get(f"{API}/companies/other-as/contacts", headers=headers).status_code == 200
    forbidden = requests.get(f"{COMPANY}/contacts", headers=headers)
    assert forbidden.status_code == 403
    assert "no access" in forbidden.json()["error_description"]
    assert requests.get(f"{API}/companies/unknown-as", headers=_bearer(TOKEN)).status_code == 403


def test_oauth_calls_are_logged_but_not_rate_limited(oauth_fake):
    _token(grant_type="authorization_code", code=_authorize(), redirect_uri=REDIRECT)
    assert [c.path for c in oauth_fake.stats.calls() if c.area == "oauth"] == [
        "/authorize",
        "/token",
    ]
    assert oauth_fake.stats.total_requests == 2
    assert oauth_fake.stats.max_in_flight == 0 and oauth_fake.stats.max_rate == 0


def test_missing_or_unknown_token_is_401(oauth_fake):
    assert requests.get(f"{COMPANY}/contacts").status_code == 401
    assert requests.get(f"{COMPANY}/contacts", headers=_bearer("made-up")).status_code == 401


def test_personal_token_without_companies_reaches_every_company():
    fake = make_fake()
    fake.add_company("third-as")
    fake.add_personal_token("master")
    limited_user = fake.add_user("ola@example.com", companies=["third-as"])
    fake.add_personal_token("ola-token", user=limited_user)
    with fake.mock():
        for slug in ("fiken-demo-as", "third-as"):
            assert requests.get(f"{API}/companies/{slug}", headers=_bearer("master")).ok
        assert requests.get(f"{API}/companies/third-as", headers=_bearer("ola-token")).ok
        denied = requests.get(f"{API}/companies/fiken-demo-as", headers=_bearer("ola-token"))
        assert denied.status_code == 403
