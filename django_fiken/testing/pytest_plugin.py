"""pytest fixtures for testing a shop against the fake Fiken (registered as a pytest11 plugin).

``fake_fiken``
    A :class:`~django_fiken.testing.FakeFiken` answering in-process (``responses``) on
    ``FIKEN["BASE_URL"]`` and the OAuth host, seeded with the demo company under
    ``FIKEN["COMPANY_SLUG"]`` and a personal token equal to ``FIKEN["API_TOKEN"]``.
``fake_fiken_server``
    The same fake served over real HTTP (a :class:`~django_fiken.testing.server.FakeServer`;
    its ``.fake`` is the state); ``FIKEN["BASE_URL"]`` and the OAuth URLs point at it while
    the test runs, so other threads and processes you start can reach it.

Both fail the test at teardown if any request broke Fiken's OpenAPI spec.

Around every test the plugin also forgets the company pks the outbox remembers per process, since
a test's rollback removes the rows behind them.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from .core import DEFAULT_API_BASE, DEFAULT_OAUTH_BASE, FakeFiken
from .demo import DEMO_SLUG, seed_demo
from .server import FakeServer

FALLBACK_TOKEN = "test-personal-token"  # noqa: S105 - a token for the fake only


def _configured() -> dict:
    """Token, slug and URLs from ``settings.FIKEN`` when Django is configured."""
    try:
        from django.conf import settings

        if not settings.configured:
            return {}
        from django_fiken.conf import fiken_settings
    except ImportError:  # pragma: no cover
        return {}
    token_url = (fiken_settings.OAUTH or {}).get("TOKEN_URL") or ""
    oauth_base = token_url.removesuffix("/oauth/token") if token_url else None
    return {
        "token": fiken_settings.API_TOKEN,
        "slug": fiken_settings.COMPANY_SLUG,
        "api_base": fiken_settings.BASE_URL,
        "oauth_base": oauth_base,
    }


def build_fake(**options) -> FakeFiken:
    """A fake seeded like the fixtures' (demo company, counters, the settings' token)."""
    conf = _configured()
    fake = FakeFiken(
        api_base=conf.get("api_base") or DEFAULT_API_BASE,
        oauth_base=conf.get("oauth_base") or DEFAULT_OAUTH_BASE,
        **options,
    )
    seed_demo(fake, token=conf.get("token") or FALLBACK_TOKEN, slug=conf.get("slug") or DEMO_SLUG)
    return fake


@pytest.fixture
def fake_fiken() -> Iterator[FakeFiken]:
    fake = build_fake()
    with fake.mock():
        yield fake
    fake.assert_no_violations()


@pytest.fixture
def fake_fiken_server() -> Iterator[FakeServer]:
    fake = build_fake()
    with fake.serve() as server, _pointing_at(server):
        yield server
    fake.assert_no_violations()


def _pointing_at(server: FakeServer):
    """Point ``settings.FIKEN`` at the server for the duration of the test."""
    from django.conf import settings
    from django.test import override_settings

    fiken = dict(getattr(settings, "FIKEN", {}) or {})
    oauth = dict(fiken.get("OAUTH") or {})
    for key, path in (
        ("AUTHORIZE_URL", "/authorize"),
        ("TOKEN_URL", "/token"),
        ("REVOKE_URL", "/revoke"),
    ):
        oauth[key] = server.oauth_url + path
    fiken.update(BASE_URL=server.url, OAUTH=oauth)
    assert urlsplit(server.url).hostname == "127.0.0.1"
    return override_settings(FIKEN=fiken)


@pytest.fixture(autouse=True)
def _forget_outbox_companies() -> Iterator[None]:
    """Each test starts with no remembered company pks (see :func:`outbox.forget_companies`)."""
    try:
        from django.conf import settings

        configured = settings.configured
    except ImportError:  # pragma: no cover
        configured = False
    if not configured:
        yield
        return
    from django_fiken import outbox

    outbox.forget_companies()
    yield
    outbox.forget_companies()
