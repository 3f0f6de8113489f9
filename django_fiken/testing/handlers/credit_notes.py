"""Credit notes: full and partial (from an invoice), drafts ("uavhengig kreditnota"), sending."""

from __future__ import annotations

from typing import Any

from ..http import ApiError
from ..state import public
from .base import Context, apply_filters, get_or_404, route, touch
from .contacts import render_contact
from .drafts import register_counter, register_drafts, take_number
from .invoices import address_of, dispatch
from .journal import post_journal
from .lines import kid_for, priced_line, totals
from .sales import recompute, render_sale


def render_credit_note(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    contact = ctx.store.contacts.get(record["_customerId"])
    result["customer"] = render_contact(contact) if contact else {"name": "Ukjent kunde"}
    sale = ctx.store.sales.get(record.get("_saleId"))
    if sale is not None:
        result["sale"] = render_sale(ctx, sale)
    return result


def issue_credit_note(
    ctx: Context,
    *,
    customer_id: int,
    lines: list[dict[str, Any]],
    issue_date: str,
    invoice: dict[str, Any] | None,
    extra: dict[str, Any],
) -> dict[str, Any]:
    contact = ctx.store.contacts.get(customer_id)
    if contact is None:
        raise ApiError(400, f"Contact {customer_id} is not a contact of this company")
    if not lines:
        raise ApiError(400, "A credit note needs at least one line")
    priced = [priced_line(ctx, line) for line in lines]
    sums = totals(priced)
    if invoice is not None:
        already = sum(ctx.store.credit_notes[c]["gross"] for c in invoice["associatedCreditNotes"])
        if already + sums["gross"] > invoice["gross"]:
            raise ApiError(400, "The credit notes would exceed the invoice's amount")
    number = take_number(ctx, "creditNote", "credit note")
    receivable = contact.get("customerAccountCode", "1500")
    postings = [(receivable, -sums["gross"])]
    for line in priced:
        postings.append((line["incomeAccount"], line["net"]))
        if line["vat"]:
            postings.append(("2700", line["vat"]))
    post_journal(
        ctx, description=f"Kreditnota {number}", date=issue_date, lines=postings, kind="credit_note"
    )
    credit_id = ctx.state.next_id()
    record = {
        "creditNoteId": credit_id,
        "creditNoteNumber": number,
        "kid": kid_for(number),
        **sums,
        "address": address_of(ctx, contact),
        "lines": priced,
        "currency": "NOK",
        "issueDate": issue_date,
        "lastModifiedDate": ctx.state.today_iso(),
        "settled": invoice is not None,
        "_customerId": customer_id,
        **{k: v for k, v in extra.items() if v is not None},
    }
    if invoice is not None:
        record["associatedInvoiceId"] = invoice["invoiceId"]
        record["_saleId"] = invoice["_saleId"]
        invoice["associatedCreditNotes"].append(credit_id)
        touch(ctx, invoice)
        sale = ctx.store.sales[invoice["_saleId"]]
        sale["_credited"] = sale.get("_credited", 0) + sums["gross"]
        recompute(ctx, sale, settled_on=issue_date)
    ctx.store.credit_notes[credit_id] = record
    return record


@route("POST", "/companies/{companySlug}/creditNotes/full", "createFullCreditNote")
def full_credit_note(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        invoice = get_or_404(ctx.store.invoices, data.get("invoiceId"), "Invoice")
        lines = [
            {
                k: line[k]
                for k in (
                    "net",
                    "vat",
                    "vatType",
                    "quantity",
                    "unitPrice",
                    "description",
                    "incomeAccount",
                    "productId",
                )
                if k in line
            }
            for line in invoice["lines"]
        ]
        record = issue_credit_note(
            ctx,
            customer_id=invoice["_customerId"],
            lines=lines,
            issue_date=data["issueDate"],
            invoice=invoice,
            extra={"creditNoteText": data.get("creditNoteText")},
        )
    return ctx.created(f"/creditNotes/{record['creditNoteId']}")


@route("POST", "/companies/{companySlug}/creditNotes/partial", "createPartialCreditNote")
def partial_credit_note(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        invoice = None
        if data.get("invoiceId") is not None:
            invoice = get_or_404(ctx.store.invoices, data["invoiceId"], "Invoice")
        customer_id = data.get("contactId") or (invoice or {}).get("_customerId")
        if customer_id is None:
            raise ApiError(400, "A partial credit note needs invoiceId or contactId")
        record = issue_credit_note(
            ctx,
            customer_id=customer_id,
            lines=data.get("lines") or [],
            issue_date=data["issueDate"],
            invoice=invoice,
            extra={
                "creditNoteText": data.get("creditNoteText"),
                "yourReference": data.get("yourReference"),
                "orderReference": data.get("orderReference"),
            },
        )
    return ctx.created(f"/creditNotes/{record['creditNoteId']}")


def credit_from_draft(ctx: Context, draft: dict[str, Any]) -> str:
    record = issue_credit_note(
        ctx,
        customer_id=draft["_customerId"],
        lines=draft.get("lines") or [],
        issue_date=draft.get("issueDate") or ctx.state.today_iso(),
        invoice=None,
        extra={
            "creditNoteDraftUuid": draft["uuid"],
            "creditNoteText": draft.get("invoiceText"),
            "yourReference": draft.get("yourReference"),
            "orderReference": draft.get("orderReference"),
        },
    )
    return f"/creditNotes/{record['creditNoteId']}"


register_drafts(
    base="/creditNotes/drafts",
    collection="credit_note_drafts",
    kind="credit_note",
    names={
        "list": "getCreditNoteDrafts",
        "create": "createCreditNoteDraft",
        "get": "getCreditNoteDraft",
        "update": "updateCreditNoteDraft",
        "delete": "deleteCreditNoteDraft",
        "get_attachments": "getCreditNoteDraftAttachments",
        "add_attachment": "addAttachmentToCreditNoteDraft",
    },
    finalize=("createCreditNote", "createCreditNoteFromDraft", credit_from_draft),
)
register_counter(
    "/creditNotes", "creditNote", "getCreditNoteCounter", "createCreditNoteCounter", "credit note"
)


@route("GET", "/companies/{companySlug}/creditNotes", "getCreditNotes")
def get_credit_notes(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.credit_notes.values(),
        equals={
            "customerId": lambda r: r["_customerId"],
            "creditNoteDraftUuid": lambda r: r.get("creditNoteDraftUuid"),
        },
        booleans={"settled": lambda r: r.get("settled")},
        dates={
            "issueDate": lambda r: r["issueDate"],
            "lastModified": lambda r: r.get("lastModifiedDate"),
        },
    )
    return ctx.page(items, lambda r: render_credit_note(ctx, r))


@route("GET", "/companies/{companySlug}/creditNotes/{creditNoteId}", "getCreditNote")
def get_credit_note(ctx: Context):
    record = get_or_404(ctx.store.credit_notes, ctx.id("creditNoteId"), "Credit note")
    return ctx.ok(render_credit_note(ctx, record))


@route("POST", "/companies/{companySlug}/creditNotes/send", "sendCreditNote")
def send_credit_note(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.credit_notes, data.get("creditNoteId"), "Credit note")
        dispatch(
            ctx,
            data,
            kind="creditNote",
            key=record["creditNoteId"],
            customer_id=record["_customerId"],
        )
        touch(ctx, record)
    return ctx.empty(200)
