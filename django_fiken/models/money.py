"""Money is integer øre everywhere; this turns øre into the Norwegian way of writing kroner."""

from __future__ import annotations


def format_ore(amount: int | None, currency: str = "NOK") -> str:
    """Return ``123450`` øre as ``"1 234,50 kr"`` (other currencies keep their ISO code).

    Why not ``locale``: the process locale is global and rarely Norwegian on servers; the admin
    must show the same thing everywhere.
    """
    if amount is None:
        return ""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"Amounts are integer øre, got {type(amount).__name__}: {amount!r}")
    sign = "-" if amount < 0 else ""
    kroner, ore = divmod(abs(amount), 100)
    grouped = f"{kroner:,}".replace(",", " ")
    unit = "kr" if (currency or "NOK").upper() == "NOK" else currency.upper()
    return f"{sign}{grouped},{ore:02d} {unit}"
