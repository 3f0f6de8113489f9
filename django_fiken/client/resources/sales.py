"""Sales (annet salg), their payments and sale drafts."""

from __future__ import annotations

import builtins
import datetime as dt
from typing import Unpack

from ..endpoints import GetSalesQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import (
    Attachment,
    DraftRequest,
    DraftResult,
    Payment,
    SaleRequest,
    SaleResult,
    WriteOffRequest,
)
from .base import CompanyResource, FileInput, operation


class Sales(CompanyResource):
    """``/sales``."""

    @operation("getSales")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetSalesQuery]
    ) -> Paginated[SaleResult]:
        return self._list("getSales", filters, page_size=page_size)

    @operation("getSale")
    def get(self, sale_id: int) -> SaleResult:
        return self._get("getSale", saleId=sale_id)

    @operation("createSale")
    def create(self, sale: SaleRequest) -> int:
        """Record a sale; returns its ``saleId``."""
        return self._create("createSale", sale)

    @operation("createSaleFromDraft")
    def create_from_draft(self, draft_id: int) -> int:
        """Record the sale a draft describes; returns the new ``saleId``."""
        return self._create("createSaleFromDraft", draftId=draft_id)

    @operation("settledSale")
    def settle(self, sale_id: int, *, settled_date: dt.date) -> SaleResult:
        """Mark a sale settled without registering a payment."""
        return self._json("settledSale", filters={"settled_date": settled_date}, saleId=sale_id)

    @operation("writeOffSale")
    def write_off(self, sale_id: int, request: WriteOffRequest) -> SaleResult:
        """Write off what is outstanding (books an entry: not repeated on failure)."""
        return self._json("writeOffSale", request, saleId=sale_id)

    @operation("deleteSale")
    def delete(self, sale_id: int, *, description: str) -> SaleResult:
        """Delete a sale (Fiken books a counter-entry, ``description`` says why)."""
        return self._json("deleteSale", filters={"description": description}, saleId=sale_id)

    @operation("getSaleAttachments")
    def list_attachments(self, sale_id: int) -> builtins.list[Attachment]:
        return self._get("getSaleAttachments", saleId=sale_id)

    @operation("addAttachmentToSale")
    def add_attachment(
        self,
        sale_id: int,
        file: FileInput,
        *,
        filename: str | None = None,
        attach_to_payment: bool | None = None,
        attach_to_sale: bool | None = None,
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToSale",
            file,
            filename=filename,
            fields={},
            filters={"attach_to_payment": attach_to_payment, "attach_to_sale": attach_to_sale},
            saleId=sale_id,
        )


class SalePayments(CompanyResource):
    """``/sales/{saleId}/payments``."""

    @operation("getSalePayments")
    def list(self, sale_id: int) -> builtins.list[Payment]:
        return self._get("getSalePayments", saleId=sale_id)

    @operation("getSalePayment")
    def get(self, sale_id: int, payment_id: int) -> Payment:
        return self._get("getSalePayment", saleId=sale_id, paymentId=payment_id)

    @operation("createSalePayment")
    def create(self, sale_id: int, payment: Payment) -> int:
        """Register a payment; returns its ``paymentId``."""
        return self._create("createSalePayment", payment, saleId=sale_id)


class SaleDrafts(CompanyResource):
    """``/sales/drafts``."""

    @operation("getSaleDrafts")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[DraftResult]:
        return self._list("getSaleDrafts", {}, page_size=page_size)

    @operation("getSaleDraft")
    def get(self, draft_id: int) -> DraftResult:
        return self._get("getSaleDraft", draftId=draft_id)

    @operation("createSaleDraft")
    def create(self, draft: DraftRequest) -> int:
        """Create a sale draft; returns its ``draftId``."""
        return self._create("createSaleDraft", draft)

    @operation("updateSaleDraft")
    def update(self, draft_id: int, draft: DraftRequest) -> None:
        self._update("updateSaleDraft", draft, draftId=draft_id)

    @operation("deleteSaleDraft")
    def delete(self, draft_id: int) -> None:
        self._delete("deleteSaleDraft", draftId=draft_id)

    @operation("getSaleDraftAttachments")
    def list_attachments(self, draft_id: int) -> builtins.list[Attachment]:
        return self._get("getSaleDraftAttachments", draftId=draft_id)

    @operation("addAttachmentToSaleDraft")
    def add_attachment(
        self, draft_id: int, file: FileInput, *, filename: str | None = None
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToSaleDraft", file, filename=filename, fields={}, draftId=draft_id
        )
