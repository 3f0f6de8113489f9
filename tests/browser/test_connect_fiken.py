"""A user connects their Fiken account through the connection page, in a real browser.

The browser follows real redirects: the live server's connection page → allauth → the fake
Fiken's authorize endpoint over HTTP (it approves at once) → the callback, where the server
exchanges the code at the fake's token endpoint and lists the companies the grant reaches.
"""

from __future__ import annotations

import pytest
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib.sites.models import Site

from django_fiken.models import FikenConnection
from django_fiken.testing.demo import DEMO_NAME, DEMO_SLUG

pytestmark = pytest.mark.django_db(transaction=True)

CLIENT_ID = "browser-shop"
CLIENT_SECRET = "browser-shop-secret"  # known only to the fake


@pytest.fixture
def fiken_app(fake_fiken_server, live_server):
    """The site's Fiken app, known to the fake with the live server's callback URL."""
    fake_fiken_server.fake.add_oauth_client(
        CLIENT_ID, CLIENT_SECRET, [f"{live_server.url}/accounts/fiken/login/callback/"]
    )
    app = SocialApp.objects.create(
        provider="fiken", name="Fiken", client_id=CLIENT_ID, secret=CLIENT_SECRET
    )
    app.sites.add(Site.objects.get_current())
    return app


def test_user_connects_fiken_and_sees_their_companies(
    page, screenshot, fiken_app, fake_fiken_server, django_user_model
):
    user = django_user_model.objects.create_user("kari", "kari@shop.example", "kari-pass-1")

    page.goto("/accounts/login/?next=/fiken/connection/")
    page.fill("input[name=login]", "kari")
    page.fill("input[name=password]", "kari-pass-1")
    page.locator("form button[type=submit]").last.click()
    page.wait_for_url("**/fiken/connection/")
    assert "No Fiken account is connected." in page.content()
    screenshot(page, "connection-before", size=(800, 240))

    page.get_by_role("button", name="Connect Fiken").click()
    page.wait_for_url("**/fiken/connection/")

    assert page.locator(".fiken-health-ok").inner_text() == "Connected and working."
    companies = page.locator("table.fiken-companies tbody")
    assert DEMO_NAME in companies.inner_text()
    assert DEMO_SLUG in companies.inner_text()
    screenshot(page, "connection-connected", size=(800, 360))

    account = SocialAccount.objects.get(user=user, provider="fiken")
    assert SocialToken.objects.filter(account=account).exists()
    assert FikenConnection.objects.filter(
        social_account=account, company__slug=DEMO_SLUG, is_active=True
    ).exists()
    # The browser went to the fake's authorize endpoint, the server exchanged the code.
    oauth_calls = [
        (c.method, c.path, c.status)
        for c in fake_fiken_server.fake.stats.calls()
        if c.area == "oauth"
    ]
    assert oauth_calls == [("GET", "/authorize", 302), ("POST", "/token", 200)]
