"""Money on document lines: integer øre in, integer øre out, VAT from Fiken's vat types."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..http import ApiError
from ..state import VAT_RATES
from .base import Context


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def vat_rate(vat_type: str | None) -> Decimal:
    return Decimal(str(VAT_RATES.get((vat_type or "").upper(), 0.0)))


def _product(ctx: Context, product_id: int | None) -> dict[str, Any] | None:
    if product_id is None:
        return None
    product = ctx.store.products.get(int(product_id))
    if product is None:
        raise ApiError(400, f"Product {product_id} does not exist")
    return product


def priced_line(ctx: Context, line: dict[str, Any]) -> dict[str, Any]:
    """An ``invoiceLineResult`` from a draft line, invoice line or credit-note line request."""
    product = _product(ctx, line.get("productId"))
    vat_type = line.get("vatType") or (product or {}).get("vatType")
    quantity = Decimal(str(line.get("quantity", 1)))
    discount = Decimal(str(line.get("discount") or 0))
    unit_price = line.get("unitPrice", (product or {}).get("unitPrice"))
    if line.get("net") is not None:
        net = int(line["net"])
        vat = (
            int(line["vat"])
            if line.get("vat") is not None
            else _round(net * vat_rate(vat_type) / 100)
        )
    elif line.get("gross") is not None:
        gross = int(line["gross"])
        rate = vat_rate(vat_type)
        net = _round(gross / (1 + rate / 100))
        vat = gross - net
    else:
        if unit_price is None:
            raise ApiError(
                400, "Each line needs unitPrice, net or gross (or a product with a price)"
            )
        net = _round(Decimal(int(unit_price)) * quantity * (1 - discount / 100))
        vat = _round(net * vat_rate(vat_type) / 100)
    if vat_type is None and line.get("vatInPercent") is None:
        raise ApiError(400, "Each line needs vatType (or a product with one)")
    result: dict[str, Any] = {
        "net": net,
        "vat": vat,
        "gross": net + vat,
        "netInNok": net,
        "vatInNok": vat,
        "grossInNok": net + vat,
        "vatType": vat_type or "NONE",
        "vatInPercent": float(vat_rate(vat_type)) / 100,
        "quantity": float(quantity) if quantity % 1 else int(quantity),
        "incomeAccount": line.get("incomeAccount")
        or (product or {}).get("incomeAccount")
        or "3000",
    }
    if unit_price is not None:
        result["unitPrice"] = int(unit_price)
    if discount:
        result["discount"] = float(discount)
    if product is not None:
        result["productId"] = product["productId"]
        result["productName"] = product["name"]
    elif line.get("productName"):
        result["productName"] = line["productName"]
    description = line.get("description") or (product or {}).get("name")
    if description:
        result["description"] = description
    if line.get("comment"):
        result["comment"] = line["comment"]
    return result


def totals(lines: list[dict[str, Any]]) -> dict[str, int]:
    net = sum(line["net"] for line in lines)
    vat = sum(line["vat"] for line in lines)
    return {
        "net": net,
        "vat": vat,
        "gross": net + vat,
        "netInNok": net,
        "vatInNok": vat,
        "grossInNok": net + vat,
    }


def kid_for(number: int) -> str:
    """A KID (Luhn / MOD10 check digit) for a document number."""
    digits = str(number)
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return digits + str((10 - total % 10) % 10)
