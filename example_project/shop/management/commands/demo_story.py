"""The demo's story, played against a running fake Fiken, a django-q2 cluster and runserver.

A customer becomes a Fiken contact, a placed order becomes an invoice that is issued and sent,
Fiken (the fake, through its control API) records the payment, and a pull marks the order paid
through the ``invoice_settled`` signal. Each step waits for the real workers, prints what it saw,
and fails with what the push jobs and the fake say when it does not happen in time.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import requests
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from django_fiken.conf import fiken_settings
from django_fiken.models import FikenContact, FikenInvoice, InvoiceState, JobStatus, PushJob
from django_fiken.testing import RemoteFake
from example_project.shop.models import (
    Customer,
    Order,
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


class AdminSession:
    """The Django admin over HTTP, the way an operator's browser uses it (CSRF and all)."""

    def __init__(self, site_url: str, username: str, password: str):
        self.site_url = site_url
        self.http = requests.Session()
        self.post("/admin/login/?next=/admin/", {"username": username, "password": password})
        if "sessionid" not in self.http.cookies:
            raise CommandError(f"Could not sign in to the admin as {username!r}")

    def post(self, path: str, data: dict[str, str]) -> requests.Response:
        url = self.site_url + path
        self.http.get(url, timeout=10).raise_for_status()  # sets the CSRF cookie
        data = {"csrfmiddlewaretoken": self.http.cookies["csrftoken"], **data}
        response = self.http.post(url, data=data, headers={"Referer": url}, timeout=10)
        response.raise_for_status()
        return response

    def add_order(self, customer: Customer, status: str, lines: list[tuple[Product, int]]) -> Order:
        """Submit the admin's add-order form with its line inline; returns the saved order."""
        before = set(Order.objects.values_list("pk", flat=True))
        data = {
            "customer": str(customer.pk),
            "order_date": timezone.localdate().isoformat(),
            "status": status,
            "lines-TOTAL_FORMS": str(len(lines)),
            "lines-INITIAL_FORMS": "0",
            "lines-MIN_NUM_FORMS": "0",
            "lines-MAX_NUM_FORMS": "1000",
            "_save": "Save",
        }
        for index, (product, quantity) in enumerate(lines):
            data[f"lines-{index}-product"] = str(product.pk)
            data[f"lines-{index}-quantity"] = str(quantity)
        response = self.post("/admin/shop/order/add/", data)
        created = Order.objects.exclude(pk__in=before).first()
        if created is None:
            raise CommandError(
                f"The admin did not save the order (HTTP {response.status_code} at "
                f"{response.url}); form errors: {response.text.count('errorlist')}"
            )
        return created


class Command(BaseCommand):
    help = "Play the demo story against the running fake Fiken and workers (used by --smoke)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--site-url", required=True, help="where runserver listens")
        parser.add_argument("--fake-url", required=True, help="root URL of the fake Fiken")
        parser.add_argument("--username", required=True, help="the demo superuser")
        parser.add_argument(
            "--password-env",
            default="DEMO_ADMIN_PASSWORD",
            help="environment variable holding the demo superuser's password",
        )
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
        password = os.environ.get(options["password_env"], "")
        fake = RemoteFake(fake_url)
        slug = fiken_settings.COMPANY_SLUG

        for path in ("/", "/accounts/login/"):
            response = requests.get(site_url + path, timeout=10)
            if response.status_code != 200:
                raise CommandError(f"GET {path} answered {response.status_code}")
        admin = AdminSession(site_url, options["username"], password)
        self.step(f"the shop answers at {site_url}/; {options['username']} signed in to the admin")

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

        products = list(Product.objects.order_by("pk")[:2])
        order = admin.add_order(customer, OrderStatus.PLACED, [(products[0], 2), (products[1], 1)])
        self.step(f"{order} placed in the admin: {format_nok(order.net_total_ore())} excl. VAT")
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
        change_page = admin.http.get(f"{site_url}/admin/shop/order/{order.pk}/change/", timeout=10)
        if f"/admin/django_fiken/fikeninvoice/{invoice.pk}/change/" not in change_page.text:
            raise CommandError(f"The admin page of {order} does not link its Fiken invoice")
        issued = in_fiken[0]
        number = issued.get("invoiceNumber")
        self.step(
            f"invoice issued and sent: number {number}, "
            f"KID {issued.get('kid') or '-'}, {format_nok(issued.get('gross', 0))} incl. VAT, "
            f"due {issued.get('dueDate')}"
        )

        call_command("demo_pay", order.pk, stdout=self.stdout)
        self.step(f"invoice settled in Fiken: the fake recorded the payment of invoice {number}")

        call_command("fiken_sync", company=slug, stdout=self.stdout)
        order.refresh_from_db()
        invoice.refresh_from_db()
        if (invoice.invoice_number, invoice.settled) != (number, True):
            raise CommandError(
                f"After fiken_sync the invoice mirror has number {invoice.invoice_number} and "
                f"settled={invoice.settled}; Fiken has number {number}, settled."
            )
        if order.payment_status != PaymentStatus.PAID:
            raise CommandError(
                f"After fiken_sync the order is {order.payment_status}, not paid; the invoice "
                f"mirror is {invoice.state} (settled={invoice.settled})."
            )
        home = requests.get(site_url + "/", timeout=10).text
        if f"{order}</a>" not in home or f"Paid ({order.paid_on})" not in home:
            raise CommandError(f"The shop's home page does not show {order} as paid")
        self.step(f"order marked paid on {order.paid_on} (invoice_settled), on the home page too")

        spec = fiken_settings.OPENAPI_SPEC
        if spec and Path(spec).is_file():
            fake.assert_no_violations()
            self.step("the fake saw no request outside Fiken's OpenAPI spec")
        else:
            self.step(f"no OpenAPI spec at {spec!r} (FIKEN_OPENAPI_SPEC): requests not validated")
