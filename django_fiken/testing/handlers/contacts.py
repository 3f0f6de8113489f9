"""Contacts and their contact persons, with Fiken's filters."""

from __future__ import annotations

from typing import Any

from ..http import ApiError
from ..state import HIDDEN_KEYS, public
from .base import Context, apply_filters, get_or_404, route, touch

HIDDEN = HIDDEN_KEYS["contact"]
READ_ONLY = {
    "contactId",
    "createdDate",
    "lastModifiedDate",
    "customerNumber",
    "customerAccountCode",
    "supplierNumber",
    "supplierAccountCode",
    "notes",
    "documents",
}


def render_contact(record: dict[str, Any]) -> dict[str, Any]:
    return public(record, HIDDEN)


def _assign_ledgers(ctx: Context, record: dict[str, Any]) -> None:
    """Customers get a 1500 sub-ledger and number, suppliers a 2400 one, as in Fiken."""
    store = ctx.store
    if record.get("customer") and "customerNumber" not in record:
        number = next(store.customer_numbers)
        record["customerNumber"] = number
        record["customerAccountCode"] = f"1500:{number}"
        store.accounts[record["customerAccountCode"]] = record["name"]
    if record.get("supplier") and "supplierNumber" not in record:
        number = next(store.supplier_numbers)
        record["supplierNumber"] = number
        record["supplierAccountCode"] = f"2400:{number}"
        store.accounts[record["supplierAccountCode"]] = record["name"]


def _contact_persons(ctx: Context, persons: list[dict] | None) -> list[dict]:
    result = []
    for person in persons or []:
        if not person.get("name") or not person.get("email"):
            raise ApiError(400, "A contact person needs name and email")
        result.append({**person, "contactPersonId": ctx.state.next_id()})
    return result


def create_contact(ctx: Context, data: dict[str, Any]) -> dict[str, Any]:
    """Store a new contact from a request body (also used by the Python seeding API)."""
    if not str(data.get("name") or "").strip():
        raise ApiError(400, "name is required")
    today = ctx.state.today_iso()
    with ctx.state.lock:
        contact_id = ctx.state.next_id()
        record = {
            **{k: v for k, v in data.items() if k not in READ_ONLY and k != "contactPerson"},
            "contactId": contact_id,
            "createdDate": today,
            "lastModifiedDate": today,
            "customer": bool(data.get("customer", False)),
            "supplier": bool(data.get("supplier", False)),
            "inactive": bool(data.get("inactive", False)),
            "contactPerson": _contact_persons(ctx, data.get("contactPerson")),
            "groups": list(data.get("groups") or []),
        }
        _assign_ledgers(ctx, record)
        ctx.store.contacts[contact_id] = record
    return record


@route("GET", "/companies/{companySlug}/contacts", "getContacts")
def get_contacts(ctx: Context):
    items = apply_filters(
        ctx,
        ctx.store.contacts.values(),
        equals={
            "supplierNumber": lambda r: r.get("supplierNumber"),
            "customerNumber": lambda r: r.get("customerNumber"),
            "memberNumber": lambda r: r.get("memberNumber"),
            "memberNumberString": lambda r: r.get("memberNumberString"),
            "name": lambda r: r.get("name"),
            "organizationNumber": lambda r: r.get("organizationNumber"),
            "email": lambda r: r.get("email"),
            "phoneNumber": lambda r: r.get("phoneNumber"),
        },
        booleans={
            "customer": lambda r: r.get("customer"),
            "supplier": lambda r: r.get("supplier"),
            "inactive": lambda r: r.get("inactive"),
        },
        dates={
            "lastModified": lambda r: r.get("lastModifiedDate"),
            "createdDate": lambda r: r.get("createdDate"),
        },
    )
    if "group" in ctx.query:
        items = [r for r in items if ctx.query["group"] in r.get("groups", [])]
    sort = ctx.query.get("sortBy", "createdDate asc")
    if sort != "createdDate asc":  # stored in creation order already
        field, _, direction = sort.partition(" ")
        key = "lastModifiedDate" if field == "lastModified" else "createdDate"
        items.sort(key=lambda r: (r.get(key) or "", r["contactId"]), reverse=direction == "desc")
    return ctx.page(items, render_contact)


@route("POST", "/companies/{companySlug}/contacts", "createContact")
def post_contact(ctx: Context):
    record = create_contact(ctx, ctx.json())
    return ctx.created(f"/contacts/{record['contactId']}")


@route("GET", "/companies/{companySlug}/contacts/{contactId}", "getContact")
def get_contact(ctx: Context):
    return ctx.ok(render_contact(get_or_404(ctx.store.contacts, ctx.id("contactId"), "Contact")))


@route("PUT", "/companies/{companySlug}/contacts/{contactId}", "updateContact")
def put_contact(ctx: Context):
    data = ctx.json()
    if not str(data.get("name") or "").strip():
        raise ApiError(400, "name is required")
    with ctx.state.lock:
        record = get_or_404(ctx.store.contacts, ctx.id("contactId"), "Contact")
        kept = {k: record[k] for k in READ_ONLY if k in record}
        persons = record.get("contactPerson", [])
        hidden = {k: record[k] for k in HIDDEN if k in record and k not in data}
        record.clear()
        record.update({**hidden, **data, **kept})
        record["customer"] = bool(data.get("customer", False))
        record["supplier"] = bool(data.get("supplier", False))
        record["contactPerson"] = (
            _contact_persons(ctx, data["contactPerson"]) if "contactPerson" in data else persons
        )
        _assign_ledgers(ctx, record)
        touch(ctx, record)
    return ctx.empty(200, location=f"/contacts/{record['contactId']}")


def _in_use(ctx: Context, contact_id: int) -> bool:
    store = ctx.store
    return any(i.get("_customerId") == contact_id for i in store.invoices.values()) or any(
        s.get("_customerId") == contact_id for s in store.sales.values()
    )


@route("DELETE", "/companies/{companySlug}/contacts/{contactId}", "deleteContact")
def delete_contact(ctx: Context):
    contact_id = ctx.id("contactId")
    with ctx.state.lock:
        record = get_or_404(ctx.store.contacts, contact_id, "Contact")
        if _in_use(ctx, contact_id):
            record["inactive"] = True
            touch(ctx, record)
            return ctx.ok(render_contact(record))
        del ctx.store.contacts[contact_id]
    return ctx.empty(204)


@route(
    "GET", "/companies/{companySlug}/contacts/{contactId}/contactPerson", "getContactContactPerson"
)
def get_contact_persons(ctx: Context):
    record = get_or_404(ctx.store.contacts, ctx.id("contactId"), "Contact")
    return ctx.ok(record.get("contactPerson", []))


@route(
    "POST",
    "/companies/{companySlug}/contacts/{contactId}/contactPerson",
    "addContactPersonToContact",
)
def add_contact_person(ctx: Context):
    data = ctx.json()
    with ctx.state.lock:
        record = get_or_404(ctx.store.contacts, ctx.id("contactId"), "Contact")
        (person,) = _contact_persons(ctx, [data])
        record.setdefault("contactPerson", []).append(person)
        touch(ctx, record)
    # The spec documents 200 (not 201) for this create, with a Location header.
    return ctx.empty(
        200,
        location=f"/contacts/{record['contactId']}/contactPerson/{person['contactPersonId']}",
    )


def _person(ctx: Context) -> tuple[dict, dict]:
    record = get_or_404(ctx.store.contacts, ctx.id("contactId"), "Contact")
    person_id = ctx.id("contactPersonId")
    for person in record.get("contactPerson", []):
        if person["contactPersonId"] == person_id:
            return record, person
    raise ApiError(404, f"Contact person {person_id} not found")


_PERSON_PATH = "/companies/{companySlug}/contacts/{contactId}/contactPerson/{contactPersonId}"


@route("GET", _PERSON_PATH, "getContactPerson")
def get_contact_person(ctx: Context):
    return ctx.ok(_person(ctx)[1])


@route("PUT", _PERSON_PATH, "updateContactContactPerson")
def put_contact_person(ctx: Context):
    data = ctx.json()
    if not data.get("name") or not data.get("email"):
        raise ApiError(400, "A contact person needs name and email")
    with ctx.state.lock:
        record, person = _person(ctx)
        person_id = person["contactPersonId"]
        person.clear()
        person.update({**data, "contactPersonId": person_id})
        touch(ctx, record)
    return ctx.empty(200, location=f"/contacts/{record['contactId']}/contactPerson/{person_id}")


@route("DELETE", _PERSON_PATH, "deleteContactContactPerson")
def delete_contact_person(ctx: Context):
    with ctx.state.lock:
        record, person = _person(ctx)
        record["contactPerson"].remove(person)
        touch(ctx, record)
    return ctx.empty(204)
