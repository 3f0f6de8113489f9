"""allauth's token and app admin pages, as django-fiken replaces them, never show a secret."""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialApp

from django_fiken.client.tokens import token_fingerprint
from tests.oauth.conftest import CLIENT_SECRET, make_connected_account

pytestmark = pytest.mark.django_db


def test_token_pages_show_a_fingerprint_never_the_token(admin_client, kari, fiken_app, fake):
    _, token = make_connected_account(kari, fake, app=fiken_app)

    listing = admin_client.get("/admin/socialaccount/socialtoken/").content.decode()
    change = admin_client.get(f"/admin/socialaccount/socialtoken/{token.pk}/change/")

    assert change.status_code == 200
    for page in (listing, change.content.decode()):
        assert token.token[:8] not in page
        assert token.token_secret[:8] not in page
    assert token_fingerprint(token.token) in listing


def test_app_page_never_shows_the_secret_and_keeps_it_when_left_empty(admin_client, fiken_app):
    url = f"/admin/socialaccount/socialapp/{fiken_app.pk}/change/"

    page = admin_client.get(url).content.decode()
    response = admin_client.post(
        url,
        {
            "provider": "fiken",
            "provider_id": "",
            "name": "Fiken (renamed)",
            "client_id": fiken_app.client_id,
            "secret": "",
            "key": "",
            "settings": "{}",
            "sites": [1],
        },
    )

    assert CLIENT_SECRET not in page
    assert response.status_code == 302, response.content.decode()[:2000]
    fiken_app.refresh_from_db()
    assert (fiken_app.name, fiken_app.secret) == ("Fiken (renamed)", CLIENT_SECRET)


def test_a_new_secret_typed_in_replaces_the_old_one(admin_client, fiken_app):
    admin_client.post(
        f"/admin/socialaccount/socialapp/{fiken_app.pk}/change/",
        {
            "provider": "fiken",
            "name": "Fiken",
            "client_id": fiken_app.client_id,
            "secret": "new-secret",
            "key": "",
            "settings": "{}",
            "sites": [1],
        },
    )

    assert SocialApp.objects.get().secret == "new-secret"
