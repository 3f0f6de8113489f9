"""Several partial credit notes on one invoice: amounts, states, signals, refusals, retries."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from django_fiken import outbox, signals
from django_fiken.auth import client_for
from django_fiken.models import FikenInvoice, InvoiceState, JobKind, JobStatus, PushJob
from django_fiken.sync import pull
from tests.push.conftest import SLUG
from tests.push.test_worker import invoice_for, objects
from tests.testapp.fiken import OrderAdapter
from tests.testapp.models import Customer, Order, OrderLine

# Two pairs of socks at 199 kr + 25 % VAT: 398,00 net, 99,50 VAT, 497,50 kr gross.
GROSS = 49750


def order_with(lines: list[tuple[int, str]]) -> Order:
    customer = Customer.objects.create(name="Ola AS", email="ola@example.no")
    order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2))
    for unit_price, vat_type in lines:
        OrderLine.objects.create(
            order=order,
            description="Vare",
            unit_price_ore=unit_price,
            quantity=2,
            vat_type=vat_type,
        )
    order.status = Order.Status.PAID
    order.save()
    return order


def issue(drain, lines: list[tuple[int, str]]) -> FikenInvoice:
    order = order_with(lines)
    drain()
    invoice = invoice_for(order)
    pull.pull(invoice.company, only=["invoices"])  # number, totals and lines, as a pull brings
    invoice.refresh_from_db()
    return invoice


@pytest.fixture
def issued(fake, drain, monkeypatch):
    monkeypatch.setattr(OrderAdapter, "invoice_policy", "issue")
    invoice = issue(drain, [(19900, "HIGH")])
    assert (invoice.state, invoice.gross) == (InvoiceState.ISSUED, GROSS)
    return invoice


@pytest.fixture
def heard():
    """(signal, invoice fiken id, amount) for the credit signals, in the order sent."""
    log: list[tuple[str, int | None, int | None]] = []

    def partially(sender, instance, amount, credit_note_id, **kwargs):
        assert str(credit_note_id) in instance.credit_note_amounts
        log.append(("partially_credited", instance.fiken_id, amount))

    def credited(sender, instance, **kwargs):
        log.append(("credited", instance.fiken_id, None))

    signals.invoice_partially_credited.connect(partially, weak=False)
    signals.invoice_credited.connect(credited, weak=False)
    yield log
    signals.invoice_partially_credited.disconnect(partially)
    signals.invoice_credited.disconnect(credited)


def partial(net: int, vat_type: str = "HIGH") -> dict:
    return {
        "mode": "partial",
        "lines": [{"description": "Rabatt", "unit_price": net, "vat_type": vat_type}],
    }


def credit(drain, invoice: FikenInvoice, payload: dict) -> PushJob:
    job = outbox.enqueue(JobKind.CREDIT_INVOICE, invoice, payload=payload)
    drain()
    job.refresh_from_db()
    invoice.refresh_from_db()
    return job


def pull_converges(invoice: FikenInvoice, heard: list) -> None:
    """An incremental and a full pull agree with what push recorded, and announce nothing."""
    before = (invoice.state, invoice.credited_amount, dict(invoice.credit_note_amounts))
    signals_before = list(heard)
    pull.pull(invoice.company)
    pull.pull(invoice.company, full=True)
    invoice.refresh_from_db()
    assert (invoice.state, invoice.credited_amount, invoice.credit_note_amounts) == before
    assert heard == signals_before


def test_two_partial_credits_then_the_rest(fake, drain, issued, heard):
    first = credit(drain, issued, partial(10000))  # 125,00 kr with VAT
    assert first.status == JobStatus.SUCCEEDED, first.last_error
    assert (issued.state, issued.credited_amount) == (InvoiceState.ISSUED, 12500)
    assert issued.remaining_to_credit == GROSS - 12500
    assert heard == [("partially_credited", issued.fiken_id, 12500)]
    pull_converges(issued, heard)

    second = credit(drain, issued, partial(8000))  # 100,00 kr with VAT
    assert second.status == JobStatus.SUCCEEDED, second.last_error
    assert (issued.state, issued.credited_amount) == (InvoiceState.ISSUED, 22500)
    assert heard[-1] == ("partially_credited", issued.fiken_id, 10000)
    pull_converges(issued, heard)

    rest = credit(drain, issued, {"mode": "full", "text": "Retur"})
    assert rest.status == JobStatus.SUCCEEDED, rest.last_error
    notes = objects(fake, "credit_notes")
    assert [note["gross"] for note in notes] == [12500, 10000, GROSS - 22500]
    assert notes[-1]["creditNoteText"] == "Retur"
    assert (issued.state, issued.credited_amount) == (InvoiceState.CREDITED, GROSS)
    assert issued.remaining_to_credit == 0
    assert heard == [
        ("partially_credited", issued.fiken_id, 12500),
        ("partially_credited", issued.fiken_id, 10000),
        ("credited", issued.fiken_id, None),
    ]
    pull_converges(issued, heard)


def test_a_partial_credit_keeps_a_sent_invoice_sent(fake, drain, issued, heard):
    outbox.enqueue(JobKind.MARK_SENT, issued)
    drain()
    credit(drain, issued, partial(100))
    assert issued.state == InvoiceState.SENT and issued.credited_amount == 125


def test_over_credit_is_refused_with_nothing_sent_to_fiken(fake, drain, issued, heard):
    credit(drain, issued, partial(30000))  # 375,00 kr of 497,50 kr
    fake.reset_stats()
    refused = credit(drain, issued, partial(10000))  # 125,00 kr > the 122,50 kr left
    assert refused.status == JobStatus.FAILED
    assert "125,00 kr (VAT included) is more than the 122,50 kr left to credit" in (
        refused.last_error
    )
    assert fake.stats.calls() == []
    assert len(objects(fake, "credit_notes")) == 1
    assert (issued.state, issued.credited_amount) == (InvoiceState.ISSUED, 37500)
    assert heard == [("partially_credited", issued.fiken_id, 37500)]

    exact = credit(drain, issued, partial(9800))  # 122,50 kr: exactly what is left
    assert exact.status == JobStatus.SUCCEEDED, exact.last_error
    assert (issued.state, issued.credited_amount) == (InvoiceState.CREDITED, GROSS)
    assert heard[-1] == ("credited", issued.fiken_id, None)


def test_no_credit_once_fully_credited(fake, drain, issued):
    credit(drain, issued, {"mode": "full"})
    fake.reset_stats()
    job = credit(drain, issued, partial(100))
    assert job.status == JobStatus.FAILED
    assert "cannot go from 'credited' to 'credited'" in job.last_error
    assert fake.stats.calls() == []


def test_ambiguous_failure_on_a_partial_credit_creates_one_note(
    fake, drain, issued, heard, queue_settings
):
    queue_settings(BACKOFF_BASE_SECONDS=0.01, BACKOFF_MAX_SECONDS=0.05, INLINE_WAIT_SECONDS=2)
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/creditNotes/partial$")
    job = credit(drain, issued, partial(10000))
    assert fake.faults.injected == 1
    assert job.status == JobStatus.SUCCEEDED and job.attempts == 2
    assert len(objects(fake, "credit_notes")) == 1
    assert (issued.state, issued.credited_amount) == (InvoiceState.ISSUED, 12500)
    assert heard == [("partially_credited", issued.fiken_id, 12500)]


def test_ambiguous_failure_then_a_pull_before_the_retry_still_one_note(fake, drain, issued, heard):
    """The pull records the job's own credit note; the retry must still recognise it."""
    credit(drain, issued, partial(10000))
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/creditNotes/partial$")
    job = credit(drain, issued, partial(8000))
    assert job.status == JobStatus.PENDING and job.ambiguous
    pull.pull(issued.company)
    issued.refresh_from_db()
    assert issued.credited_amount == 22500  # the pull saw the second credit note

    PushJob.objects.filter(pk=job.pk).update(next_attempt_at=timezone.now())
    drain()
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.last_error
    assert job.payload["result"] == "credit note found in Fiken"
    assert [note["gross"] for note in objects(fake, "credit_notes")] == [12500, 10000]
    assert heard == [
        ("partially_credited", issued.fiken_id, 12500),
        ("partially_credited", issued.fiken_id, 10000),
    ]


def test_ambiguous_failure_on_the_rest_creates_one_note(fake, drain, issued, heard, queue_settings):
    queue_settings(BACKOFF_BASE_SECONDS=0.01, BACKOFF_MAX_SECONDS=0.05, INLINE_WAIT_SECONDS=2)
    credit(drain, issued, partial(10000))
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/creditNotes/partial$")
    job = credit(drain, issued, {"mode": "full"})
    assert fake.faults.injected == 1
    assert job.status == JobStatus.SUCCEEDED, job.last_error
    assert [note["gross"] for note in objects(fake, "credit_notes")] == [12500, GROSS - 12500]
    assert (issued.state, issued.credited_amount) == (InvoiceState.CREDITED, GROSS)
    assert [name for name, *_ in heard].count("credited") == 1


def test_the_rest_after_a_credit_made_in_fiken_that_the_mirror_has_not_seen(
    fake, drain, issued, heard
):
    in_fiken = client_for(issued.company).company(SLUG).credit_notes
    in_fiken.create_counter()  # a Fiken user's first credit note starts the numbering
    in_fiken.create_partial(
        {
            "issueDate": "2026-11-05",
            "invoiceId": issued.fiken_id,
            "lines": [{"unitPrice": 2000, "quantity": 1, "vatType": "HIGH"}],
        }
    )
    assert issued.credited_amount == 0  # no pull since
    job = credit(drain, issued, {"mode": "full"})
    assert job.status == JobStatus.SUCCEEDED, job.last_error
    assert [note["gross"] for note in objects(fake, "credit_notes")] == [2500, GROSS - 2500]
    assert (issued.state, issued.credited_amount) == (InvoiceState.CREDITED, GROSS)
    assert [name for name, *_ in heard] == ["partially_credited", "credited"]


def test_the_rest_of_an_invoice_with_two_vat_rates_is_exact(fake, drain, monkeypatch, heard):
    monkeypatch.setattr(OrderAdapter, "invoice_policy", "issue")
    # 2 x 99,99 at 25 % and 2 x 33,33 at 15 %: VAT rounded on each line.
    invoice = issue(drain, [(9999, "HIGH"), (3333, "MEDIUM")])
    assert invoice.gross == (19998 + 5000) + (6666 + 1000)
    credit(drain, invoice, partial(3333, "HIGH"))  # 33,33 + 8,33 VAT = 41,66
    job = credit(drain, invoice, {"mode": "full"})
    assert job.status == JobStatus.SUCCEEDED, job.last_error
    rest = objects(fake, "credit_notes")[-1]
    by_vat = {}
    for line in rest["lines"]:
        by_vat[line["vatType"]] = by_vat.get(line["vatType"], 0) + line["gross"]
    assert by_vat == {"HIGH": 24998 - 4166, "MEDIUM": 7666}
    assert (invoice.state, invoice.credited_amount) == (InvoiceState.CREDITED, invoice.gross)


def test_a_full_credit_of_an_invoice_push_never_read_back(fake, drain, monkeypatch, heard):
    """Issued by push, never pulled: push reads gross and lines from Fiken before crediting."""
    monkeypatch.setattr(OrderAdapter, "invoice_policy", "issue")
    order = order_with([(19900, "HIGH")])
    drain()
    invoice = invoice_for(order)
    assert invoice.fiken_data == {} and invoice.gross == 0
    job = credit(drain, invoice, partial(10000))
    assert job.status == JobStatus.SUCCEEDED, job.last_error
    assert (invoice.gross, invoice.credited_amount) == (GROSS, 12500)
    assert invoice.state == InvoiceState.ISSUED
