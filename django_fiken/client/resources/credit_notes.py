"""Credit notes (full and partial) and credit note drafts."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..endpoints import GetCreditNotesQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import (
    Attachment,
    Counter,
    CreditNoteResult,
    FullCreditNoteRequest,
    InvoiceishDraftRequest,
    InvoiceishDraftResult,
    PartialCreditNoteRequest,
    SendCreditNoteRequest,
)
from .base import CompanyResource, FileInput, operation


class CreditNotes(CompanyResource):
    """``/creditNotes``: crediting issued invoices, sending credit notes, the counter."""

    @operation("getCreditNotes")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetCreditNotesQuery]
    ) -> Paginated[CreditNoteResult]:
        return self._list("getCreditNotes", filters, page_size=page_size)

    @operation("getCreditNote")
    def get(self, credit_note_id: int) -> CreditNoteResult:
        return self._get("getCreditNote", creditNoteId=credit_note_id)

    @operation("createFullCreditNote")
    def create_full(self, request: FullCreditNoteRequest) -> int:
        """Credit a whole invoice; returns the ``creditNoteId``."""
        return self._create("createFullCreditNote", request)

    @operation("createPartialCreditNote")
    def create_partial(self, request: PartialCreditNoteRequest) -> int:
        """Credit some lines or amounts; returns the ``creditNoteId``."""
        return self._create("createPartialCreditNote", request)

    @operation("createCreditNoteFromDraft")
    def create_from_draft(self, draft_id: int) -> int:
        """Issue the credit note a draft describes; returns the new ``creditNoteId``."""
        return self._create("createCreditNoteFromDraft", draftId=draft_id)

    @operation("sendCreditNote")
    def send(self, request: SendCreditNoteRequest) -> None:
        """Send an issued credit note. Not repeated on failure."""
        self._update("sendCreditNote", request)

    @operation("getCreditNoteCounter")
    def counter(self) -> Counter:
        return self._get("getCreditNoteCounter")

    @operation("createCreditNoteCounter")
    def create_counter(self, counter: Counter | None = None) -> None:
        """Start credit note numbering (once per company); ``{"value": n}`` sets the first."""
        self._update("createCreditNoteCounter", counter or {})


class CreditNoteDrafts(CompanyResource):
    """``/creditNotes/drafts``."""

    @operation("getCreditNoteDrafts")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[InvoiceishDraftResult]:
        return self._list("getCreditNoteDrafts", {}, page_size=page_size)

    @operation("getCreditNoteDraft")
    def get(self, draft_id: int) -> InvoiceishDraftResult:
        return self._get("getCreditNoteDraft", draftId=draft_id)

    @operation("createCreditNoteDraft")
    def create(self, draft: InvoiceishDraftRequest) -> int:
        """Create a credit note draft; returns its ``draftId``."""
        return self._create("createCreditNoteDraft", draft)

    @operation("updateCreditNoteDraft")
    def update(self, draft_id: int, draft: InvoiceishDraftRequest) -> None:
        self._update("updateCreditNoteDraft", draft, draftId=draft_id)

    @operation("deleteCreditNoteDraft")
    def delete(self, draft_id: int) -> None:
        self._delete("deleteCreditNoteDraft", draftId=draft_id)

    @operation("getCreditNoteDraftAttachments")
    def list_attachments(self, draft_id: int) -> builtins.list[Attachment]:
        return self._get("getCreditNoteDraftAttachments", draftId=draft_id)

    @operation("addAttachmentToCreditNoteDraft")
    def add_attachment(
        self,
        draft_id: int,
        file: FileInput,
        *,
        filename: str | None = None,
        comment: str | None = None,
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToCreditNoteDraft",
            file,
            filename=filename,
            fields={"comment": comment},
            draftId=draft_id,
        )
