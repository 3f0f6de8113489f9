"""The inbox (innboks): documents waiting to be booked."""

from __future__ import annotations

from typing import Unpack

from ..endpoints import GetInboxQuery
from ..pagination import DEFAULT_PAGE_SIZE, Paginated
from ..types import InboxResult
from .base import CompanyResource, FileInput, file_part, operation


class Inbox(CompanyResource):
    """``/inbox``."""

    @operation("getInbox")
    def list(
        self, *, page_size: int = DEFAULT_PAGE_SIZE, **filters: Unpack[GetInboxQuery]
    ) -> Paginated[InboxResult]:
        return self._list("getInbox", filters, page_size=page_size)

    @operation("getInboxDocument")
    def get(self, inbox_document_id: int) -> InboxResult:
        return self._get("getInboxDocument", inboxDocumentId=inbox_document_id)

    @operation("createInboxDocument")
    def create(
        self,
        file: FileInput,
        *,
        filename: str | None = None,
        name: str | None = None,
        description: str | None = None,
    ) -> int | str | None:
        """Upload a document to the inbox; ``name`` defaults to the filename."""
        filename, content, _ = file_part(file, filename)
        return self._upload(
            "createInboxDocument",
            content,
            filename=filename,
            fields={"name": name or filename, "description": description},
            check_extension=False,
        )
