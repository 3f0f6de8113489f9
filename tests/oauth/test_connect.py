"""The connect dance end to end against the fake Fiken, as allauth's own provider tests do it."""

from __future__ import annotations

import json
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialToken
from allauth.socialaccount.providers.oauth2.provider import OAuth2Provider
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from django_fiken.models import ConnectionKind, FikenConnection
from django_fiken.oauth.connect_only import LOGIN_REFUSED
from django_fiken.oauth.provider import FikenProvider
from django_fiken.testing import FakeResponse
from django_fiken.testing import oauth as fake_oauth
from tests.oauth.conftest import CLIENT_ID, fiken_user

pytestmark = pytest.mark.django_db


def start(client, process="connect", next_url="/fiken/connection/") -> str:
    """POST to the provider's login URL; returns the authorize URL it redirects to."""
    query = urlencode({"process": process, "next": next_url})
    response = client.post(f"{reverse('fiken_login')}?{query}")
    assert response.status_code == 302, response.content
    return response["Location"]


def consent_at_fiken(authorize_url: str) -> str:
    """The fake's authorize endpoint approves at once; returns the callback path and query."""
    response = requests.get(authorize_url, allow_redirects=False, timeout=5)
    assert response.status_code == 302, response.text
    callback = urlsplit(response.headers["Location"])
    assert callback.query.count("code=") == 1
    return f"{callback.path}?{callback.query}"


def connect(client):
    return client.get(consent_at_fiken(start(client)))


def test_connect_stores_the_token_and_records_the_companies(kari_client, kari, fake):
    fiken_user(fake, "Kari@Fiken.example", ("acme-as", "kari-enk"), name="Kari Nordmann")

    authorize_url = start(kari_client)
    query = parse_qs(urlsplit(authorize_url).query, keep_blank_values=True)
    assert "scope" not in query
    assert query["client_id"] == [CLIENT_ID]
    response = kari_client.get(consent_at_fiken(authorize_url))

    assert response.status_code == 302
    assert response["Location"] == "/fiken/connection/"
    account = SocialAccount.objects.get(user=kari, provider="fiken")
    assert account.uid == "kari@fiken.example"
    assert account.extra_data == {"name": "Kari Nordmann", "email": "Kari@Fiken.example"}
    token = SocialToken.objects.get(account=account)
    assert fake.auth.access_token(token.token) is not None
    assert token.token_secret
    assert token.expires_at > timezone.now() + timezone.timedelta(hours=23)
    connections = FikenConnection.objects.filter(social_account=account).order_by("company__slug")
    assert [(c.company.slug, c.company.name, c.kind, c.user, c.is_active) for c in connections] == [
        ("acme-as", "ACME-AS", ConnectionKind.OAUTH, kari, True),
        ("kari-enk", "KARI-ENK", ConnectionKind.OAUTH, kari, True),
    ]


def test_connect_tells_the_user_which_companies_they_got(kari_client, fake):
    fiken_user(fake, "kari@fiken.example", ("acme-as",))

    response = kari_client.get(consent_at_fiken(start(kari_client)), follow=True)

    assert "Fiken companies you can work on: acme-as." in response.content.decode()


def test_the_local_user_keeps_their_own_email(kari_client, kari, fake):
    fiken_user(fake, "someone-else@fiken.example")

    connect(kari_client)

    kari.refresh_from_db()
    assert kari.email == "kari@shop.example"
    assert SocialAccount.objects.get().uid == "someone-else@fiken.example"


def test_reconnect_keeps_the_refresh_token_when_fiken_sends_none(kari_client, fake, monkeypatch):
    fiken_user(fake, "kari@fiken.example")
    connect(kari_client)
    first = SocialToken.objects.get()
    issue = fake_oauth.token

    def without_refresh_token(auth, request):
        response = issue(auth, request)
        body = json.loads(response.body)
        body.pop("refresh_token")
        return FakeResponse.json(body)

    monkeypatch.setattr(fake_oauth, "token", without_refresh_token)
    connect(kari_client)

    token = SocialToken.objects.get()
    assert token.pk == first.pk
    assert token.token != first.token
    assert token.token_secret == first.token_secret
    assert SocialAccount.objects.count() == 1


def test_reconnect_picks_up_companies_granted_later(kari_client, fake):
    user = fiken_user(fake, "kari@fiken.example", ("acme-as",))
    connect(kari_client)
    fake.add_company("beta-as")
    user.companies.add("beta-as")

    connect(kari_client)

    active = FikenConnection.objects.filter(is_active=True)
    assert sorted(active.values_list("company__slug", flat=True)) == ["acme-as", "beta-as"]


def test_user_cancelling_at_fiken_goes_to_allauths_cancelled_page(kari_client, fake):
    state = parse_qs(urlsplit(start(kari_client)).query)["state"][0]

    response = kari_client.get(
        reverse("fiken_callback"), {"error": "access_denied", "state": state}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("socialaccount_login_cancelled")
    assert not SocialAccount.objects.exists()


def test_a_refused_code_renders_the_error_page_and_stores_nothing(kari_client, fake):
    state = parse_qs(urlsplit(start(kari_client)).query)["state"][0]

    response = kari_client.get(reverse("fiken_callback"), {"code": "forged", "state": state})

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()


def test_a_login_that_reaches_the_callback_is_refused(client, kari, fake, monkeypatch):
    """Even if a login flow got past the redirect step, the callback logs nobody in."""
    fiken_user(fake, "kari@fiken.example")
    client.force_login(kari)
    connect(client)  # Kari's Fiken account is linked: a login would log the visitor in as Kari
    client.logout()
    monkeypatch.setattr(FikenProvider, "redirect", OAuth2Provider.redirect)

    response = client.get(consent_at_fiken(start(client, process="login")))

    assert response.status_code == 403
    assert str(LOGIN_REFUSED) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_fiken_account_linked_to_someone_else_grants_the_visitor_nothing(
    kari_client, kari, ola, fake
):
    from django_fiken.oauth.access import companies_for

    fiken_user(fake, "shared@fiken.example", ("acme-as",))
    ola_client = Client()
    ola_client.force_login(ola)
    connect(ola_client)

    response = kari_client.get(consent_at_fiken(start(kari_client)), follow=True)

    assert "already connected to a different account" in response.content.decode()
    assert "Fiken companies you can work on" not in response.content.decode()
    assert SocialAccount.objects.get().user == ola
    assert not companies_for(kari).exists()
    assert list(companies_for(ola).values_list("slug", flat=True)) == ["acme-as"]


def test_fiken_failing_to_say_who_the_user_is_renders_the_error_page(kari_client, fake):
    fiken_user(fake, "kari@fiken.example")
    callback = consent_at_fiken(start(kari_client))
    fake.faults.fail_next(1, status=403, method="GET", path_regex=r"^/user$")

    response = kari_client.get(callback)

    assert response.status_code == 401
    assert "Third-Party Login Failure" in response.content.decode()
    assert not SocialAccount.objects.exists()
