"""OAuthTokenProvider against the fake Fiken: refresh before expiry and on 401, rotation,
refusal, and the row lock that keeps two workers from spending one refresh token twice."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialApp, SocialToken
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from django_fiken.auth import client_for
from django_fiken.client.errors import Unauthorized
from django_fiken.models import FikenCompany, FikenConnection
from django_fiken.oauth.errors import ClientCredentialsRejected, NotConnected, RefreshRefused
from django_fiken.oauth.tokens import OAuthTokenProvider
from tests.oauth.conftest import CLIENT_ID, make_connected_account, token_endpoint_calls

pytestmark = pytest.mark.django_db


def test_a_fresh_token_is_used_as_is(kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app)

    assert OAuthTokenProvider(account).get_token() == token.token
    assert token_endpoint_calls(fake) == 0


def test_a_token_about_to_expire_is_refreshed_and_the_rotated_refresh_token_stored(
    kari, fiken_app, fake
):
    account, old = make_connected_account(kari, fake, app=fiken_app, expires_in=60)  # < 300 s

    new = OAuthTokenProvider(account).get_token()

    token = SocialToken.objects.get(account=account)
    assert new == token.token != old.token
    assert fake.auth.access_token(new) is not None
    assert token.token_secret not in ("", old.token_secret)  # rotated, and the new one stored
    assert token.expires_at > timezone.now() + timedelta(hours=23)
    assert token_endpoint_calls(fake) == 1


@override_settings(FIKEN={"OAUTH": {"REFRESH_MARGIN": 30}})
def test_the_refresh_margin_comes_from_settings(kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app, expires_in=60)

    assert OAuthTokenProvider(account).get_token() == token.token
    assert token_endpoint_calls(fake) == 0


def test_refresh_after_a_401_gets_a_new_token(kari, fiken_app, fake):
    account, old = make_connected_account(kari, fake, app=fiken_app)
    provider = OAuthTokenProvider(account)
    provider.get_token()

    new = provider.refresh()

    assert new and new != old.token
    assert provider.get_token() == new
    assert token_endpoint_calls(fake) == 1


def test_a_token_refreshed_by_another_worker_is_reused(kari, fiken_app, fake):
    account, _ = make_connected_account(kari, fake, app=fiken_app)
    slow, fast = OAuthTokenProvider(account), OAuthTokenProvider(account)
    slow.get_token()
    refreshed = fast.refresh()  # spends the refresh token

    assert slow.refresh() == refreshed  # the stale worker reuses it, spends nothing
    assert token_endpoint_calls(fake) == 1


def test_a_refused_refresh_marks_connections_broken_and_raises_once(kari, fiken_app, fake):
    account, token = make_connected_account(
        kari, fake, app=fiken_app, companies=("acme-as", "beta-as")
    )
    fake.auth.revoke(token.token)  # the user removed the app in Fiken

    with pytest.raises(RefreshRefused) as caught:
        OAuthTokenProvider(account).refresh()

    assert isinstance(caught.value, Unauthorized)
    assert not caught.value.retryable
    assert "reconnect Fiken" in str(caught.value)
    assert token.token_secret not in str(caught.value) + repr(caught.value)
    assert token_endpoint_calls(fake) == 1
    assert (
        list(FikenConnection.objects.values_list("is_active", "broken_reason"))
        == [
            (False, "Fiken access was revoked or expired: reconnect Fiken"),
        ]
        * 2
    )


def test_wrong_client_credentials_are_an_operator_error_not_a_broken_connection(
    kari, fiken_app, fake
):
    account, _ = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as",))
    fake.auth.clients[CLIENT_ID].secret = "rotated-at-fiken"

    with pytest.raises(ClientCredentialsRejected, match="client id/secret"):
        OAuthTokenProvider(account).refresh()

    assert FikenConnection.objects.get().is_active


def test_without_a_refresh_token_refresh_returns_none(kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app)
    SocialToken.objects.filter(pk=token.pk).update(token_secret="")

    assert OAuthTokenProvider(account).refresh() is None
    assert token_endpoint_calls(fake) == 0


def test_an_account_without_a_stored_token_is_not_connected(kari, fiken_app, fake):
    account, token = make_connected_account(kari, fake, app=fiken_app)
    SocialToken.objects.filter(pk=token.pk).delete()

    with pytest.raises(NotConnected):
        OAuthTokenProvider(account)


def test_apps_configured_in_settings_refresh_with_their_credentials(kari, fake):
    account, old = make_connected_account(kari, fake, app=None, expires_in=0)
    SocialApp.objects.all().delete()  # only the app in settings is left
    apps = {"fiken": {"APPS": [{"client_id": CLIENT_ID, "secret": "shop-client-secret"}]}}

    with override_settings(SOCIALACCOUNT_PROVIDERS=apps):
        assert OAuthTokenProvider(account).get_token() != old.token
    assert token_endpoint_calls(fake) == 1


def test_limit_key_is_stable_per_account_and_not_the_token(kari, ola, fiken_app, fake):
    kari_account, token = make_connected_account(kari, fake, app=fiken_app)
    ola_account, _ = make_connected_account(ola, fake, app=fiken_app)

    key = OAuthTokenProvider(kari_account).limit_key
    assert key == OAuthTokenProvider(kari_account).limit_key
    assert key != OAuthTokenProvider(ola_account).limit_key
    assert token.token not in key and token.token_secret not in key
    assert token.token not in repr(OAuthTokenProvider(kari_account))


@pytest.mark.skipif(
    connection.vendor == "sqlite" and connection.is_in_memory_db(),
    reason="threads cannot share an in-memory SQLite database",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(kari, fiken_app, fake):
    account, old = make_connected_account(kari, fake, app=fiken_app, expires_in=60)
    providers = [OAuthTokenProvider(account), OAuthTokenProvider(account)]
    barrier = threading.Barrier(2)
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(provider):
        try:
            barrier.wait()
            results.append(provider.get_token())
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(p,)) for p in providers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert token_endpoint_calls(fake) == 1  # the fake refuses a spent refresh token anyway
    assert len(results) == 2 and results[0] == results[1] != old.token
    assert SocialToken.objects.get(account=account).token == results[0]


def test_the_client_refreshes_once_after_a_401_and_retries(kari, fiken_app, fake):
    account, old = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as",))
    fake.auth.access_token(old.token).expires_at = fake.clock() - 1  # expired early at Fiken

    client = client_for(FikenCompany.objects.get(slug="acme-as"), user=kari)
    assert client.user.get()["email"] == "kari@fiken.example"

    assert token_endpoint_calls(fake) == 1
    assert SocialToken.objects.get(account=account).token != old.token


def test_a_revoked_grant_surfaces_through_the_client_and_breaks_the_connection(
    kari, fiken_app, fake
):
    _, token = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as",))
    fake.auth.revoke(token.token)
    client = client_for(FikenCompany.objects.get(slug="acme-as"), user=kari)

    with pytest.raises(RefreshRefused):
        client.user.get()

    assert token_endpoint_calls(fake) == 1
    assert not FikenConnection.objects.get().is_active


def test_no_token_reaches_the_logs(kari, fiken_app, fake, caplog):
    caplog.set_level("DEBUG")
    account, token = make_connected_account(kari, fake, app=fiken_app, expires_in=0)
    new = OAuthTokenProvider(account).get_token()
    fake.auth.revoke(new)
    with pytest.raises(RefreshRefused):
        OAuthTokenProvider(account).refresh()

    assert caplog.records  # the refusal was logged
    stored = SocialToken.objects.get(account=account)
    for secret in {token.token, token.token_secret, new, stored.token_secret, "shop-client-secret"}:
        assert secret not in caplog.text
