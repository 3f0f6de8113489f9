"""The connect dance end to end, as allauth's own provider tests exercise it."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.urls import reverse
from django.utils import timezone

from django_fiken.models import ConnectionKind, FikenConnection
from django_fiken.oauth.connect_only import LOGIN_REFUSED
from django_fiken.oauth.provider import FikenProvider

pytestmark = pytest.mark.django_db


def start_connect(client, next_url="/fiken/connection/") -> str:
    """POST to the provider's login URL; returns the state Fiken would hand back."""
    query = urlencode({"process": "connect", "next": next_url})
    response = client.post(f"{reverse('fiken_login')}?{query}")
    assert response.status_code == 302, response.content
    params = parse_qs(urlsplit(response["Location"]).query, keep_blank_values=True)
    assert "scope" not in params
    return params["state"][0]


def come_back(client, fiken, state, code=None):
    """Fiken redirects the user back to the callback with a fresh code."""
    return client.get(
        reverse("fiken_callback"), {"code": code or fiken.issue_code(), "state": state}
    )


def test_connect_stores_token_and_records_companies(kari_client, kari, fiken):
    fiken.add_company("acme-as", "Acme AS")
    fiken.add_company("kari-enk", "Kari ENK")

    state = start_connect(kari_client)
    response = come_back(kari_client, fiken, state)

    assert response.status_code == 302
    assert response["Location"] == "/fiken/connection/"
    account = SocialAccount.objects.get(user=kari, provider="fiken")
    assert account.uid == "kari@fiken.example"
    assert account.extra_data == {"name": "Kari Nordmann", "email": "Kari@Fiken.example"}
    token = SocialToken.objects.get(account=account)
    assert token.token in fiken.access
    assert token.token_secret in fiken.live_refresh
    assert token.expires_at > timezone.now()
    # The code exchange used HTTP Basic (the stub refuses anything else) and sent the state.
    assert fiken.code_exchanges[0]["state"] == state
    assert "client_secret" not in fiken.code_exchanges[0]
    connections = FikenConnection.objects.filter(social_account=account).order_by("company__slug")
    assert [(c.company.slug, c.company.name, c.kind, c.user, c.is_active) for c in connections] == [
        ("acme-as", "Acme AS", ConnectionKind.OAUTH, kari, True),
        ("kari-enk", "Kari ENK", ConnectionKind.OAUTH, kari, True),
    ]


def test_the_local_user_keeps_their_own_email(kari_client, kari, fiken):
    come_back(kari_client, fiken, start_connect(kari_client))

    kari.refresh_from_db()
    assert kari.email == "kari@shop.example"


def test_reconnect_keeps_the_refresh_token_when_fiken_sends_none(kari_client, fiken):
    come_back(kari_client, fiken, start_connect(kari_client))
    first = SocialToken.objects.get()
    fiken.send_refresh_token = False

    come_back(kari_client, fiken, start_connect(kari_client))

    token = SocialToken.objects.get()
    assert token.pk == first.pk
    assert token.token != first.token
    assert token.token_secret == first.token_secret
    assert SocialAccount.objects.count() == 1


def test_reconnect_picks_up_companies_granted_later(kari_client, fiken):
    fiken.add_company("acme-as")
    come_back(kari_client, fiken, start_connect(kari_client))
    fiken.add_company("beta-as")

    come_back(kari_client, fiken, start_connect(kari_client))

    assert sorted(
        FikenConnection.objects.filter(is_active=True).values_list("company__slug", flat=True)
    ) == ["acme-as", "beta-as"]


def test_user_cancelling_at_fiken_goes_to_allauths_cancelled_page(kari_client, fiken):
    state = start_connect(kari_client)

    response = kari_client.get(
        reverse("fiken_callback"), {"error": "access_denied", "state": state}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_login_cancelled")
    assert not SocialAccount.objects.exists()


def test_a_refused_code_renders_the_error_page_and_stores_nothing(kari_client, fiken):
    state = start_connect(kari_client)

    response = come_back(kari_client, fiken, state, code="not-a-code")

    assert response.status_code == 401
    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()


def test_a_login_that_reaches_the_callback_is_refused(client, fiken, monkeypatch, kari):
    """Even if a login flow got past the redirect step, the callback refuses to log anyone in."""
    # An account linked to Kari exists: a login would otherwise log the visitor in as Kari.
    come_back_as_kari = client
    come_back_as_kari.force_login(kari)
    come_back(come_back_as_kari, fiken, start_connect(come_back_as_kari))
    client.logout()
    monkeypatch.setattr(FikenProvider, "redirect", OAuth2Provider.redirect)
    response = client.post(reverse("fiken_login") + "?process=login")
    state = parse_qs(urlsplit(response["Location"]).query)["state"][0]

    response = come_back(client, fiken, state)

    assert response.status_code == 403
    assert str(LOGIN_REFUSED) in response.content.decode()
    assert "_auth_user_id" not in client.session
