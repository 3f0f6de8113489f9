"""Push: mirror → Fiken, one job at a time, idempotent without idempotency keys.

Each function performs one job's HTTP calls through a company-bound client and records every
step on the mirror as soon as Fiken confirms it (its own short write, never a transaction open
across HTTP), so a retry resumes where the last attempt stopped. Before *creating* anything
after an attempt that may have reached Fiken (``job.ambiguous``), it looks in Fiken first:
contacts by ``memberNumberString`` (then the adapter's other matching keys), drafts by their
``uuid``, invoices by ``invoiceDraftUuid`` or ``orderReference``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from django_fiken import vat
from django_fiken.client import BadRequest, Conflict, FikenClient, NotFound
from django_fiken.models import (
    FikenBankAccount,
    FikenCompany,
    FikenContact,
    FikenInvoice,
    IllegalTransition,
    InvoiceState,
    JobKind,
    PushJob,
    SyncStatus,
    format_ore,
)
from django_fiken.sync import credit_notes, pull
from django_fiken.validation import ValidationError

logger = logging.getLogger("django_fiken.push")


class PermanentFailure(Exception):
    """The job cannot succeed as it stands (bad data, wrong state); retrying will not help."""


@dataclass
class PushContext:
    """What a push function needs: the job, its company and clients for it."""

    job: PushJob
    company: FikenCompany
    client: FikenClient

    @property
    def fiken(self) -> Any:
        return self.client.company(self.company.slug)


def _first(paginated: Any) -> dict[str, Any] | None:
    items = paginated.page(0).items
    return items[0] if items else None


def _check_payload(payload: dict[str, Any]) -> None:
    if "invalid" in payload:
        raise ValidationError(payload["invalid"])


# --------------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------------

_LOOKUPS = {
    "member_number": ("memberNumberString", "member_number_string"),
    "organization_number": ("organizationNumber", "organization_number"),
    "email": ("email", "email"),
}


def find_contact(ctx: PushContext, body: dict[str, Any], keys: list[str]) -> int | None:
    """The id of an existing Fiken contact matching ``body``, trying ``keys`` in order."""
    for key in keys:
        body_field, filter_name = _LOOKUPS[key]
        value = body.get(body_field)
        if not value:
            continue
        found = _first(ctx.fiken.contacts.list(page_size=1, **{filter_name: value}))
        if found is not None:
            return int(found["contactId"])
    return None


def _adopt_contact(contact: FikenContact, fiken_id: int) -> None:
    """Link ``contact`` to Fiken's ``fiken_id``, merging a pulled row that already holds it."""
    with transaction.atomic():
        other = (
            FikenContact.objects.select_for_update()
            .filter(company_id=contact.company_id, fiken_id=fiken_id)
            .exclude(pk=contact.pk)
            .first()
        )
        if other is not None:
            FikenInvoice.objects.filter(customer=other).update(customer=contact)
            other.delete()
        contact.fiken_id = fiken_id
        contact.save(update_fields=["fiken_id"])


def ensure_contact(ctx: PushContext, spec: dict[str, Any], *, update: bool) -> FikenContact:
    """Make the contact described by ``spec`` (an outbox contact payload) exist in Fiken."""
    key, body = spec["host_key"], spec["body"]
    contact, _ = FikenContact.objects.get_or_create(
        company=ctx.company,
        member_number_string=key,
        defaults={"name": body["name"], "is_customer": True},
    )
    if contact.fiken_id is None:
        keys = list(spec.get("matching_keys") or [])
        if "member_number" not in keys:  # the host key is how a retry finds its own create
            keys.insert(0, "member_number")
        found = find_contact(ctx, body, keys)
        if found is not None:
            _adopt_contact(contact, found)
            ctx.fiken.contacts.update(found, body)  # writes our memberNumberString on it
        else:
            new_id = ctx.fiken.contacts.create(body)
            _adopt_contact(contact, new_id)
    elif update:
        ctx.fiken.contacts.update(contact.fiken_id, body)
    FikenContact.objects.filter(pk=contact.pk).update(
        sync_status=SyncStatus.SYNCED, synced_at=timezone.now(), last_error=""
    )
    contact.refresh_from_db()
    return contact


def push_contact(ctx: PushContext, contact: FikenContact) -> str:
    _check_payload(ctx.job.payload)
    ensure_contact(ctx, ctx.job.payload["contact"], update=True)
    return "contact pushed"


# --------------------------------------------------------------------------------------------
# Invoices: drafts, direct invoices, issue, send, credit, payments
# --------------------------------------------------------------------------------------------


def bank_account_number(ctx: PushContext, account_code: str) -> str:
    """Drafts want the bank account *number*; adapters and settings name the account *code*."""

    def lookup() -> str | None:
        return (
            FikenBankAccount.objects.filter(company=ctx.company, account_code=account_code)
            .exclude(bank_account_number="")
            .values_list("bank_account_number", flat=True)
            .first()
        )

    number = lookup()
    if number is None:
        source = pull.SOURCES["bank_accounts"]
        pull.upsert(source, ctx.company, list(ctx.fiken.bank_accounts.list()), now=timezone.now())
        number = lookup()
    if number is None:
        raise PermanentFailure(
            f"Fiken has no bank account with code {account_code!r}; check the adapter's "
            'bank_account or FIKEN["DEFAULT_BANK_ACCOUNT"].'
        )
    return number


def _lines(invoice: dict[str, Any]) -> list[dict[str, Any]]:
    lines = []
    for line in invoice["lines"]:
        body = {
            "description": line["description"],
            "unitPrice": line["unit_price"],
            "quantity": line["quantity"],
            "vatType": line["vat_type"],
            "incomeAccount": line["income_account"],
        }
        if line.get("product_id") is not None:
            body["productId"] = line["product_id"]
        if line.get("comment"):
            body["comment"] = line["comment"]
        lines.append(body)
    return lines


def _texts(invoice: dict[str, Any]) -> dict[str, str]:
    texts = {
        "invoiceText": invoice.get("invoice_text", ""),
        "yourReference": invoice.get("your_reference", ""),
        "ourReference": invoice.get("our_reference", ""),
    }
    return {k: v for k, v in texts.items() if v}


def draft_body(
    row: FikenInvoice, payload: dict[str, Any], customer_id: Any, bank_number: str
) -> dict[str, Any]:
    """``invoiceishDraftRequest`` for the invoice described by an outbox payload."""
    invoice = payload["invoice"]
    cash = invoice.get("cash_payment_account")
    body: dict[str, Any] = {
        "type": "cash_invoice" if cash else "invoice",
        "uuid": str(row.draft_uuid),
        "issueDate": invoice["issue_date"],
        "daysUntilDueDate": invoice["days_until_due"],
        "customerId": customer_id,
        "lines": _lines(invoice),
        "currency": invoice["currency"],
        "bankAccountNumber": bank_number,
        "orderReference": payload["host_key"],
        **_texts(invoice),
    }
    if cash:
        body["paymentAccount"] = cash
    return body


def invoice_body(payload: dict[str, Any], customer_id: int) -> dict[str, Any]:
    """``invoiceRequest`` for a direct (draftless) invoice."""
    invoice = payload["invoice"]
    issue = date.fromisoformat(invoice["issue_date"])
    cash = invoice.get("cash_payment_account")
    body: dict[str, Any] = {
        "issueDate": invoice["issue_date"],
        "dueDate": (issue + timedelta(days=invoice["days_until_due"])).isoformat(),
        "lines": _lines(invoice),
        "bankAccountCode": invoice["bank_account"],
        "cash": bool(cash),
        "customerId": customer_id,
        "currency": invoice["currency"],
        "orderReference": payload["host_key"],
        **_texts(invoice),
    }
    if cash:
        body["paymentAccount"] = cash
    return body


def refresh_invoice_row(ctx: PushContext, row: FikenInvoice) -> FikenInvoice:
    """GET the invoice and apply it to the mirror the way a pull would (lines, state, signals)."""
    payload = ctx.fiken.invoices.get(row.fiken_id)
    pull.upsert(pull.SOURCES["invoices"], ctx.company, [payload], now=timezone.now())
    row.refresh_from_db()
    return row


def _follow_up(ctx: PushContext, row: FikenInvoice, kind: str, payload: dict[str, Any]) -> None:
    from django_fiken import outbox

    outbox.enqueue(kind, row, payload=payload)


def _record_issued(row: FikenInvoice, fiken_id: int) -> None:
    """Link the new Fiken invoice and mark the mirror issued, without reading it back.

    Fiken's invoice number, KID and totals reach the mirror with the next pull (scheduled every
    ``PULL["INTERVAL_MINUTES"]``, or "Refresh from Fiken" in the admin): a GET here would cost
    every paid order one more request out of the token's four per second.
    """
    row.fiken_id = fiken_id
    if row.state != InvoiceState.ISSUED:
        row.transition_to(InvoiceState.ISSUED, save=False)
    row.save(update_fields=["fiken_id", "state"])
    _mark_synced(row)


def push_invoice(ctx: PushContext, row: FikenInvoice) -> str:
    """Create or update the draft (or the direct invoice), then queue the next lifecycle step."""
    payload = ctx.job.payload
    _check_payload(payload)
    if row.state not in (InvoiceState.NEW, InvoiceState.DRAFT) or row.fiken_id is not None:
        return f"invoice already {row.state} in Fiken; nothing to push"
    contact = ensure_contact(ctx, payload["customer"], update=False)
    if row.customer_id != contact.pk:
        row.customer = contact
        row.save(update_fields=["customer"])
    policy = payload.get("policy", "issue_and_send")
    send = payload.get("send") if policy == "issue_and_send" else None
    if payload.get("via_draft", True) or policy == "draft":
        bank_number = bank_account_number(ctx, payload["invoice"]["bank_account"])
        body = draft_body(row, payload, contact.fiken_id, bank_number)
        if row.draft_id is None:
            found = None
            if ctx.job.ambiguous:
                found = _first(ctx.fiken.invoice_drafts.list(page_size=1, uuid=row.draft_uuid))
            draft_id = int(found["draftId"]) if found else ctx.fiken.invoice_drafts.create(body)
            row.draft_id = draft_id
            row.transition_to(InvoiceState.DRAFT, save=False)
            row.save(update_fields=["draft_id", "state"])
        else:
            ctx.fiken.invoice_drafts.update(row.draft_id, body)
        _mark_synced(row)
        if policy in ("issue", "issue_and_send"):
            _follow_up(ctx, row, JobKind.ISSUE_INVOICE, {"send": send})
        return f"draft {row.draft_id} in Fiken"
    found = None
    if ctx.job.ambiguous:
        found = _first(ctx.fiken.invoices.list(page_size=1, order_reference=payload["host_key"]))
    invoice_id = (
        int(found["invoiceId"])
        if found
        else with_counter(
            ctx,
            "invoice",
            lambda: ctx.fiken.invoices.create(invoice_body(payload, contact.fiken_id)),
        )
    )
    _record_issued(row, invoice_id)
    if send:
        _follow_up(ctx, row, JobKind.SEND_INVOICE, send)
    return f"invoice {invoice_id} issued in Fiken"


def _mark_synced(row: FikenInvoice) -> None:
    FikenInvoice.objects.filter(pk=row.pk).update(
        sync_status=SyncStatus.SYNCED, synced_at=timezone.now(), last_error=""
    )


def _counter_missing(exc: Exception) -> bool:
    text = " ".join(getattr(exc, "messages", []) or [str(exc)]).lower()
    return "counter" in text


def with_counter(ctx: PushContext, counter: str, create: Callable[[], int]) -> int:
    """Run ``create``; if Fiken says the document counter is missing, initialise it once.

    A new Fiken company has no invoice or credit note counter until it is created; Fiken
    answers 404/409 naming the counter. The counter is checked, created if still missing (a
    409 there means someone else just did), and the create is tried once more.
    """
    try:
        return create()
    except (NotFound, Conflict, BadRequest) as exc:
        if not _counter_missing(exc):
            raise
    resource = ctx.fiken.invoices if counter == "invoice" else ctx.fiken.credit_notes
    try:
        resource.counter()
    except NotFound:
        with contextlib.suppress(Conflict):  # created meanwhile: what we wanted
            resource.create_counter()
    return create()


def issue_invoice(ctx: PushContext, row: FikenInvoice) -> str:
    """Turn the draft into an invoice (``createInvoiceFromDraft``); queue sending if asked."""
    send = (ctx.job.payload or {}).get("send")
    if row.fiken_id is None:
        if not row.can_transition_to(InvoiceState.ISSUED):
            raise IllegalTransition(row, InvoiceState.ISSUED)
        if row.draft_id is None:
            raise PermanentFailure("The invoice has no draft in Fiken yet; push it first.")
        found = None
        if ctx.job.ambiguous:
            found = _first(ctx.fiken.invoices.list(page_size=1, invoice_draft_uuid=row.draft_uuid))
        if found:
            invoice_id = int(found["invoiceId"])
        else:
            invoice_id = with_counter(
                ctx, "invoice", lambda: ctx.fiken.invoices.create_from_draft(row.draft_id)
            )
        _record_issued(row, invoice_id)
    if send:
        _follow_up(ctx, row, JobKind.SEND_INVOICE, send)
    return f"invoice {row.fiken_id} issued"


def _require_issued(row: FikenInvoice) -> None:
    if row.fiken_id is None:
        raise PermanentFailure(
            f"The invoice is {row.get_state_display().lower()}, not issued in Fiken yet."
        )


def send_invoice(ctx: PushContext, row: FikenInvoice) -> str:
    _require_issued(row)
    payload = ctx.job.payload or {}
    if row.state == InvoiceState.SENT and not payload.get("again"):
        return "already sent"
    if row.state != InvoiceState.SENT and not row.can_transition_to(InvoiceState.SENT):
        raise IllegalTransition(row, InvoiceState.SENT)
    if ctx.job.ambiguous:
        current = ctx.fiken.invoices.get(row.fiken_id)
        if current.get("dispatches"):
            return _record_sent(row, "found sent in Fiken")
    body: dict[str, Any] = {
        "invoiceId": row.fiken_id,
        "method": list(payload.get("methods") or ["auto"]),
        "includeDocumentAttachments": True,
    }
    for key, field in (
        ("recipient_email", "recipientEmail"),
        ("recipient_name", "recipientName"),
        ("message", "message"),
    ):
        if payload.get(key):
            body[field] = payload[key]
    ctx.fiken.invoices.send(body)
    return _record_sent(row, f"sent ({', '.join(body['method'])})")


def _record_sent(row: FikenInvoice, message: str) -> str:
    row.sent = True
    if row.state != InvoiceState.SENT:
        row.transition_to(InvoiceState.SENT, save=False)
    # A send that failed before left its error on the mirror; this one reached Fiken.
    row.sync_status, row.synced_at, row.last_error = SyncStatus.SYNCED, timezone.now(), ""
    row.save(update_fields=["sent", "state", "sync_status", "synced_at", "last_error"])
    return message


def mark_sent(ctx: PushContext, row: FikenInvoice) -> str:
    """Tell Fiken the invoice went out some other way (``updateInvoice`` ``sentManually``)."""
    _require_issued(row)
    if row.state != InvoiceState.SENT and not row.can_transition_to(InvoiceState.SENT):
        raise IllegalTransition(row, InvoiceState.SENT)
    ctx.fiken.invoices.update(row.fiken_id, {"sentManually": True})
    return _record_sent(row, "marked as sent manually")


def _known_credit_notes(ctx: PushContext, row: FikenInvoice) -> set[int]:
    """Credit notes the invoice had before this job first tried, recorded on the job.

    Fiken takes no idempotency key for credit notes, so a retry after an ambiguous failure
    looks for a credit note on the invoice that was not there before. "Before" is written on
    the job at the first attempt: a pull between two attempts may record the job's own credit
    note on the mirror, and the mirror alone would then hide it.
    """
    recorded = (ctx.job.payload or {}).get("credit_notes_before")
    if recorded is not None:
        return {int(i) for i in recorded}
    listed = (row.fiken_data or {}).get("associatedCreditNotes") or []
    known = {int(i) for i in listed} | {int(i) for i in (row.credit_note_amounts or {})}
    ctx.job.payload = {**(ctx.job.payload or {}), "credit_notes_before": sorted(known)}
    PushJob.objects.filter(pk=ctx.job.pk).update(payload=ctx.job.payload)
    return known


def _partial_body(
    row: FikenInvoice, lines: list[dict[str, Any]], text: str, issue_date: str
) -> dict[str, Any]:
    """``partialCreditNoteRequest`` for credit note lines in push payload form."""
    body: dict[str, Any] = {
        "issueDate": issue_date,
        "invoiceId": row.fiken_id,
        "currency": row.currency,
        "lines": [
            {
                "description": line["description"],
                "unitPrice": line["unit_price"],
                "quantity": line.get("quantity", 1),
                "vatType": line.get("vat_type", "HIGH"),
                "incomeAccount": line.get("income_account", "3000"),
            }
            for line in lines
        ],
    }
    if row.customer is not None and row.customer.fiken_id:
        body["contactId"] = row.customer.fiken_id
    if text:
        body["creditNoteText"] = text
    return body


def _credit_notes_of(ctx: PushContext, row: FikenInvoice) -> list[dict[str, Any]]:
    """Every credit note on the invoice, read from Fiken (recorded on the mirror as well)."""
    listed = (row.fiken_data or {}).get("associatedCreditNotes") or []
    notes = [ctx.fiken.credit_notes.get(int(i)) for i in listed]
    credit_notes.apply_credit_notes(ctx.company, notes)
    row.refresh_from_db()
    return notes


def remainder_lines(row: FikenInvoice, notes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Credit note lines (push payload form) for what ``notes`` left uncredited, per VAT type.

    Each VAT type keeps what the invoice charged minus what the credit notes took, with the
    income account of the invoice's first line of that type; lines come out to the øre, VAT
    included (:func:`django_fiken.vat.nets_for_gross`).
    """
    left: dict[str, int] = {}
    accounts: dict[str, str] = {}
    for line in row.lines.all():
        vat_type = line.vat_type or "NONE"
        left[vat_type] = left.get(vat_type, 0) + line.gross
        accounts.setdefault(vat_type, line.income_account or "3000")
    for note in notes:
        for line in note.get("lines") or []:
            vat_type = line.get("vatType") or "NONE"
            left[vat_type] = left.get(vat_type, 0) - abs(int(line.get("gross") or 0))
    if not left or any(amount < 0 for amount in left.values()):
        raise PermanentFailure(
            f"Cannot work out the rest of invoice {row.invoice_number or row.fiken_id} by VAT "
            "type (its earlier credit notes use VAT types the invoice does not, or Fiken "
            f"shows no lines). Credit the {format_ore(row.remaining_to_credit, row.currency)} "
            "left as a partial credit with the VAT type it should carry."
        )
    number = row.invoice_number or row.fiken_id
    lines = []
    for vat_type, amount in sorted(left.items()):
        for index, net in enumerate(vat.nets_for_gross(amount, vat_type)):
            lines.append(
                {
                    "description": (
                        f"Resten av faktura {number}" if index == 0 else "Øreavrunding"
                    ),
                    "unit_price": net,
                    "quantity": 1,
                    "vat_type": vat_type,
                    "income_account": accounts.get(vat_type, "3000"),
                }
            )
    return lines


def credit_invoice(ctx: PushContext, row: FikenInvoice) -> str:
    """A credit note for an issued invoice: all of what is left, or part of it.

    ``mode: "partial"`` credits the payload's ``lines``; it is refused before Fiken is called
    when their gross exceeds what the mirror says is left to credit. ``mode: "full"`` credits
    everything left: Fiken's full credit note always covers the whole invoice, so once the
    invoice has a credit note, the remainder goes as a partial credit note instead (the invoice
    and its credit notes are read from Fiken first, so the remainder is Fiken's, not a stale
    mirror's).
    """
    _require_issued(row)
    payload = ctx.job.payload or {}
    if not row.can_transition_to(InvoiceState.CREDITED):
        raise IllegalTransition(row, InvoiceState.CREDITED)
    mode = payload.get("mode", "full")
    requested = vat.lines_gross(payload["lines"]) if mode == "partial" else 0
    known = _known_credit_notes(ctx, row)
    current = ctx.fiken.invoices.get(row.fiken_id) if ctx.job.ambiguous else None
    if current is not None and {int(i) for i in current.get("associatedCreditNotes") or []} - known:
        _apply_invoice(ctx, row, current, fetch_credit_notes=True)
        return "credit note found in Fiken"
    if row.fiken_data and requested > row.remaining_to_credit:
        raise PermanentFailure(_over_credit(row, requested))
    if mode == "full" or not row.fiken_data:  # never read back after issuing: no gross yet
        current = current or ctx.fiken.invoices.get(row.fiken_id)
        _apply_invoice(ctx, row, current, fetch_credit_notes=mode == "partial")
        if requested > row.remaining_to_credit:
            raise PermanentFailure(_over_credit(row, requested))
    issue_date = payload.get("issue_date") or timezone.localdate().isoformat()
    text = payload.get("text") or ""
    if mode == "partial":
        body = _partial_body(row, payload["lines"], text, issue_date)
        create = ctx.fiken.credit_notes.create_partial
    elif not (row.fiken_data or {}).get("associatedCreditNotes"):
        body = {"issueDate": issue_date, "invoiceId": row.fiken_id}
        if text:
            body["creditNoteText"] = text
        create = ctx.fiken.credit_notes.create_full
    else:
        notes = _credit_notes_of(ctx, row)
        if row.remaining_to_credit <= 0:
            return "nothing left to credit"
        body = _partial_body(row, remainder_lines(row, notes), text, issue_date)
        create = ctx.fiken.credit_notes.create_partial
    note_id = with_counter(ctx, "creditNote", lambda: create(body))
    credit_notes.apply_credit_notes(ctx.company, [ctx.fiken.credit_notes.get(note_id)])
    refresh_invoice_row(ctx, row)
    if mode == "partial":
        return f"partial credit note of {format_ore(requested, row.currency)} created"
    return "credit note for the rest of the invoice created"


def _over_credit(row: FikenInvoice, requested: int) -> str:
    return (
        f"A credit of {format_ore(requested, row.currency)} (VAT included) is more than the "
        f"{format_ore(row.remaining_to_credit, row.currency)} left to credit on {row} "
        f"(gross {format_ore(row.gross, row.currency)}, credited "
        f"{format_ore(row.credited_amount, row.currency)}); no credit note was created."
    )


def _apply_invoice(
    ctx: PushContext, row: FikenInvoice, payload: dict[str, Any], *, fetch_credit_notes: bool
) -> None:
    """Apply a fetched invoice to the mirror, with its credit notes not recorded yet if asked."""
    pull.upsert(pull.SOURCES["invoices"], ctx.company, [payload], now=timezone.now())
    row.refresh_from_db()
    if fetch_credit_notes:
        credit_notes.fetch_missing_credit_notes(ctx.fiken, row)


def register_payment(ctx: PushContext, row: FikenInvoice) -> str:
    """Record a payment on the invoice's sale (money received outside Fiken)."""
    _require_issued(row)
    payload = ctx.job.payload or {}
    sale_id = ((row.fiken_data or {}).get("sale") or {}).get("saleId")
    if sale_id is None:
        sale_id = ((refresh_invoice_row(ctx, row).fiken_data or {}).get("sale") or {}).get("saleId")
    if sale_id is None:
        raise PermanentFailure("Fiken shows no sale for this invoice; cannot register a payment.")
    body = {"date": payload["date"], "account": payload["account"], "amount": payload["amount"]}
    if ctx.job.ambiguous:
        for payment in ctx.fiken.sale_payments.list(sale_id):
            if all(payment.get(k) == v for k, v in body.items()):
                refresh_invoice_row(ctx, row)
                return "payment found in Fiken"
    ctx.fiken.sale_payments.create(sale_id, body)
    refresh_invoice_row(ctx, row)
    return f"payment of {body['amount']} øre registered"


def preview(job: PushJob) -> dict[str, Any]:
    """What ``job`` would send, without calling Fiken (``fiken_push --dry-run``).

    Ids Fiken has not given yet (a new customer's contact id) appear as placeholders.
    """
    payload = job.payload or {}
    if "invalid" in payload:
        return {"invalid": payload["invalid"]}
    if job.kind == JobKind.PUSH_CONTACT:
        return {"contact": payload["contact"]["body"]}
    if job.kind != JobKind.PUSH_INVOICE:
        return {"payload": payload}
    contact = FikenContact.objects.filter(
        company_id=job.company_id, member_number_string=payload["customer"]["host_key"]
    ).first()
    customer_id = contact.fiken_id if contact and contact.fiken_id else "<contact id once pushed>"
    code = payload["invoice"]["bank_account"]
    account = FikenBankAccount.objects.filter(company_id=job.company_id, account_code=code).first()
    bank_number = account.bank_account_number if account else f"<number of account {code}>"
    row = FikenInvoice.objects.get(pk=job.target_id)
    if payload.get("via_draft", True) or payload.get("policy") == "draft":
        return {"invoiceDraft": draft_body(row, payload, customer_id, bank_number)}
    return {"invoice": invoice_body(payload, customer_id)}


#: Job kind → the function that performs it on the job's target mirror.
HANDLERS = {
    JobKind.PUSH_CONTACT: push_contact,
    JobKind.PUSH_INVOICE: push_invoice,
    JobKind.ISSUE_INVOICE: issue_invoice,
    JobKind.SEND_INVOICE: send_invoice,
    JobKind.MARK_SENT: mark_sent,
    JobKind.CREDIT_INVOICE: credit_invoice,
    JobKind.REGISTER_PAYMENT: register_payment,
}
