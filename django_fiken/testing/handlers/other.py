"""The areas a shop integration rarely touches, kept minimal but spec-valid.

Offers, order confirmations, sale and purchase drafts, purchases, projects, activities,
time entries and time users: stored and listed generically, with just enough behaviour
(numbers, links between records) for their responses to match the spec.
"""

from __future__ import annotations

import uuid as uuidlib
from datetime import UTC, datetime
from typing import Any

from ..http import ApiError, FakeResponse
from ..state import HIDDEN_KEYS, public
from .attachments import register_attachments
from .base import Context, add_route, apply_filters, get_or_404, route
from .contacts import render_contact
from .drafts import register_counter, register_drafts, save_draft, take_number
from .invoices import dispatch
from .lines import priced_line, totals

_C = "/companies/{companySlug}"


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# -- offers and order confirmations ----------------------------------------------------------
def _document_from_draft(
    ctx: Context, draft: dict[str, Any], number_field: str, counter: str, label: str
) -> dict[str, Any]:
    priced = [priced_line(ctx, line) for line in draft.get("lines") or []]
    sums = totals(priced)
    record = {
        number_field: take_number(ctx, counter, label),
        "date": draft.get("issueDate") or ctx.state.today_iso(),
        "net": sums["net"],
        "vat": sums["vat"],
        "gross": sums["gross"],
        "lines": priced,
        "currency": draft.get("currency") or "NOK",
        "contactId": draft["_customerId"],
        "archived": False,
    }
    for key in ("yourReference", "ourReference", "orderReference", "contactPersonId", "projectId"):
        if draft.get(key) is not None:
            record[key] = draft[key]
    if draft.get("invoiceText"):
        record["comment"] = draft["invoiceText"]
    return record


def offer_from_draft(ctx: Context, draft: dict[str, Any]) -> str:
    record = _document_from_draft(ctx, draft, "offerNumber", "offer", "offer")
    offer_id = ctx.state.next_id()
    record.update({"offerId": offer_id, "offerDraftUuid": draft["uuid"], "dispatches": []})
    ctx.store.offers[offer_id] = record
    return f"/offers/{offer_id}"


def confirmation_from_draft(ctx: Context, draft: dict[str, Any]) -> str:
    record = _document_from_draft(
        ctx, draft, "confirmationNumber", "orderConfirmation", "order confirmation"
    )
    confirmation_id = ctx.state.next_id()
    record.update({"confirmationId": confirmation_id, "confirmationDraftUuid": draft["uuid"]})
    ctx.store.order_confirmations[confirmation_id] = record
    return f"/orderConfirmations/{confirmation_id}"


for _base, _collection, _kind, _prefix, _action, _issue, _counter_label in (
    ("/offers/drafts", "offer_drafts", "offer", "Offer", "createOffer", offer_from_draft, "offer"),
    (
        "/orderConfirmations/drafts",
        "order_confirmation_drafts",
        "order_confirmation",
        "OrderConfirmation",
        "createOrderConfirmation",
        confirmation_from_draft,
        "order confirmation",
    ),
):
    register_drafts(
        base=_base,
        collection=_collection,
        kind=_kind,
        names={
            "list": f"get{_prefix}Drafts",
            "create": f"create{_prefix}Draft",
            "get": f"get{_prefix}Draft",
            "update": f"update{_prefix}Draft",
            "delete": f"delete{_prefix}Draft",
            "get_attachments": f"get{_prefix}DraftAttachments",
            "add_attachment": f"addAttachmentTo{_prefix}Draft",
        },
        finalize=(_action, f"{_action}FromDraft", _issue),
    )
    register_counter(
        _base.removesuffix("/drafts"),
        "offer" if _kind == "offer" else "orderConfirmation",
        f"get{_prefix}Counter",
        f"create{_prefix}Counter",
        _counter_label,
    )


def _simple_collection(
    path: str, collection: str, id_param: str, list_op: str, get_op: str, label: str
) -> None:
    def list_items(ctx: Context) -> FakeResponse:
        return ctx.page(ctx.store.collection(collection).values(), public)

    def get_item(ctx: Context) -> FakeResponse:
        return ctx.ok(public(get_or_404(ctx.store.collection(collection), ctx.id(id_param), label)))

    add_route("GET", f"{_C}{path}", list_op, list_items)
    add_route("GET", f"{_C}{path}/{{{id_param}}}", get_op, get_item)


_simple_collection("/offers", "offers", "offerId", "getOffers", "getOffer", "Offer")
_simple_collection(
    "/orderConfirmations",
    "order_confirmations",
    "confirmationId",
    "getOrderConfirmations",
    "getOrderConfirmation",
    "Order confirmation",
)


@route("POST", f"{_C}/offers/send", "sendOffer")
def send_offer(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.offers, data.get("offerId"), "Offer")
        record["dispatches"].append(
            dispatch(
                ctx, data, kind="offer", key=record["offerId"], customer_id=record["contactId"]
            )
        )
    return ctx.empty(200)


@route(
    "POST",
    f"{_C}/orderConfirmations/{{confirmationId}}/createInvoiceDraft",
    "createInvoiceDraftFromOrderConfirmation",
)
def invoice_draft_from_confirmation(ctx: Context):
    with ctx.state.lock:
        confirmation = get_or_404(
            ctx.store.order_confirmations, ctx.id("confirmationId"), "Order confirmation"
        )
        lines = [
            {
                k: line[k]
                for k in (
                    "quantity",
                    "unitPrice",
                    "vatType",
                    "description",
                    "productId",
                    "incomeAccount",
                )
                if k in line
            }
            for line in confirmation["lines"]
        ]
        draft = save_draft(
            ctx,
            {
                "customerId": confirmation["contactId"],
                "daysUntilDueDate": 14,
                "type": "invoice",
                "lines": lines,
            },
            "invoice",
        )
        ctx.store.invoice_drafts[draft["draftId"]] = draft
    return ctx.created(f"/invoices/drafts/{draft['draftId']}")


# -- sale and purchase drafts (draftRequest / draftResult) -----------------------------------
def _render_simple_draft(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    contact = ctx.store.contacts.get(record.get("_contactId"))
    if contact is not None:
        result["contact"] = render_contact(contact)
    return result


def _register_simple_drafts(kind: str, prefix: str, collection: str, issue) -> None:
    base = f"{_C}/{kind}/drafts"

    def save(ctx: Context, data: dict[str, Any], existing: dict[str, Any] | None) -> dict:
        contact_id = data.get("contactId")
        if contact_id is not None and contact_id not in ctx.store.contacts:
            raise ApiError(400, f"contactId {contact_id} is not a contact of this company")
        record = existing if existing is not None else {}
        draft_id = record.get("draftId") or ctx.state.next_id()
        record.clear()
        record.update(
            {
                **{k: v for k, v in data.items() if k not in ("contactId", "projectId")},
                "draftId": draft_id,
                "uuid": record.get("uuid") or str(uuidlib.uuid4()),
                "attachments": [],
                "_contactId": contact_id,
            }
        )
        return record

    def list_drafts(ctx):
        items = ctx.store.collection(collection).values()
        return ctx.page(items, lambda r: _render_simple_draft(ctx, r))

    def create(ctx):
        with ctx.state.lock:
            record = save(ctx, ctx.json(), None)
            ctx.store.collection(collection)[record["draftId"]] = record
        return ctx.created(f"/{kind}/drafts/{record['draftId']}")

    def get(ctx):
        record = get_or_404(ctx.store.collection(collection), ctx.id("draftId"), "Draft")
        return ctx.ok(_render_simple_draft(ctx, record))

    def update(ctx):
        with ctx.state.lock:
            record = get_or_404(ctx.store.collection(collection), ctx.id("draftId"), "Draft")
            save(ctx, ctx.json(), record)
        return ctx.created(f"/{kind}/drafts/{record['draftId']}")

    def delete(ctx):
        with ctx.state.lock:
            get_or_404(ctx.store.collection(collection), ctx.id("draftId"), "Draft")
            del ctx.store.collection(collection)[ctx.id("draftId")]
        return ctx.empty(204)

    def finalize(ctx):
        with ctx.state.lock:
            record = get_or_404(ctx.store.collection(collection), ctx.id("draftId"), "Draft")
            location = issue(ctx, record)
            del ctx.store.collection(collection)[record["draftId"]]
        return ctx.created(location)

    add_route("GET", base, f"get{prefix}Drafts", list_drafts)
    add_route("POST", base, f"create{prefix}Draft", create)
    add_route("GET", f"{base}/{{draftId}}", f"get{prefix}Draft", get)
    add_route("PUT", f"{base}/{{draftId}}", f"update{prefix}Draft", update)
    add_route("DELETE", f"{base}/{{draftId}}", f"delete{prefix}Draft", delete)
    add_route("POST", f"{base}/{{draftId}}/create{prefix}", f"create{prefix}FromDraft", finalize)
    register_attachments(
        f"{base}/{{draftId}}/attachments",
        collection,
        "draftId",
        get_op=f"get{prefix}DraftAttachments",
        add_op=f"addAttachmentTo{prefix}Draft",
        label="Draft",
    )


def _draft_lines(draft: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {
            "description": line.get("text", ""),
            "net": line["net"],
            "vat": line["gross"] - line["net"],
            "incomeAccount": line.get("incomeAccount", "3000"),
            "vatType": line.get("vatType", "NONE"),
        }
        for line in draft.get("lines") or []
    ]


def sale_from_draft(ctx: Context, draft: dict[str, Any]) -> str:
    from .sales import create_sale

    sale = create_sale(
        ctx,
        kind="cash_sale" if draft.get("cash") else "invoice",
        date=draft.get("invoiceIssueDate") or ctx.state.today_iso(),
        lines=_draft_lines(draft),
        customer_id=draft.get("_contactId"),
        currency=draft.get("currency", "NOK"),
        sale_number=draft.get("invoiceNumber"),
        due_date=draft.get("dueDate"),
    )
    return f"/sales/{sale['saleId']}"


def purchase_from_draft(ctx: Context, draft: dict[str, Any]) -> str:
    record = store_purchase(
        ctx,
        {
            "date": draft.get("invoiceIssueDate") or ctx.state.today_iso(),
            "kind": "cash_purchase" if draft.get("cash") else "supplier",
            "paid": bool(draft.get("paid")),
            "currency": draft.get("currency", "NOK"),
            "lines": [
                {
                    "description": line["description"],
                    "netPrice": line["net"],
                    "vat": line["vat"],
                    "account": line["incomeAccount"],
                    "vatType": line["vatType"],
                }
                for line in _draft_lines(draft)
            ],
            "supplierId": draft.get("_contactId"),
        },
    )
    return f"/purchases/{record['purchaseId']}"


_register_simple_drafts("sales", "Sale", "sale_drafts", sale_from_draft)
_register_simple_drafts("purchases", "Purchase", "purchase_drafts", purchase_from_draft)


# -- purchases ---------------------------------------------------------------------------------
def store_purchase(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    supplier_id = data.get("supplierId")
    if supplier_id is not None and supplier_id not in ctx.store.contacts:
        raise ApiError(400, f"supplierId {supplier_id} is not a contact of this company")
    purchase_id = ctx.state.next_id()
    record = {
        **{k: v for k, v in data.items() if k != "projectId"},
        "purchaseId": purchase_id,
        "transactionId": ctx.state.next_id(),
        "payments": [],
        "purchaseAttachments": [],
        "deleted": False,
        "settled": bool(data.get("paid")),
        "_supplierId": supplier_id,
    }
    ctx.store.purchases[purchase_id] = record
    return record


def render_purchase(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record, HIDDEN_KEYS["purchase"])
    supplier = ctx.store.contacts.get(record.get("_supplierId"))
    if supplier is not None:
        result["supplier"] = render_contact(supplier)
    return result


@route("GET", f"{_C}/purchases", "getPurchases")
def get_purchases(ctx: Context):
    items = apply_filters(ctx, ctx.store.purchases.values(), dates={"date": lambda r: r["date"]})
    return ctx.page(items, lambda r: render_purchase(ctx, r))


@route("POST", f"{_C}/purchases", "createPurchase")
def post_purchase(ctx: Context):
    with ctx.state.lock:
        record = store_purchase(ctx, ctx.json())
    return ctx.created(f"/purchases/{record['purchaseId']}")


def _purchase(ctx: Context) -> dict[str, Any]:
    return get_or_404(ctx.store.purchases, ctx.id("purchaseId"), "Purchase")


@route("GET", f"{_C}/purchases/{{purchaseId}}", "getPurchase")
def get_purchase(ctx: Context):
    return ctx.ok(render_purchase(ctx, _purchase(ctx)))


@route("PATCH", f"{_C}/purchases/{{purchaseId}}/delete", "deletePurchase")
def delete_purchase(ctx: Context):
    with ctx.state.lock:
        record = _purchase(ctx)
        record["deleted"] = True
    return ctx.ok(render_purchase(ctx, record))


@route("GET", f"{_C}/purchases/{{purchaseId}}/payments", "getPurchasePayments")
def get_purchase_payments(ctx: Context):
    return ctx.ok(_purchase(ctx)["payments"])


@route("POST", f"{_C}/purchases/{{purchaseId}}/payments", "createPurchasePayment")
def post_purchase_payment(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = _purchase(ctx)
        payment = {**data, "paymentId": ctx.state.next_id()}
        record["payments"].append(payment)
        gross = sum(line.get("netPrice", 0) + line.get("vat", 0) for line in record["lines"])
        record["settled"] = sum(p["amount"] for p in record["payments"]) >= gross
    return ctx.created(f"/purchases/{record['purchaseId']}/payments/{payment['paymentId']}")


@route("GET", f"{_C}/purchases/{{purchaseId}}/payments/{{paymentId}}", "getPurchasePayment")
def get_purchase_payment(ctx: Context):
    payment_id = ctx.id("paymentId")
    for payment in _purchase(ctx)["payments"]:
        if payment["paymentId"] == payment_id:
            return ctx.ok(payment)
    raise ApiError(404, f"Payment {payment_id} not found")


# -- projects, activities, time ----------------------------------------------------------------
def render_project(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    contact = ctx.store.contacts.get(record.get("_contactId"))
    if contact is not None:
        result["contact"] = render_contact(contact)
    return result


def _linked(ctx: Context, collection: str, key: int | None, label: str) -> dict | None:
    if key is None:
        return None
    record = ctx.store.collection(collection).get(key)
    if record is None:
        raise ApiError(400, f"{label} {key} does not exist")
    return record


@route("GET", f"{_C}/projects", "getProjects")
def get_projects(ctx: Context):
    items = apply_filters(
        ctx, ctx.store.projects.values(), booleans={"completed": lambda r: r.get("completed")}
    )
    return ctx.page(items, lambda r: render_project(ctx, r))


@route("POST", f"{_C}/projects", "createProject")
def post_project(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        if data.get("contactId") is not None and data["contactId"] not in ctx.store.contacts:
            raise ApiError(400, f"contactId {data['contactId']} does not exist")
        project_id = ctx.state.next_id()
        ctx.store.projects[project_id] = {
            **{k: v for k, v in data.items() if k != "contactId"},
            "projectId": project_id,
            "completed": bool(data.get("completed", False)),
            "_contactId": data.get("contactId"),
        }
    return ctx.created(f"/projects/{project_id}")


@route("GET", f"{_C}/projects/{{projectId}}", "getProject")
def get_project(ctx: Context):
    return ctx.ok(
        render_project(ctx, get_or_404(ctx.store.projects, ctx.id("projectId"), "Project"))
    )


@route("PATCH", f"{_C}/projects/{{projectId}}", "updateProject")
def patch_project(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.projects, ctx.id("projectId"), "Project")
        if "contactId" in data:
            record["_contactId"] = data.pop("contactId")
        record.update(data)
    return ctx.created(f"/projects/{record['projectId']}")


@route("DELETE", f"{_C}/projects/{{projectId}}", "deleteProject")
def delete_project(ctx: Context):
    with ctx.state.lock:
        get_or_404(ctx.store.projects, ctx.id("projectId"), "Project")
        del ctx.store.projects[ctx.id("projectId")]
    return ctx.empty(204)


def render_activity(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    product = ctx.store.products.get(record.get("_productId"))
    if product is not None:
        result["product"] = public(product)
    project = ctx.store.projects.get(record.get("_projectId"))
    if project is not None:
        result["project"] = render_project(ctx, project)
    return result


def _activity_fields(ctx: Context, record: dict[str, Any], data: dict[str, Any]) -> None:
    if "productId" in data:
        _linked(ctx, "products", data["productId"], "Product")
        record["_productId"] = data.pop("productId")
    if "projectId" in data:
        _linked(ctx, "projects", data["projectId"], "Project")
        record["_projectId"] = data.pop("projectId")
    record.update(data)


@route("GET", f"{_C}/activities", "getActivities")
def get_activities(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.activities.values(),
        equals={"name": lambda r: r.get("name")},
        booleans={"archived": lambda r: r.get("archived")},
    )
    return ctx.page(items, lambda r: render_activity(ctx, r))


@route("POST", f"{_C}/activities", "createActivity")
def post_activity(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        if any(a["name"] == data.get("name") for a in ctx.store.activities.values()):
            raise ApiError(400, "Activity names must be unique within the company")
        activity_id = ctx.state.next_id()
        record = {"activityId": activity_id, "archived": False}
        _activity_fields(ctx, record, dict(data))
        ctx.store.activities[activity_id] = record
    return ctx.created(f"/activities/{activity_id}")


@route("GET", f"{_C}/activities/{{activityId}}", "getActivity")
def get_activity(ctx: Context):
    record = get_or_404(ctx.store.activities, ctx.id("activityId"), "Activity")
    return ctx.ok(render_activity(ctx, record))


@route("PATCH", f"{_C}/activities/{{activityId}}", "updateActivity")
def patch_activity(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.activities, ctx.id("activityId"), "Activity")
        _activity_fields(ctx, record, dict(data))
    return ctx.empty(200, location=f"/activities/{record['activityId']}")


@route("DELETE", f"{_C}/activities/{{activityId}}", "deleteActivity")
def delete_activity(ctx: Context):
    with ctx.state.lock:
        get_or_404(ctx.store.activities, ctx.id("activityId"), "Activity")
        del ctx.store.activities[ctx.id("activityId")]
    return ctx.empty(204)


def render_time_entry(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    result = public(record)
    activity = ctx.store.activities.get(record.get("_activityId"))
    if activity is not None:
        result["activity"] = render_activity(ctx, activity)
    user = ctx.store.time_users.get(record.get("_timeUserId"))
    if user is not None:
        result["timeUser"] = public(user)
    project = ctx.store.projects.get(record.get("_projectId"))
    if project is not None:
        result["project"] = render_project(ctx, project)
    return result


def _time_entry_fields(ctx: Context, record: dict[str, Any], data: dict[str, Any]) -> None:
    for key, collection, label in (
        ("activityId", "activities", "Activity"),
        ("timeUserId", "time_users", "Time user"),
        ("projectId", "projects", "Project"),
    ):
        if key in data:
            _linked(ctx, collection, data[key], label)
            record["_" + key] = data.pop(key)
    record.update(data)
    record["lastModifiedDate"] = _now()


@route("GET", f"{_C}/timeEntries", "getTimeEntries")
def get_time_entries(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.time_entries.values(),
        equals={
            "projectId": lambda r: r.get("_projectId"),
            "activityId": lambda r: r.get("_activityId"),
            "timeUserId": lambda r: r.get("_timeUserId"),
        },
        booleans={"invoiced": lambda r: r.get("invoiced")},
        dates={"date": lambda r: r["date"], "lastModified": lambda r: r.get("lastModifiedDate")},
    )
    return ctx.page(items, lambda r: render_time_entry(ctx, r))


@route("POST", f"{_C}/timeEntries", "createTimeEntry")
def post_time_entry(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        entry_id = ctx.state.next_id()
        record = {
            "timeEntryId": entry_id,
            "invoiced": False,
            "locked": False,
            "createdDate": _now(),
        }
        _time_entry_fields(ctx, record, dict(data))
        ctx.store.time_entries[entry_id] = record
    return ctx.created(f"/timeEntries/{entry_id}")


@route("GET", f"{_C}/timeEntries/{{timeEntryId}}", "getTimeEntry")
def get_time_entry(ctx: Context):
    record = get_or_404(ctx.store.time_entries, ctx.id("timeEntryId"), "Time entry")
    return ctx.ok(render_time_entry(ctx, record))


@route("PATCH", f"{_C}/timeEntries/{{timeEntryId}}", "updateTimeEntry")
def patch_time_entry(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.time_entries, ctx.id("timeEntryId"), "Time entry")
        _time_entry_fields(ctx, record, dict(data))
    return ctx.empty(200, location=f"/timeEntries/{record['timeEntryId']}")


@route("DELETE", f"{_C}/timeEntries/{{timeEntryId}}", "deleteTimeEntry")
def delete_time_entry(ctx: Context):
    with ctx.state.lock:
        get_or_404(ctx.store.time_entries, ctx.id("timeEntryId"), "Time entry")
        del ctx.store.time_entries[ctx.id("timeEntryId")]
    return ctx.empty(204)


@route("POST", f"{_C}/timeEntries/createInvoiceDraft", "createInvoiceDraftFromTimeEntries")
def invoice_draft_from_time_entries(ctx: Context):
    from .drafts import render_draft

    data = ctx.json()
    with ctx.state.lock:
        entries = [
            get_or_404(ctx.store.time_entries, entry_id, "Time entry")
            for entry_id in data.get("timeEntryIds") or []
        ]
        lines = []
        for entry in entries:
            activity = ctx.store.activities.get(entry.get("_activityId"), {})
            lines.append(
                {
                    "quantity": entry.get("hours", 0),
                    "unitPrice": activity.get("hourlyRate", 0),
                    "vatType": "HIGH",
                    "description": activity.get("name", "Timer"),
                }
            )
        draft = save_draft(
            ctx,
            {
                "customerId": data.get("customerId"),
                "daysUntilDueDate": data.get("daysUntilDueDate", 14),
                "type": "invoice",
                "lines": lines,
                **{
                    k: data[k]
                    for k in (
                        "issueDate",
                        "invoiceText",
                        "yourReference",
                        "ourReference",
                        "orderReference",
                        "bankAccountNumber",
                    )
                    if data.get(k)
                },
            },
            "invoice",
        )
        ctx.store.invoice_drafts[draft["draftId"]] = draft
        for entry in entries:
            entry["invoiced"] = True
    response = ctx.ok(render_draft(ctx, draft), status=201)
    response.headers["Location"] = ctx.company_url(f"/invoices/drafts/{draft['draftId']}")
    return response


@route("GET", f"{_C}/timeUsers", "getTimeUsers")
def get_time_users(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.time_users.values(),
        equals={"name": lambda r: r.get("name"), "email": lambda r: r.get("email")},
    )
    return ctx.page(items, public)


@route("GET", f"{_C}/timeUsers/{{timeUserId}}", "getTimeUser")
def get_time_user(ctx: Context):
    return ctx.ok(public(get_or_404(ctx.store.time_users, ctx.id("timeUserId"), "Time user")))
