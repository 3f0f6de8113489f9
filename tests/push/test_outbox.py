"""The host save path: mirror and job in the host's transaction, two queries, no HTTP."""

from __future__ import annotations

import datetime

import pytest
import requests
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from django_fiken import outbox
from django_fiken.models import FikenContact, FikenInvoice, JobKind, JobStatus, PushJob
from tests.push.conftest import SLUG
from tests.testapp.models import Customer, Order, OrderLine


@pytest.fixture
def no_http(monkeypatch):
    """Record (and refuse) any HTTP request made while the host saves."""
    calls = []

    def refuse(self, request, **kwargs):
        calls.append(request.url)
        raise AssertionError(f"HTTP during a host save: {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)
    return calls


def host_queries(save) -> list[str]:
    """The SQL a save runs, minus the host's own UPDATE/INSERT of its row."""
    with CaptureQueriesContext(connection) as captured:
        save()
    return [q["sql"] for q in captured.captured_queries][1:]


def test_customer_save_costs_two_queries_and_no_http(company, no_http):
    customer = Customer.objects.create(name="Kari", email="kari@example.no")
    customer.name = "Kari Nordmann"
    extra = host_queries(customer.save)
    assert len(extra) == 2, extra
    assert "django_fiken_fikencontact" in extra[0] and "ON CONFLICT" in extra[0]
    assert "django_fiken_pushjob" in extra[1] and "ON CONFLICT" in extra[1]
    assert no_http == []


def test_first_save_of_a_new_customer_also_costs_two(company, no_http):
    Customer.objects.create(name="Warm-up")  # content types and company id now cached
    extra = host_queries(lambda: Customer.objects.create(name="Ola", email="ola@example.no"))
    assert len(extra) == 2, extra


def paid(customer):
    order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2))
    OrderLine.objects.create(order=order, description="Sokker", unit_price_ore=19900)
    order.status = Order.Status.PAID
    return order


def test_paid_order_save_costs_two_queries_beyond_the_adapters_reads(company, no_http):
    customer = Customer.objects.create(name="Kari")
    paid(customer).save()  # the first save in a process caches two content types
    extra = host_queries(paid(customer).save)
    ours = [q for q in extra if "django_fiken" in q]
    theirs = [q for q in extra if "django_fiken" not in q]
    assert len(ours) == 2, ours
    assert all("testapp_orderline" in q for q in theirs)  # to_invoice() reads the lines
    assert no_http == []


def test_saves_touching_no_push_field_do_nothing(company):
    customer = Customer.objects.create(name="Kari")
    customer.loyalty_points = 10
    assert host_queries(customer.save) == []
    customer.name = "Kari N"
    assert host_queries(lambda: customer.save(update_fields=["loyalty_points"])) == []
    assert PushJob.objects.count() == 1


def test_repeated_saves_coalesce_into_one_pending_job_with_the_latest_data(company):
    customer = Customer.objects.create(name="Kari")
    for n in range(50):
        customer.name = f"Kari {n}"
        customer.save()
    job = PushJob.objects.get()
    assert job.status == JobStatus.PENDING
    assert job.payload["contact"]["body"]["name"] == "Kari 49"
    assert FikenContact.objects.get().name == "Kari 49"


def test_repeated_saves_push_once(fake, company, drain):
    customer = Customer.objects.create(name="Kari")
    drain()
    fake.reset_stats()
    for n in range(50):
        customer.name = f"Kari {n}"
        customer.save()
    drain()
    assert len(fake.stats.calls("PUT", r"/contacts/\d+$")) == 1
    assert len(fake.stats.calls()) == 1
    assert [c["name"] for c in fake.store(SLUG).contacts.values()] == ["Kari 49"]


def test_bad_host_data_never_fails_the_save_and_is_reported(fake, company, drain):
    customer = Customer.objects.create(name="", email="not-an-email", org_number="123456789")
    assert Customer.objects.filter(pk=customer.pk).exists()
    mirror = FikenContact.objects.get(member_number_string=f"customer-{customer.pk}")
    assert mirror.sync_status == "error"
    assert "email: 'not-an-email' is not an email address" in mirror.last_error
    drain()
    job = PushJob.objects.get()
    assert job.status == JobStatus.FAILED
    assert "name: a contact needs a name" in job.last_error
    assert "check digit" in job.last_error
    assert fake.stats.calls() == []


def test_an_adapter_that_raises_does_not_fail_the_save(company, monkeypatch):
    def broken(self, obj):
        raise KeyError("city")

    monkeypatch.setattr("tests.testapp.fiken.CustomerAdapter.to_contact", broken)
    customer = Customer.objects.create(name="Kari")
    assert customer.pk
    assert "The Fiken adapter failed: KeyError" in PushJob.objects.get().last_error


def test_unpaid_orders_are_not_invoiced(company):
    customer = Customer.objects.create(name="Kari")
    Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2))
    assert not FikenInvoice.objects.exists()
    assert not PushJob.objects.filter(kind=JobKind.PUSH_INVOICE).exists()


def test_issued_invoices_ignore_later_order_saves(company):
    customer = Customer.objects.create(name="Kari")
    order = Order.objects.create(
        customer=customer, order_date=datetime.date(2026, 11, 2), status=Order.Status.PAID
    )
    OrderLine.objects.create(order=order, description="Sokker", unit_price_ore=19900)
    order.note = "first"
    order.save()
    PushJob.objects.all().update(status=JobStatus.SUCCEEDED)
    FikenInvoice.objects.update(state="issued", fiken_id=1)
    order.note = "changed after issuing"
    order.save()
    assert not PushJob.objects.filter(status=JobStatus.PENDING).exists()
    assert FikenInvoice.objects.get().invoice_text == "first"


def test_deleting_the_host_cancels_its_waiting_push(company):
    customer = Customer.objects.create(name="Kari")
    order = Order.objects.create(
        customer=customer, order_date=datetime.date(2026, 11, 2), status=Order.Status.PAID
    )
    OrderLine.objects.create(order=order, description="Sokker", unit_price_ore=19900)
    order.save()
    order.delete()
    job = PushJob.objects.get(kind=JobKind.PUSH_INVOICE)
    assert job.status == JobStatus.CANCELLED
    assert "deleted" in job.last_error


@pytest.mark.django_db(transaction=True)
def test_the_drain_is_handed_to_django_q_after_commit_only(company, monkeypatch):
    kicked = []
    monkeypatch.setattr(outbox, "kick", lambda company_id, **kw: kicked.append(company_id))
    with transaction.atomic():
        Customer.objects.create(name="Kari")
        assert kicked == []
    assert kicked == [company.pk]


@pytest.mark.django_db(transaction=True)
def test_a_broker_failure_is_logged_not_raised(company, monkeypatch, caplog):
    def down(*args, **kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr("django_q.tasks.async_task", down)
    customer = Customer.objects.create(name="Kari")
    assert customer.pk
    assert PushJob.objects.get().status == JobStatus.PENDING
    assert "the sweep will pick it up" in caplog.text
