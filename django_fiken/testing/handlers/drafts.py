"""Invoice-like drafts (invoices, credit notes, offers, order confirmations) and counters.

All four document kinds share Fiken's ``invoiceishDraftRequest``/``Result`` shapes, their
attachments and a counter that must be initialised before the first document is issued.
"""

from __future__ import annotations

import uuid as uuidlib
from collections.abc import Callable
from typing import Any

from ..http import ApiError, FakeResponse
from ..state import public
from .attachments import register_attachments
from .base import Context, add_route, get_or_404, touch
from .contacts import render_contact
from .lines import priced_line, totals

READ_ONLY_DRAFT = {"draftId", "lastModifiedDate", "net", "gross", "customers", "attachments"}


def render_draft(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    contact = ctx.store.contacts.get(record.get("_customerId"))
    if contact is not None:
        result["customers"] = [render_contact(contact)]
    lines = [priced_line(ctx, line) for line in record.get("lines", [])]
    if lines:
        sums = totals(lines)
        result["net"], result["gross"] = sums["net"], sums["gross"]
    return result


def save_draft(
    ctx: Context, data: dict[str, Any], kind: str, existing: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Validate and store an invoiceish draft (new, or replacing ``existing``)."""
    customer_id = data.get("customerId")
    contact = ctx.store.contacts.get(customer_id) if customer_id is not None else None
    if contact is None:
        raise ApiError(400, f"customerId {customer_id} is not a contact of this company")
    if data.get("contactPersonId") is not None and not any(
        p["contactPersonId"] == data["contactPersonId"] for p in contact.get("contactPerson", [])
    ):
        raise ApiError(400, "contactPersonId must belong to the customer")
    lines = []
    for line in data.get("lines") or []:
        priced_line(ctx, line)  # rejects lines Fiken would reject
        lines.append(
            {
                **line,
                "invoiceishDraftLineId": line.get("invoiceishDraftLineId") or ctx.state.next_id(),
            }
        )
    record = existing if existing is not None else {}
    draft_id = record.get("draftId") or ctx.state.next_id()
    attachments = record.get("attachments", [])
    record.clear()
    record.update(
        {
            **{k: v for k, v in data.items() if k not in READ_ONLY_DRAFT and k != "customerId"},
            "draftId": draft_id,
            "uuid": data.get("uuid") or str(uuidlib.uuid4()),
            "type": data.get("type") or kind,
            "lines": lines,
            "attachments": attachments,
            "_customerId": customer_id,
        }
    )
    touch(ctx, record)
    return record


def register_drafts(
    *,
    base: str,
    collection: str,
    kind: str,
    names: dict[str, str],
    finalize: tuple[str, str, Callable[[Context, dict[str, Any]], str]] | None,
) -> None:
    """Routes for one kind of invoiceish draft: list/create, get/update/delete, attachments."""
    list_path = f"/companies/{{companySlug}}{base}"
    item_path = f"{list_path}/{{draftId}}"

    def drafts(ctx: Context) -> dict[int, dict[str, Any]]:
        return ctx.store.collection(collection)

    def list_drafts(ctx: Context) -> FakeResponse:
        items = list(drafts(ctx).values())
        if "orderReference" in ctx.query:
            items = [d for d in items if d.get("orderReference") == ctx.query["orderReference"]]
        if "uuid" in ctx.query:
            items = [d for d in items if d.get("uuid") == ctx.query["uuid"]]
        return ctx.page(items, lambda r: render_draft(ctx, r))

    def create_draft(ctx: Context) -> FakeResponse:
        with ctx.state.lock:
            record = save_draft(ctx, ctx.json(), kind)
            drafts(ctx)[record["draftId"]] = record
        return ctx.created(f"{base}/{record['draftId']}")

    def get_draft(ctx: Context) -> FakeResponse:
        return ctx.ok(render_draft(ctx, get_or_404(drafts(ctx), ctx.id("draftId"), "Draft")))

    def update_draft(ctx: Context) -> FakeResponse:
        with ctx.state.lock:
            record = get_or_404(drafts(ctx), ctx.id("draftId"), "Draft")
            save_draft(ctx, ctx.json(), kind, existing=record)
        # The spec documents 201 for draft updates.
        return ctx.created(f"{base}/{record['draftId']}")

    def delete_draft(ctx: Context) -> FakeResponse:
        with ctx.state.lock:
            get_or_404(drafts(ctx), ctx.id("draftId"), "Draft")
            del drafts(ctx)[ctx.id("draftId")]
        return ctx.empty(204)

    add_route("GET", list_path, names["list"], list_drafts)
    add_route("POST", list_path, names["create"], create_draft)
    add_route("GET", item_path, names["get"], get_draft)
    add_route("PUT", item_path, names["update"], update_draft)
    add_route("DELETE", item_path, names["delete"], delete_draft)
    register_attachments(
        item_path + "/attachments",
        collection,
        "draftId",
        get_op=names["get_attachments"],
        add_op=names["add_attachment"],
        label="Draft",
    )
    if finalize:
        action, op_id, issue = finalize

        def finalize_draft(ctx: Context) -> FakeResponse:
            with ctx.state.lock:
                record = get_or_404(drafts(ctx), ctx.id("draftId"), "Draft")
                location = issue(ctx, record)
                del drafts(ctx)[record["draftId"]]
            return ctx.created(location)

        add_route("POST", f"{item_path}/{action}", op_id, finalize_draft)


def take_number(ctx: Context, counter: str, label: str) -> int:
    """The next document number; 409 until the counter has been initialised, as in Fiken."""
    current = ctx.store.counters.get(counter)
    if current is None:
        raise ApiError(
            409,
            f"The {label} counter has not been initialised; "
            f"POST /companies/{ctx.store.slug}/{counter}s/counter first",
        )
    ctx.store.counters[counter] = current + 1
    return current + 1


def register_counter(base: str, counter: str, get_op: str, create_op: str, label: str) -> None:
    path = f"/companies/{{companySlug}}{base}/counter"

    def get_counter(ctx: Context) -> FakeResponse:
        value = ctx.store.counters.get(counter)
        if value is None:
            raise ApiError(404, f"The {label} counter has not been initialised")
        return ctx.ok({"value": value})

    def create_counter(ctx: Context) -> FakeResponse:
        data = ctx.json(required=False)
        value = data.get("value", 10000)
        if not isinstance(value, int) or value < 0:
            raise ApiError(400, "value must be a non-negative integer")
        with ctx.state.lock:
            if ctx.store.counters.get(counter) is not None:
                raise ApiError(409, f"The {label} counter already exists")
            ctx.store.counters[counter] = value
        return ctx.created(f"{base}/counter")

    add_route("GET", path, get_op, get_counter)
    add_route("POST", path, create_op, create_counter)
