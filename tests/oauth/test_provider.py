"""The provider triple: registration, the authorize redirect, connect-only refusals, checks."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount import providers
from django.core.checks import run_checks
from django.test import override_settings
from django.urls import reverse

from django_fiken.oauth.connect_only import LOGIN_REFUSED, LOGIN_REQUIRED
from django_fiken.oauth.provider import FikenProvider

pytestmark = pytest.mark.django_db


def test_installing_django_fiken_registers_the_provider():
    assert providers.registry.get_class("fiken") is FikenProvider
    assert reverse("fiken_login") == "/accounts/fiken/login/"
    assert reverse("fiken_callback") == "/accounts/fiken/login/callback/"


def test_connect_redirects_to_fikens_authorize_endpoint_without_scope(kari_client, fiken_app):
    response = kari_client.post(reverse("fiken_login") + "?process=connect")

    assert response.status_code == 302
    url = urlsplit(response["Location"])
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://fiken.no/oauth/authorize"
    query = parse_qs(url.query, keep_blank_values=True)
    assert "scope" not in query
    assert query["response_type"] == ["code"]
    assert query["client_id"] == [fiken_app.client_id]
    assert query["redirect_uri"] == ["http://testserver/accounts/fiken/login/callback/"]
    assert query["state"][0]


@override_settings(FIKEN={"OAUTH": {"AUTHORIZE_URL": "http://127.0.0.1:9999/oauth/authorize"}})
def test_authorize_host_comes_from_fiken_settings(kari_client, fiken_app):
    response = kari_client.post(reverse("fiken_login") + "?process=connect")

    assert response["Location"].startswith("http://127.0.0.1:9999/oauth/authorize?")


def test_login_with_fiken_is_refused_with_a_clear_message(client, fiken_app):
    response = client.post(reverse("fiken_login") + "?process=login")

    assert response.status_code == 403
    assert str(LOGIN_REFUSED) in response.content.decode()
    assert "Location" not in response


def test_login_process_is_refused_even_for_a_logged_in_user(kari_client, fiken_app):
    response = kari_client.post(reverse("fiken_login"))  # allauth's default process is login

    assert response.status_code == 403
    assert str(LOGIN_REFUSED) in response.content.decode()


def test_connect_while_logged_out_asks_to_log_in_first(client, fiken_app):
    response = client.post(reverse("fiken_login") + "?process=connect")

    assert response.status_code == 403
    assert str(LOGIN_REQUIRED) in response.content.decode()


def _ids(**overrides):
    with override_settings(**overrides):
        return [m.id for m in run_checks() if m.id and m.id.startswith("django_fiken.")]


def test_check_requires_stored_tokens():
    assert "django_fiken.E020" not in _ids()
    assert "django_fiken.E020" in _ids(SOCIALACCOUNT_STORE_TOKENS=False)


def test_check_warns_when_nothing_can_reach_fiken():
    assert "django_fiken.W021" not in _ids()  # the test settings have a personal token
    assert "django_fiken.W021" in _ids(FIKEN={"API_TOKEN": None})
    apps = {"fiken": {"APPS": [{"client_id": "id", "secret": "s"}]}}
    assert "django_fiken.W021" not in _ids(FIKEN={"API_TOKEN": None}, SOCIALACCOUNT_PROVIDERS=apps)


def test_check_warns_about_an_app_without_secret():
    apps = {"fiken": {"APPS": [{"client_id": "id"}]}}
    assert "django_fiken.W021" in _ids(SOCIALACCOUNT_PROVIDERS=apps)


def test_a_hidden_app_stays_off_the_login_page_and_still_connects(client, kari, fiken_app):
    assert "/accounts/fiken/login/" in client.get(reverse("account_login")).content.decode()
    fiken_app.settings = {"hidden": True}
    fiken_app.save()

    assert "/accounts/fiken/login/" not in client.get(reverse("account_login")).content.decode()
    client.force_login(kari)
    response = client.post(reverse("fiken_login") + "?process=connect")
    assert response["Location"].startswith("https://fiken.no/oauth/authorize?")
