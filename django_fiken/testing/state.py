"""The fake's data: one :class:`CompanyStore` per company slug, plain dicts inside.

Records are stored in the shape Fiken returns them (camelCase keys), plus private keys that
start with ``_`` (links and write-only values such as a contact's ``memberNumberString``)
which are never rendered.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from datetime import date
from typing import Any

# A small chart of accounts (kontoplan NS 4102 excerpt) every fake company starts with.
DEFAULT_ACCOUNTS: dict[str, str] = {
    "1500": "Kundefordringer",
    "1920": "Bankinnskudd",
    "1950": "Skattetrekkskonto",
    "2400": "Leverandørgjeld",
    "2700": "Utgående merverdiavgift",
    "2710": "Inngående merverdiavgift",
    "3000": "Salgsinntekt, avgiftspliktig",
    "3100": "Salgsinntekt, avgiftsfri",
    "4000": "Innkjøp av varer",
    "6300": "Leie lokale",
    "6800": "Kontorrekvisita",
    "7770": "Bank og kortgebyrer",
    "8050": "Annen renteinntekt",
}

# VAT rates (percent) by Fiken vatType, for sales lines.
VAT_RATES: dict[str, float] = {
    "HIGH": 25.0,
    "MEDIUM": 15.0,
    "LOW": 12.0,
    "RAW_FISH": 11.11,
}

# Write-only properties (per the spec) that Fiken accepts but never returns.
HIDDEN_KEYS: dict[str, frozenset[str]] = {
    "contact": frozenset({"phoneNumber", "memberNumber", "memberNumberString", "currency"}),
    "company": frozenset({"phoneNumber"}),
    "sale": frozenset({"paymentAccount"}),
    "purchase": frozenset({"paymentAccount", "paymentDate", "kid", "supplierId"}),
}

COLLECTIONS = (
    "contacts",
    "products",
    "bank_accounts",
    "invoices",
    "invoice_drafts",
    "credit_notes",
    "credit_note_drafts",
    "sales",
    "journal_entries",
    "transactions",
    "attachments",
    "inbox",
    "offers",
    "offer_drafts",
    "order_confirmations",
    "order_confirmation_drafts",
    "sale_drafts",
    "purchases",
    "purchase_drafts",
    "projects",
    "activities",
    "time_entries",
    "time_users",
)

COUNTERS = ("invoice", "creditNote", "offer", "orderConfirmation")


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def public(record: dict[str, Any], hidden: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A record as Fiken shows it: no private (``_``) keys at any depth, no write-only keys."""
    return {k: _strip(v) for k, v in record.items() if not k.startswith("_") and k not in hidden}


class CompanyStore:
    """Everything one company holds. Collections map id -> record, in creation order."""

    def __init__(self, slug: str, company: dict[str, Any]):
        self.slug = slug
        self.company = company
        self.accounts: dict[str, str] = dict(DEFAULT_ACCOUNTS)
        self.counters: dict[str, int | None] = dict.fromkeys(COUNTERS)
        self.contacts: dict[int, dict[str, Any]] = {}
        self.products: dict[int, dict[str, Any]] = {}
        self.bank_accounts: dict[int, dict[str, Any]] = {}
        self.invoices: dict[int, dict[str, Any]] = {}
        self.invoice_drafts: dict[int, dict[str, Any]] = {}
        self.credit_notes: dict[int, dict[str, Any]] = {}
        self.credit_note_drafts: dict[int, dict[str, Any]] = {}
        self.sales: dict[int, dict[str, Any]] = {}
        self.journal_entries: dict[int, dict[str, Any]] = {}
        self.transactions: dict[int, dict[str, Any]] = {}
        # Attachments by owner: ("invoices", 12) -> [attachment, ...]
        self.attachments: dict[tuple[str, int], list[dict[str, Any]]] = {}
        self.inbox: dict[int, dict[str, Any]] = {}
        self.offers: dict[int, dict[str, Any]] = {}
        self.offer_drafts: dict[int, dict[str, Any]] = {}
        self.order_confirmations: dict[int, dict[str, Any]] = {}
        self.order_confirmation_drafts: dict[int, dict[str, Any]] = {}
        self.sale_drafts: dict[int, dict[str, Any]] = {}
        self.purchases: dict[int, dict[str, Any]] = {}
        self.purchase_drafts: dict[int, dict[str, Any]] = {}
        self.projects: dict[int, dict[str, Any]] = {}
        self.activities: dict[int, dict[str, Any]] = {}
        self.time_entries: dict[int, dict[str, Any]] = {}
        self.time_users: dict[int, dict[str, Any]] = {}
        self.customer_numbers = itertools.count(10001)
        self.supplier_numbers = itertools.count(20001)
        # Sent documents: (kind, id, request body) in order; for assertions.
        self.sent: list[tuple[str, int, dict[str, Any]]] = []

    def collection(self, name: str) -> dict[int, dict[str, Any]]:
        if name not in COLLECTIONS or name == "attachments":
            raise KeyError(name)
        return getattr(self, name)

    def summary(self) -> dict[str, Any]:
        counts = {name: len(getattr(self, name)) for name in COLLECTIONS if name != "attachments"}
        counts["attachments"] = sum(len(v) for v in self.attachments.values())
        return {
            "slug": self.slug,
            "name": self.company.get("name"),
            "counts": counts,
            "counters": dict(self.counters),
        }


class State:
    """All companies plus the id sequence; the lock serialises every state change."""

    def __init__(self, today: Callable[[], date]):
        self.today = today
        self.companies: dict[str, CompanyStore] = {}
        self.lock = threading.RLock()
        self._ids = itertools.count(1001)

    def next_id(self) -> int:
        return next(self._ids)

    def today_iso(self) -> str:
        return self.today().isoformat()

    def company(self, slug: str) -> CompanyStore:
        try:
            return self.companies[slug]
        except KeyError:
            raise KeyError(f"No fake company with slug {slug!r}") from None
