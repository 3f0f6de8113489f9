"""The demo's story, played against a running fake Fiken, a django-q2 cluster and runserver.

A customer becomes a Fiken contact, a placed order becomes an invoice that is issued and sent,
Fiken (the fake, through its control API) records the payment, and a pull marks the order paid
through the ``invoice_settled`` signal. Each step waits for the real workers, prints what it saw,
and fails with what the push jobs and the fake say when it does not happen in time.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from django_fiken.conf import fiken_settings
from django_fiken.models import FikenContact, FikenInvoice, InvoiceState, JobStatus, PushJob
from django_fiken.testing import RemoteFake
from example_project.shop.models import (
    Customer,
    Order,
    OrderLine,
    OrderStatus,
    PaymentStatus,
    Product,
    format_nok,
)

T = TypeVar("T")


def jobs_report() -> str:
    """Every push job so far, one line each: what an operator would look at in the admin."""
    lines = [
        f"  job {job.pk} {job.kind} -> {job.status} (attempts {job.attempts})"
        + (f": {job.last_error}" if job.last_error else "")
        for job in PushJob.objects.order_by("pk")
    ]
    return "\n".join(lines) or "  (no push jobs were written: is the adapter registered?)"


class Command(BaseCommand):
    help = "Play the demo story against the running fake Fiken and workers (used by --smoke)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site-url", required=True, help="where runserver listens")
        parser.add_argument("--fake-url", required=True, help="root URL of the fake Fiken")
        parser.add_argument("--step-timeout", type=float, default=30.0)

    def step(self, message: str) -> None:
        self.stdout.write(f"story: {message}")
        self.stdout.flush()

    def wait_for(self, what: str, found: Callable[[], T | None]) -> T:
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            result = found()
            if result:
                return result
            if PushJob.objects.filter(status__in=[JobStatus.FAILED, JobStatus.DEAD]).exists():
                raise CommandError(f"{what} failed. Push jobs:\n{jobs_report()}")
            time.sleep(0.25)
        raise CommandError(
            f"{what} did not happen within {self.timeout:.0f} s. Push jobs:\n{jobs_report()}"
        )

    def handle(self, *args, site_url: str, fake_url: str, step_timeout: float, **options) -> None:
        self.timeout = step_timeout
        fake = RemoteFake(fake_url)
        slug = fiken_settings.COMPANY_SLUG

        for path in ("/", "/admin/login/", "/accounts/login/"):
            with urllib.request.urlopen(site_url + path, timeout=10) as response:
                if response.status != 200:
                    raise CommandError(f"GET {path} answered {response.status}")
        self.step(f"the shop answers at {site_url}/ (home, admin, sign-in pages)")

        customer = Customer.objects.create(
            name="Kari Nordmann",
            email="kari@example.com",
            phone="+47 912 34 567",
            street_address="Storgata 12",
            postal_code="0155",
            city="Oslo",
        )
        key = f"shop-customer-{customer.pk}"
        contact = self.wait_for(
            "The customer's contact push",
            lambda: FikenContact.objects.filter(
                member_number_string=key, fiken_id__isnull=False
            ).first(),
        )
        in_fiken = [c for c in fake.records(slug, "contacts") if c.get("memberNumberString") == key]
        if len(in_fiken) != 1:
            raise CommandError(f"The fake holds {len(in_fiken)} contacts for {key}, not 1")
        self.step(
            f"customer became a Fiken contact: {contact.name}, contactId {contact.fiken_id}, "
            f"customer number {in_fiken[0].get('customerNumber')}"
        )

        order = Order.objects.create(customer=customer)
        for product, quantity in zip(Product.objects.order_by("pk")[:2], (2, 1), strict=False):
            OrderLine.objects.create(order=order, product=product, quantity=quantity)
        order.status = OrderStatus.PLACED
        order.save()
        self.step(f"{order} placed: {format_nok(order.net_total_ore())} excl. VAT")
        invoice = self.wait_for(
            "Issuing and sending the order's invoice",
            lambda: FikenInvoice.objects.filter(
                host_key=order.reference, state=InvoiceState.SENT
            ).first(),
        )
        in_fiken = [
            i for i in fake.records(slug, "invoices") if i.get("invoiceId") == invoice.fiken_id
        ]
        if [i.get("orderReference") for i in in_fiken] != [order.reference]:
            raise CommandError(f"The fake holds no invoice {invoice.fiken_id} for {order}")
        self.step(
            f"invoice issued and sent: number {invoice.invoice_number}, KID {invoice.kid or '-'}, "
            f"{format_nok(invoice.gross)} incl. VAT, due {invoice.due_date}"
        )

        call_command("demo_pay", order.pk, stdout=self.stdout)
        self.step(f"invoice settled in Fiken: the fake recorded payment of {invoice}")

        call_command("fiken_sync", company=slug, stdout=self.stdout)
        order.refresh_from_db()
        if order.payment_status != PaymentStatus.PAID:
            invoice.refresh_from_db()
            raise CommandError(
                f"After fiken_sync the order is {order.payment_status}, not paid; the invoice "
                f"mirror is {invoice.state} (settled={invoice.settled})."
            )
        self.step(f"order marked paid on {order.paid_on} (invoice_settled)")

        spec = fiken_settings.OPENAPI_SPEC
        if spec and Path(spec).is_file():
            fake.assert_no_violations()
            self.step("the fake saw no request outside Fiken's OpenAPI spec")
        else:
            self.step(f"no OpenAPI spec at {spec!r} (FIKEN_OPENAPI_SPEC): requests not validated")
