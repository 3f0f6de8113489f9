"""In-process pipeline: host save → outbox → worker → the fake Fiken."""

from __future__ import annotations

import datetime

from django_fiken.models import FikenContact, FikenInvoice, JobStatus, PushJob
from django_fiken.sync import pull
from tests.push.conftest import SLUG
from tests.testapp.models import Customer, Order, OrderLine


def paid_order(customer: Customer, **kwargs) -> Order:
    order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2), **kwargs)
    OrderLine.objects.create(order=order, description="Ullsokker", unit_price_ore=19900, quantity=2)
    OrderLine.objects.create(order=order, description="Frakt", unit_price_ore=4900, vat_type="HIGH")
    order.status = Order.Status.PAID
    order.save()
    return order


def test_customer_save_creates_contact_in_fiken(fake, drain):
    customer = Customer.objects.create(name="Kari Nordmann", email="kari@example.no")
    counts = drain()
    assert counts[JobStatus.SUCCEEDED] == 1
    contacts = list(fake.store(SLUG).contacts.values())
    assert [c["name"] for c in contacts] == ["Kari Nordmann"]
    assert contacts[0]["memberNumberString"] == f"customer-{customer.pk}"
    mirror = FikenContact.objects.get(member_number_string=f"customer-{customer.pk}")
    assert mirror.fiken_id == contacts[0]["contactId"]
    assert mirror.sync_status == "synced"


def test_paid_order_is_issued_and_sent(fake, drain):
    customer = Customer.objects.create(
        name="Ola AS", email="ola@example.no", org_number="923609016"
    )
    order = paid_order(customer)
    fake.reset_stats()
    drain()
    invoice = FikenInvoice.objects.get(host_key=f"order-{order.pk}")
    assert invoice.state == "sent"
    stored = fake.store(SLUG).invoices[invoice.fiken_id]
    assert stored["orderReference"] == f"order-{order.pk}"
    assert PushJob.objects.filter(status=JobStatus.SUCCEEDED).count() == 4
    # Fiken's number and KID arrive with the next pull, not through an extra GET per order.
    assert invoice.invoice_number is None
    pull.pull(invoice.company, only=["invoices"])
    invoice.refresh_from_db()
    assert invoice.invoice_number == stored["invoiceNumber"]
    assert invoice.state == "sent"
