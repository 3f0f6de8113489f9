"""OAuthTokenProvider: refresh before expiry and on 401, rotation, refusal, locking."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialApp, SocialToken
from django.db import connection, connections
from django.test import override_settings
from django.utils import timezone

from django_fiken.client.errors import Unauthorized
from django_fiken.models import FikenConnection
from django_fiken.oauth.errors import ClientCredentialsRejected, NotConnected, RefreshRefused
from django_fiken.oauth.tokens import OAuthTokenProvider
from tests.oauth.conftest import make_connected_account

pytestmark = pytest.mark.django_db


def test_a_fresh_token_is_used_as_is(kari, fiken_app, fiken):
    account, _ = make_connected_account(kari, app=fiken_app)

    assert OAuthTokenProvider(account).get_token() == "access-1"
    assert fiken.refresh_calls == 0


def test_a_token_about_to_expire_is_refreshed_and_the_rotated_refresh_token_stored(
    kari, fiken_app, fiken
):
    account, _ = make_connected_account(kari, app=fiken_app, expires_in=60)  # < margin (300 s)
    fiken.seed_refresh_token("refresh-1")

    new = OAuthTokenProvider(account).get_token()

    token = SocialToken.objects.get(account=account)
    assert new == token.token != "access-1"
    assert new in fiken.access
    assert token.token_secret not in ("refresh-1", "")
    assert token.token_secret in fiken.live_refresh
    assert "refresh-1" in fiken.spent
    assert token.expires_at > timezone.now() + timedelta(hours=23)
    assert fiken.refresh_calls == 1


@override_settings(FIKEN={"OAUTH": {"REFRESH_MARGIN": 30}})
def test_the_refresh_margin_comes_from_settings(kari, fiken_app, fiken):
    account, _ = make_connected_account(kari, app=fiken_app, expires_in=60)

    assert OAuthTokenProvider(account).get_token() == "access-1"
    assert fiken.refresh_calls == 0


def test_refresh_after_a_401_gets_a_new_token(kari, fiken_app, fiken):
    account, _ = make_connected_account(kari, app=fiken_app)
    fiken.seed_refresh_token("refresh-1")
    provider = OAuthTokenProvider(account)
    provider.get_token()

    new = provider.refresh()

    assert new and new != "access-1"
    assert provider.get_token() == new
    assert fiken.refresh_calls == 1


def test_a_token_refreshed_by_another_worker_is_reused(kari, fiken_app, fiken):
    account, token = make_connected_account(kari, app=fiken_app)
    provider = OAuthTokenProvider(account)
    provider.get_token()
    # Another worker refreshed meanwhile (and spent refresh-1).
    token.token, token.token_secret = "access-2", "refresh-2"
    token.expires_at = timezone.now() + timedelta(days=1)
    token.save()

    assert provider.refresh() == "access-2"
    assert fiken.refresh_calls == 0


def test_a_refused_refresh_marks_connections_broken_and_raises_once(kari, fiken_app, fiken):
    account, _ = make_connected_account(kari, app=fiken_app, companies=("acme-as", "beta-as"))
    # refresh-1 is unknown to Fiken: the user revoked the app.

    with pytest.raises(RefreshRefused) as caught:
        OAuthTokenProvider(account).refresh()

    assert isinstance(caught.value, Unauthorized)
    assert not caught.value.retryable
    assert "reconnect Fiken" in str(caught.value)
    assert "refresh-1" not in str(caught.value) and "refresh-1" not in repr(caught.value)
    assert fiken.refresh_calls == 1
    assert (
        list(FikenConnection.objects.values_list("is_active", "broken_reason"))
        == [
            (False, "Fiken access was revoked or expired: reconnect Fiken"),
        ]
        * 2
    )


def test_wrong_client_credentials_are_an_operator_error_not_a_broken_connection(
    kari, fiken_app, fiken
):
    account, _ = make_connected_account(kari, app=fiken_app, companies=("acme-as",))
    fiken.seed_refresh_token("refresh-1")
    fiken.secret = "rotated-at-fiken"

    with pytest.raises(ClientCredentialsRejected, match="client id/secret"):
        OAuthTokenProvider(account).refresh()

    assert FikenConnection.objects.get().is_active


def test_without_a_refresh_token_refresh_returns_none(kari, fiken_app, fiken):
    account, _ = make_connected_account(kari, app=fiken_app, refresh="")

    assert OAuthTokenProvider(account).refresh() is None
    assert fiken.refresh_calls == 0


def test_an_account_without_a_stored_token_is_not_connected(kari, fiken_app):
    account, token = make_connected_account(kari, app=fiken_app)
    token.delete()

    with pytest.raises(NotConnected):
        OAuthTokenProvider(account)


def test_apps_configured_in_settings_refresh_with_their_credentials(kari, fiken):
    account, _ = make_connected_account(kari, app=None, expires_in=0)
    fiken.seed_refresh_token("refresh-1")
    apps = {"fiken": {"APPS": [{"client_id": fiken.client_id, "secret": fiken.secret}]}}
    SocialApp.objects.all().delete()  # only the settings app is left
    with override_settings(SOCIALACCOUNT_PROVIDERS=apps):
        assert OAuthTokenProvider(account).get_token() != "access-1"
    assert fiken.refresh_calls == 1


def test_limit_key_is_stable_per_account_and_not_the_token(kari, ola, fiken_app):
    kari_account, _ = make_connected_account(kari, app=fiken_app)
    ola_account, _ = make_connected_account(ola, app=fiken_app)

    key = OAuthTokenProvider(kari_account).limit_key
    assert key == OAuthTokenProvider(kari_account).limit_key
    assert key != OAuthTokenProvider(ola_account).limit_key
    assert "access-1" not in key and "refresh-1" not in key
    assert "access-1" not in repr(OAuthTokenProvider(kari_account))


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite has no row locks (SELECT ... FOR UPDATE); run with FIKEN_TEST_DB=postgres",
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_refreshing_at_once_spend_the_refresh_token_once(kari, fiken_app, fiken):
    account, _ = make_connected_account(kari, app=fiken_app, expires_in=60)
    fiken.seed_refresh_token("refresh-1")
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
    assert fiken.refresh_calls == 1
    assert len(results) == 2 and results[0] == results[1] != "access-1"
    assert SocialToken.objects.get(account=account).token == results[0]
