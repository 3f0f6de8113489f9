"""Products, customer groups and the product sales report."""

from __future__ import annotations

from typing import Any

from ..http import ApiError
from ..state import public
from .base import Context, apply_filters, get_or_404, route, touch

READ_ONLY = {"productId", "createdDate", "lastModifiedDate"}


def create_product(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    for required in ("name", "incomeAccount", "vatType"):
        if not data.get(required):
            raise ApiError(400, f"{required} is required")
    today = ctx.state.today_iso()
    with ctx.state.lock:
        product_id = ctx.state.next_id()
        record = {
            **{k: v for k, v in data.items() if k not in READ_ONLY},
            "productId": product_id,
            "createdDate": today,
            "lastModifiedDate": today,
            "active": bool(data.get("active", True)),
        }
        ctx.store.products[product_id] = record
    return record


@route("GET", "/companies/{companySlug}/products", "getProducts")
def get_products(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.products.values(),
        equals={"name": lambda r: r.get("name"), "productNumber": lambda r: r.get("productNumber")},
        booleans={"active": lambda r: r.get("active")},
        dates={
            "createdDate": lambda r: r.get("createdDate"),
            "lastModified": lambda r: r.get("lastModifiedDate"),
        },
    )
    return ctx.page(items, public)


@route("POST", "/companies/{companySlug}/products", "createProduct")
def post_product(ctx: Context):
    record = create_product(ctx, ctx.json())
    return ctx.created(f"/products/{record['productId']}")


@route("GET", "/companies/{companySlug}/products/{productId}", "getProduct")
def get_product(ctx: Context):
    return ctx.ok(public(get_or_404(ctx.store.products, ctx.id("productId"), "Product")))


@route("PUT", "/companies/{companySlug}/products/{productId}", "updateProduct")
def put_product(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.products, ctx.id("productId"), "Product")
        kept = {k: record[k] for k in READ_ONLY}
        record.clear()
        record.update({**data, **kept})
        touch(ctx, record)
    return ctx.empty(200, location=f"/products/{record['productId']}")


@route("DELETE", "/companies/{companySlug}/products/{productId}", "deleteProduct")
def delete_product(ctx: Context):
    with ctx.state.lock:
        get_or_404(ctx.store.products, ctx.id("productId"), "Product")
        del ctx.store.products[ctx.id("productId")]
    return ctx.empty(204)


@route("GET", "/companies/{companySlug}/groups", "getGroups")
def get_groups(ctx: Context):
    groups = sorted({g for c in ctx.store.contacts.values() for g in c.get("groups", [])})
    return ctx.page(groups)


def _line_info(lines: list[dict]) -> dict[str, int]:
    net = sum(line["net"] for line in lines)
    vat = sum(line["vat"] for line in lines)
    return {
        "count": int(sum(line.get("quantity", 1) for line in lines)),
        "sales": len(lines),
        "netAmount": net,
        "vatAmount": vat,
        "grossAmount": net + vat,
    }


@route("POST", "/companies/{companySlug}/products/salesReport", "createProductSalesReport")
def sales_report(ctx: Context):
    data = ctx.json()
    low, high = data.get("from", ""), data.get("to", "9999-12-31")
    report = []
    for product in ctx.store.products.values():
        pid = product["productId"]
        sold = [
            line
            for inv in ctx.store.invoices.values()
            if low <= inv["issueDate"] <= high
            for line in inv["lines"]
            if line.get("productId") == pid
        ]
        credited = [
            line
            for note in ctx.store.credit_notes.values()
            if low <= note["issueDate"] <= high
            for line in note["lines"]
            if line.get("productId") == pid
        ]
        if not sold and not credited:
            continue
        s, c = _line_info(sold), _line_info(credited)
        report.append(
            {
                "product": public(product),
                "sold": s,
                "credited": c,
                "sum": {k: s[k] - c[k] for k in s},
            }
        )
    return ctx.ok(report)
