"""Pull against the fake Fiken: pages, increments, signals, crashes and odd payloads."""

from __future__ import annotations

import math
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from django_fiken import signals
from django_fiken.auth import client_for
from django_fiken.client import ServerError
from django_fiken.models import (
    FikenContact,
    FikenContactPerson,
    FikenInvoice,
    FikenSyncState,
    InvoiceState,
)
from django_fiken.sync.pull import SOURCES, pull, upsert

from .conftest import SLUG, seed_contacts, seed_invoices

pytestmark = pytest.mark.django_db(transaction=False)

LONG_AGO = date(2026, 1, 5)


class Today:
    """The fake's calendar, movable: seed "long ago", change things "today"."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def today(fake):
    clock = Today(LONG_AGO)
    fake.state.today = clock
    return clock


@pytest.fixture
def received():
    """Every public signal sent, as (signal name, fiken id, created)."""
    log: list[tuple[str, int | None, bool]] = []
    names = {
        "invoice_issued": signals.invoice_issued,
        "invoice_sent": signals.invoice_sent,
        "invoice_settled": signals.invoice_settled,
        "invoice_credited": signals.invoice_credited,
        "contact_changed": signals.contact_changed,
    }
    receivers = {}
    for name, signal in names.items():

        def receiver(sender, instance, created, _name=name, **kwargs):
            log.append((_name, instance.fiken_id, created))

        receivers[name] = receiver
        signal.connect(receiver, weak=False)
    yield log
    for name, signal in names.items():
        signal.disconnect(receivers[name])


def list_calls(fake, path: str) -> int:
    return len(fake.stats.calls("GET", rf"/companies/{SLUG}/{path}$"))


# Every request is still validated; of 1,000-object responses only a sample is (speed).
@pytest.mark.parametrize("fake", [{"validate_responses": "sample"}], indirect=True)
def test_full_resync_reads_each_page_once(fake, company, today):
    customers = seed_contacts(fake, 1000)
    seed_invoices(fake, customers, 1000)
    fake.reset_stats()

    summary = pull(company, full=True)

    assert list_calls(fake, "contacts") == math.ceil(1000 / 100)
    assert list_calls(fake, "invoices") == math.ceil(1000 / 100)
    assert summary["contacts"].created == 1000
    assert summary["invoices"].created == 1000
    assert FikenContact.objects.filter(company=company).count() == 1000
    assert FikenInvoice.objects.filter(company=company, customer__isnull=False).count() == 1000

    fake.reset_stats()
    again = pull(company, full=True)
    assert list_calls(fake, "contacts") == 10
    assert again["contacts"].unchanged == 1000 and again["contacts"].updated == 0
    assert again["invoices"].unchanged == 1000 and again["invoices"].updated == 0


def test_unchanged_rows_are_not_rewritten(fake, company):
    seed_contacts(fake, 150)
    pull(company, full=True, only=["contacts"])
    with CaptureQueriesContext(connection) as queries:
        summary = pull(company, only=["contacts"])
    assert summary["contacts"].unchanged == 150
    writes = [q["sql"] for q in queries if "fiken_contact" in q["sql"].lower()]
    assert not [sql for sql in writes if sql.upper().startswith(("UPDATE", "INSERT"))]


def test_incremental_touches_only_what_changed(fake, company, today, received):
    customers = seed_contacts(fake, 300)
    invoices = seed_invoices(fake, customers, 120)
    pull(company, full=True)
    received.clear()

    today.day = date.today()
    scope = client_for(company).company(SLUG)
    changed = customers[:3]
    for contact in changed:
        scope.contacts.update(
            contact["contactId"], {"name": contact["name"] + " (renamed)", "customer": True}
        )
    fake.reset_stats()

    summary = pull(company)

    assert summary["contacts"].updated == 3
    assert summary["contacts"].created == 0
    assert summary["contacts"].unchanged == 0
    assert summary["invoices"].updated == 0
    assert list_calls(fake, "contacts") == 1
    assert sorted(received) == sorted(("contact_changed", c["contactId"], False) for c in changed)
    renamed = FikenContact.objects.filter(name__endswith="(renamed)")
    assert {c.fiken_id for c in renamed} == {c["contactId"] for c in changed}
    assert len(invoices) == FikenInvoice.objects.count()


def test_settled_invoice_announced_exactly_once(fake, company, today, received):
    customers = seed_contacts(fake, 2)
    first, second = seed_invoices(fake, customers, 2)
    pull(company, full=True)
    assert Counter(name for name, *_ in received) == {
        "contact_changed": 2,
        "invoice_issued": 2,
    }
    received.clear()

    today.day = date.today()
    fake.mark_invoice_paid(SLUG, first["invoiceId"])
    pull(company)
    pull(company)
    pull(company, full=True)

    assert received == [("invoice_settled", first["invoiceId"], False)]
    invoice = FikenInvoice.objects.get(fiken_id=first["invoiceId"])
    assert invoice.settled and invoice.state == InvoiceState.SETTLED
    assert invoice.settled_date == date.today()
    assert not FikenInvoice.objects.get(fiken_id=second["invoiceId"]).settled


def test_credit_note_marks_invoice_credited_once(fake, company, today, received):
    customers = seed_contacts(fake, 1)
    (invoice,) = seed_invoices(fake, customers, 1)
    pull(company, full=True)
    received.clear()
    today.day = date.today()
    client_for(company).company(SLUG).credit_notes.create_full(
        {"invoiceId": invoice["invoiceId"], "issueDate": date.today().isoformat()}
    )
    pull(company)
    pull(company)
    assert ("invoice_credited", invoice["invoiceId"], False) in received
    assert [name for name, *_ in received].count("invoice_credited") == 1
    assert FikenInvoice.objects.get(fiken_id=invoice["invoiceId"]).state == InvoiceState.CREDITED


def test_crash_mid_full_resync_then_rerun_converges(fake, company, today, settings, received):
    settings.FIKEN = {**settings.FIKEN, "MAX_RETRIES": 0}
    seed_contacts(fake, 350)
    fake.reset_stats()
    crash_on_page = 2  # pages are numbered from 0; pages 0 and 1 land, page 2 fails

    def inject(collection, page, page_count):
        if collection == "contacts" and page == crash_on_page:
            fake.faults.fail_next(status=503, method="GET", path_regex=r"/contacts$")

    with pytest.raises(ServerError):
        pull(company, full=True, only=["contacts"], progress=inject)

    state = FikenSyncState.objects.get(company=company, collection="contacts")
    assert state.next_page == crash_on_page
    assert state.last_success_at is None
    assert "ServerError" in state.last_error
    assert FikenContact.objects.count() == 200
    fake.reset_stats()

    summary = pull(company, full=True, only=["contacts"])

    assert list_calls(fake, "contacts") == 2  # pages 2 and 3 only
    assert summary["contacts"].created == 150
    state.refresh_from_db()
    assert state.next_page is None and state.last_success_at is not None
    stored = {c["contactId"]: c["name"] for c in fake.store(SLUG).contacts.values()}
    assert dict(FikenContact.objects.values_list("fiken_id", "name")) == stored
    assert Counter(fid for _, fid, _ in received) == Counter(list(stored))  # one signal each


def test_crash_before_anything_landed_starts_over_cleanly(fake, company, today, settings):
    settings.FIKEN = {**settings.FIKEN, "MAX_RETRIES": 0}
    seed_contacts(fake, 5)
    fake.faults.fail_next(status=503, method="GET", path_regex=r"/contacts$")
    with pytest.raises(ServerError):
        pull(company, full=True, only=["contacts"])
    assert pull(company, full=True, only=["contacts"])["contacts"].created == 5


def test_unknown_fields_are_kept(fake, company, today):
    (contact,) = seed_contacts(fake, 1)
    fake.store(SLUG).contacts[contact["contactId"]]["futureField"] = {"added": ["by", "Fiken"]}
    pull(company, full=True, only=["contacts"])
    mirrored = FikenContact.objects.get(fiken_id=contact["contactId"])
    assert mirrored.fiken_data["futureField"] == {"added": ["by", "Fiken"]}


def test_bad_values_are_kept_in_the_payload_without_errors(company):
    payload = {
        "invoiceId": 77,
        "invoiceNumber": "not a number",
        "issueDate": "05.01.2026",
        "net": 12.7,
        "gross": "lots",
        "lines": [{"description": None, "quantity": "two"}, "not a line"],
        "customer": "nobody",
        "invoiceDraftUuid": "not-a-uuid",
        "unheardOf": [1, {"x": None}],
    }
    counts = upsert(SOURCES["invoices"], company, [payload, {"no": "id"}], now=_now())
    assert counts.created == 1
    invoice = FikenInvoice.objects.get(fiken_id=77)
    assert invoice.fiken_data == payload
    assert invoice.invoice_number is None and invoice.issue_date is None
    assert invoice.net == 13 and invoice.gross == 0
    assert isinstance(invoice.net, int)
    assert invoice.lines.count() == 1


def test_deleted_and_inactive_contacts_are_marked(fake, company, today):
    kept, gone, sleepy = seed_contacts(fake, 3)
    pull(company, full=True, only=["contacts"])
    store = fake.store(SLUG)
    del store.contacts[gone["contactId"]]
    store.contacts[sleepy["contactId"]]["inactive"] = True
    summary = pull(company, full=True, only=["contacts"])
    assert summary["contacts"].deleted == 1
    assert FikenContact.objects.get(fiken_id=gone["contactId"]).deleted_in_fiken
    assert FikenContact.objects.get(fiken_id=sleepy["contactId"]).inactive
    assert not FikenContact.objects.get(fiken_id=kept["contactId"]).deleted_in_fiken


def test_contact_persons_follow_their_contact(fake, company, today):
    contact = fake.add_contact(
        SLUG,
        name="Bedrift AS",
        contactPerson=[{"name": "Ola", "email": "ola@example.com"}],
    )
    pull(company, full=True, only=["contacts"])
    assert list(FikenContactPerson.objects.values_list("name", flat=True)) == ["Ola"]
    record = fake.store(SLUG).contacts[contact["contactId"]]
    record["contactPerson"] = [
        {"contactPersonId": 1, "name": "Kari", "email": "kari@example.com"},
        {"contactPersonId": 2, "name": "Per", "email": "per@example.com"},
    ]
    pull(company, full=True, only=["contacts"])
    assert sorted(FikenContactPerson.objects.values_list("name", flat=True)) == ["Kari", "Per"]


def test_member_number_kept_although_fiken_never_returns_it(fake, company, today):
    contact = fake.add_contact(SLUG, name="Shop customer", memberNumberString="shop-17")
    FikenContact.objects.create(
        company=company, fiken_id=contact["contactId"], name="old", member_number_string="shop-17"
    )
    pull(company, full=True, only=["contacts"])
    mirrored = FikenContact.objects.get(fiken_id=contact["contactId"])
    assert mirrored.name == "Shop customer"
    assert mirrored.member_number_string == "shop-17"


def test_pushed_invoice_is_linked_by_draft_uuid_not_duplicated(fake, company, today, received):
    customers = seed_contacts(fake, 1)
    local = FikenInvoice.objects.create(company=company, state=InvoiceState.DRAFT)
    fake.add_invoice(
        SLUG,
        customer_id=customers[0]["contactId"],
        lines=[{"description": "Order 17", "unitPrice": 5000, "quantity": 1, "vatType": "HIGH"}],
        invoiceDraftUuid=str(local.draft_uuid),
    )
    pull(company, full=True)
    local.refresh_from_db()
    assert FikenInvoice.objects.count() == 1
    assert local.fiken_id is not None and local.state == InvoiceState.ISSUED
    assert ("invoice_issued", local.fiken_id, False) in received


def test_incremental_window_overlaps_the_last_pull(company, settings):
    from django.utils import timezone

    from django_fiken.sync.pull import incremental_since

    state = FikenSyncState(company=company, collection="contacts")
    assert incremental_since(state) is None  # never pulled: a full pull is due
    state.last_success_at = timezone.now()
    settings.FIKEN = {**settings.FIKEN, "PULL": {"OVERLAP_SECONDS": 3 * 86400}}
    assert incremental_since(state) == timezone.localdate() - timedelta(days=3)


def _now():
    from django.utils import timezone

    return timezone.now()


def test_a_queued_push_stays_pending_and_is_not_announced_twice(fake, company, today, received):
    (contact,) = seed_contacts(fake, 1)
    pull(company, full=True, only=["contacts"])
    FikenContact.objects.filter(fiken_id=contact["contactId"]).update(
        sync_status="pending", name="Edited in the shop"
    )
    received.clear()
    fake.store(SLUG).contacts[contact["contactId"]]["email"] = "new@example.com"
    pull(company, full=True, only=["contacts"])
    pull(company, full=True, only=["contacts"])
    mirrored = FikenContact.objects.get(fiken_id=contact["contactId"])
    assert mirrored.sync_status == "pending"  # push still owes Fiken the shop's edit
    assert mirrored.email == "new@example.com"
    assert received == [("contact_changed", contact["contactId"], False)]


def test_incremental_pull_between_keeps_a_broken_full_pulls_place(fake, company, settings):
    settings.FIKEN = {**settings.FIKEN, "MAX_RETRIES": 0}
    seed_contacts(fake, 250)
    pull(company, full=True, only=["contacts"])

    def fail_on_second_page(collection, page, page_count):
        if page == 1:
            fake.faults.fail_next(status=503, method="GET", path_regex=r"/contacts$")

    with pytest.raises(ServerError):
        pull(company, full=True, only=["contacts"], progress=fail_on_second_page)
    pull(company, only=["contacts"])  # the schedule runs in between
    state = FikenSyncState.objects.get(company=company, collection="contacts")
    assert state.next_page == 1
    fake.reset_stats()
    pull(company, full=True, only=["contacts"])
    assert list_calls(fake, "contacts") == 2  # pages 1 and 2


def test_a_row_the_list_left_out_is_asked_for_before_being_called_deleted(fake, company, today):
    _, hidden = seed_contacts(fake, 2)
    pull(company, full=True, only=["contacts"])
    # The list leaves the contact out (as Fiken's might, for an inactive one, or when it moves
    # between pages while they are read), but Fiken still has it.
    records = fake.store(SLUG).contacts
    hidden_record = records.pop(hidden["contactId"])
    hidden_record["inactive"] = True

    def put_it_back(collection, page, page_count):
        records[hidden["contactId"]] = hidden_record

    summary = pull(company, full=True, only=["contacts"], progress=put_it_back)
    mirrored = FikenContact.objects.get(fiken_id=hidden["contactId"])
    assert not mirrored.deleted_in_fiken
    assert mirrored.inactive
    assert summary["contacts"].deleted == 0 and summary["contacts"].updated == 1
