"""Small builders of mirror rows and Fiken-shaped payloads for the mirror tests."""

from __future__ import annotations

from datetime import date

from django_fiken.models import (
    FikenBankAccount,
    FikenCompany,
    FikenConnection,
    FikenContact,
    FikenContactPerson,
    FikenInvoice,
    FikenInvoiceLine,
    FikenProduct,
    FikenSyncState,
)


def mirror_rows(slug: str = "acme-as") -> dict[str, object]:
    """One saved row of every mirror model, linked together."""
    company = FikenCompany.objects.create(
        slug=slug, name="Acme AS", organization_number="999999999", fiken_data={"slug": slug}
    )
    connection = FikenConnection.objects.create(company=company, kind="personal")
    contact = FikenContact.objects.create(
        company=company,
        fiken_id=11,
        name="Kari Nordmann",
        email="kari@example.com",
        customer_number=10001,
        member_number_string="shop-1",
        fiken_data={"contactId": 11, "name": "Kari Nordmann", "futureField": {"nested": [1]}},
    )
    person = FikenContactPerson.objects.create(contact=contact, name="Ola", email="ola@example.com")
    invoice = FikenInvoice.objects.create(
        company=company,
        customer=contact,
        fiken_id=21,
        state="issued",
        invoice_number=10001,
        issue_date=date(2026, 1, 5),
        due_date=date(2026, 1, 19),
        net=100000,
        vat=25000,
        gross=125000,
        fiken_data={"invoiceId": 21, "invoiceText": "<script>alert(1)</script>"},
    )
    line = FikenInvoiceLine.objects.create(
        invoice=invoice,
        description="Widget",
        unit_price=100000,
        net=100000,
        vat=25000,
        gross=125000,
    )
    product = FikenProduct.objects.create(
        company=company, fiken_id=31, name="Widget", unit_price=9900
    )
    bank = FikenBankAccount.objects.create(
        company=company,
        fiken_id=41,
        name="Drift",
        account_code="1920:10001",
        reconciled_balance=123450,
    )
    state = FikenSyncState.objects.create(company=company, collection="contacts")
    return {
        "company": company,
        "connection": connection,
        "contact": contact,
        "person": person,
        "invoice": invoice,
        "line": line,
        "product": product,
        "bank": bank,
        "state": state,
    }
