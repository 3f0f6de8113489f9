"""Order confirmations and their drafts."""

from __future__ import annotations

import builtins

from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import (
    Attachment,
    Counter,
    InvoiceishDraftRequest,
    InvoiceishDraftResult,
    OrderConfirmation,
)
from .base import CompanyResource, FileInput, operation


class OrderConfirmations(CompanyResource):
    """``/orderConfirmations``."""

    @operation("getOrderConfirmations")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[OrderConfirmation]:
        return self._list("getOrderConfirmations", {}, page_size=page_size)

    @operation("getOrderConfirmation")
    def get(self, confirmation_id: int) -> OrderConfirmation:
        return self._get("getOrderConfirmation", confirmationId=confirmation_id)

    @operation("createOrderConfirmationFromDraft")
    def create_from_draft(self, draft_id: int) -> int:
        """Create the order confirmation a draft describes; returns its ``confirmationId``."""
        return self._create("createOrderConfirmationFromDraft", draftId=draft_id)

    @operation("createInvoiceDraftFromOrderConfirmation")
    def create_invoice_draft(self, confirmation_id: int) -> int:
        """Turn an order confirmation into an invoice draft; returns the ``draftId``."""
        return self._create(
            "createInvoiceDraftFromOrderConfirmation", confirmationId=confirmation_id
        )

    @operation("getOrderConfirmationCounter")
    def counter(self) -> Counter:
        return self._get("getOrderConfirmationCounter")

    @operation("createOrderConfirmationCounter")
    def create_counter(self, counter: Counter | None = None) -> None:
        """Start order confirmation numbering (once per company); ``{"value": n}`` = first."""
        self._update("createOrderConfirmationCounter", counter or {})


class OrderConfirmationDrafts(CompanyResource):
    """``/orderConfirmations/drafts``."""

    @operation("getOrderConfirmationDrafts")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[InvoiceishDraftResult]:
        return self._list("getOrderConfirmationDrafts", {}, page_size=page_size)

    @operation("getOrderConfirmationDraft")
    def get(self, draft_id: int) -> InvoiceishDraftResult:
        return self._get("getOrderConfirmationDraft", draftId=draft_id)

    @operation("createOrderConfirmationDraft")
    def create(self, draft: InvoiceishDraftRequest) -> int:
        """Create a order confirmation draft; returns its ``draftId``."""
        return self._create("createOrderConfirmationDraft", draft)

    @operation("updateOrderConfirmationDraft")
    def update(self, draft_id: int, draft: InvoiceishDraftRequest) -> None:
        self._update("updateOrderConfirmationDraft", draft, draftId=draft_id)

    @operation("deleteOrderConfirmationDraft")
    def delete(self, draft_id: int) -> None:
        self._delete("deleteOrderConfirmationDraft", draftId=draft_id)

    @operation("getOrderConfirmationDraftAttachments")
    def list_attachments(self, draft_id: int) -> builtins.list[Attachment]:
        return self._get("getOrderConfirmationDraftAttachments", draftId=draft_id)

    @operation("addAttachmentToOrderConfirmationDraft")
    def add_attachment(
        self,
        draft_id: int,
        file: FileInput,
        *,
        filename: str | None = None,
        comment: str | None = None,
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToOrderConfirmationDraft",
            file,
            filename=filename,
            fields={"comment": comment},
            draftId=draft_id,
        )
