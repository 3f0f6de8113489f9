"""Fixtures for the mirror tests: a fake Fiken seeded directly (no HTTP) and the company."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from django_fiken.auth import ensure_personal_connection
from django_fiken.testing.core import FakeFiken

SLUG = "fiken-demo-as"
TOKEN = "test-personal-token"


@pytest.fixture(scope="session", autouse=True)
def _cache_table(django_db_setup, django_db_blocker):
    """The client's limiter keeps its lock in the database cache."""
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def fast_client(settings):
    """Pull tests are about pages and rows, not pacing: let the client go as fast as it can.

    The fake still refuses concurrent requests; only its requests-per-second cap is off.
    """
    settings.FIKEN = {**settings.FIKEN, "RATE_LIMIT": 1000.0}


@pytest.fixture
def fake(fast_client, request):
    """The fake Fiken, in-process; parametrize indirectly to pass FakeFiken options."""
    options = {"rate_limit": None, **getattr(request, "param", {})}
    fake = FakeFiken(spec_path=django_settings.FIKEN["OPENAPI_SPEC"], **options)
    fake.add_company(SLUG, name="Fiken Demo AS", organization_number="923609016")
    fake.add_bank_account(SLUG, bank_account_number="12345678903", account_code="1920:10001")
    fake.initialise_counters(SLUG)
    fake.add_personal_token(TOKEN, companies=[SLUG])
    with fake.mock():
        yield fake
    fake.assert_no_violations()


@pytest.fixture
def company(db):
    return ensure_personal_connection().company


def seed_contacts(fake: FakeFiken, count: int, **fields) -> list[dict]:
    return [
        fake.add_contact(
            SLUG, name=f"Customer {n:04d}", email=f"c{n}@example.com", customer=True, **fields
        )
        for n in range(count)
    ]


def seed_invoices(fake: FakeFiken, customers: list[dict], count: int) -> list[dict]:
    line = {"description": "Consulting", "unitPrice": 100000, "quantity": 1, "vatType": "HIGH"}
    return [
        fake.add_invoice(
            SLUG,
            customer_id=customers[n % len(customers)]["contactId"],
            lines=[line],
            issue_date="2026-01-05",
            due_date="2026-01-19",
        )
        for n in range(count)
    ]
