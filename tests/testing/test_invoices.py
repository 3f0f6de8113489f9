"""Invoices: counter, drafts, issuing, sending, filters, updates."""

from __future__ import annotations

import uuid

from .conftest import COMPANY, draft_body, location_id, make_fake, new_contact, new_invoice


def _uninitialised(api):
    """A fake whose company has no counters yet, as a brand-new Fiken company."""
    fake = make_fake()
    store = fake.store("fiken-demo-as")
    store.counters = dict.fromkeys(store.counters)
    return fake


def test_counter_404_and_invoice_409_until_initialised(api):
    fake = _uninitialised(api)
    with fake.mock():
        assert api.get(f"{COMPANY}/invoices/counter").status_code == 404
        customer = new_contact(api)
        draft_id = location_id(api.post(f"{COMPANY}/invoices/drafts", json=draft_body(customer)))
        refused = api.post(f"{COMPANY}/invoices/drafts/{draft_id}/createInvoice")
        assert refused.status_code == 409
        assert "counter" in refused.json()["error_description"]
        direct = api.post(
            f"{COMPANY}/invoices",
            json={
                "issueDate": "2024-05-01",
                "dueDate": "2024-05-15",
                "bankAccountCode": "1920:10001",
                "cash": False,
                "customerId": customer,
                "lines": [{"quantity": 1, "unitPrice": 100, "vatType": "NONE"}],
            },
        )
        assert direct.status_code == 409
        assert api.post(f"{COMPANY}/invoices/counter", json={}).status_code == 201
        assert api.get(f"{COMPANY}/invoices/counter").json() == {"value": 10000}
        assert api.post(f"{COMPANY}/invoices/counter", json={}).status_code == 409
        issued = api.post(f"{COMPANY}/invoices/drafts/{draft_id}/createInvoice")
        assert issued.status_code == 201
        invoice = api.get(issued.headers["Location"]).json()
        assert invoice["invoiceNumber"] == 10001
        assert api.get(f"{COMPANY}/invoices/counter").json() == {"value": 10001}
    fake.assert_no_violations()


def test_counter_can_start_elsewhere(api):
    fake = _uninitialised(api)
    with fake.mock():
        api.post(f"{COMPANY}/invoices/counter", json={"value": 500})
        invoice_id = new_invoice(api, new_contact(api))
    assert fake.store("fiken-demo-as").invoices[invoice_id]["invoiceNumber"] == 501


def test_draft_crud_and_totals(fake, api):
    customer = new_contact(api)
    draft_uuid = str(uuid.uuid4())
    draft_id = location_id(
        api.post(f"{COMPANY}/invoices/drafts", json=draft_body(customer, uuid=draft_uuid))
    )
    draft = api.get(f"{COMPANY}/invoices/drafts/{draft_id}").json()
    assert draft["uuid"] == draft_uuid
    assert (draft["net"], draft["gross"]) == (20000, 25000)
    assert draft["customers"][0]["contactId"] == customer
    updated = draft_body(customer, uuid=draft_uuid, orderReference="order-9")
    assert api.put(f"{COMPANY}/invoices/drafts/{draft_id}", json=updated).status_code == 201
    assert api.get(f"{COMPANY}/invoices/drafts", params={"orderReference": "order-9"}).json()
    assert api.get(f"{COMPANY}/invoices/drafts", params={"uuid": draft_uuid}).json()
    assert api.delete(f"{COMPANY}/invoices/drafts/{draft_id}").status_code == 204
    assert api.get(f"{COMPANY}/invoices/drafts/{draft_id}").status_code == 404


def test_draft_for_unknown_customer_is_400(fake, api):
    response = api.post(f"{COMPANY}/invoices/drafts", json=draft_body(424242))
    assert response.status_code == 400
    assert "customerId" in response.json()["error_description"]


def test_invoice_from_draft_carries_uuid_amounts_kid_and_sale(fake, api):
    customer = new_contact(api)
    draft_uuid = str(uuid.uuid4())
    draft_id = location_id(
        api.post(
            f"{COMPANY}/invoices/drafts",
            json=draft_body(
                customer, uuid=draft_uuid, orderReference="ord-1", issueDate="2024-05-01"
            ),
        )
    )
    invoice_id = location_id(api.post(f"{COMPANY}/invoices/drafts/{draft_id}/createInvoice"))
    invoice = api.get(f"{COMPANY}/invoices/{invoice_id}").json()
    assert invoice["invoiceDraftUuid"] == draft_uuid
    assert (invoice["net"], invoice["vat"], invoice["gross"]) == (20000, 5000, 25000)
    assert invoice["issueDate"] == "2024-05-01" and invoice["dueDate"] == "2024-05-15"
    assert invoice["kid"].startswith(str(invoice["invoiceNumber"]))
    assert invoice["bankAccountNumber"] == "12345678903"
    assert invoice["sale"]["settled"] is False
    assert invoice["sale"]["outstandingBalance"] == 25000
    # The draft is consumed.
    assert api.get(f"{COMPANY}/invoices/drafts/{draft_id}").status_code == 404
    # The filters the sync layer relies on.
    for params in (
        {"invoiceDraftUuid": draft_uuid},
        {"orderReference": "ord-1"},
        {"customerId": customer},
        {"issueDateGe": "2024-05-01"},
        {"dueDateLe": "2024-05-15"},
        {"settled": "false"},
    ):
        found = api.get(f"{COMPANY}/invoices", params=params).json()
        assert [i["invoiceId"] for i in found] == [invoice_id], params
    assert api.get(f"{COMPANY}/invoices", params={"issueDateLt": "2024-05-01"}).json() == []


def test_direct_create_invoice(fake, api):
    customer = new_contact(api)
    response = api.post(
        f"{COMPANY}/invoices",
        json={
            "issueDate": "2024-06-01",
            "dueDate": "2024-06-15",
            "bankAccountCode": "1920:10001",
            "cash": False,
            "customerId": customer,
            "uuid": "0f4b7a52-5a0c-4a39-9f8a-1f8f6a4f0a11",
            "lines": [{"quantity": 3, "unitPrice": 1000, "vatType": "LOW", "description": "Mat"}],
        },
    )
    invoice = api.get(response.headers["Location"]).json()
    assert (invoice["net"], invoice["vat"]) == (3000, 360)
    assert invoice["invoiceDraftUuid"] == "0f4b7a52-5a0c-4a39-9f8a-1f8f6a4f0a11"


def test_unknown_bank_account_is_400(fake, api):
    response = api.post(
        f"{COMPANY}/invoices",
        json={
            "issueDate": "2024-06-01",
            "dueDate": "2024-06-15",
            "bankAccountCode": "1920:99999",
            "cash": False,
            "customerId": new_contact(api),
            "lines": [{"quantity": 1, "unitPrice": 1000, "vatType": "HIGH"}],
        },
    )
    assert response.status_code == 400


def test_send_records_dispatch(fake, api):
    invoice_id = new_invoice(api, new_contact(api))
    response = api.post(
        f"{COMPANY}/invoices/send",
        json={"invoiceId": invoice_id, "method": ["email"], "includeDocumentAttachments": True},
    )
    assert response.status_code == 200
    invoice = api.get(f"{COMPANY}/invoices/{invoice_id}").json()
    assert invoice["dispatches"][0]["dispatchType"] == "email"
    assert fake.store("fiken-demo-as").sent[0][:2] == ("invoice", invoice_id)


def test_send_without_any_email_is_400(fake, api):
    customer = location_id(api.post(f"{COMPANY}/contacts", json={"name": "Uten e-post"}))
    invoice_id = new_invoice(api, customer)
    response = api.post(
        f"{COMPANY}/invoices/send",
        json={"invoiceId": invoice_id, "method": ["email"], "includeDocumentAttachments": False},
    )
    assert response.status_code == 400


def test_send_unknown_invoice_is_404(fake, api):
    response = api.post(
        f"{COMPANY}/invoices/send",
        json={"invoiceId": 999999, "method": ["email"], "includeDocumentAttachments": True},
    )
    assert response.status_code == 404


def test_update_due_date_keeps_original(fake, api):
    invoice_id = new_invoice(api, new_contact(api))
    before = api.get(f"{COMPANY}/invoices/{invoice_id}").json()["dueDate"]
    response = api.patch(
        f"{COMPANY}/invoices/{invoice_id}", json={"newDueDate": "2030-01-01", "sentManually": True}
    )
    assert response.status_code == 200
    after = api.get(f"{COMPANY}/invoices/{invoice_id}").json()
    assert after["dueDate"] == "2030-01-01"
    assert after["originalDueDate"] == before
    assert after["sentManually"] is True
