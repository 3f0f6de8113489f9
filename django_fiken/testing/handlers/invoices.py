"""Invoices: drafts, issuing (from a draft or directly), the counter, sending, due dates."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from ..http import ApiError
from ..state import public
from .base import Context, apply_filters, get_or_404, route, touch
from .contacts import render_contact
from .drafts import register_counter, register_drafts, take_number
from .lines import kid_for, priced_line, totals
from .sales import add_payment, create_sale, render_sale


def bank_account_by_code(ctx: Context, code: str | None) -> dict[str, Any]:
    accounts = [a for a in ctx.store.bank_accounts.values() if not a.get("inactive")]
    if code is None:
        if not accounts:
            raise ApiError(400, "The company has no bank account to put on the invoice")
        return accounts[0]
    for account in accounts:
        if code in (account["accountCode"], account["bankAccountNumber"]):
            return account
    raise ApiError(400, f"Bank account {code} does not exist")


def address_of(ctx: Context, contact: dict[str, Any]) -> dict[str, Any]:
    """The document address: the contact's, else the company's (Fiken requires one)."""
    return dict(contact.get("address") or ctx.store.company.get("address") or {"country": "Norge"})


def render_invoice(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    contact = ctx.store.contacts.get(record["_customerId"])
    if contact is not None:
        result["customer"] = render_contact(contact)
    sale = ctx.store.sales.get(record["_saleId"])
    if sale is not None:
        result["sale"] = render_sale(ctx, sale)
    return result


def issue_invoice(
    ctx: Context,
    *,
    customer_id: int,
    lines: list[dict[str, Any]],
    issue_date: str,
    due_date: str,
    bank_account_code: str | None,
    cash: bool = False,
    payment_account: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Create an invoice, its sale and booking; numbered from the invoice counter."""
    contact = ctx.store.contacts.get(customer_id)
    if contact is None:
        raise ApiError(400, f"customerId {customer_id} is not a contact of this company")
    if not lines:
        raise ApiError(400, "An invoice needs at least one line")
    if cash and not payment_account:
        raise ApiError(400, "paymentAccount is required for cash invoices")
    bank = bank_account_by_code(ctx, bank_account_code)
    priced = [priced_line(ctx, line) for line in lines]
    number = take_number(ctx, "invoice", "invoice")
    if not contact.get("customer"):
        contact["customer"] = True
        from .contacts import _assign_ledgers

        _assign_ledgers(ctx, contact)
    kid = kid_for(number)
    today = ctx.state.today_iso()
    sale = create_sale(
        ctx,
        kind="cash_sale" if cash else "invoice",
        date=issue_date,
        lines=priced,
        customer_id=customer_id,
        currency=(extra or {}).get("currency", "NOK"),
        sale_number=str(number),
        due_date=due_date,
        kid=kid,
    )
    invoice_id = ctx.state.next_id()
    record = {
        "invoiceId": invoice_id,
        "createdDate": today,
        "lastModifiedDate": today,
        "invoiceNumber": number,
        "kid": kid,
        "issueDate": issue_date,
        "dueDate": due_date,
        **totals(priced),
        "cash": cash,
        "address": address_of(ctx, contact),
        "lines": priced,
        "currency": "NOK",
        "bankAccountNumber": bank["bankAccountNumber"],
        "sentManually": False,
        "associatedCreditNotes": [],
        "attachments": [],
        "dispatches": [],
        "_customerId": customer_id,
        "_saleId": sale["saleId"],
        **{k: v for k, v in (extra or {}).items() if v is not None},
    }
    ctx.store.invoices[invoice_id] = record
    sale["_invoiceId"] = invoice_id
    if cash:
        add_payment(
            ctx, sale, {"date": issue_date, "account": payment_account, "amount": record["gross"]}
        )
    return record


def issue_from_draft(ctx: Context, draft: dict[str, Any]) -> str:
    if not draft.get("lines"):
        raise ApiError(400, "The draft has no lines")
    issue = draft.get("issueDate") or ctx.state.today_iso()
    due = date.fromisoformat(issue) + timedelta(days=int(draft.get("daysUntilDueDate") or 0))
    record = issue_invoice(
        ctx,
        customer_id=draft["_customerId"],
        lines=draft["lines"],
        issue_date=issue,
        due_date=due.isoformat(),
        bank_account_code=draft.get("bankAccountNumber"),
        cash=draft.get("type") == "cash_invoice",
        payment_account=draft.get("paymentAccount"),
        extra={
            "invoiceDraftUuid": draft["uuid"],
            "invoiceText": draft.get("invoiceText"),
            "yourReference": draft.get("yourReference"),
            "ourReference": draft.get("ourReference"),
            "orderReference": draft.get("orderReference"),
        },
    )
    return f"/invoices/{record['invoiceId']}"


register_drafts(
    base="/invoices/drafts",
    collection="invoice_drafts",
    kind="invoice",
    names={
        "list": "getInvoiceDrafts",
        "create": "createInvoiceDraft",
        "get": "getInvoiceDraft",
        "update": "updateInvoiceDraft",
        "delete": "deleteInvoiceDraft",
        "get_attachments": "getInvoiceDraftAttachments",
        "add_attachment": "addAttachmentToInvoiceDraft",
    },
    finalize=("createInvoice", "createInvoiceFromDraft", issue_from_draft),
)
register_counter("/invoices", "invoice", "getInvoiceCounter", "createInvoiceCounter", "invoice")


@route("GET", "/companies/{companySlug}/invoices", "getInvoices")
def get_invoices(ctx: Context):
    sales = ctx.store.sales
    items = apply_filters(
        ctx,
        ctx.store.invoices.values(),
        equals={
            "customerId": lambda r: r["_customerId"],
            "orderReference": lambda r: r.get("orderReference"),
            "invoiceDraftUuid": lambda r: r.get("invoiceDraftUuid"),
            "invoiceNumber": lambda r: r["invoiceNumber"],
        },
        booleans={"settled": lambda r: sales[r["_saleId"]]["settled"]},
        dates={
            "issueDate": lambda r: r["issueDate"],
            "lastModified": lambda r: r["lastModifiedDate"],
            "dueDate": lambda r: r["dueDate"],
        },
    )
    return ctx.page(items, lambda r: render_invoice(ctx, r))


@route("POST", "/companies/{companySlug}/invoices", "createInvoice")
def post_invoice(ctx: Context):
    data = ctx.json()
    for required in ("issueDate", "dueDate", "lines", "bankAccountCode", "customerId"):
        if data.get(required) in (None, "", []):
            raise ApiError(400, f"{required} is required")
    with ctx.state.lock:
        record = issue_invoice(
            ctx,
            customer_id=data["customerId"],
            lines=data["lines"],
            issue_date=data["issueDate"],
            due_date=data["dueDate"],
            bank_account_code=data["bankAccountCode"],
            cash=bool(data.get("cash")),
            payment_account=data.get("paymentAccount"),
            extra={
                "invoiceDraftUuid": data.get("uuid"),
                "invoiceText": data.get("invoiceText"),
                "yourReference": data.get("yourReference"),
                "ourReference": data.get("ourReference"),
                "orderReference": data.get("orderReference"),
            },
        )
    return ctx.created(f"/invoices/{record['invoiceId']}")


def _invoice(ctx: Context) -> dict[str, Any]:
    return get_or_404(ctx.store.invoices, ctx.id("invoiceId"), "Invoice")


@route("GET", "/companies/{companySlug}/invoices/{invoiceId}", "getInvoice")
def get_invoice(ctx: Context):
    return ctx.ok(render_invoice(ctx, _invoice(ctx)))


@route("PATCH", "/companies/{companySlug}/invoices/{invoiceId}", "updateInvoice")
def patch_invoice(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = _invoice(ctx)
        if data.get("newDueDate"):
            record.setdefault("originalDueDate", record["dueDate"])
            record["dueDate"] = data["newDueDate"]
            ctx.store.sales[record["_saleId"]]["dueDate"] = data["newDueDate"]
        if "sentManually" in data:
            record["sentManually"] = bool(data["sentManually"])
            if record["sentManually"]:
                record["dispatches"].append(
                    {"date": ctx.state.today_iso(), "dispatchType": "unknown"}
                )
        touch(ctx, record)
    return ctx.empty(200, location=f"/invoices/{record['invoiceId']}")


DISPATCH_TYPES = {"email", "sms", "ehf", "letter", "efaktura"}


def dispatch(
    ctx: Context, data: dict[str, Any], *, kind: str, key: int, customer_id: int | None
) -> dict[str, str]:
    """Check a send request (sendInvoiceishRequest), record it in ``store.sent``.

    Returns the ``dispatchResult`` for documents that list their dispatches.
    """
    methods = data.get("method") or []
    if not methods:
        raise ApiError(400, "method must name at least one way to send")
    chosen = methods[0] if methods[0] in DISPATCH_TYPES else "email"
    if chosen == "email" and not (
        data.get("recipientEmail") or ctx.store.contacts.get(customer_id, {}).get("email")
    ):
        raise ApiError(400, "The customer has no email address and no recipientEmail was given")
    ctx.store.sent.append((kind, key, dict(data)))
    return {"date": ctx.state.today_iso(), "dispatchType": chosen}


@route("POST", "/companies/{companySlug}/invoices/send", "sendInvoice")
def send_invoice(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.invoices, data.get("invoiceId"), "Invoice")
        record["dispatches"].append(
            dispatch(
                ctx,
                data,
                kind="invoice",
                key=record["invoiceId"],
                customer_id=record["_customerId"],
            )
        )
        touch(ctx, record)
    return ctx.empty(200)
