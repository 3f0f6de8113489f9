"""Mirror models: lifecycle, constraints, money display."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from django_fiken.models import (
    TRANSITIONS,
    FikenCompany,
    FikenContact,
    FikenInvoice,
    FikenProduct,
    IllegalTransition,
    InvoiceState,
    format_ore,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def company():
    return FikenCompany.objects.create(slug="acme-as", name="Acme AS")


def test_format_ore_writes_norwegian_kroner():
    assert format_ore(123450) == "1 234,50 kr"
    assert format_ore(5) == "0,05 kr"
    assert format_ore(-100000000) == "-1 000 000,00 kr"
    assert format_ore(250, "EUR") == "2,50 EUR"
    assert format_ore(None) == ""


def test_format_ore_refuses_floats():
    with pytest.raises(TypeError, match="integer øre"):
        format_ore(12.5)


def test_lifecycle_walks_forward(company):
    invoice = FikenInvoice.objects.create(company=company)
    assert invoice.state == InvoiceState.NEW
    for state in ("draft", "issued", "sent", "settled", "credited"):
        invoice.transition_to(state)
        invoice.refresh_from_db()
        assert invoice.state == state


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("new", "sent"),
        ("new", "settled"),
        ("draft", "sent"),
        ("settled", "sent"),
        ("credited", "settled"),
        ("draft", "credited"),
        ("issued", "bogus"),
    ],
)
def test_illegal_transition_changes_nothing(company, start, target):
    invoice = FikenInvoice.objects.create(company=company, state=start)
    with pytest.raises(IllegalTransition) as raised:
        invoice.transition_to(target)
    assert isinstance(raised.value, ValidationError)
    assert f"{start!r} to {target!r}" in raised.value.message
    assert invoice.state == start
    invoice.refresh_from_db()
    assert invoice.state == start


def test_transition_accepts_the_enum_and_names_states_plainly(company):
    invoice = FikenInvoice.objects.create(company=company, state=InvoiceState.SENT)
    invoice.transition_to(InvoiceState.SETTLED)
    assert invoice.state == "settled"
    with pytest.raises(IllegalTransition) as raised:
        invoice.transition_to(InvoiceState.NEW)
    assert raised.value.message == (
        f"Invoice {invoice.pk} cannot go from 'settled' to 'new'; allowed from 'settled': credited."
    )


def test_every_state_has_a_row_in_the_transition_table():
    assert set(TRANSITIONS) == set(InvoiceState.values)
    assert TRANSITIONS[InvoiceState.CREDITED] == frozenset()


def test_fiken_id_unique_per_company_but_not_across(company):
    other = FikenCompany.objects.create(slug="other-as")
    FikenContact.objects.create(company=company, fiken_id=7, name="A")
    FikenContact.objects.create(company=other, fiken_id=7, name="A elsewhere")
    FikenContact.objects.create(company=company, fiken_id=None, name="Not pushed 1")
    FikenContact.objects.create(company=company, fiken_id=None, name="Not pushed 2")
    with pytest.raises(IntegrityError), transaction.atomic():
        FikenContact.objects.create(company=company, fiken_id=7, name="Duplicate")


def test_member_number_unique_per_company_when_set(company):
    FikenContact.objects.create(company=company, name="A", member_number_string="shop-1")
    FikenContact.objects.create(company=company, name="B", member_number_string="")
    FikenContact.objects.create(company=company, name="C", member_number_string="")
    with pytest.raises(IntegrityError), transaction.atomic():
        FikenContact.objects.create(company=company, name="D", member_number_string="shop-1")


def test_draft_uuid_is_generated_and_unique(company):
    first = FikenInvoice.objects.create(company=company)
    second = FikenInvoice.objects.create(company=company)
    assert isinstance(first.draft_uuid, uuid.UUID)
    assert first.draft_uuid != second.draft_uuid
    with pytest.raises(IntegrityError), transaction.atomic():
        FikenInvoice.objects.create(company=company, draft_uuid=first.draft_uuid)


def test_money_columns_are_integers(company):
    product = FikenProduct.objects.create(company=company, name="Widget", unit_price=12345)
    product.refresh_from_db()
    assert product.unit_price == 12345
    assert isinstance(product.unit_price, int)


def test_lifecycle_permissions_exist():
    codenames = {codename for codename, _ in FikenInvoice._meta.permissions}
    assert codenames == {
        "push_invoice",
        "finalize_invoice",
        "send_invoice",
        "credit_invoice",
        "mark_invoice_sent",
        "refresh_invoice",
    }
    assert {c for c, _ in FikenContact._meta.permissions} == {"push_contact", "refresh_contact"}
