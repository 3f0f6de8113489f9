"""The connection page: what the user sees, connect and disconnect (which revokes at Fiken)."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount, SocialToken
from django.urls import reverse

from django_fiken.models import FikenConnection
from django_fiken.oauth.errors import RefreshRefused
from django_fiken.oauth.tokens import OAuthTokenProvider
from tests.oauth.conftest import make_connected_account, token_endpoint_calls

pytestmark = pytest.mark.django_db

PAGE = "/fiken/connection/"


def revoke_calls(fake, status=200):
    return [call for call in fake.stats.calls("POST", r"^/revoke$") if call.status == status]


def test_the_page_needs_a_logged_in_user(client, fiken_app):
    response = client.get(PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_without_a_connection_the_page_offers_to_connect(kari_client, fiken_app):
    response = kari_client.get(PAGE)

    content = response.content.decode()
    assert response.status_code == 200
    assert "No Fiken account is connected." in content
    connect_form = (
        'action="/accounts/fiken/login/?process=connect&amp;next=%2Ffiken%2Fconnection%2F"'
    )
    assert connect_form in content
    assert "Connect Fiken" in content


def test_without_a_fiken_app_the_page_says_so(kari_client):
    response = kari_client.get(PAGE)

    assert "no Fiken app configured" in response.content.decode()
    assert "Connect Fiken" not in response.content.decode()


def test_the_page_shows_companies_and_health(kari_client, kari, ola, fiken_app, fake):
    _, token = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as", "beta-as"))
    make_connected_account(ola, fake, app=fiken_app, companies=("ola-as",))
    FikenConnection.objects.filter(company__slug="beta-as").update(
        is_active=False, broken_reason="Fiken no longer grants this site access to the company."
    )

    content = kari_client.get(PAGE).content.decode()

    assert "kari@fiken.example" in content
    assert "acme-as" in content and "beta-as" in content
    assert "ola-as" not in content
    assert "Connected and working." in content
    assert "Fiken no longer grants this site access to the company." in content
    assert token.token not in content and token.token_secret not in content


def test_a_broken_connection_tells_the_user_to_reconnect(kari_client, kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as",))
    fake.auth.revoke(token.token)
    with pytest.raises(RefreshRefused):
        OAuthTokenProvider(account).refresh()

    content = kari_client.get(PAGE).content.decode()

    assert "Needs attention." in content
    assert "Fiken access was revoked or expired: reconnect Fiken" in content
    assert "Reconnect Fiken" in content


def test_disconnect_revokes_at_fiken_and_removes_the_connection(kari_client, kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as",))

    response = kari_client.post(reverse("django_fiken:disconnect"), {"account": account.pk})

    assert response.status_code == 302 and response["Location"] == PAGE
    assert len(revoke_calls(fake)) == 1
    assert fake.auth.access_token(token.token) is None  # the grant is gone at Fiken
    assert not SocialAccount.objects.exists()
    assert not SocialToken.objects.exists()
    assert not FikenConnection.objects.exists()
    assert "disconnected" in kari_client.get(PAGE).content.decode()


def test_disconnect_refreshes_an_expired_token_before_revoking(kari_client, kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app, expires_in=-60)

    kari_client.post(reverse("django_fiken:disconnect"), {"account": account.pk})

    assert token_endpoint_calls(fake) == 1
    assert len(revoke_calls(fake)) == 1
    assert fake.auth.access_token(token.token) is None
    assert not SocialAccount.objects.exists()


def test_disconnect_happens_even_when_fiken_cannot_revoke(kari_client, kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app)
    fake.auth.revoke(token.token)  # already revoked in Fiken: the revoke call gets a 401

    kari_client.post(reverse("django_fiken:disconnect"), {"account": account.pk})

    assert len(revoke_calls(fake, status=401)) == 1
    assert not SocialAccount.objects.exists()


def test_allauths_own_disconnect_revokes_too(kari_client, kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app)

    response = kari_client.post(reverse("socialaccount_connections"), {"account": account.pk})

    assert response.status_code == 302
    assert fake.auth.access_token(token.token) is None
    assert not SocialAccount.objects.exists()


def test_nobody_can_disconnect_someone_elses_account(kari_client, ola, fiken_app, fake):
    account, token = make_connected_account(ola, fake, app=fiken_app)

    response = kari_client.post(reverse("django_fiken:disconnect"), {"account": account.pk})

    assert response.status_code == 404
    assert SocialAccount.objects.filter(pk=account.pk).exists()
    assert fake.auth.access_token(token.token) is not None


def test_disconnect_is_post_only(kari_client, kari, fiken_app, fake):
    account, _ = make_connected_account(kari, fake, app=fiken_app)

    response = kari_client.get(reverse("django_fiken:disconnect"), {"account": account.pk})

    assert response.status_code == 405
    assert SocialAccount.objects.exists()
