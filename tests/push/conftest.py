"""Fixtures for the push pipeline: the fake Fiken, the company, in-process draining."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from django_fiken.auth import ensure_personal_connection
from django_fiken.jobs import drain_company
from django_fiken.testing import FakeFiken

SLUG = "fiken-demo-as"
TOKEN = "test-personal-token"


@pytest.fixture(scope="session", autouse=True)
def _cache_table(django_db_setup, django_db_blocker):
    """The limiter's lock lives in the database cache, as every process must see it."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


def make_fake(**kwargs) -> FakeFiken:
    fake = FakeFiken(spec_path=django_settings.FIKEN["OPENAPI_SPEC"], **kwargs)
    fake.add_company(SLUG, name="Fiken Demo AS", organization_number="923609016")
    fake.add_bank_account(SLUG, bank_account_number="12345678903", account_code="1920:10001")
    fake.add_personal_token(TOKEN, companies=[SLUG])
    return fake


@pytest.fixture
def fake():
    """In-process fake; its rate limit is off so functional tests do not wait (see test_storm)."""
    fake = make_fake(rate_limit=None)
    with fake.mock():
        yield fake
    fake.assert_no_violations()


@pytest.fixture
def queue_settings(settings):
    """Pushes due at once (no coalescing window) and no inline waiting in tests."""

    def apply(**queue):
        fiken = dict(settings.FIKEN)
        fiken["RATE_LIMIT"] = 1000.0
        fiken["QUEUE"] = {"COALESCE_SECONDS": 0, "INLINE_WAIT_SECONDS": 0, **queue}
        settings.FIKEN = fiken

    apply()
    return apply


@pytest.fixture
def company(db, queue_settings):
    return ensure_personal_connection().company


@pytest.fixture
def drain(company):
    """Run the worker in-process, as the django-q2 task would."""

    def run(**kwargs):
        return drain_company(company.pk, **kwargs)

    return run
