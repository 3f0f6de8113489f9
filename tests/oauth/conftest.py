"""Fixtures for the Fiken OAuth tests: the fake Fiken (in-process), a Fiken app, users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.conf import settings
from django.contrib.sites.models import Site
from django.utils import timezone

from django_fiken.models import ConnectionKind, FikenCompany, FikenConnection
from django_fiken.testing import FakeFiken

CLIENT_ID = "shop-client-id"
CLIENT_SECRET = "shop-client-secret"
REDIRECT_URI = "http://testserver/accounts/fiken/login/callback/"


@pytest.fixture
def fiken_app(db):
    app = SocialApp.objects.create(
        provider="fiken", name="Fiken", client_id=CLIENT_ID, secret=CLIENT_SECRET
    )
    app.sites.add(Site.objects.get_current())
    return app


@pytest.fixture
def fake(fiken_app):
    """The fake Fiken through ``responses``, knowing the site's OAuth app."""
    fake = FakeFiken(spec_path=settings.FIKEN["OPENAPI_SPEC"], rate_limit=None)
    fake.add_oauth_client(CLIENT_ID, CLIENT_SECRET, [REDIRECT_URI])
    with fake.mock():
        yield fake
    fake.assert_no_violations()


def token_endpoint_calls(fake: FakeFiken) -> int:
    """How many times the token endpoint was called (refreshes, once grants exist)."""
    return len(fake.stats.calls("POST", r"^/token$"))


def fiken_user(fake: FakeFiken, email: str, companies: tuple[str, ...] = (), name: str = ""):
    """A Fiken user owning ``companies`` (created in the fake as needed)."""
    for slug in companies:
        if slug not in fake.state.companies:
            fake.add_company(slug, name=slug.upper())
    return fake.add_user(email, name or email.split("@")[0], companies)


def grant(fake: FakeFiken, user) -> tuple[str, str, int]:
    """The tokens Fiken issues when ``user`` consents: (access, refresh, expires_in)."""
    code = fake.auth.issue_code(user, CLIENT_ID, REDIRECT_URI)
    return fake.auth.issue_tokens(fake.auth.redeem_code(code, CLIENT_ID, REDIRECT_URI))


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
    fake: FakeFiken,
    *,
    app=None,
    companies: tuple[str, ...] = (),
    expires_in: int | None = None,
):
    """A Fiken account connected to ``user`` as allauth stores it, its tokens issued by the fake.

    ``expires_in`` overrides the stored expiry (e.g. to make the token due for a refresh).
    Returns ``(social_account, social_token)``.
    """
    email = f"{user.username}@fiken.example"
    access, refresh, lifetime = grant(fake, fiken_user(fake, email, companies))
    account = SocialAccount.objects.create(
        user=user, provider="fiken", uid=email, extra_data={"name": user.username, "email": email}
    )
    token = SocialToken.objects.create(
        app=app,
        account=account,
        token=access,
        token_secret=refresh,
        expires_at=timezone.now()
        + timedelta(seconds=lifetime if expires_in is None else expires_in),
    )
    for slug in companies:
        company, _ = FikenCompany.objects.get_or_create(slug=slug, defaults={"name": slug})
        FikenConnection.objects.create(
            company=company, kind=ConnectionKind.OAUTH, user=user, social_account=account
        )
    return account, token
