"""Offers (tilbud) and offer drafts."""

from __future__ import annotations

import builtins

from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import (
    Attachment,
    Counter,
    InvoiceishDraftRequest,
    InvoiceishDraftResult,
    Offer,
    SendOfferRequest,
)
from .base import CompanyResource, FileInput, operation


class Offers(CompanyResource):
    """``/offers``."""

    @operation("getOffers")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[Offer]:
        return self._list("getOffers", {}, page_size=page_size)

    @operation("getOffer")
    def get(self, offer_id: int) -> Offer:
        return self._get("getOffer", offerId=offer_id)

    @operation("createOfferFromDraft")
    def create_from_draft(self, draft_id: int) -> int:
        """Create the offer a draft describes; returns the new ``offerId``."""
        return self._create("createOfferFromDraft", draftId=draft_id)

    @operation("sendOffer")
    def send(self, request: SendOfferRequest) -> None:
        """Send an offer. Not repeated on failure."""
        self._update("sendOffer", request)

    @operation("getOfferCounter")
    def counter(self) -> Counter:
        return self._get("getOfferCounter")

    @operation("createOfferCounter")
    def create_counter(self, counter: Counter | None = None) -> None:
        """Start offer numbering (once per company); ``{"value": n}`` picks the first number."""
        self._update("createOfferCounter", counter or {})


class OfferDrafts(CompanyResource):
    """``/offers/drafts``."""

    @operation("getOfferDrafts")
    def list(self, *, page_size: int = DEFAULT_PAGE_SIZE) -> Paginated[InvoiceishDraftResult]:
        return self._list("getOfferDrafts", {}, page_size=page_size)

    @operation("getOfferDraft")
    def get(self, draft_id: int) -> InvoiceishDraftResult:
        return self._get("getOfferDraft", draftId=draft_id)

    @operation("createOfferDraft")
    def create(self, draft: InvoiceishDraftRequest) -> int:
        """Create a offer draft; returns its ``draftId``."""
        return self._create("createOfferDraft", draft)

    @operation("updateOfferDraft")
    def update(self, draft_id: int, draft: InvoiceishDraftRequest) -> None:
        self._update("updateOfferDraft", draft, draftId=draft_id)

    @operation("deleteOfferDraft")
    def delete(self, draft_id: int) -> None:
        self._delete("deleteOfferDraft", draftId=draft_id)

    @operation("getOfferDraftAttachments")
    def list_attachments(self, draft_id: int) -> builtins.list[Attachment]:
        return self._get("getOfferDraftAttachments", draftId=draft_id)

    @operation("addAttachmentToOfferDraft")
    def add_attachment(
        self,
        draft_id: int,
        file: FileInput,
        *,
        filename: str | None = None,
        comment: str | None = None,
    ) -> int | str | None:
        return self._upload(
            "addAttachmentToOfferDraft",
            file,
            filename=filename,
            fields={"comment": comment},
            draftId=draft_id,
        )
