"""Fixtures for the fake Fiken's own tests: a seeded fake, a client session, a fake clock."""

from __future__ import annotations

import pytest
import requests
from django.conf import settings

from django_fiken.testing import FakeFiken, seed_demo

SLUG = "fiken-demo-as"
TOKEN = "test-personal-token"
API = "https://api.fiken.no/api/v2"
COMPANY = f"{API}/companies/{SLUG}"


class FakeClock:
    """A monotonic clock the test moves by hand (rate windows, token expiry)."""

    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_fake(**options) -> FakeFiken:
    options.setdefault("rate_limit", None)
    fake = FakeFiken(spec_path=settings.FIKEN["OPENAPI_SPEC"], **options)
    seed_demo(fake, token=TOKEN)
    return fake


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def fake():
    """A fake with the demo company, no rate limit, in-process; spec-clean at teardown."""
    fake = make_fake()
    with fake.mock():
        yield fake
    fake.assert_no_violations()


@pytest.fixture
def api() -> requests.Session:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {TOKEN}"
    return session


def location_id(response: requests.Response) -> int:
    assert response.status_code in (200, 201), response.text
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def new_contact(api: requests.Session, **fields) -> int:
    body = {"name": "Kari Nordmann", "email": "kari@example.com", "customer": True, **fields}
    return location_id(api.post(f"{COMPANY}/contacts", json=body))


def draft_body(customer_id: int, **fields) -> dict:
    return {
        "type": "invoice",
        "customerId": customer_id,
        "daysUntilDueDate": 14,
        "lines": [
            {
                "quantity": 2,
                "unitPrice": 10000,
                "vatType": "HIGH",
                "description": "Strikkepinner",
                "incomeAccount": "3000",
            }
        ],
        **fields,
    }


def new_invoice(api: requests.Session, customer_id: int, **fields) -> int:
    draft_id = location_id(
        api.post(f"{COMPANY}/invoices/drafts", json=draft_body(customer_id, **fields))
    )
    return location_id(api.post(f"{COMPANY}/invoices/drafts/{draft_id}/createInvoice"))
