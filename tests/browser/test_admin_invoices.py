"""An operator works an invoice through its lifecycle in the admin, in a real browser.

The shop's order stops at a draft in Fiken; the operator finalizes it and sends it with the
admin actions. Sending first fails (Fiken refuses; the fake injects the error), the operator
reads Fiken's message in the push job admin, retries, and the invoice is sent.

The admin only queues jobs; between steps the test drains the outbox in this process with
``fiken_push``, as cron or an operator would (the django-q2 cluster is proven in tests/push).
The fake Fiken is served over real HTTP, so the live server and the drain both reach it.
"""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from django_fiken.auth import ensure_personal_connection
from django_fiken.models import (
    FikenInvoice,
    InvoiceState,
    JobKind,
    JobStatus,
    PushJob,
    SyncStatus,
)
from tests.testapp.fiken import OrderAdapter
from tests.testapp.models import Customer, Order, OrderLine

pytestmark = pytest.mark.django_db(transaction=True)

INVOICES = "/admin/django_fiken/fikeninvoice/"
JOBS = "/admin/django_fiken/pushjob/"


@pytest.fixture
def shop(settings, fake_fiken_server, monkeypatch):
    """Pushes due at once, the order adapter stopping at a draft, a placed order pushed."""
    call_command("createcachetable", verbosity=0)
    fiken = dict(settings.FIKEN)
    fiken["RATE_LIMIT"] = 1000.0
    fiken["QUEUE"] = {"COALESCE_SECONDS": 0, "INLINE_WAIT_SECONDS": 0}
    settings.FIKEN = fiken
    monkeypatch.setattr(OrderAdapter, "invoice_policy", "draft")
    ensure_personal_connection()

    customer = Customer.objects.create(name="Kari Nordmann AS", email="kari@example.com")
    order = Order.objects.create(customer=customer, order_date=datetime.date.today())
    OrderLine.objects.create(order=order, description="Kaffe, 500 g", unit_price_ore=14900)
    OrderLine.objects.create(order=order, description="Kaffekopp", unit_price_ore=19900, quantity=2)
    order.status = Order.Status.PAID
    order.save()
    drain()
    invoice = FikenInvoice.objects.get(host_key=f"order-{order.pk}")
    assert invoice.state == InvoiceState.DRAFT
    return invoice


def drain(*, failing: bool = False) -> None:
    """Run every due push job now, as ``manage.py fiken_push`` does (it exits non-zero when a
    job failed, telling the operator to look in the admin)."""
    if failing:
        with pytest.raises(CommandError, match="see the Fiken push jobs in the admin"):
            call_command("fiken_push", verbosity=0)
    else:
        call_command("fiken_push", verbosity=0)


def sign_in(page, django_user_model) -> None:
    django_user_model.objects.create_superuser("operator", "operator@example.com", "op-pass-1")
    page.goto("/admin/login/")
    page.fill("#id_username", "operator")
    page.fill("#id_password", "op-pass-1")
    page.click("input[type=submit]")
    page.wait_for_selector("#user-tools")


def run_action(page, changelist: str, row_text: str, action: str) -> None:
    """Tick the row showing ``row_text`` on ``changelist`` and run ``action``."""
    page.goto(changelist)
    page.locator("#result_list tbody tr", has_text=row_text).locator("input.action-select").check()
    page.select_option("select[name=action]", action)
    page.click("button[name=index]")


def messages(page) -> str:
    return page.locator("ul.messagelist").inner_text()


def invoice_row_text(page, invoice: FikenInvoice) -> str:
    page.goto(INVOICES)
    row = page.locator("#result_list tbody tr", has_text=str(invoice.customer))
    return row.inner_text()


def test_operator_finalizes_sends_and_retries_a_failed_send(
    page, screenshot, shop, fake_fiken_server, django_user_model
):
    invoice = shop
    sign_in(page, django_user_model)

    # Finalize: the action only queues a job; the drain issues the invoice in Fiken.
    run_action(page, INVOICES, str(invoice.customer), "finalize_invoices")
    assert "Queued issuing for 1 object" in messages(page)
    drain()
    invoice.refresh_from_db()
    assert invoice.state == InvoiceState.ISSUED
    assert invoice.fiken_id is not None
    assert "Issued" in invoice_row_text(page, invoice)
    screenshot(page, "admin-invoice-issued", size=(1360, 420))

    # Send: Fiken refuses the first attempt.
    fake_fiken_server.fake.faults.fail_next(
        1, status=400, method="POST", path_regex=r"/invoices/send$"
    )
    run_action(page, INVOICES, str(invoice.customer), "send_invoices")
    page.wait_for_selector("input[name=apply]")
    screenshot(page, "admin-send-invoice-form", size=(1360, 440))
    page.click("input[name=apply]")
    assert "Queued sending for 1 object" in messages(page)
    drain(failing=True)

    job = PushJob.objects.get(kind=JobKind.SEND_INVOICE)
    assert job.status == JobStatus.FAILED
    invoice.refresh_from_db()
    assert invoice.sync_status == SyncStatus.ERROR
    page.goto(JOBS + "?kind__exact=send_invoice")
    failed_row = page.locator("#result_list tbody tr", has_text="Send invoice")
    assert "Injected fault: 400" in failed_row.inner_text()
    screenshot(page, "admin-push-job-failed", size=(1360, 420))

    page.goto(f"{JOBS}{job.pk}/change/")
    assert "Injected fault: 400" in page.locator("#pushjob_form").inner_text()

    # Retry: the job runs again and this time Fiken sends the invoice.
    run_action(page, JOBS + "?kind__exact=send_invoice", "Send invoice", "retry_now")
    assert "1 job will run again now." in messages(page)
    drain()
    job.refresh_from_db()
    invoice.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert invoice.state == InvoiceState.SENT
    assert (invoice.sync_status, invoice.last_error) == (SyncStatus.SYNCED, "")
    page.goto(JOBS)
    assert (
        page.locator("#result_list tbody tr", has_text="Send invoice")
        .locator("td.field-status")
        .inner_text()
        == "Succeeded"
    )
    screenshot(page, "admin-push-jobs", size=(1360, 600))

    # The next pull brings what Fiken assigned (number, KID, amounts) into the invoice list.
    call_command("fiken_sync", verbosity=0, stdout=io.StringIO())
    invoice.refresh_from_db()
    issued = fake_fiken_server.fake.store(invoice.company.slug).invoices[invoice.fiken_id]
    assert invoice.invoice_number == issued["invoiceNumber"]
    row = invoice_row_text(page, invoice)
    assert "Sent" in row
    assert f"Invoice {invoice.invoice_number}" in row
    screenshot(page, "admin-invoices", size=(1360, 420))
    sent = fake_fiken_server.fake.stats.calls("POST", r"/invoices/send$")
    assert [c.status for c in sent] == [400, 200]
