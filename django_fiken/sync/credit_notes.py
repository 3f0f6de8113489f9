"""Credit notes → the invoices they credit: amounts, the ``credited`` state and its signals.

Fiken lets one invoice carry several partial credit notes; it is fully credited only when they
cover its gross amount. Credit notes are not mirrored as rows: each invoice keeps the gross of
every credit note pointing at it (``credit_note_amounts``, by credit note id) and their sum
(``credited_amount``). Pull (the credit note list) and push (after creating a credit note) both
report what they saw through :func:`apply_credit_notes`, so the bookkeeping and the signals are
the same whichever side learnt of a credit note first, and a credit note seen twice (an
overlapping incremental pull, a retry) changes nothing the second time.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from django_fiken import signals
from django_fiken.models import FikenCompany, FikenInvoice, InvoiceState
from django_fiken.sync.payload import to_int, to_ore
from django_fiken.sync.pull_sources import InvoiceSource, announce_invoice

logger = logging.getLogger("django_fiken.sync.credit_notes")

#: States a credit note may move to ``credited`` (an invoice issued in Fiken, not yet credited).
CREDITABLE = {InvoiceState.ISSUED, InvoiceState.SENT, InvoiceState.SETTLED}


@dataclass(frozen=True)
class NewCreditNote:
    """A credit note an invoice had not been seen with before (for the signals)."""

    credit_note_id: int
    amount: int


def amounts_by_invoice(notes: Iterable[dict[str, Any]]) -> dict[int, dict[str, int]]:
    """``{invoice id: {credit note id: gross øre}}`` from Fiken ``creditNoteResult`` payloads.

    Credit notes without an invoice ("uavhengig kreditnota") credit no invoice and are skipped.
    """
    grouped: dict[int, dict[str, int]] = {}
    for note in notes:
        if not isinstance(note, dict):
            continue
        invoice_id = to_int(note.get("associatedInvoiceId"))
        note_id = to_int(note.get("creditNoteId"))
        if invoice_id is None or note_id is None:
            continue
        # Fiken gives credit note amounts as positive øre; abs() keeps the sum a sum either way.
        grouped.setdefault(invoice_id, {})[str(note_id)] = abs(to_ore(note.get("gross")))
    return grouped


def credited_state(invoice: FikenInvoice) -> str:
    """The state ``invoice`` should have given its credit notes (others are left as they are)."""
    if invoice.state in CREDITABLE and invoice.is_fully_credited():
        return InvoiceState.CREDITED
    return invoice.state


def apply_credit_notes(company: FikenCompany, notes: Iterable[dict[str, Any]]) -> int:
    """Record ``notes`` on the invoices they credit; returns how many invoices changed.

    Sends, after the rows are saved, ``invoice_partially_credited`` once per credit note new to
    its invoice that leaves part of it uncredited, and ``invoice_credited`` once when an invoice
    becomes fully credited. Invoices not mirrored yet are skipped (a later full pull lists the
    credit notes again).
    """
    grouped = amounts_by_invoice(notes)
    if not grouped:
        return 0
    changed: list[tuple[FikenInvoice, Any, int, list[NewCreditNote]]] = []
    with transaction.atomic():
        rows = FikenInvoice.objects.select_for_update().filter(
            company=company, fiken_id__in=list(grouped)
        )
        for row in rows:
            stored = dict(row.credit_note_amounts or {})
            merged = {**stored, **grouped[row.fiken_id]}
            if merged == stored:
                continue
            before, credited_before = InvoiceSource().snapshot(row), row.credited_amount
            fresh = sorted(int(k) for k in merged if k not in stored)
            row.credit_note_amounts = merged
            row.credited_amount = sum(merged.values())
            row.state = credited_state(row)
            row.save(update_fields=["credit_note_amounts", "credited_amount", "state"])
            fresh_notes = [NewCreditNote(i, merged[str(i)]) for i in fresh]
            changed.append((row, before, credited_before, fresh_notes))
    for row, before, credited_before, fresh_notes in changed:
        announce_credit_notes(row, before, credited_before, fresh_notes)
    return len(changed)


def announce_credit_notes(
    row: FikenInvoice, before: Any, credited_before: int, fresh: list[NewCreditNote]
) -> None:
    """``invoice_partially_credited`` per new partial credit note, then the state's signals."""
    running = credited_before
    for note in fresh:
        running += note.amount
        if running < row.gross:
            signals.invoice_partially_credited.send(
                sender=FikenInvoice,
                instance=row,
                created=False,
                amount=note.amount,
                credit_note_id=note.credit_note_id,
            )
    announce_invoice(row, before, created=False)


def fetch_missing_credit_notes(scope: Any, row: FikenInvoice) -> int:
    """GET the credit notes Fiken lists on ``row`` (``associatedCreditNotes``) it lacks.

    For single invoices (push after crediting, the admin's refresh); a pull lists credit notes
    page by page instead. Returns how many credit notes were fetched.
    """
    listed = (row.fiken_data or {}).get("associatedCreditNotes") or []
    known = set((row.credit_note_amounts or {}).keys())
    missing = [to_int(i) for i in listed if str(to_int(i)) not in known and to_int(i) is not None]
    if not missing:
        return 0
    notes = [scope.credit_notes.get(note_id) for note_id in missing]
    apply_credit_notes(row.company, notes)
    row.refresh_from_db()
    return len(notes)
