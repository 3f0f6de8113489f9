"""Fixtures for the Fiken OAuth tests: a Fiken app, logged-in users, a connected account."""

from __future__ import annotations

from datetime import timedelta

import pytest
import responses
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.sites.models import Site
from django.utils import timezone

from django_fiken.models import ConnectionKind, FikenCompany, FikenConnection

CLIENT_ID = "shop-client-id"
CLIENT_SECRET = "shop-client-secret"


@pytest.fixture
def fiken_app(db):
    app = SocialApp.objects.create(
        provider="fiken", name="Fiken", client_id=CLIENT_ID, secret=CLIENT_SECRET
    )
    app.sites.add(Site.objects.get_current())
    return app


@pytest.fixture
def kari(django_user_model):
    return django_user_model.objects.create_user("kari", "kari@shop.example", "pw")


@pytest.fixture
def ola(django_user_model):
    return django_user_model.objects.create_user("ola", "ola@shop.example", "pw")


@pytest.fixture
def kari_client(client, kari):
    client.force_login(kari)
    return client


def make_connected_account(
    user,
    *,
    app=None,
    email: str | None = None,
    companies: tuple[str, ...] = (),
    access: str = "access-1",
    refresh: str = "refresh-1",
    expires_in: int = 86_400,
):
    """A Fiken account connected to ``user`` as allauth would store it, with its connections."""
    email = email or f"{user.username}@fiken.example"
    account = SocialAccount.objects.create(
        user=user, provider="fiken", uid=email, extra_data={"name": user.username, "email": email}
    )
    token = SocialToken.objects.create(
        app=app,
        account=account,
        token=access,
        token_secret=refresh,
        expires_at=timezone.now() + timedelta(seconds=expires_in),
    )
    for slug in companies:
        company, _ = FikenCompany.objects.get_or_create(slug=slug, defaults={"name": slug})
        FikenConnection.objects.create(
            company=company, kind=ConnectionKind.OAUTH, user=user, social_account=account
        )
    return account, token


@pytest.fixture
def fiken(fiken_app):
    """Fiken's OAuth server on ``responses``, knowing the site's app credentials."""
    from tests.oauth.fiken_oauth import FikenOAuth

    server = FikenOAuth(client_id=CLIENT_ID, secret=CLIENT_SECRET)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        server.install(mock)
        yield server
