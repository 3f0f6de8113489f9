"""How each pulled collection maps between Fiken payloads and a mirror model.

A :class:`Source` names the model, the key of Fiken's id, how to list (and fetch one) through
the client, how a payload becomes column values, which child rows it replaces and which signals
a change sends. :mod:`django_fiken.sync.pull` drives them page by page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model
from django.utils import timezone

from django_fiken import signals
from django_fiken.models import (
    Collection,
    FikenBankAccount,
    FikenCompany,
    FikenContact,
    FikenContactPerson,
    FikenInvoice,
    FikenInvoiceLine,
    FikenProduct,
    InvoiceState,
    SyncStatus,
)
from django_fiken.sync.payload import (
    to_date,
    to_decimal,
    to_dict,
    to_int,
    to_list,
    to_ore,
    to_str,
    to_uuid,
)


class Source:
    """How one collection maps between Fiken payloads and a mirror model.

    Subclasses name the model, the Fiken id key, how to list pages from the client, and how a
    payload becomes column values. ``incremental`` is False where Fiken offers no
    ``lastModified`` filter (bank accounts): those are always walked in full (they are few).
    """

    collection: str
    model: type[Model]
    id_key: str
    incremental = True
    detect_deletions = True

    def listing(self, scope: Any, since: date | None) -> Any:
        raise NotImplementedError

    def fetch_one(self, scope: Any, fiken_id: int) -> dict[str, Any]:
        raise NotImplementedError

    def columns(self, payload: dict[str, Any], row: Any | None) -> dict[str, Any]:
        raise NotImplementedError

    def prepare(self, company: FikenCompany, payloads: list[dict[str, Any]]) -> None:
        """Look up what a page refers to (e.g. invoice customers) in one query."""

    def match_unlinked(self, company: FikenCompany, payloads: list[dict[str, Any]]) -> dict:
        """Rows made locally (push) whose Fiken id is not recorded yet, by fiken id."""
        return {}

    def snapshot(self, row: Any) -> Any:
        return None

    def save_children(
        self, rows: list[Any], payloads: dict[int, dict[str, Any]], *, replacing: list[Any]
    ) -> None:
        """Write the child rows (lines, persons) of ``rows``, replacing those of ``replacing``."""

    def announce(self, row: Any, before: Any, created: bool) -> None:
        """Send the signals for what changed between ``before`` and ``row``."""


class BankAccountSource(Source):
    collection = Collection.BANK_ACCOUNTS
    model = FikenBankAccount
    id_key = "bankAccountId"
    incremental = False

    def listing(self, scope: Any, since: date | None) -> Any:
        return scope.bank_accounts.list()

    def fetch_one(self, scope: Any, fiken_id: int) -> dict[str, Any]:
        return scope.bank_accounts.get(fiken_id)

    def columns(self, payload: dict[str, Any], row: Any | None) -> dict[str, Any]:
        return {
            "name": to_str(payload.get("name"), 255),
            "account_code": to_str(payload.get("accountCode"), 16),
            "bank_account_number": to_str(payload.get("bankAccountNumber"), 64),
            "iban": to_str(payload.get("iban"), 64),
            "bic": to_str(payload.get("bic"), 32),
            "type": to_str(payload.get("type"), 32),
            "inactive": bool(payload.get("inactive", False)),
            "reconciled_balance": to_int(payload.get("reconciledBalance")),
            "reconciled_date": to_date(payload.get("reconciledDate")),
        }


class ProductSource(Source):
    collection = Collection.PRODUCTS
    model = FikenProduct
    id_key = "productId"

    def listing(self, scope: Any, since: date | None) -> Any:
        return scope.products.list(**({"last_modified_ge": since} if since else {}))

    def fetch_one(self, scope: Any, fiken_id: int) -> dict[str, Any]:
        return scope.products.get(fiken_id)

    def columns(self, payload: dict[str, Any], row: Any | None) -> dict[str, Any]:
        return {
            "name": to_str(payload.get("name"), 255),
            "product_number": to_str(payload.get("productNumber"), 64),
            "unit_price": to_int(payload.get("unitPrice")),
            "income_account": to_str(payload.get("incomeAccount"), 16),
            "vat_type": to_str(payload.get("vatType"), 32),
            "active": bool(payload.get("active", True)),
            "stock": to_decimal(payload.get("stock")),
            "created_date": to_date(payload.get("createdDate")),
            "last_modified": to_date(payload.get("lastModifiedDate")),
        }


class ContactSource(Source):
    collection = Collection.CONTACTS
    model = FikenContact
    id_key = "contactId"

    #: Fields Fiken accepts but never returns (``writeOnly`` in the spec): kept as stored.
    WRITE_ONLY = {
        "memberNumberString": "member_number_string",
        "phoneNumber": "phone_number",
        "currency": "currency",
    }

    def listing(self, scope: Any, since: date | None) -> Any:
        return scope.contacts.list(**({"last_modified_ge": since} if since else {}))

    def fetch_one(self, scope: Any, fiken_id: int) -> dict[str, Any]:
        return scope.contacts.get(fiken_id)

    def columns(self, payload: dict[str, Any], row: Any | None) -> dict[str, Any]:
        values = {
            "name": to_str(payload.get("name"), 255),
            "email": to_str(payload.get("email"), 254),
            "organization_number": to_str(payload.get("organizationNumber"), 32),
            "customer_number": to_int(payload.get("customerNumber"), bits=32),
            "supplier_number": to_int(payload.get("supplierNumber"), bits=32),
            "is_customer": bool(payload.get("customer", False)),
            "is_supplier": bool(payload.get("supplier", False)),
            "inactive": bool(payload.get("inactive", False)),
            "language": to_str(payload.get("language"), 32),
            "created_date": to_date(payload.get("createdDate")),
            "last_modified": to_date(payload.get("lastModifiedDate")),
        }
        limits = {"member_number_string": 255, "phone_number": 64, "currency": 3}
        for key, column in self.WRITE_ONLY.items():
            if key in payload:
                values[column] = to_str(payload.get(key), limits[column])
        return values

    def snapshot(self, row: FikenContact) -> Any:
        return True

    def save_children(
        self, rows: list[Any], payloads: dict[int, dict[str, Any]], *, replacing: list[Any]
    ) -> None:
        if replacing:
            FikenContactPerson.objects.filter(contact__in=replacing).delete()
        persons = []
        now = timezone.now()
        for row in rows:
            for person in to_list(payloads[row.fiken_id].get("contactPerson")):
                if not isinstance(person, dict):
                    continue
                persons.append(
                    FikenContactPerson(
                        contact=row,
                        fiken_id=to_int(person.get("contactPersonId")),
                        name=to_str(person.get("name"), 255),
                        email=to_str(person.get("email"), 254),
                        phone_number=to_str(person.get("phoneNumber"), 64),
                        fiken_data=person,
                        synced_at=now,
                        sync_status=SyncStatus.SYNCED,
                    )
                )
        FikenContactPerson.objects.bulk_create(persons)

    def announce(self, row: Any, before: Any, created: bool) -> None:
        signals.contact_changed.send(sender=FikenContact, instance=row, created=created)


@dataclass(frozen=True)
class InvoiceFlags:
    """What a shop hears about: the parts of an invoice's state that send signals."""

    state: str
    sent: bool
    settled: bool


ISSUED_OR_LATER = {
    InvoiceState.ISSUED,
    InvoiceState.SENT,
    InvoiceState.SETTLED,
    InvoiceState.CREDITED,
}


class InvoiceSource(Source):
    collection = Collection.INVOICES
    model = FikenInvoice
    id_key = "invoiceId"
    detect_deletions = False  # Fiken never deletes an issued invoice

    def __init__(self) -> None:
        self._customers: dict[int, int] = {}

    def listing(self, scope: Any, since: date | None) -> Any:
        return scope.invoices.list(**({"last_modified_ge": since} if since else {}))

    def fetch_one(self, scope: Any, fiken_id: int) -> dict[str, Any]:
        return scope.invoices.get(fiken_id)

    def prepare(self, company: FikenCompany, payloads: list[dict[str, Any]]) -> None:
        ids = {to_int(to_dict(p.get("customer")).get("contactId")) for p in payloads}
        ids.discard(None)
        self._customers = dict(
            FikenContact.objects.filter(company=company, fiken_id__in=ids).values_list(
                "fiken_id", "pk"
            )
        )

    def match_unlinked(self, company: FikenCompany, payloads: list[dict[str, Any]]) -> dict:
        by_uuid = {to_uuid(p.get("invoiceDraftUuid")): p for p in payloads}
        by_uuid.pop(None, None)
        if not by_uuid:
            return {}
        rows = FikenInvoice.objects.filter(
            company=company, fiken_id__isnull=True, draft_uuid__in=list(by_uuid)
        )
        return {by_uuid[str(row.draft_uuid)][self.id_key]: row for row in rows}

    def columns(self, payload: dict[str, Any], row: FikenInvoice | None) -> dict[str, Any]:
        sale = to_dict(payload.get("sale"))
        settled = bool(payload["settled"] if "settled" in payload else sale.get("settled", False))
        sent = bool(payload.get("dispatches") or payload.get("sentManually")) or bool(
            row is not None and row.sent
        )
        # Credited in full only: the credit notes' amounts (recorded by the credit note pull,
        # django_fiken.sync.credit_notes) cover the gross. A partial credit keeps the state.
        gross = to_ore(payload.get("gross"))
        credited = (
            row is not None and bool(row.credit_note_amounts) and row.credited_amount >= gross
        )
        if credited:
            state = InvoiceState.CREDITED
        elif settled:
            state = InvoiceState.SETTLED
        elif sent:
            state = InvoiceState.SENT
        else:
            state = InvoiceState.ISSUED
        customer_id = to_int(to_dict(payload.get("customer")).get("contactId"))
        values = {
            "state": state,
            "invoice_number": to_int(payload.get("invoiceNumber")),
            "kid": to_str(payload.get("kid"), 32),
            "issue_date": to_date(payload.get("issueDate")),
            "due_date": to_date(payload.get("dueDate")),
            "net": to_ore(payload.get("net")),
            "vat": to_ore(payload.get("vat")),
            "gross": gross,
            "currency": to_str(payload.get("currency") or "NOK", 3),
            "settled": settled,
            "settled_date": to_date(sale.get("settledDate")),
            "sent": sent,
            "cash": bool(payload.get("cash", False)),
            "order_reference": to_str(payload.get("orderReference"), 255),
            "your_reference": to_str(payload.get("yourReference"), 255),
            "our_reference": to_str(payload.get("ourReference"), 255),
            "invoice_text": to_str(payload.get("invoiceText")),
            "bank_account_number": to_str(payload.get("bankAccountNumber"), 64),
            "created_date": to_date(payload.get("createdDate")),
            "last_modified": to_date(payload.get("lastModifiedDate")),
            "customer_id": self._customers.get(customer_id) if customer_id else None,
        }
        draft_uuid = to_uuid(payload.get("invoiceDraftUuid"))
        if row is None and draft_uuid:
            values["draft_uuid"] = draft_uuid
        return values

    def snapshot(self, row: FikenInvoice) -> InvoiceFlags:
        return InvoiceFlags(state=row.state, sent=row.sent, settled=row.settled)

    def save_children(
        self, rows: list[Any], payloads: dict[int, dict[str, Any]], *, replacing: list[Any]
    ) -> None:
        if replacing:
            FikenInvoiceLine.objects.filter(invoice__in=replacing).delete()
        lines = []
        for row in rows:
            for position, line in enumerate(to_list(payloads[row.fiken_id].get("lines"))):
                if not isinstance(line, dict):
                    continue
                lines.append(
                    FikenInvoiceLine(
                        invoice=row,
                        position=position,
                        description=to_str(line.get("description")),
                        product_name=to_str(line.get("productName"), 255),
                        product_fiken_id=to_int(line.get("productId")),
                        quantity=to_decimal(line.get("quantity")) or Decimal(1),
                        unit_price=to_ore(line.get("unitPrice")),
                        discount=to_decimal(line.get("discount"), max_digits=7),
                        net=to_ore(line.get("net")),
                        vat=to_ore(line.get("vat")),
                        gross=to_ore(line.get("gross")),
                        vat_type=to_str(line.get("vatType"), 32),
                        income_account=to_str(line.get("incomeAccount"), 16),
                        comment=to_str(line.get("comment")),
                        fiken_data=line,
                    )
                )
        FikenInvoiceLine.objects.bulk_create(lines)

    def announce(self, row: FikenInvoice, before: InvoiceFlags | None, created: bool) -> None:
        announce_invoice(row, before, created=created)


def announce_invoice(row: FikenInvoice, before: InvoiceFlags | None, *, created: bool) -> None:
    """Send the invoice signals for each step ``row`` took since ``before`` (None: unseen)."""
    old_state = before.state if before else InvoiceState.NEW
    kwargs = {"sender": FikenInvoice, "instance": row, "created": created}
    if row.state in ISSUED_OR_LATER and old_state not in ISSUED_OR_LATER:
        signals.invoice_issued.send(**kwargs)
    if row.sent and not (before and before.sent):
        signals.invoice_sent.send(**kwargs)
    if row.settled and not (before and before.settled):
        signals.invoice_settled.send(**kwargs)
    if row.state == InvoiceState.CREDITED and old_state != InvoiceState.CREDITED:
        signals.invoice_credited.send(**kwargs)


SOURCES: dict[str, Source] = {
    source.collection: source
    for source in (BankAccountSource(), ProductSource(), ContactSource(), InvoiceSource())
}
