"""Sales and payments (settled follows payments) and credit notes (full, partial, drafts)."""

from __future__ import annotations

from .conftest import COMPANY, draft_body, location_id, make_fake, new_contact, new_invoice


def _sale_of(api, invoice_id):
    return api.get(f"{COMPANY}/invoices/{invoice_id}").json()["sale"]


def test_payments_settle_the_sale_and_the_invoice_filter(fake, api):
    invoice_id = new_invoice(api, new_contact(api))
    sale_id = _sale_of(api, invoice_id)["saleId"]
    payments = f"{COMPANY}/sales/{sale_id}/payments"
    partial = {"date": "2024-05-10", "account": "1920:10001", "amount": 10000}
    payment_id = location_id(api.post(payments, json=partial))
    sale = api.get(f"{COMPANY}/sales/{sale_id}").json()
    assert (sale["settled"], sale["totalPaid"], sale["outstandingBalance"]) == (False, 10000, 15000)
    assert api.get(f"{payments}/{payment_id}").json()["amount"] == 10000
    api.post(payments, json={**partial, "date": "2024-05-20", "amount": 15000})
    sale = api.get(f"{COMPANY}/sales/{sale_id}").json()
    assert sale["settled"] is True and sale["settledDate"] == "2024-05-20"
    assert len(api.get(payments).json()) == 2
    settled = api.get(f"{COMPANY}/invoices", params={"settled": "true"}).json()
    assert [i["invoiceId"] for i in settled] == [invoice_id]
    assert api.get(f"{COMPANY}/sales", params={"settled": "true"}).json()[0]["saleId"] == sale_id


def test_mark_invoice_paid_helper(fake, api):
    invoice_id = new_invoice(api, new_contact(api))
    invoice = fake.mark_invoice_paid("fiken-demo-as", invoice_id, paid_on="2024-06-01")
    assert invoice["sale"]["settled"] is True
    assert _sale_of(api, invoice_id)["settledDate"] == "2024-06-01"


def test_bad_payment_is_400(fake, api):
    sale_id = _sale_of(api, new_invoice(api, new_contact(api)))["saleId"]
    response = api.post(
        f"{COMPANY}/sales/{sale_id}/payments",
        json={"date": "2024-05-10", "account": "1920:10001", "amount": -5},
    )
    assert response.status_code == 400


def test_direct_sale_settled_and_deleted(fake, api):
    customer = new_contact(api)
    sale = {
        "date": "2024-04-01",
        "kind": "external_invoice",
        "paid": False,
        "currency": "NOK",
        "customerId": customer,
        "lines": [
            {
                "description": "Kurs",
                "netPrice": 8000,
                "vat": 2000,
                "vatType": "HIGH",
                "account": "3000",
            }
        ],
    }
    sale_id = location_id(api.post(f"{COMPANY}/sales", json=sale))
    settled = api.patch(f"{COMPANY}/sales/{sale_id}/settled", params={"settledDate": "2024-04-02"})
    assert settled.json()["settled"] is True
    deleted = api.patch(f"{COMPANY}/sales/{sale_id}/delete", params={"description": "feil"})
    assert deleted.json()["deleted"] is True
    # Fiken keeps deleted sales (reversed, flagged) in its lists.
    listed = api.get(f"{COMPANY}/sales", params={"contactId": customer}).json()
    assert [(s["saleId"], s["deleted"]) for s in listed] == [(sale_id, True)]


def test_full_credit_note_settles_the_invoice(fake, api):
    invoice_id = new_invoice(api, new_contact(api))
    response = api.post(
        f"{COMPANY}/creditNotes/full", json={"issueDate": "2024-05-02", "invoiceId": invoice_id}
    )
    assert response.status_code == 201
    note = api.get(response.headers["Location"]).json()
    assert note["gross"] == 25000 and note["associatedInvoiceId"] == invoice_id
    assert note["creditNoteNumber"] == 10001
    invoice = api.get(f"{COMPANY}/invoices/{invoice_id}").json()
    assert invoice["associatedCreditNotes"] == [note["creditNoteId"]]
    assert invoice["sale"]["settled"] is True
    again = api.post(
        f"{COMPANY}/creditNotes/full", json={"issueDate": "2024-05-02", "invoiceId": invoice_id}
    )
    assert again.status_code == 400  # cannot credit more than the invoice


def test_partial_credit_note_reduces_outstanding(fake, api):
    customer = new_contact(api)
    invoice_id = new_invoice(api, customer)
    response = api.post(
        f"{COMPANY}/creditNotes/partial",
        json={
            "issueDate": "2024-05-03",
            "invoiceId": invoice_id,
            "creditNoteText": "Rabatt",
            "lines": [
                {"quantity": 1, "unitPrice": 4000, "vatType": "HIGH", "description": "Rabatt"}
            ],
        },
    )
    note_id = location_id(response)
    note = api.get(f"{COMPANY}/creditNotes/{note_id}").json()
    assert (note["net"], note["vat"], note["gross"]) == (4000, 1000, 5000)
    sale = _sale_of(api, invoice_id)
    assert sale["outstandingBalance"] == 20000 and sale["settled"] is False
    assert [
        n["creditNoteId"]
        for n in api.get(f"{COMPANY}/creditNotes", params={"customerId": customer}).json()
    ] == [note_id]


def test_partial_credit_note_needs_invoice_or_contact(fake, api):
    response = api.post(
        f"{COMPANY}/creditNotes/partial",
        json={"issueDate": "2024-05-03", "lines": [{"quantity": 1, "unitPrice": 100}]},
    )
    assert response.status_code == 400


def test_credit_note_draft_to_credit_note_and_send(fake, api):
    customer = new_contact(api)
    body = draft_body(customer, type="credit_note")
    draft_id = location_id(api.post(f"{COMPANY}/creditNotes/drafts", json=body))
    assert api.get(f"{COMPANY}/creditNotes/drafts").json()[0]["draftId"] == draft_id
    note_id = location_id(api.post(f"{COMPANY}/creditNotes/drafts/{draft_id}/createCreditNote"))
    note = api.get(f"{COMPANY}/creditNotes/{note_id}").json()
    assert note["creditNoteDraftUuid"]
    sent = api.post(
        f"{COMPANY}/creditNotes/send",
        json={"creditNoteId": note_id, "method": ["email"], "includeDocumentAttachments": True},
    )
    assert sent.status_code == 200
    assert fake.store("fiken-demo-as").sent[-1][:2] == ("creditNote", note_id)


def test_credit_note_counter_required(api):
    fake = make_fake()
    fake.store("fiken-demo-as").counters["creditNote"] = None
    with fake.mock():
        invoice_id = new_invoice(api, new_contact(api))
        refused = api.post(
            f"{COMPANY}/creditNotes/full", json={"issueDate": "2024-05-02", "invoiceId": invoice_id}
        )
        assert refused.status_code == 409
        assert api.get(f"{COMPANY}/creditNotes/counter").status_code == 404
        api.post(f"{COMPANY}/creditNotes/counter")
        assert api.get(f"{COMPANY}/creditNotes/counter").json() == {"value": 10000}
    fake.assert_no_violations()


def test_payment_touches_the_invoice_for_incremental_pulls(api):
    from datetime import date

    today = {"value": date(2024, 5, 1)}
    fake = make_fake(today=lambda: today["value"])
    with fake.mock():
        invoice_id = new_invoice(api, new_contact(api))
        today["value"] = date(2024, 5, 20)
        fake.mark_invoice_paid("fiken-demo-as", invoice_id)
        changed = api.get(f"{COMPANY}/invoices", params={"lastModifiedGe": "2024-05-20"}).json()
    assert [(i["invoiceId"], i["sale"]["settled"]) for i in changed] == [(invoice_id, True)]
    fake.assert_no_violations()
