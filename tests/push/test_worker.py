"""The worker against the fake: idempotent creates, lifecycle, retries, dead letters, leases."""

from __future__ import annotations

import datetime
from datetime import timedelta

import pytest
from django.utils import timezone

from django_fiken import outbox
from django_fiken.jobs import claim_lease, recover_orphans, release_lease
from django_fiken.models import (
    FikenContact,
    FikenInvoice,
    JobKind,
    JobStatus,
    PushJob,
    PushLease,
)
from django_fiken.sync import pull
from tests.push.conftest import SLUG
from tests.testapp.fiken import OrderAdapter
from tests.testapp.models import Customer, Order, OrderLine


@pytest.fixture
def quick_retries(queue_settings):
    queue_settings(BACKOFF_BASE_SECONDS=0.01, BACKOFF_MAX_SECONDS=0.05, INLINE_WAIT_SECONDS=2)


def make_paid_order(customer=None, **kwargs) -> Order:
    customer = customer or Customer.objects.create(name="Ola AS", email="ola@example.no")
    order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2), **kwargs)
    OrderLine.objects.create(order=order, description="Ullsokker", unit_price_ore=19900, quantity=2)
    order.status = Order.Status.PAID
    order.save()
    return order


def invoice_for(order: Order) -> FikenInvoice:
    return FikenInvoice.objects.get(host_key=f"order-{order.pk}")


def objects(fake, collection: str) -> list[dict]:
    return list(getattr(fake.store(SLUG), collection).values())


# --------------------------------------------------------------------------- idempotency


CREATES = [
    ("contacts", r"/contacts$"),
    ("drafts", r"/invoices/drafts$"),
    ("invoices", r"/invoices/drafts/\d+/createInvoice$"),
    ("send", r"/invoices/send$"),
]


@pytest.mark.parametrize(("name", "path"), CREATES, ids=[c[0] for c in CREATES])
def test_commit_then_timeout_on_each_create_leaves_exactly_one(
    fake, drain, quick_retries, name, path
):
    fake.initialise_counters(SLUG)
    fake.faults.commit_then_timeout(method="POST", path_regex=path)
    order = make_paid_order()
    drain()
    assert fake.faults.injected == 1
    assert len(objects(fake, "contacts")) == 1
    assert len(objects(fake, "invoices")) == 1
    invoice = invoice_for(order)
    assert invoice.state == "sent"
    stored = fake.store(SLUG).invoices[invoice.fiken_id]
    assert len(stored.get("dispatches") or [None]) == 1 or name != "send"
    assert not PushJob.objects.exclude(status=JobStatus.SUCCEEDED).exists()
    assert PushJob.objects.filter(ambiguous=True).count() == 1


def test_direct_invoice_after_commit_then_timeout_is_found_by_order_reference(
    fake, drain, quick_retries, monkeypatch
):
    monkeypatch.setattr(OrderAdapter, "via_draft", False)
    fake.initialise_counters(SLUG)
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/invoices$")
    order = make_paid_order()
    drain()
    assert len(objects(fake, "invoices")) == 1
    assert objects(fake, "invoices")[0]["orderReference"] == f"order-{order.pk}"
    assert invoice_for(order).state == "sent"


def test_existing_fiken_contact_is_adopted_by_organization_number(fake, drain):
    existing = fake.add_contact(SLUG, name="Ola AS (old)", organizationNumber="923609016")
    customer = Customer.objects.create(name="Ola AS", org_number="923609016")
    drain()
    contacts = objects(fake, "contacts")
    assert len(contacts) == 1
    assert contacts[0]["name"] == "Ola AS"
    assert contacts[0]["memberNumberString"] == f"customer-{customer.pk}"
    assert (
        FikenContact.objects.get(member_number_string=f"customer-{customer.pk}").fiken_id
        == (existing["contactId"])
    )


# --------------------------------------------------------------------------- lifecycle


def test_counter_is_initialised_once_when_fiken_lacks_it(fake, drain):
    make_paid_order()
    make_paid_order()
    drain()
    assert len(fake.stats.calls("POST", r"/invoices/counter$")) == 1
    assert sorted(i["invoiceNumber"] for i in objects(fake, "invoices")) == [10001, 10002]


def test_draft_policy_stops_at_a_draft_and_finalize_issues_it(fake, drain, monkeypatch):
    monkeypatch.setattr(OrderAdapter, "invoice_policy", "draft")
    order = make_paid_order()
    drain()
    invoice = invoice_for(order)
    assert invoice.state == "draft"
    assert len(objects(fake, "invoice_drafts")) == 1
    assert objects(fake, "invoices") == []
    outbox.enqueue(JobKind.ISSUE_INVOICE, invoice, payload={"send": None})
    drain()
    invoice.refresh_from_db()
    assert invoice.state == "issued"
    pull.pull(invoice.company, only=["invoices"])
    invoice.refresh_from_db()
    assert invoice.invoice_number == 10001
    assert invoice.lines.count() == 1


def test_cash_invoice_for_a_prepaid_order(fake, drain):
    order = make_paid_order(prepaid=True)
    drain()
    invoice = invoice_for(order)
    assert invoice.cash
    assert fake.store(SLUG).invoices[invoice.fiken_id]["cash"] is True


@pytest.fixture
def issued(fake, drain, monkeypatch):
    monkeypatch.setattr(OrderAdapter, "invoice_policy", "issue")
    order = make_paid_order()
    drain()
    invoice = invoice_for(order)
    assert invoice.state == "issued"
    pull.pull(invoice.company, only=["invoices"])  # number, totals and sale, as a pull brings
    invoice.refresh_from_db()
    return invoice


def test_mark_sent_manually(fake, drain, issued):
    outbox.enqueue(JobKind.MARK_SENT, issued)
    drain()
    issued.refresh_from_db()
    assert issued.state == "sent"
    assert fake.store(SLUG).invoices[issued.fiken_id]["sentManually"] is True


def test_full_credit_note(fake, drain, issued):
    outbox.enqueue(JobKind.CREDIT_INVOICE, issued, payload={"mode": "full", "text": "Retur"})
    drain()
    issued.refresh_from_db()
    assert issued.state == "credited"
    notes = objects(fake, "credit_notes")
    assert len(notes) == 1


def test_partial_credit_note(fake, drain, issued):
    lines = [{"description": "Ett par sokker", "unit_price": 19900, "vat_type": "HIGH"}]
    outbox.enqueue(JobKind.CREDIT_INVOICE, issued, payload={"mode": "partial", "lines": lines})
    drain()
    assert PushJob.objects.get(kind=JobKind.CREDIT_INVOICE).status == JobStatus.SUCCEEDED
    assert len(objects(fake, "credit_notes")) == 1


def test_register_payment_settles_the_invoice(fake, drain, issued):
    payload = {"date": "2026-11-03", "account": "1920:10001", "amount": issued.gross}
    outbox.enqueue(JobKind.REGISTER_PAYMENT, issued, payload=payload)
    drain()
    issued.refresh_from_db()
    assert PushJob.objects.get(kind=JobKind.REGISTER_PAYMENT).status == JobStatus.SUCCEEDED
    assert issued.settled


def test_two_payments_queued_together_stay_two_payments(fake, drain, issued):
    half = issued.gross // 2
    first = outbox.register_payment(
        issued, amount=half, paid_on=datetime.date(2026, 11, 3), account="1920:10001"
    )
    second = outbox.register_payment(
        issued, amount=issued.gross - half, paid_on=datetime.date(2026, 11, 4), account="1920:10001"
    )
    assert first.pk != second.pk
    drain()
    sale = fake.store(SLUG).sales[issued.fiken_data["sale"]["saleId"]]
    assert sorted(p["amount"] for p in sale["salePayments"]) == sorted([half, issued.gross - half])
    issued.refresh_from_db()
    assert issued.settled


def test_saves_and_sends_of_one_invoice_still_coalesce(fake, drain, issued):
    first = outbox.enqueue(JobKind.SEND_INVOICE, issued, payload={"methods": ["email"]})
    second = outbox.enqueue(JobKind.SEND_INVOICE, issued, payload={"methods": ["ehf"]})
    assert first.pk == second.pk
    assert PushJob.objects.get(pk=first.pk).payload == {"methods": ["ehf"]}


def test_illegal_transition_is_refused_and_changes_nothing(fake, drain, monkeypatch):
    monkeypatch.setattr(OrderAdapter, "invoice_policy", "draft")
    order = make_paid_order()
    drain()
    invoice = invoice_for(order)
    fake.reset_stats()
    outbox.enqueue(JobKind.CREDIT_INVOICE, invoice, payload={"mode": "full"})
    drain()
    job = PushJob.objects.get(kind=JobKind.CREDIT_INVOICE)
    assert job.status == JobStatus.FAILED
    assert "not issued in Fiken yet" in job.last_error
    invoice.refresh_from_db()
    assert invoice.state == "draft"
    assert fake.stats.calls() == []


# --------------------------------------------------------------------------- errors


def test_fiken_400_fails_the_job_with_fikens_message(fake, drain):
    fake.faults.fail_next(status=400, method="POST", path_regex=r"/contacts$")
    customer = Customer.objects.create(name="Kari")
    drain()
    job = PushJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert job.attempts == 1
    assert "400" in job.last_error
    assert job.fiken_request_id
    mirror = FikenContact.objects.get(member_number_string=f"customer-{customer.pk}")
    assert mirror.sync_status == "error"
    assert mirror.last_error == job.last_error


def test_503s_are_retried_with_backoff_then_delivered(fake, drain, quick_retries, settings):
    settings.FIKEN = {**settings.FIKEN, "MAX_RETRIES": 0}  # let the job, not the client, retry
    fake.faults.fail_next(2, status=503, method="POST", path_regex=r"/contacts$")
    Customer.objects.create(name="Kari")
    drain()
    job = PushJob.objects.get()
    assert job.status == JobStatus.SUCCEEDED
    assert job.attempts == 3
    assert len(objects(fake, "contacts")) == 1


def test_a_job_is_dead_after_max_attempts(fake, drain, queue_settings, settings):
    settings.FIKEN = {**settings.FIKEN, "MAX_RETRIES": 0}
    queue_settings(MAX_ATTEMPTS=2, BACKOFF_BASE_SECONDS=0.01, INLINE_WAIT_SECONDS=2)
    fake.faults.fail_next(5, status=503, method="POST", path_regex=r"/contacts$")
    Customer.objects.create(name="Kari")
    drain()
    job = PushJob.objects.get()
    assert job.status == JobStatus.DEAD
    assert job.attempts == 2
    assert job.last_error.startswith("Gave up after 2 attempts.")


def test_a_waiting_retry_is_left_for_later(fake, drain, queue_settings, settings):
    settings.FIKEN = {**settings.FIKEN, "MAX_RETRIES": 0}
    queue_settings(BACKOFF_BASE_SECONDS=60, INLINE_WAIT_SECONDS=0)
    fake.faults.fail_next(1, status=503, method="POST", path_regex=r"/contacts$")
    Customer.objects.create(name="Kari")
    drain()
    job = PushJob.objects.get()
    assert job.status == JobStatus.PENDING
    assert job.attempts == 1
    assert "503" in job.last_error
    assert job.next_attempt_at >= job.updated_at


# --------------------------------------------------------------------------- leases


def test_a_held_lease_keeps_other_drains_out_until_it_expires(company):
    assert claim_lease(company.pk, "worker-a")
    assert not claim_lease(company.pk, "worker-b")
    PushLease.objects.filter(company=company).update(
        leased_until=timezone.now() - timedelta(seconds=1)
    )
    assert claim_lease(company.pk, "worker-b")
    release_lease(company.pk, "worker-b")
    assert PushLease.objects.get(company=company).owner == ""


def test_a_drain_skips_a_company_another_worker_holds(fake, drain, company):
    Customer.objects.create(name="Kari")
    assert claim_lease(company.pk, "someone-else")
    assert drain() == {"claimed": 0}
    assert PushJob.objects.get().status == JobStatus.PENDING


def test_orphaned_running_job_becomes_ambiguous_and_is_adopted(fake, drain, company):
    """A worker SIGKILLed after Fiken created the contact: the next drain finds it there."""
    customer = Customer.objects.create(name="Kari")
    fake.add_contact(SLUG, name="Kari", memberNumberString=f"customer-{customer.pk}")
    PushJob.objects.update(status=JobStatus.RUNNING, attempts=1)
    assert recover_orphans(company.pk) == 1
    job = PushJob.objects.get()
    assert job.status == JobStatus.PENDING and job.ambiguous
    drain()
    assert len(objects(fake, "contacts")) == 1
    assert PushJob.objects.get().status == JobStatus.SUCCEEDED


def test_orphan_with_a_newer_pending_sibling_is_superseded(company):
    customer = Customer.objects.create(name="Kari")
    PushJob.objects.update(status=JobStatus.RUNNING)
    customer.name = "Kari N"
    customer.save()
    recover_orphans(company.pk)
    old, new = PushJob.objects.order_by("pk")
    assert old.status == JobStatus.CANCELLED and "Superseded" in old.last_error
    assert new.status == JobStatus.PENDING and new.ambiguous


# --------------------------------------------------------------------------- calls per order


@pytest.mark.parametrize(("via_draft", "expected"), [(True, 3), (False, 2)])
def test_calls_per_paid_order(fake, drain, monkeypatch, via_draft, expected):
    """A known customer, a known bank account, an initialised counter: the steady state."""
    monkeypatch.setattr(OrderAdapter, "via_draft", via_draft)
    fake.initialise_counters(SLUG)
    customer = Customer.objects.create(name="Ola AS", email="ola@example.no")
    make_paid_order(customer)
    drain()
    fake.reset_stats()
    order = make_paid_order(customer)
    drain()
    calls = [f"{c.method} {c.path.split(SLUG)[1]}" for c in fake.stats.calls()]
    assert len(calls) == expected, calls
    assert invoice_for(order).state == "sent"


def test_register_payment_refuses_bad_input(company):
    invoice = FikenInvoice.objects.create(company=company, state="issued", fiken_id=1)
    with pytest.raises(outbox.ValidationError) as caught:
        outbox.register_payment(invoice, amount=99.5, paid_on="2026-11-03", account="bank")
    assert set(caught.value.errors) == {"amount", "paid_on", "account"}
    job = outbox.register_payment(
        invoice, amount=24875, paid_on=datetime.date(2026, 11, 3), account="1920:10001"
    )
    assert job.payload == {"date": "2026-11-03", "account": "1920:10001", "amount": 24875}


def test_a_company_without_a_connection_fails_its_jobs_clearly(fake, drain, company):
    from django_fiken.models import FikenConnection

    FikenConnection.objects.update(is_active=False)
    Customer.objects.create(name="Kari")
    drain()
    job = PushJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "No active Fiken connection reaches company" in job.last_error


def test_a_job_whose_mirror_was_deleted_fails(fake, drain):
    Customer.objects.create(name="Kari")
    PushJob.objects.update(target_id=999999)
    drain()
    job = PushJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "does not exist" in job.last_error


def test_credit_note_after_commit_then_timeout_is_not_duplicated(
    fake, drain, issued, quick_retries
):
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/creditNotes/full$")
    outbox.enqueue(JobKind.CREDIT_INVOICE, issued, payload={"mode": "full"})
    drain()
    assert fake.faults.injected == 1
    assert len(objects(fake, "credit_notes")) == 1
    issued.refresh_from_db()
    assert issued.state == "credited"


def test_payment_after_commit_then_timeout_is_not_duplicated(fake, drain, issued, quick_retries):
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/payments$")
    payload = {"date": "2026-11-03", "account": "1920:10001", "amount": 5000}
    outbox.enqueue(JobKind.REGISTER_PAYMENT, issued, payload=payload)
    drain()
    assert fake.faults.injected == 1
    sale = fake.store(SLUG).sales[issued.fiken_data["sale"]["saleId"]]
    assert [p["amount"] for p in sale["salePayments"]] == [5000]


def test_a_drain_past_its_time_budget_hands_the_rest_to_a_new_task(fake, company, monkeypatch):
    from django_fiken.jobs import drain_company

    kicked = []
    monkeypatch.setattr(outbox, "kick", lambda company_id, **kw: kicked.append((company_id, kw)))
    Customer.objects.create(name="Kari")
    Customer.objects.create(name="Ola")
    counts = drain_company(company.pk, time_budget=0)
    assert counts[JobStatus.SUCCEEDED] == 1 and counts["continued"] == 1
    assert kicked == [(company.pk, {"force": True})]
    assert PushJob.objects.filter(status=JobStatus.PENDING).count() == 1
    assert PushLease.objects.get(company=company).owner == ""
