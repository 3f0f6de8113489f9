"""Pull records every credit note on its invoice; credited only when they cover the gross."""

from __future__ import annotations

from datetime import date

import pytest

from django_fiken import signals
from django_fiken.auth import client_for
from django_fiken.models import FikenInvoice, InvoiceState
from django_fiken.sync.pull import pull, refresh_rows

from .conftest import SLUG, seed_contacts, seed_invoices

pytestmark = pytest.mark.django_db(transaction=False)

GROSS = 125000  # the seeded invoice: 1 000 kr + 25 % VAT


@pytest.fixture
def heard():
    log: list[tuple] = []

    def partially(sender, instance, created, amount, credit_note_id, **kwargs):
        log.append(("partially_credited", amount, instance.credited_amount))

    def credited(sender, instance, created, **kwargs):
        log.append(("credited", None, instance.credited_amount))

    signals.invoice_partially_credited.connect(partially, weak=False)
    signals.invoice_credited.connect(credited, weak=False)
    yield log
    signals.invoice_partially_credited.disconnect(partially)
    signals.invoice_credited.disconnect(credited)


@pytest.fixture
def invoice(fake, company):
    (invoice,) = seed_invoices(fake, seed_contacts(fake, 1), 1)
    pull(company, full=True)
    return invoice


def credit_in_fiken(company, invoice: dict, net: int) -> int:
    """A partial credit note made in Fiken itself (25 % VAT on ``net``)."""
    return (
        client_for(company)
        .company(SLUG)
        .credit_notes.create_partial(
            {
                "issueDate": date.today().isoformat(),
                "invoiceId": invoice["invoiceId"],
                "lines": [{"unitPrice": net, "quantity": 1, "vatType": "HIGH"}],
            }
        )
    )


def mirror(invoice: dict) -> FikenInvoice:
    return FikenInvoice.objects.get(fiken_id=invoice["invoiceId"])


def test_partial_credits_add_up_and_credit_only_in_full(fake, company, invoice, heard):
    first = credit_in_fiken(company, invoice, 20000)
    summary = pull(company)
    assert summary["credit_notes"].updated == 1
    row = mirror(invoice)
    assert (row.state, row.credited_amount) == (InvoiceState.ISSUED, 25000)
    assert row.credit_note_amounts == {str(first): 25000}
    assert heard == [("partially_credited", 25000, 25000)]

    pull(company)  # the overlap window lists the same credit note again
    pull(company, full=True)
    assert mirror(invoice).credited_amount == 25000
    assert len(heard) == 1

    credit_in_fiken(company, invoice, 30000)
    pull(company)
    assert (mirror(invoice).state, mirror(invoice).credited_amount) == ("issued", 62500)
    credit_in_fiken(company, invoice, 50000)  # the last 625,00 kr
    pull(company)
    pull(company)
    row = mirror(invoice)
    assert (row.state, row.credited_amount, row.remaining_to_credit) == ("credited", GROSS, 0)
    assert heard == [
        ("partially_credited", 25000, 25000),
        ("partially_credited", 37500, 62500),
        ("credited", None, GROSS),
    ]


def test_several_new_credit_notes_in_one_pull_each_announced(fake, company, invoice, heard):
    credit_in_fiken(company, invoice, 20000)
    credit_in_fiken(company, invoice, 30000)
    credit_in_fiken(company, invoice, 50000)
    pull(company)
    assert heard == [
        ("partially_credited", 25000, GROSS),
        ("partially_credited", 37500, GROSS),
        ("credited", None, GROSS),
    ]
    assert mirror(invoice).state == InvoiceState.CREDITED


def test_a_settled_invoice_partly_credited_stays_settled(fake, company, invoice, heard):
    scope = client_for(company).company(SLUG)
    sale_id = scope.invoices.get(invoice["invoiceId"])["sale"]["saleId"]
    scope.sale_payments.create(
        sale_id, {"date": date.today().isoformat(), "account": "1920:10001", "amount": GROSS}
    )
    pull(company, full=True)
    assert mirror(invoice).state == InvoiceState.SETTLED
    credit_in_fiken(company, invoice, 100)
    pull(company)
    assert (mirror(invoice).state, mirror(invoice).credited_amount) == ("settled", 125)
    assert heard == [("partially_credited", 125, 125)]


def test_an_invoice_pull_alone_leaves_crediting_to_the_credit_notes(fake, company, invoice):
    credit_in_fiken(company, invoice, 80000)
    credit_in_fiken(company, invoice, 20000)
    pull(company, only=["invoices"])
    row = mirror(invoice)
    assert len(row.fiken_data["associatedCreditNotes"]) == 2
    assert row.state == InvoiceState.SETTLED  # Fiken: nothing left to pay on its sale
    assert row.credited_amount == 0
    pull(company, only=["credit_notes"])
    assert mirror(invoice).state == InvoiceState.CREDITED


def test_refresh_from_fiken_fetches_the_credit_notes_it_lacks(fake, company, invoice, heard):
    credit_in_fiken(company, invoice, 20000)
    fake.reset_stats()
    refresh_rows(client_for(company), [mirror(invoice)])
    assert len(fake.stats.calls("GET", r"/creditNotes/\d+$")) == 1
    assert mirror(invoice).credited_amount == 25000
    assert heard == [("partially_credited", 25000, 25000)]
    fake.reset_stats()
    refresh_rows(client_for(company), [mirror(invoice)])
    assert fake.stats.calls("GET", r"/creditNotes/\d+$") == []


def test_a_credit_note_without_an_invoice_credits_nothing(fake, company, invoice, heard):
    contact_id = mirror(invoice).customer.fiken_id
    client_for(company).company(SLUG).credit_notes.create_partial(
        {
            "issueDate": date.today().isoformat(),
            "contactId": contact_id,
            "lines": [{"unitPrice": 20000, "quantity": 1, "vatType": "HIGH"}],
        }
    )
    pull(company)
    assert mirror(invoice).credited_amount == 0
    assert heard == []
