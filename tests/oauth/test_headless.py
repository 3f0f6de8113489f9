"""Connecting Fiken from a single-page app through allauth's headless API (browser client)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.socialaccount.models import SocialAccount
from django.test import modify_settings, override_settings

from django_fiken.models import FikenConnection
from tests.oauth.conftest import fiken_user
from tests.oauth.test_connect import consent_at_fiken

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("tests.oauth.headless_urls"),
]

REDIRECT = "/_allauth/browser/v1/auth/provider/redirect"


@pytest.fixture(autouse=True)
def headless():
    with (
        modify_settings(INSTALLED_APPS={"append": "allauth.headless"}),
        override_settings(HEADLESS_FRONTEND_URLS={}),
    ):
        yield


def test_headless_connect_links_fiken_and_returns_to_the_front_end(kari_client, kari, fake):
    fiken_user(fake, "kari@fiken.example", ("acme-as",))

    response = kari_client.post(
        REDIRECT, {"provider": "fiken", "process": "connect", "callback_url": "/spa/fiken"}
    )
    assert response.status_code == 302
    assert "scope" not in parse_qs(urlsplit(response["Location"]).query)
    back = kari_client.get(consent_at_fiken(response["Location"]))

    assert back.status_code == 302
    assert back["Location"] == "/spa/fiken"
    assert SocialAccount.objects.get().user == kari
    assert FikenConnection.objects.get().company.slug == "acme-as"


def test_headless_login_is_sent_back_with_an_error(client, fake):
    response = client.post(
        REDIRECT, {"provider": "fiken", "process": "login", "callback_url": "/spa/login"}
    )

    assert response.status_code == 302
    location = urlsplit(response["Location"])
    assert location.path == "/spa/login"
    assert parse_qs(location.query) == {
        "error": ["fiken_connect_only"],
        "error_process": ["login"],
    }
    assert not SocialAccount.objects.exists()
