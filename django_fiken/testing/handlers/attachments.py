"""Attachments (multipart uploads) on every attachments endpoint, and the inbox."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..http import ApiError, FakeResponse
from ..state import public
from .base import Context, add_route, apply_filters, get_or_404, route

ALLOWED_EXTENSIONS = (".png", ".jpeg", ".jpg", ".gif", ".pdf")

# Which field of the owning record lists its attachments, by collection.
ATTACHMENT_FIELD = {
    "contacts": "documents",
    "sales": "saleAttachments",
    "purchases": "purchaseAttachments",
}


def _upload(ctx: Context) -> tuple[str, bytes, dict[str, Any]]:
    fields = ctx.multipart()
    file_field = fields.get("file")
    if not isinstance(file_field, tuple):
        raise ApiError(400, "A file part named 'file' is required")
    filename = fields.get("filename") or file_field[0]
    if not isinstance(filename, str) or not filename.lower().endswith(ALLOWED_EXTENSIONS):
        raise ApiError(400, f"filename must end with one of {', '.join(ALLOWED_EXTENSIONS)}")
    return filename, file_field[2], fields


def add_attachment(
    ctx: Context, collection: str, owner_id: int, filename: str, content: bytes, comment: str | None
) -> dict[str, Any]:
    owner = get_or_404(ctx.store.collection(collection), owner_id, "Owner")
    attachment_id = ctx.state.next_id()
    url = ctx.company_url(f"/files/{attachment_id}/{filename}")
    attachment: dict[str, Any] = {
        "identifier": str(attachment_id),
        "downloadUrl": url,
        "downloadUrlWithFikenNormalUserCredentials": url.replace("/api/v2/", "/"),
        "type": "unspecified",
        "_filename": filename,
        "_size": len(content),
        "_content": content,
    }
    if comment:
        attachment["comment"] = comment
    field = ATTACHMENT_FIELD.get(collection, "attachments")
    owner.setdefault(field, []).append(attachment)
    ctx.store.attachments.setdefault((collection, owner_id), []).append(attachment)
    return attachment


def register_attachments(
    path: str, collection: str, id_param: str, *, get_op: str | None, add_op: str, label: str
) -> None:
    """GET (list) and POST (multipart upload) for the attachments of one kind of record."""

    def list_attachments(ctx: Context) -> FakeResponse:
        owner = get_or_404(ctx.store.collection(collection), ctx.id(id_param), label)
        field = ATTACHMENT_FIELD.get(collection, "attachments")
        return ctx.ok([public(a) for a in owner.get(field, [])])

    def upload(ctx: Context) -> FakeResponse:
        filename, content, fields = _upload(ctx)
        with ctx.state.lock:
            attachment = add_attachment(
                ctx, collection, ctx.id(id_param), filename, content, fields.get("comment")
            )
        return FakeResponse(status=201, headers={"Location": attachment["downloadUrl"]})

    if get_op:
        add_route("GET", path, get_op, list_attachments)
    add_route("POST", path, add_op, upload)


_C = "/companies/{companySlug}"
register_attachments(
    f"{_C}/contacts/{{contactId}}/attachments",
    "contacts",
    "contactId",
    get_op=None,
    add_op="addAttachmentToContact",
    label="Contact",
)
register_attachments(
    f"{_C}/journalEntries/{{journalEntryId}}/attachments",
    "journal_entries",
    "journalEntryId",
    get_op="getJournalEntryAttachments",
    add_op="addAttachmentToJournalEntry",
    label="Journal entry",
)
register_attachments(
    f"{_C}/invoices/{{invoiceId}}/attachments",
    "invoices",
    "invoiceId",
    get_op="getInvoiceAttachments",
    add_op="addAttachmentToInvoice",
    label="Invoice",
)
register_attachments(
    f"{_C}/sales/{{saleId}}/attachments",
    "sales",
    "saleId",
    get_op="getSaleAttachments",
    add_op="addAttachmentToSale",
    label="Sale",
)
register_attachments(
    f"{_C}/purchases/{{purchaseId}}/attachments",
    "purchases",
    "purchaseId",
    get_op="getPurchaseAttachments",
    add_op="addAttachmentToPurchase",
    label="Purchase",
)


@route("GET", "/companies/{companySlug}/inbox", "getInbox")
def get_inbox(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.inbox.values(),
        equals={"name": lambda r: r.get("name")},
        booleans={"status": lambda r: r.get("status")},
    )
    sort = ctx.query.get("sortBy", "createdDate asc")
    field, _, direction = sort.partition(" ")
    key = "name" if field == "name" else "createdAt"
    items.sort(key=lambda r: (str(r.get(key)), r["documentId"]), reverse=direction == "desc")
    return ctx.page(items, public)


@route("POST", "/companies/{companySlug}/inbox", "createInboxDocument")
def create_inbox_document(ctx: Context):
    filename, content, fields = _upload(ctx)
    with ctx.state.lock:
        doc_id = ctx.state.next_id()
        url = ctx.company_url(f"/files/{doc_id}/{filename}")
        record = {
            "documentId": doc_id,
            "name": fields.get("name") or filename,
            "filename": filename,
            "status": False,
            "createdAt": datetime.now(UTC).replace(microsecond=0).isoformat(),
            "documentUrl": url,
            "documentUrlWithFikenNormalUserCredentials": url.replace("/api/v2/", "/"),
            "_content": content,
        }
        if fields.get("description"):
            record["description"] = fields["description"]
        ctx.store.inbox[doc_id] = record
    return ctx.created(f"/inbox/{doc_id}")


@route("GET", "/companies/{companySlug}/inbox/{inboxDocumentId}", "getInboxDocument")
def get_inbox_document(ctx: Context):
    return ctx.ok(public(get_or_404(ctx.store.inbox, ctx.id("inboxDocumentId"), "Inbox document")))
