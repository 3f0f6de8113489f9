"""Sales and their payments; an invoice's sale is what says whether it is settled."""

from __future__ import annotations

from typing import Any

from ..http import ApiError
from ..state import HIDDEN_KEYS, public
from .base import Context, apply_filters, get_or_404, route, touch
from .contacts import render_contact
from .journal import post_journal

HIDDEN = HIDDEN_KEYS["sale"]


def render_sale(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record, HIDDEN)
    contact = ctx.store.contacts.get(record.get("_customerId"))
    if contact is not None:
        result["customer"] = render_contact(contact)
    return result


def gross_of(sale: dict[str, Any]) -> int:
    return sale["netAmount"] + sale["vatAmount"]


def recompute(ctx: Context, sale: dict[str, Any], settled_on: str | None = None) -> None:
    """``settled`` follows payments and credits: outstanding = gross - paid - credited."""
    paid = sum(p["amount"] for p in sale["salePayments"])
    outstanding = gross_of(sale) - paid - sale.get("_credited", 0)
    sale["totalPaid"] = paid
    sale["totalPaidInCurrency"] = paid
    sale["outstandingBalance"] = max(outstanding, 0)
    sale["outstandingBalanceInCurrency"] = max(outstanding, 0)
    was_settled = sale.get("settled", False)
    sale["settled"] = outstanding <= 0 or sale.get("writeOff", False)
    if sale["settled"] and not was_settled:
        sale["settledDate"] = settled_on or ctx.state.today_iso()
    elif not sale["settled"]:
        sale.pop("settledDate", None)
    touch(ctx, sale)
    invoice = ctx.store.invoices.get(sale.get("_invoiceId"))
    if invoice is not None:  # an incremental pull (lastModifiedGe) must see the payment
        touch(ctx, invoice)


def create_sale(
    ctx: Context,
    *,
    kind: str,
    date: str,
    lines: list[dict[str, Any]],
    customer_id: int | None,
    currency: str = "NOK",
    sale_number: str | None = None,
    due_date: str | None = None,
    kid: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Store a sale and book it (debit receivable or bank, credit income and VAT)."""
    sale_id = ctx.state.next_id()
    order_lines = [
        {
            "description": line.get("description") or "Salg",
            "netPrice": line["net"],
            "vat": line["vat"],
            "account": line.get("incomeAccount", "3000"),
            "vatType": line.get("vatType", "NONE"),
        }
        for line in lines
    ]
    net = sum(line["netPrice"] for line in order_lines)
    vat = sum(line["vat"] for line in order_lines)
    journal = post_journal(
        ctx,
        description=f"Salg {sale_number or sale_id}",
        date=date,
        lines=_sale_postings(ctx, customer_id, order_lines, net + vat),
        kind="sale",
    )
    sale = {
        "saleId": sale_id,
        "transactionId": journal["transactionId"],
        "saleNumber": sale_number or str(sale_id),
        "date": date,
        "kind": kind,
        "netAmount": net,
        "vatAmount": vat,
        "settled": False,
        "writeOff": False,
        "lines": order_lines,
        "currency": currency,
        "salePayments": [],
        "saleAttachments": [],
        "deleted": False,
        "_customerId": customer_id,
        **(extra or {}),
    }
    if due_date:
        sale["dueDate"] = due_date
    if kid:
        sale["kid"] = kid
    ctx.store.sales[sale_id] = sale
    recompute(ctx, sale, settled_on=date)
    return sale


def _sale_postings(ctx: Context, customer_id: int | None, lines: list[dict], gross: int) -> list:
    contact = ctx.store.contacts.get(customer_id) if customer_id is not None else None
    receivable = (contact or {}).get("customerAccountCode", "1500")
    postings = [(receivable, gross)]
    for line in lines:
        postings.append((line["account"], -line["netPrice"]))
        if line["vat"]:
            postings.append(("2700", -line["vat"]))
    return postings


def add_payment(ctx: Context, sale: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    for required in ("date", "account", "amount"):
        if data.get(required) in (None, ""):
            raise ApiError(400, f"{required} is required")
    if not isinstance(data["amount"], int) or data["amount"] <= 0:
        raise ApiError(400, "amount must be a positive integer number of øre")
    payment = {**data, "paymentId": ctx.state.next_id()}
    sale["salePayments"].append(payment)
    contact = ctx.store.contacts.get(sale.get("_customerId"))
    receivable = (contact or {}).get("customerAccountCode", "1500")
    post_journal(
        ctx,
        description=f"Innbetaling salg {sale['saleNumber']}",
        date=data["date"],
        lines=[(data["account"], data["amount"]), (receivable, -data["amount"])],
        kind="payment",
    )
    recompute(ctx, sale, settled_on=data["date"])
    return payment


@route("GET", "/companies/{companySlug}/sales", "getSales")
def get_sales(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.sales.values(),
        equals={
            "saleNumber": lambda r: r.get("saleNumber"),
            "contactId": lambda r: r.get("_customerId"),
        },
        booleans={"settled": lambda r: r.get("settled")},
        dates={"lastModified": lambda r: r.get("lastModifiedDate"), "date": lambda r: r["date"]},
    )
    return ctx.page(items, lambda r: render_sale(ctx, r))


@route("POST", "/companies/{companySlug}/sales", "createSale")
def post_sale(ctx: Context):
    data = ctx.json()
    customer_id = data.get("customerId")
    if customer_id is not None and customer_id not in ctx.store.contacts:
        raise ApiError(400, f"customerId {customer_id} is not a contact of this company")
    if data.get("kind") != "cash_sale" and customer_id is None:
        raise ApiError(400, "customerId is required unless kind is cash_sale")
    lines = [
        {
            "description": line.get("description"),
            "net": line.get("netPrice", line.get("netPriceInCurrency", 0)),
            "vat": line.get("vat", line.get("vatInCurrency", 0)),
            "incomeAccount": line.get("account", "3000"),
            "vatType": line["vatType"],
        }
        for line in data.get("lines") or []
    ]
    with ctx.state.lock:
        sale = create_sale(
            ctx,
            kind=data["kind"],
            date=data["date"],
            lines=lines,
            customer_id=customer_id,
            currency=data.get("currency", "NOK"),
            sale_number=data.get("saleNumber"),
            due_date=data.get("dueDate"),
            kid=data.get("kid"),
            extra={"paymentAccount": data["paymentAccount"]}
            if data.get("paymentAccount")
            else None,
        )
        if data.get("paymentAccount") and (data.get("paid") or data["kind"] == "cash_sale"):
            add_payment(
                ctx,
                sale,
                {
                    "date": data.get("paymentDate") or data["date"],
                    "account": data["paymentAccount"],
                    "amount": gross_of(sale),
                },
            )
    return ctx.created(f"/sales/{sale['saleId']}")


def _sale(ctx: Context) -> dict[str, Any]:
    return get_or_404(ctx.store.sales, ctx.id("saleId"), "Sale")


@route("GET", "/companies/{companySlug}/sales/{saleId}", "getSale")
def get_sale(ctx: Context):
    return ctx.ok(render_sale(ctx, _sale(ctx)))


@route("PATCH", "/companies/{companySlug}/sales/{saleId}/settled", "settledSale")
def settle_sale(ctx: Context):
    settled_on = ctx.q_date("settledDate")
    with ctx.state.lock:
        sale = _sale(ctx)
        sale["settled"] = True
        sale["settledDate"] = settled_on.isoformat() if settled_on else ctx.state.today_iso()
        touch(ctx, sale)
    return ctx.ok(render_sale(ctx, sale))


@route("PATCH", "/companies/{companySlug}/sales/{saleId}/writeOff", "writeOffSale")
def write_off_sale(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        sale = _sale(ctx)
        sale["writeOff"] = True
        recompute(ctx, sale, settled_on=data.get("date"))
    return ctx.ok(render_sale(ctx, sale))


@route("PATCH", "/companies/{companySlug}/sales/{saleId}/delete", "deleteSale")
def delete_sale(ctx: Context):
    with ctx.state.lock:
        sale = _sale(ctx)
        sale["deleted"] = True
        touch(ctx, sale)
    return ctx.ok(render_sale(ctx, sale))


@route("GET", "/companies/{companySlug}/sales/{saleId}/payments", "getSalePayments")
def get_sale_payments(ctx: Context):
    return ctx.ok(_sale(ctx)["salePayments"])


@route("POST", "/companies/{companySlug}/sales/{saleId}/payments", "createSalePayment")
def post_sale_payment(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        sale = _sale(ctx)
        payment = add_payment(ctx, sale, data)
    return ctx.created(f"/sales/{sale['saleId']}/payments/{payment['paymentId']}")


@route("GET", "/companies/{companySlug}/sales/{saleId}/payments/{paymentId}", "getSalePayment")
def get_sale_payment(ctx: Context):
    payment_id = ctx.id("paymentId")
    for payment in _sale(ctx)["salePayments"]:
        if payment["paymentId"] == payment_id:
            return ctx.ok(payment)
    raise ApiError(404, f"Payment {payment_id} not found")
