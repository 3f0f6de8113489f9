"""General journal entries (debit must equal credit), balances, attachments and the inbox."""

from __future__ import annotations

import pytest

from .conftest import COMPANY, draft_body, location_id, new_contact, new_invoice


def _entry(*lines, date="2024-02-01"):
    return {
        "description": "Husleie",
        "journalEntries": [{"description": "Husleie februar", "date": date, "lines": list(lines)}],
    }


def test_balanced_general_journal_entry_is_booked(fake, api):
    body = _entry(
        {"amount": 500000, "debitAccount": "6300", "creditAccount": "1920:10001"},
    )
    entry_id = location_id(api.post(f"{COMPANY}/generalJournalEntries", json=body))
    entry = api.get(f"{COMPANY}/journalEntries/{entry_id}").json()
    assert entry["description"].startswith("Fri postering registrert via API")
    assert sorted(line["amount"] for line in entry["lines"]) == [-500000, 500000]
    balance = api.get(f"{COMPANY}/accountBalances/6300", params={"date": "2024-12-31"}).json()
    assert balance["balance"] == 500000
    transaction = api.get(f"{COMPANY}/transactions/{entry['transactionId']}").json()
    assert transaction["entries"][0]["journalEntryId"] == entry_id


def test_split_lines_must_balance(fake, api):
    unbalanced = _entry(
        {"amount": 1000, "debitAccount": "6800"}, {"amount": 900, "creditAccount": "1920"}
    )
    response = api.post(f"{COMPANY}/generalJournalEntries", json=unbalanced)
    assert response.status_code == 400
    assert "Debit (1000) and credit (900)" in response.json()["error_description"]
    assert fake.store("fiken-demo-as").journal_entries == {}
    balanced = _entry(
        {"amount": 1000, "debitAccount": "6800"}, {"amount": 1000, "creditAccount": "1920"}
    )
    assert api.post(f"{COMPANY}/generalJournalEntries", json=balanced).status_code == 201


def test_unknown_account_is_400(fake, api):
    response = api.post(
        f"{COMPANY}/generalJournalEntries",
        json=_entry({"amount": 10, "debitAccount": "9999", "creditAccount": "1920"}),
    )
    assert response.status_code == 400


def test_journal_filters_and_transaction_delete(fake, api):
    api.post(
        f"{COMPANY}/generalJournalEntries",
        json=_entry(
            {"amount": 10, "debitAccount": "6800", "creditAccount": "1920"}, date="2024-01-15"
        ),
    )
    second = location_id(
        api.post(
            f"{COMPANY}/generalJournalEntries",
            json=_entry(
                {"amount": 20, "debitAccount": "6800", "creditAccount": "1920"}, date="2024-03-15"
            ),
        )
    )
    found = api.get(f"{COMPANY}/journalEntries", params={"dateGe": "2024-03-01"}).json()
    assert [e["journalEntryId"] for e in found] == [second]
    transaction_id = api.get(f"{COMPANY}/journalEntries/{second}").json()["transactionId"]
    deleted = api.patch(
        f"{COMPANY}/transactions/{transaction_id}/delete", params={"description": "feilført"}
    )
    assert deleted.json()["deleted"] is True
    balance = api.get(f"{COMPANY}/accountBalances/6800", params={"date": "2099-01-01"}).json()
    assert balance["balance"] == 10


def test_accounts_chart(fake, api):
    codes = [a["code"] for a in api.get(f"{COMPANY}/accounts", params={"pageSize": 100}).json()]
    for code in ("1500", "1920", "2400", "3000", "1920:10001"):
        assert code in codes
    low = api.get(f"{COMPANY}/accounts", params={"fromAccount": 3000, "toAccount": 3999}).json()
    assert {a["code"] for a in low} == {"3000", "3100"}
    assert api.get(f"{COMPANY}/accounts/9999").status_code == 404
    bank = api.get(f"{COMPANY}/bankAccounts").json()[0]
    assert bank["accountCode"] == "1920:10001"


PDF = ("kvittering.pdf", b"%PDF-1.4 fake", "application/pdf")


def _owners(api):
    customer = new_contact(api)
    invoice_id = new_invoice(api, customer)
    draft_id = location_id(api.post(f"{COMPANY}/invoices/drafts", json=draft_body(customer)))
    sale_id = api.get(f"{COMPANY}/invoices/{invoice_id}").json()["sale"]["saleId"]
    entry_id = location_id(
        api.post(
            f"{COMPANY}/generalJournalEntries",
            json=_entry({"amount": 10, "debitAccount": "6800", "creditAccount": "1920"}),
        )
    )
    return {
        "contacts": (f"{COMPANY}/contacts/{customer}", None),
        "invoices": (f"{COMPANY}/invoices/{invoice_id}", "attachments"),
        "invoice drafts": (f"{COMPANY}/invoices/drafts/{draft_id}", "attachments"),
        "sales": (f"{COMPANY}/sales/{sale_id}", "saleAttachments"),
        "journal entries": (f"{COMPANY}/journalEntries/{entry_id}", "attachments"),
    }


def test_multipart_attachments_on_every_owner(fake, api):
    for label, (url, field) in _owners(api).items():
        response = api.post(
            f"{url}/attachments",
            files={"file": PDF},
            data={"filename": "kvittering.pdf", "comment": label},
        )
        assert response.status_code == 201, (label, response.text)
        assert response.headers["Location"].endswith("/kvittering.pdf")
        if label != "contacts":  # contacts have no GET attachments endpoint
            listed = api.get(f"{url}/attachments").json()
            assert listed[0]["comment"] == label
        owner = api.get(url).json()
        assert owner[field or "documents"][0]["identifier"]
    stored = fake.store("fiken-demo-as").attachments
    assert len(stored) == 5
    assert all(items[0]["_content"] == PDF[1] for items in stored.values())


@pytest.mark.parametrize(
    ("files", "data"),
    [
        ({"file": ("virus.exe", b"MZ", "application/octet-stream")}, {"filename": "virus.exe"}),
        ({"comment": (None, "no file part")}, {"filename": "kvittering.pdf"}),
    ],
)
def test_bad_attachment_is_400(fake, api, files, data):
    invoice_id = new_invoice(api, new_contact(api))
    response = api.post(f"{COMPANY}/invoices/{invoice_id}/attachments", files=files, data=data)
    assert response.status_code in (400, 415)


def test_inbox_upload_and_list(fake, api):
    response = api.post(
        f"{COMPANY}/inbox",
        files={"file": PDF},
        data={"name": "Faktura august", "filename": "kvittering.pdf"},
    )
    document_id = location_id(response)
    document = api.get(f"{COMPANY}/inbox/{document_id}").json()
    assert document["name"] == "Faktura august" and document["status"] is False
    assert api.get(f"{COMPANY}/inbox", params={"name": "Faktura august"}).json()
