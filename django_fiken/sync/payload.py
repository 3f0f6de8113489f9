"""Turning values from Fiken's JSON into column values without ever failing on them.

Fiken's payloads are kept whole in ``fiken_data``; these helpers only fill the typed columns.
A value of the wrong shape becomes "empty" (``None``, ``0``, ``""``) instead of an exception,
so one odd object never stops a pull, and money never becomes a float.
"""

from __future__ import annotations

import math
import uuid
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any


def to_date(value: Any) -> date | None:
    if not value:
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def to_int(value: Any, *, bits: int = 64) -> int | None:
    """A whole number that fits a ``bits``-wide signed column, else ``None``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    limit = 2 ** (bits - 1)
    return number if -limit <= number < limit else None


def to_ore(value: Any) -> int:
    """Amounts come as integer øre; a stray float is rounded, anything else becomes 0."""
    if isinstance(value, float) and math.isfinite(value):
        value = round(value)
    number = to_int(value)
    return number if number is not None else 0


def to_dict(value: Any) -> dict[str, Any]:
    """A nested object of the payload, or an empty one when Fiken sent something else."""
    return value if isinstance(value, dict) else {}


def to_list(value: Any) -> list[Any]:
    """A nested array of the payload, or an empty one when Fiken sent something else."""
    return value if isinstance(value, list) else []


def to_uuid(value: Any) -> str | None:
    try:
        return str(uuid.UUID(str(value))) if value else None
    except ValueError:
        return None


def to_decimal(value: Any, *, max_digits: int = 14, places: int = 4) -> Decimal | None:
    """A decimal that fits a ``DecimalField(max_digits, places)``, rounded to ``places``."""
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
        if not number.is_finite() or abs(number) >= Decimal(10) ** (max_digits - places):
            return None
        return number.quantize(Decimal(1).scaleb(-places))
    except (InvalidOperation, ValueError):
        return None


def to_str(value: Any, limit: int | None = None) -> str:
    text = "" if value is None else str(value)
    return text[:limit] if limit else text
