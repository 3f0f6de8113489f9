"""End to end against the stateful fake Fiken (in-process): ids, pages, faults, validation."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from django_fiken.client import (
    AmbiguousFailure,
    FikenClient,
    LocalLimiter,
    NotFound,
    StaticTokenProvider,
    Unauthorized,
)
from django_fiken.testing import FakeFiken

from .conftest import BASE_URL, SLUG, TOKEN


@pytest.fixture
def fake():
    # The client's own limiter is tested elsewhere; here the fake's limits would only slow us.
    fake = FakeFiken(api_base=BASE_URL, rate_limit=None)
    fake.add_company(SLUG, name="Acme AS")
    fake.add_bank_account(SLUG, account_code="1920:10001")
    fake.add_personal_token(TOKEN, companies=[SLUG])
    with fake.mock():
        yield fake
    fake.assert_no_violations()


@pytest.fixture
def acme(fake, sleeps):
    client = FikenClient(
        StaticTokenProvider(TOKEN), BASE_URL, limiter=LocalLimiter(rate=10_000), sleep=sleeps
    )
    return client.company(SLUG)


def test_create_returns_the_id_fiken_assigned(fake, acme):
    contact_id = acme.contacts.create(
        {"name": "Kari Nordmann", "memberNumberString": "shop-17", "customer": True}
    )
    assert isinstance(contact_id, int)
    assert contact_id in fake.store(SLUG).contacts
    assert acme.contacts.get(contact_id)["name"] == "Kari Nordmann"
    assert acme.contacts.list(member_number_string="shop-17").first()["contactId"] == contact_id
    assert len(fake.stats.calls("POST", r"/contacts$")) == 1


def test_walks_every_page_of_the_fake(fake, acme):
    for n in range(230):
        fake.add_contact(SLUG, name=f"Customer {n}", customer=True)
    pages = list(acme.contacts.list().pages())
    assert [len(p.items) for p in pages] == [100, 100, 30]
    assert pages[0].result_count == 230
    assert pages[0].page_count == 3
    assert len(fake.stats.calls("GET", r"/contacts$")) == 3
    assert len({c["contactId"] for p in pages for c in p.items}) == 230


def test_injected_503s_are_retried_with_the_fakes_retry_after(fake, acme, sleeps):
    fake.faults.fail_next(2, status=503, retry_after=1, method="GET")
    assert acme.bank_accounts.list().first()["accountCode"] == "1920:10001"
    assert len(fake.stats.calls("GET", r"/bankAccounts$")) == 3
    assert len(sleeps) == 2 and all(wait >= 1 for wait in sleeps)


def test_commit_then_timeout_on_create_is_ambiguous_and_the_contact_exists(fake, acme):
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/contacts$")
    with pytest.raises(AmbiguousFailure):
        acme.contacts.create({"name": "Ola", "memberNumberString": "shop-18"})
    assert len(fake.stats.calls("POST", r"/contacts$")) == 1
    # The caller looks before creating again, and finds it.
    found = acme.contacts.list(member_number_string="shop-18").first()
    assert found is not None and found["name"] == "Ola"


def test_invoice_draft_found_again_by_uuid(fake, acme):
    customer_id = acme.contacts.create({"name": "Kari", "customer": True})
    draft_uuid = uuid.uuid4()
    draft_id = acme.invoice_drafts.create(
        {
            "type": "invoice",
            "uuid": draft_uuid,
            "customerId": customer_id,
            "daysUntilDueDate": 14,
            "issueDate": dt.date.today(),
            "bankAccountCode": "1920:10001",
            "lines": [{"quantity": 1, "unitPrice": 10000, "vatType": "HIGH", "text": "Socks"}],
        }
    )
    found = acme.invoice_drafts.list(uuid=draft_uuid).first()
    assert found["draftId"] == draft_id


def test_unknown_id_and_unknown_token(fake, acme):
    with pytest.raises(NotFound) as excinfo:
        acme.contacts.get(999_999)
    assert excinfo.value.request_id == fake.stats.calls("GET")[-1].request_id
    stranger = FikenClient(StaticTokenProvider("not-a-token"), BASE_URL, max_retries=0)
    with pytest.raises(Unauthorized):
        stranger.user.get()
