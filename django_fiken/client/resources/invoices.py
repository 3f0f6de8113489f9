"""Invoices and invoice drafts."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..endpoints import GetInvoiceDraftsQuery, GetInvoicesQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import (
    Attachment,
    Counter,
    InvoiceishDraftRequest,
    InvoiceishDraftResult,
    InvoiceRequest,
    InvoiceResult,
    SendInvoiceRequest,
    UpdateInvoiceRequest,
)
from .base import CompanyResource, FileInput, operation


class Invoices(CompanyResource):
    """``/invoices``: issued invoices, sending them, and the invoice number counter."""

    @operation("getInvoices")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetInvoicesQuery]
    ) -> Paginated[InvoiceResult]:
        return self._list("getInvoices", filters, page_size=page_size)

    @operation("getInvoice")
    def get(self, invoice_id: int) -> InvoiceResult:
        return self._get("getInvoice", invoiceId=invoice_id)

    @operation("createInvoice")
    def create(self, invoice: InvoiceRequest) -> int:
        """Issue an invoice directly; returns its ``invoiceId``."""
        return self._create("createInvoice", invoice)

    @operation("createInvoiceFromDraft")
    def create_from_draft(self, draft_id: int) -> int:
        """Issue the invoice a draft describes; returns the new ``invoiceId``."""
        return self._create("createInvoiceFromDraft", draftId=draft_id)

    @operation("updateInvoice")
    def update(self, invoice_id: int, changes: UpdateInvoiceRequest) -> None:
        """Change the few fields an issued invoice allows (due date, sent manually)."""
        self._update("updateInvoice", changes, invoiceId=invoice_id)

    @operation("sendInvoice")
    def send(self, request: SendInvoiceRequest) -> None:
        """Send an issued invoice (email, EHF, eFaktura...). Not repeated on failure."""
        self._update("sendInvoice", request)

    @operation("getInvoiceAttachments")
    def list_attachments(self, invoice_id: int) -> builtins.list[Attachment]:
        return self._get("getInvoiceAttachments", invoiceId=invoice_id)

    @operation("addAttachmentToInvoice")
    def add_attachment(
        self, invoice_id: int, file: FileInput, *, filename: str | None = None
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToInvoice", file, filename=filename, fields={}, invoiceId=invoice_id
        )

    @operation("getInvoiceCounter")
    def counter(self) -> Counter:
        return self._get("getInvoiceCounter")

    @operation("createInvoiceCounter")
    def create_counter(self, counter: Counter | None = None) -> None:
        """Start invoice numbering (once per company); ``{"value": n}`` picks the first number."""
        self._update("createInvoiceCounter", counter or {})


class InvoiceDrafts(CompanyResource):
    """``/invoices/drafts``."""

    @operation("getInvoiceDrafts")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetInvoiceDraftsQuery]
    ) -> Paginated[InvoiceishDraftResult]:
        return self._list("getInvoiceDrafts", filters, page_size=page_size)

    @operation("getInvoiceDraft")
    def get(self, draft_id: int) -> InvoiceishDraftResult:
        return self._get("getInvoiceDraft", draftId=draft_id)

    @operation("createInvoiceDraft")
    def create(self, draft: InvoiceishDraftRequest) -> int:
        """Create an invoice draft; returns its ``draftId``."""
        return self._create("createInvoiceDraft", draft)

    @operation("updateInvoiceDraft")
    def update(self, draft_id: int, draft: InvoiceishDraftRequest) -> None:
        self._update("updateInvoiceDraft", draft, draftId=draft_id)

    @operation("deleteInvoiceDraft")
    def delete(self, draft_id: int) -> None:
        self._delete("deleteInvoiceDraft", draftId=draft_id)

    @operation("getInvoiceDraftAttachments")
    def list_attachments(self, draft_id: int) -> builtins.list[Attachment]:
        return self._get("getInvoiceDraftAttachments", draftId=draft_id)

    @operation("addAttachmentToInvoiceDraft")
    def add_attachment(
        self,
        draft_id: int,
        file: FileInput,
        *,
        filename: str | None = None,
        comment: str | None = None,
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToInvoiceDraft",
            file,
            filename=filename,
            fields={"comment": comment},
            draftId=draft_id,
        )
