"""Admin actions queue push jobs (never calling Fiken in the request) behind their permissions."""

from __future__ import annotations

import datetime

import pytest
import requests
from django.contrib.auth.models import Permission, User
from django.contrib.messages import get_messages
from django.urls import reverse

from django_fiken import outbox
from django_fiken.models import FikenInvoice, JobKind, JobStatus, PushJob
from tests.testapp.models import Customer, Order, OrderLine

CHANGELIST = "admin:django_fiken_fikeninvoice_changelist"


@pytest.fixture(autouse=True)
def no_http(monkeypatch):
    def refuse(self, request, **kwargs):
        raise AssertionError(f"HTTP inside an admin request: {request.url}")

    monkeypatch.setattr(requests.Session, "send", refuse)


def invoice_in(company, state: str, **fields) -> FikenInvoice:
    return FikenInvoice.objects.create(company=company, state=state, **fields)


def run_action(client, action: str, objects, url=CHANGELIST, **data):
    return client.post(
        reverse(url),
        {"action": action, "_selected_action": [o.pk for o in objects], **data},
        follow=False,
    )


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def staff_with(*codenames: str) -> User:
    user = User.objects.create_user("clerk", password="x", is_staff=True)
    perms = Permission.objects.filter(
        content_type__app_label="django_fiken",
        codename__in=["view_fikeninvoice", "view_pushjob", *codenames],
    )
    user.user_permissions.set(perms)
    return user


def test_finalize_queues_issue_jobs_and_refuses_illegal_moves(admin_client, company):
    draft = invoice_in(company, "draft", draft_id=5)
    sent = invoice_in(company, "sent", fiken_id=9)
    response = run_action(admin_client, "finalize_invoices", [draft, sent])
    assert response.status_code == 302
    job = PushJob.objects.get()
    assert (job.kind, job.target_id, job.status) == (JobKind.ISSUE_INVOICE, draft.pk, "pending")
    messages = texts(response)
    assert any("Queued issuing for 1 object" in m for m in messages)
    assert any("cannot go from Sent to issued" in m for m in messages)


def test_send_asks_for_the_method_then_queues(admin_client, company):
    issued = invoice_in(company, "issued", fiken_id=9)
    form = run_action(admin_client, "send_invoices", [issued])
    assert form.status_code == 200
    assert b"Send by" in form.content
    assert not PushJob.objects.exists()
    response = run_action(
        admin_client,
        "send_invoices",
        [issued],
        apply="1",
        methods=["ehf", "email"],
        recipient_email="regnskap@example.no",
    )
    assert response.status_code == 302
    job = PushJob.objects.get()
    assert job.kind == JobKind.SEND_INVOICE
    assert job.payload["methods"] == ["ehf", "email"]
    assert job.payload["recipient_email"] == "regnskap@example.no"


def test_credit_needs_confirmation_and_an_amount_when_partial(admin_client, company):
    issued = invoice_in(company, "issued", fiken_id=9)
    unconfirmed = run_action(
        admin_client,
        "credit_invoices",
        [issued],
        apply="1",
        mode="partial",
        issue_date="2026-11-05",
    )
    assert unconfirmed.status_code == 200  # the form again, with its errors
    assert b"A partial credit needs an amount" in unconfirmed.content
    assert not PushJob.objects.exists()
    response = run_action(
        admin_client,
        "credit_invoices",
        [issued],
        apply="1",
        mode="partial",
        issue_date="2026-11-05",
        amount="5000",
        description="Rabatt",
        vat_type="HIGH",
        confirm="on",
    )
    assert response.status_code == 302
    job = PushJob.objects.get()
    assert job.payload["mode"] == "partial"
    assert job.payload["lines"] == [
        {"description": "Rabatt", "unit_price": 5000, "quantity": 1, "vat_type": "HIGH"}
    ]


def test_mark_sent_and_push_draft(admin_client, company):
    issued = invoice_in(company, "issued", fiken_id=9)
    run_action(admin_client, "mark_invoices_sent", [issued])
    assert PushJob.objects.get().kind == JobKind.MARK_SENT

    customer = Customer.objects.create(name="Kari")
    order = Order.objects.create(
        customer=customer, order_date=datetime.date(2026, 11, 2), status=Order.Status.PAID
    )
    OrderLine.objects.create(order=order, description="Sokker", unit_price_ore=19900)
    outbox.enqueue_host_push(order)  # lines added after the order: push it again
    invoice = FikenInvoice.objects.get(host_key=f"order-{order.pk}")
    PushJob.objects.filter(kind=JobKind.PUSH_INVOICE).update(status=JobStatus.FAILED)
    run_action(admin_client, "push_draft", [invoice])
    job = PushJob.objects.get(kind=JobKind.PUSH_INVOICE, status=JobStatus.PENDING)
    assert job.payload["policy"] == "draft"
    assert job.payload["invoice"]["lines"][0]["unit_price"] == 19900


def test_each_action_needs_its_permission(client, company):
    issued = invoice_in(company, "issued", fiken_id=9)
    client.force_login(staff_with("send_invoice"))
    page = client.get(reverse(CHANGELIST))
    actions = [choice[0] for choice in page.context["action_form"].fields["action"].choices]
    assert "send_invoices" in actions
    assert "finalize_invoices" not in actions
    assert "credit_invoices" not in actions
    run_action(client, "credit_invoices", [issued], apply="1", mode="full", confirm="on")
    assert not PushJob.objects.exists()


def test_job_admin_retries_and_cancels(admin_client, company):
    Customer.objects.create(name="Kari")
    job = PushJob.objects.get()
    PushJob.objects.update(status=JobStatus.FAILED, attempts=3, last_error="400: name missing")
    page = admin_client.get(reverse("admin:django_fiken_pushjob_changelist"))
    assert b"400: name missing" in page.content
    detail = admin_client.get(reverse("admin:django_fiken_pushjob_change", args=[job.pk]))
    contact_url = reverse("admin:django_fiken_fikencontact_change", args=[job.target_id])
    assert contact_url.encode() in detail.content  # a link to the mirror
    assert f"customer {job.host_id}".encode() in detail.content  # and the host object
    run_action(admin_client, "retry_now", [job], url="admin:django_fiken_pushjob_changelist")
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.PENDING, 0)
    run_action(admin_client, "cancel", [job], url="admin:django_fiken_pushjob_changelist")
    job.refresh_from_db()
    assert job.status == JobStatus.CANCELLED


def test_mirror_pages_show_their_push_jobs(admin_client, company):
    Customer.objects.create(name="Kari")
    job = PushJob.objects.get()
    PushJob.objects.update(last_error="409: member number taken")
    page = admin_client.get(reverse("admin:django_fiken_fikencontact_change", args=[job.target_id]))
    assert page.status_code == 200
    assert b"409: member number taken" in page.content


def partly_credited(company, **fields) -> FikenInvoice:
    """Issued, read from Fiken, 125,00 kr of its 497,50 kr already credited."""
    return invoice_in(
        company,
        fields.pop("state", "issued"),
        fiken_id=fields.pop("fiken_id", 9),
        invoice_number=fields.pop("invoice_number", 10001),
        fiken_data={"invoiceId": 9},
        gross=49750,
        credited_amount=12500,
        credit_note_amounts={"501": 12500},
        **fields,
    )


def credit_form(client, invoices, **data):
    fields = {"apply": "1", "issue_date": "2026-11-05", "confirm": "on", "vat_type": "HIGH"}
    return run_action(client, "credit_invoices", invoices, **{**fields, **data})


def test_credit_form_shows_what_is_left_and_refuses_more(admin_client, company):
    invoice = partly_credited(company)
    form = run_action(admin_client, "credit_invoices", [invoice])
    assert "Invoice 10001: 372,50 kr of 497,50 kr" in form.content.decode()

    too_much = credit_form(admin_client, [invoice], mode="partial", amount="29900")
    assert too_much.status_code == 200  # 373,75 kr with VAT: the form again, with the error
    assert (
        "373,75 kr with VAT is more than the 372,50 kr left to credit on Invoice 10001."
        in too_much.content.decode()
    )
    assert not PushJob.objects.exists()

    exact = credit_form(admin_client, [invoice], mode="partial", amount="29800")
    assert exact.status_code == 302
    assert PushJob.objects.get().payload["lines"][0]["unit_price"] == 29800


def test_a_second_credit_waits_for_the_first(admin_client, company):
    invoice = partly_credited(company)
    credit_form(admin_client, [invoice], mode="partial", amount="100")
    response = credit_form(admin_client, [invoice], mode="full")
    assert PushJob.objects.get().payload["mode"] == "partial"  # not replaced by the second
    assert any("a credit note is already queued" in m for m in texts(response))


def test_invoice_list_filters_and_shows_credited_amounts(admin_client, company):
    partly = partly_credited(company)
    fully = partly_credited(company, fiken_id=10, invoice_number=10002, state="credited")
    FikenInvoice.objects.filter(pk=fully.pk).update(credited_amount=49750)
    untouched = invoice_in(company, "issued", fiken_id=11, invoice_number=10003, gross=100)
    changelist = reverse(CHANGELIST)

    def listed(value: str) -> set[int]:
        page = admin_client.get(changelist, {"credited": value})
        return {row.pk for row in page.context["cl"].result_list}

    assert listed("partly") == {partly.pk}
    assert listed("fully") == {fully.pk}
    assert listed("none") == {untouched.pk}
    page = admin_client.get(changelist, {"credited": "partly"}).content.decode()
    assert "125,00 kr" in page
    detail = admin_client.get(reverse("admin:django_fiken_fikeninvoice_change", args=[partly.pk]))
    text = detail.content.decode()
    assert "372,50 kr" in text and "501: 125,00 kr" in text
