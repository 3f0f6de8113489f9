"""The minimal areas (offers, order confirmations, purchases, projects, time...) answer
spec-valid responses; any invalid response from the fake would raise SpecError here."""

from __future__ import annotations

from .conftest import COMPANY, draft_body, location_id, new_contact, new_invoice

PDF = {"file": ("a.pdf", b"%PDF", "application/pdf")}


def test_offers_from_draft_counter_send_and_attachments(fake, api):
    customer = new_contact(api)
    draft_id = location_id(
        api.post(f"{COMPANY}/offers/drafts", json=draft_body(customer, type="offer"))
    )
    assert (
        api.post(
            f"{COMPANY}/offers/drafts/{draft_id}/attachments", files=PDF, data={"filename": "a.pdf"}
        ).status_code
        == 201
    )
    assert len(api.get(f"{COMPANY}/offers/drafts/{draft_id}/attachments").json()) == 1
    assert api.post(f"{COMPANY}/offers/drafts/{draft_id}/createOffer").status_code == 409
    api.post(f"{COMPANY}/offers/counter", json={"value": 100})
    offer_id = location_id(api.post(f"{COMPANY}/offers/drafts/{draft_id}/createOffer"))
    offer = api.get(f"{COMPANY}/offers/{offer_id}").json()
    assert (offer["offerNumber"], offer["gross"]) == (101, 25000)
    assert api.get(f"{COMPANY}/offers").json()[0]["offerId"] == offer_id
    sent = api.post(
        f"{COMPANY}/offers/send",
        json={"offerId": offer_id, "method": ["email"], "includeDocumentAttachments": False},
    )
    assert sent.status_code == 200


def test_order_confirmation_to_invoice_draft(fake, api):
    customer = new_contact(api)
    api.post(f"{COMPANY}/orderConfirmations/counter")
    draft_id = location_id(
        api.post(
            f"{COMPANY}/orderConfirmations/drafts",
            json=draft_body(customer, type="order_confirmation"),
        )
    )
    confirmation_id = location_id(
        api.post(f"{COMPANY}/orderConfirmations/drafts/{draft_id}/createOrderConfirmation")
    )
    assert api.get(f"{COMPANY}/orderConfirmations/{confirmation_id}").json()["confirmationNumber"]
    invoice_draft = api.post(f"{COMPANY}/orderConfirmations/{confirmation_id}/createInvoiceDraft")
    draft = api.get(invoice_draft.headers["Location"]).json()
    assert draft["customers"][0]["contactId"] == customer and draft["gross"] == 25000


def test_sale_and_purchase_drafts(fake, api):
    supplier = new_contact(api, customer=False, supplier=True)
    line = {"text": "Garn", "vatType": "HIGH", "incomeAccount": "3000", "net": 1000, "gross": 1250}
    body = {
        "cash": False,
        "paid": False,
        "lines": [line],
        "contactId": supplier,
        "invoiceIssueDate": "2024-03-01",
    }
    for kind, action, collection in (
        ("sales", "createSale", "sales"),
        ("purchases", "createPurchase", "purchases"),
    ):
        draft_id = location_id(api.post(f"{COMPANY}/{kind}/drafts", json=body))
        assert (
            api.get(f"{COMPANY}/{kind}/drafts/{draft_id}").json()["contact"]["contactId"]
            == supplier
        )
        api.put(f"{COMPANY}/{kind}/drafts/{draft_id}", json={**body, "paid": True})
        created = location_id(api.post(f"{COMPANY}/{kind}/drafts/{draft_id}/{action}"))
        assert api.get(f"{COMPANY}/{collection}/{created}").status_code == 200
        assert api.get(f"{COMPANY}/{kind}/drafts").json() == []


def test_purchases_with_payments(fake, api):
    supplier = new_contact(api, customer=False, supplier=True)
    purchase = {
        "date": "2024-02-01",
        "kind": "supplier",
        "paid": False,
        "currency": "NOK",
        "supplierId": supplier,
        "dueDate": "2024-02-15",
        "kid": "12345",
        "lines": [
            {
                "description": "Papir",
                "netPrice": 800,
                "vat": 200,
                "vatType": "HIGH",
                "account": "6800",
            }
        ],
    }
    purchase_id = location_id(api.post(f"{COMPANY}/purchases", json=purchase))
    got = api.get(f"{COMPANY}/purchases/{purchase_id}").json()
    assert got["supplier"]["contactId"] == supplier and "kid" not in got
    payments = f"{COMPANY}/purchases/{purchase_id}/payments"
    payment_id = location_id(
        api.post(payments, json={"date": "2024-02-10", "account": "1920:10001", "amount": 1000})
    )
    assert api.get(f"{payments}/{payment_id}").json()["amount"] == 1000
    assert api.get(f"{COMPANY}/purchases/{purchase_id}").json()["settled"] is True
    assert (
        api.post(
            f"{COMPANY}/purchases/{purchase_id}/attachments", files=PDF, data={"filename": "a.pdf"}
        ).status_code
        == 201
    )
    assert api.get(f"{COMPANY}/purchases/{purchase_id}/attachments").json()
    assert (
        api.patch(
            f"{COMPANY}/purchases/{purchase_id}/delete", params={"description": "feil"}
        ).json()["deleted"]
        is True
    )
    assert api.get(f"{COMPANY}/purchases", params={"dateGe": "2024-01-01"}).json()


def test_projects_activities_time_entries(fake, api):
    customer = new_contact(api)
    project_id = location_id(
        api.post(
            f"{COMPANY}/projects",
            json={
                "number": "P1",
                "name": "Nettbutikk",
                "startDate": "2024-01-01",
                "contactId": customer,
            },
        )
    )
    assert api.get(f"{COMPANY}/projects/{project_id}").json()["contact"]["contactId"] == customer
    api.patch(f"{COMPANY}/projects/{project_id}", json={"completed": True})
    assert api.get(f"{COMPANY}/projects", params={"completed": "true"}).json()
    activity_id = location_id(
        api.post(
            f"{COMPANY}/activities",
            json={"name": "Utvikling", "hourlyRate": 100000, "projectId": project_id},
        )
    )
    assert api.post(f"{COMPANY}/activities", json={"name": "Utvikling"}).status_code == 400
    api.patch(f"{COMPANY}/activities/{activity_id}", json={"billable": True})
    assert (
        api.get(f"{COMPANY}/activities/{activity_id}").json()["project"]["projectId"] == project_id
    )
    fake.store("fiken-demo-as").time_users[7] = {
        "timeUserId": 7,
        "name": "Ola",
        "email": "ola@example.com",
    }
    assert api.get(f"{COMPANY}/timeUsers/7").json()["name"] == "Ola"
    assert api.get(f"{COMPANY}/timeUsers", params={"email": "ola@example.com"}).json()
    entry_id = location_id(
        api.post(
            f"{COMPANY}/timeEntries",
            json={"date": "2024-01-02", "hours": 2.5, "activityId": activity_id, "timeUserId": 7},
        )
    )
    api.patch(f"{COMPANY}/timeEntries/{entry_id}", json={"description": "Kassa"})
    assert api.get(f"{COMPANY}/timeEntries/{entry_id}").json()["timeUser"]["timeUserId"] == 7
    drafted = api.post(
        f"{COMPANY}/timeEntries/createInvoiceDraft",
        json={"timeEntryIds": [entry_id], "customerId": customer, "daysUntilDueDate": 10},
    )
    assert drafted.status_code == 201 and drafted.json()["net"] == 250000
    assert api.get(f"{COMPANY}/timeEntries", params={"invoiced": "true"}).json()
    assert api.delete(f"{COMPANY}/timeEntries/{entry_id}").status_code == 204
    assert api.delete(f"{COMPANY}/activities/{activity_id}").status_code == 204
    assert api.delete(f"{COMPANY}/projects/{project_id}").status_code == 204


def test_products_sales_report_and_balances(fake, api):
    product_id = location_id(
        api.post(
            f"{COMPANY}/products",
            json={
                "name": "Garn",
                "incomeAccount": "3000",
                "vatType": "HIGH",
                "active": True,
                "unitPrice": 5000,
            },
        )
    )
    customer = new_contact(api)
    new_invoice(
        api, customer, lines=[{"quantity": 3, "productId": product_id}], issueDate="2024-04-01"
    )
    report = api.post(
        f"{COMPANY}/products/salesReport", json={"from": "2024-01-01", "to": "2024-12-31"}
    ).json()
    assert report[0]["sold"]["netAmount"] == 15000 and report[0]["sold"]["count"] == 3
    api.put(
        f"{COMPANY}/products/{product_id}",
        json={"name": "Garn", "incomeAccount": "3000", "vatType": "HIGH", "active": False},
    )
    assert api.get(f"{COMPANY}/products", params={"active": "false"}).json()
    balances = api.get(f"{COMPANY}/bankBalances", params={"date": "2024-12-31"}).json()
    assert balances[0]["bankAccountCode"] == "1920:10001"
    assert api.get(f"{COMPANY}/accountBalances", params={"date": "2024-12-31"}).status_code == 200
    assert api.delete(f"{COMPANY}/products/{product_id}").status_code == 204


def test_bank_account_create(fake, api):
    bank_id = location_id(
        api.post(
            f"{COMPANY}/bankAccounts",
            json={"name": "Sparekonto", "bankAccountNumber": "11112233334", "type": "normal"},
        )
    )
    account = api.get(f"{COMPANY}/bankAccounts/{bank_id}").json()
    assert account["accountCode"] == "1920:10002"
    assert api.get(f"{COMPANY}/accounts/1920:10002").json()["name"] == "Sparekonto"
