"""Pull against the fake Fiken: every collection lands in its mirror."""

import pytest

from django_fiken.models import FikenBankAccount, FikenCompany, FikenContact, FikenInvoice
from django_fiken.sync.pull import pull

from .conftest import seed_contacts, seed_invoices

pytestmark = pytest.mark.django_db


def test_full_pull_fills_every_mirror(fake, company):
    customers = seed_contacts(fake, 3)
    seed_invoices(fake, customers, 2)
    summary = pull(company, full=True)
    company.refresh_from_db()
    assert company.name == "Fiken Demo AS"
    assert company.organization_number == "923609016"
    assert FikenContact.objects.count() == 3
    assert FikenInvoice.objects.count() == 2
    assert FikenBankAccount.objects.get().account_code == "1920:10001"
    invoice = FikenInvoice.objects.select_related("customer").first()
    assert invoice.customer.name.startswith("Customer")
    assert invoice.gross == 125000 and invoice.state == "issued"
    assert invoice.lines.get().description == "Consulting"
    assert summary["contacts"].created == 3
    assert FikenCompany.objects.count() == 1
