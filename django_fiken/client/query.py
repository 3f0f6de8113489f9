"""Keyword filters -> Fiken query strings, checked against the spec's parameter table.

Callers pass the spec's query parameters as snake_case keywords (``last_modified_ge=date(...)``,
``member_number_string="shop-17"``); this module maps them to the wire names, serialises dates as
``yyyy-MM-dd``, datetimes as ISO 8601 and booleans as ``true``/``false``, and refuses a keyword
or value the spec does not know with an error that lists what it does.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from .endpoints import ENDPOINTS, QueryParameter


def serialise_query(operation_id: str, filters: Mapping[str, Any]) -> dict[str, str]:
    """Wire-ready query parameters for ``operation_id``; ``None`` values are left out."""
    known = {p.name: p for p in ENDPOINTS[operation_id].query}
    unknown = sorted(set(filters) - set(known))
    if unknown:
        allowed = ", ".join(sorted(known)) or "none"
        raise TypeError(
            f"{operation_id} does not take {', '.join(unknown)}; its filters are: {allowed}."
        )
    missing = [p.name for p in known.values() if p.required and filters.get(p.name) is None]
    if missing:
        raise TypeError(f"{operation_id} needs {', '.join(missing)}.")
    return {
        known[name].wire_name: serialise_value(known[name], value, operation_id)
        for name, value in filters.items()
        if value is not None
    }


def serialise_value(parameter: QueryParameter, value: Any, operation_id: str = "") -> str:
    """One value in the format the spec gives for ``parameter``."""
    kind = parameter.kind

    def wrong(expected: str) -> TypeError:
        return TypeError(
            f"{operation_id} filter {parameter.name} expects {expected}, got {value!r}."
        )

    if kind == "date":
        if isinstance(value, dt.datetime):
            # Fiken filters these by day; the caller's datetime counts for its date.
            return value.date().isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        if isinstance(value, str) and _is_iso_date(value):
            return value
        raise wrong("a date (or a yyyy-MM-dd string)")
    if kind == "date-time":
        if isinstance(value, dt.datetime):
            return value.isoformat(timespec="seconds")
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time()).isoformat(timespec="seconds")
        if isinstance(value, str):
            return value
        raise wrong("a datetime")
    if kind == "boolean":
        if isinstance(value, bool):
            return "true" if value else "false"
        raise wrong("True or False")
    if kind == "integer":
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        raise wrong("an integer")
    if kind == "number":
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise wrong("a number")
    if kind == "uuid":
        if isinstance(value, uuid.UUID):
            return str(value)
        if isinstance(value, str):
            try:
                return str(uuid.UUID(value))
            except ValueError:
                raise wrong("a UUID") from None
        raise wrong("a UUID")
    if not isinstance(value, str):
        raise wrong("a string")
    if parameter.choices and value not in parameter.choices:
        raise wrong("one of " + ", ".join(repr(c) for c in parameter.choices))
    return value


def _is_iso_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return len(value) == 10
