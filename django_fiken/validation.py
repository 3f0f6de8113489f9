"""Check host data before it goes to Fiken.

Fiken answers bad data with a 400 and a terse message, after a network round trip, in a worker,
long after the operator who typed the data has moved on. These pure functions catch the common
mistakes up front and say what is wrong with which field, so the error recorded on the push job
and the mirror is one an operator can act on. They never touch the network or the database.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

#: VAT types Fiken accepts on sales lines (``invoiceLineRequest.vatType`` in openapi.yaml;
#: the purchase-only types are refused here because an invoice is a sale).
SALES_VAT_TYPES: frozenset[str] = frozenset(
    {"HIGH", "MEDIUM", "LOW", "RAW_FISH", "EXEMPT", "EXEMPT_IMPORT_EXPORT", "EXEMPT_REVERSE",
     "OUTSIDE", "NONE"}
)  # fmt: skip

#: Ways Fiken can dispatch an invoice (``sendInvoiceishRequest.method``).
SEND_METHODS: frozenset[str] = frozenset({"email", "ehf", "efaktura", "sms", "letter", "auto"})

_ORG_WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)
_CURRENCY = re.compile(r"^[A-Z]{3}$")
_ACCOUNT_CODE = re.compile(r"^\d{4}(:\d{5})?$")
_BANK_ACCOUNT_NUMBER = re.compile(r"^\d{11}$")
# Deliberately loose: one @, something on each side, a dot in the domain, no spaces. Fiken and
# the mail server decide the rest; this only catches typos such as a missing @ or a space.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class ValidationError(ValueError):
    """Host data Fiken would refuse. ``errors`` maps a field path to the problems with it."""

    def __init__(self, errors: dict[str, list[str]]):
        self.errors = {field: list(problems) for field, problems in errors.items()}
        super().__init__(self.summary())

    def summary(self) -> str:
        """One line per field, e.g. ``lines[0].vat_type: 'HIGHER' is not a sales VAT type``."""
        return "; ".join(
            f"{field}: {problem}" for field, problems in self.errors.items() for problem in problems
        )


class Problems:
    """Collects problems field by field so every mistake is reported at once, not one per try."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def add(self, field: str, problem: str | None) -> None:
        if problem:
            self.errors.setdefault(field, []).append(problem)

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def organization_number_problem(value: str) -> str | None:
    """Why ``value`` is not a Norwegian organization number (9 digits, mod-11), or ``None``."""
    if not isinstance(value, str) or not value.isdigit() or len(value) != 9:
        return f"{value!r} is not a Norwegian organization number (9 digits)"
    digits = [int(c) for c in value]
    remainder = sum(d * w for d, w in zip(digits[:8], _ORG_WEIGHTS, strict=True)) % 11
    check = 0 if remainder == 0 else 11 - remainder
    if check == 10 or check != digits[8]:
        return f"{value!r} is not a valid organization number (check digit does not match)"
    return None


def is_valid_organization_number(value: str) -> bool:
    return organization_number_problem(value) is None


def email_problem(value: str) -> str | None:
    if not isinstance(value, str) or not _EMAIL.match(value):
        return f"{value!r} is not an email address"
    if len(value) > 200:
        return "is longer than Fiken's 200 characters"
    return None


def text_problem(value: Any, max_length: int | None = None) -> str | None:
    """Fiken's text fields take strings (of at most ``max_length`` characters)."""
    if not isinstance(value, str):
        return f"{value!r} is not text"
    if max_length is not None and len(value) > max_length:
        return f"is longer than Fiken's {max_length} characters"
    return None


#: Fiken's ``int32`` fields (days until due) and ``int64`` fields (amounts in øre).
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


def whole_number_problem(value: Any, *, minimum: int = 0, maximum: int = INT32_MAX) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{value!r} is not a whole number"
    if not minimum <= value <= maximum:
        return f"{value} is outside {minimum}..{maximum}"
    return None


def currency_problem(value: str) -> str | None:
    if not isinstance(value, str) or not _CURRENCY.match(value):
        return f"{value!r} is not an ISO 4217 currency code (three capital letters, e.g. NOK)"
    return None


def vat_type_problem(value: str) -> str | None:
    if not isinstance(value, str) or value not in SALES_VAT_TYPES:
        allowed = ", ".join(sorted(SALES_VAT_TYPES))
        return f"{value!r} is not a VAT type for sales; use one of {allowed}"
    return None


def account_code_problem(value: str) -> str | None:
    """Fiken account codes look like ``3000`` or ``1920:10001``."""
    if not isinstance(value, str) or not _ACCOUNT_CODE.match(value):
        return f"{value!r} is not a Fiken account code (e.g. 3000 or 1920:10001)"
    return None


def bank_account_number_problem(value: str) -> str | None:
    if not isinstance(value, str) or not _BANK_ACCOUNT_NUMBER.match(value):
        return f"{value!r} is not a Norwegian bank account number (11 digits)"
    return None


def ore_problem(value: Any, *, allow_negative: bool = False) -> str | None:
    """Money is integer øre: ``199.00`` kroner is ``19900``; floats and Decimals are refused."""
    if isinstance(value, bool) or not isinstance(value, int):
        return f"{value!r} is not an amount in øre (an integer, e.g. 19900 for 199.00)"
    if value < 0 and not allow_negative:
        return f"{value} øre is negative; Fiken needs zero or more here"
    if abs(value) > INT64_MAX:
        return f"{value} øre is more than Fiken can store"
    return None


def date_problem(value: Any) -> str | None:
    # datetime is a subclass of date, and a datetime silently loses its time zone here.
    if isinstance(value, datetime) or not isinstance(value, date):
        return f"{value!r} is not a date (a datetime.date, not a string or a datetime)"
    return None


def send_methods_problem(methods: Iterable[str]) -> str | None:
    methods = list(methods)
    if not methods:
        return "no send method given; use one or more of " + ", ".join(sorted(SEND_METHODS))
    unknown = [m for m in methods if not isinstance(m, str) or m not in SEND_METHODS]
    if unknown:
        return f"unknown send method {unknown!r}; use " + ", ".join(sorted(SEND_METHODS))
    return None
