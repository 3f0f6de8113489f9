"""VAT on document lines the way Fiken computes it, in integer øre.

Fiken takes a line's net price and VAT type and works out the VAT itself (net * rate, rounded
half up, per line). Checking a credit note against what is left of its invoice before it goes to
Fiken, and building lines that credit an exact remainder, both need the same arithmetic here.
Fiken stays the authority: these figures decide what is sent and refused locally, and the
amounts recorded on the mirror are always the ones Fiken returns.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

#: VAT in percent per Fiken sales VAT type; every other type (EXEMPT, OUTSIDE, NONE...) is 0.
VAT_RATES: dict[str, Decimal] = {
    "HIGH": Decimal(25),
    "MEDIUM": Decimal(15),
    "LOW": Decimal(12),
    "RAW_FISH": Decimal("11.11"),
}


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def rate(vat_type: str | None) -> Decimal:
    """The VAT percentage of ``vat_type`` (0 for exempt and unknown types)."""
    return VAT_RATES.get((vat_type or "").upper(), Decimal(0))


def vat_on(net: int, vat_type: str | None) -> int:
    """The VAT in øre Fiken puts on a line of ``net`` øre."""
    return _round(Decimal(net) * rate(vat_type) / 100)


def line_gross(unit_price: int, quantity: Any, vat_type: str | None) -> int:
    """Gross øre of one line: net (unit price * quantity, rounded) plus its VAT."""
    net = _round(Decimal(int(unit_price)) * Decimal(str(quantity)))
    return net + vat_on(net, vat_type)


def lines_gross(lines: Iterable[Mapping[str, Any]]) -> int:
    """Gross øre of credit note lines as a push payload holds them (``unit_price``, ...)."""
    return sum(
        line_gross(line["unit_price"], line.get("quantity", 1), line.get("vat_type", "HIGH"))
        for line in lines
    )


def nets_for_gross(gross: int, vat_type: str | None) -> list[int]:
    """Net amounts of lines whose gross, VAT included, adds up to exactly ``gross`` øre.

    One line is enough unless rounding skips ``gross`` (at 25 %, net 2 is gross 3, so no net
    gives gross 2): then a second line of 1 øre net, which carries no VAT at any Norwegian rate,
    makes up the difference. Returns ``[]`` for a gross of 0 or less.
    """
    if gross <= 0:
        return []
    net = _round(Decimal(gross) * 100 / (100 + rate(vat_type)))
    while net > 0 and net + vat_on(net, vat_type) > gross:
        net -= 1
    while net + 1 + vat_on(net + 1, vat_type) <= gross:
        net += 1
    short = gross - (net + vat_on(net, vat_type))
    nets = [net] if net > 0 else []
    if short:
        if vat_on(1, vat_type) != 0:  # pragma: no cover - no VAT type is 50 % or more
            raise ValueError(f"Cannot make {gross} øre gross from {vat_type} lines")
        nets.append(short)
    return nets
