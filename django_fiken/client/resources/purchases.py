"""Purchases (kjøp), their payments and purchase drafts."""

from __future__ import annotations

import builtins
from typing import Unpack

from ..endpoints import GetPurchasesQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import (
    Attachment,
    DraftRequest,
    DraftResult,
    Payment,
    PurchaseRequest,
    PurchaseResult,
)
from .base import CompanyResource, FileInput, operation


class Purchases(CompanyResource):
    """``/purchases``."""

    @operation("getPurchases")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetPurchasesQuery]
    ) -> Paginated[PurchaseResult]:
        return self._list("getPurchases", filters, page_size=page_size)

    @operation("getPurchase")
    def get(self, purchase_id: int) -> PurchaseResult:
        return self._get("getPurchase", purchaseId=purchase_id)

    @operation("createPurchase")
    def create(self, purchase: PurchaseRequest) -> int:
        """Record a purchase; returns its ``purchaseId``."""
        return self._create("createPurchase", purchase)

    @operation("createPurchaseFromDraft")
    def create_from_draft(self, draft_id: int) -> int:
        """Record the purchase a draft describes; returns the new ``purchaseId``."""
        return self._create("createPurchaseFromDraft", draftId=draft_id)

    @operation("deletePurchase")
    def delete(self, purchase_id: int, *, description: str) -> PurchaseResult:
        """Delete a purchase (Fiken books a counter-entry, ``description`` says why)."""
        return self._json(
            "deletePurchase", filters={"description": description}, purchaseId=purchase_id
        )

    @operation("getPurchaseAttachments")
    def list_attachments(self, purchase_id: int) -> builtins.list[Attachment]:
        return self._get("getPurchaseAttachments", purchaseId=purchase_id)

    @operation("addAttachmentToPurchase")
    def add_attachment(
        self,
        purchase_id: int,
        file: FileInput,
        *,
        filename: str | None = None,
        attach_to_payment: bool | None = None,
        attach_to_sale: bool | None = None,
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToPurchase",
            file,
            filename=filename,
            fields={},
            filters={"attach_to_payment": attach_to_payment, "attach_to_sale": attach_to_sale},
            purchaseId=purchase_id,
        )


class PurchasePayments(CompanyResource):
    """``/purchases/{purchaseId}/payments``."""

    @operation("getPurchasePayments")
    def list(self, purchase_id: int) -> builtins.list[Payment]:
        return self._get("getPurchasePayments", purchaseId=purchase_id)

    @operation("getPurchasePayment")
    def get(self, purchase_id: int, payment_id: int) -> Payment:
        return self._get("getPurchasePayment", purchaseId=purchase_id, paymentId=payment_id)

    @operation("createPurchasePayment")
    def create(self, purchase_id: int, payment: Payment) -> int:
        """Register a payment; returns its ``paymentId``."""
        return self._create("createPurchasePayment", payment, purchaseId=purchase_id)


class PurchaseDrafts(CompanyResource):
    """``/purchases/drafts``."""

    @operation("getPurchaseDrafts")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[DraftResult]:
        return self._list("getPurchaseDrafts", {}, page_size=page_size)

    @operation("getPurchaseDraft")
    def get(self, draft_id: int) -> DraftResult:
        return self._get("getPurchaseDraft", draftId=draft_id)

    @operation("createPurchaseDraft")
    def create(self, draft: DraftRequest) -> int:
        """Create a purchase draft; returns its ``draftId``."""
        return self._create("createPurchaseDraft", draft)

    @operation("updatePurchaseDraft")
    def update(self, draft_id: int, draft: DraftRequest) -> None:
        self._update("updatePurchaseDraft", draft, draftId=draft_id)

    @operation("deletePurchaseDraft")
    def delete(self, draft_id: int) -> None:
        self._delete("deletePurchaseDraft", draftId=draft_id)

    @operation("getPurchaseDraftAttachments")
    def list_attachments(self, draft_id: int) -> builtins.list[Attachment]:
        return self._get("getPurchaseDraftAttachments", draftId=draft_id)

    @operation("addAttachmentToPurchaseDraft")
    def add_attachment(
        self, draft_id: int, file: FileInput, *, filename: str | None = None
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToPurchaseDraft", file, filename=filename, fields={}, draftId=draft_id
        )
