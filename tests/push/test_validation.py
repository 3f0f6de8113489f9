"""Validation before Fiken: pure functions, per-field messages an operator can act on."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from django_fiken import validation
from django_fiken.adapters import ContactData, InvoiceData, InvoiceLineData, SendOptions
from django_fiken.validation import ValidationError
from tests.testapp.models import Customer

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


@st.composite
def organization_numbers(draw):
    while True:
        digits = draw(st.lists(st.integers(0, 9), min_size=8, max_size=8))
        remainder = sum(d * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
        check = 0 if remainder == 0 else 11 - remainder
        if check != 10:
            return "".join(map(str, digits)) + str(check)


@given(organization_numbers())
def test_every_mod11_number_is_accepted(number):
    assert validation.is_valid_organization_number(number)


@given(organization_numbers(), st.integers(1, 9))
def test_a_changed_check_digit_is_refused(number, delta):
    wrong = number[:8] + str((int(number[8]) + delta) % 10)
    assert not validation.is_valid_organization_number(wrong)


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("92360901", "9 digits"),
        ("9236090166", "9 digits"),
        ("92360901a", "9 digits"),
        ("923609017", "check digit"),
    ],
)
def test_organization_number_problems_name_the_reason(value, fragment):
    assert fragment in validation.organization_number_problem(value)


def test_real_organization_numbers_pass():
    assert validation.organization_number_problem("923609016") is None  # Fiken AS
    assert validation.organization_number_problem("974760673") is None  # Brønnøysundregistrene


def test_sales_vat_types_exclude_purchase_only_types():
    assert validation.vat_type_problem("HIGH") is None
    assert "not a VAT type for sales" in validation.vat_type_problem("HIGH_DIRECT")


@pytest.mark.parametrize("value", [199.0, Decimal("199.00"), "19900", True, None])
def test_money_must_be_integer_ore(value):
    assert "øre" in validation.ore_problem(value)


def test_negative_ore_is_refused_unless_allowed():
    assert "negative" in validation.ore_problem(-1)
    assert validation.ore_problem(-1, allow_negative=True) is None


def test_currency_dates_emails_and_send_methods():
    assert validation.currency_problem("NOK") is None
    assert "ISO 4217" in validation.currency_problem("nok")
    assert validation.date_problem(datetime.date(2026, 1, 1)) is None
    assert "not a date" in validation.date_problem("2026-01-01")
    assert "not a date" in validation.date_problem(datetime.datetime(2026, 1, 1))
    assert validation.email_problem("kari@example.no") is None
    assert "not an email" in validation.email_problem("kari at example.no")
    assert validation.send_methods_problem(["email", "ehf"]) is None
    assert "unknown send method" in validation.send_methods_problem(["fax"])
    assert "no send method" in validation.send_methods_problem([])


def test_contact_data_reports_every_bad_field_at_once():
    data = ContactData(name="", email="nope", organization_number="123", currency="kr")
    with pytest.raises(ValidationError) as caught:
        data.validate()
    assert set(caught.value.errors) == {"name", "email", "organization_number", "currency"}
    assert "organization_number: '123' is not a Norwegian organization number" in str(caught.value)


def test_invoice_data_needs_customer_lines_and_bank_account(settings):
    settings.FIKEN = {**settings.FIKEN, "DEFAULT_BANK_ACCOUNT": None}
    data = InvoiceData(customer=None, lines=[], issue_date="2026-11-02")
    with pytest.raises(ValidationError) as caught:
        data.validate()
    errors = caught.value.errors
    assert set(errors) == {"customer", "lines", "issue_date", "bank_account"}
    assert "DEFAULT_BANK_ACCOUNT" in errors["bank_account"][0]


def test_invoice_lines_are_checked_field_by_field():
    data = InvoiceData(
        customer=Customer(name="Kari"),
        issue_date=datetime.date(2026, 11, 2),
        lines=[
            InvoiceLineData(description="ok", unit_price=100),
            InvoiceLineData(description="", unit_price=99.5, quantity=0, vat_type="HIGHER"),
        ],
        bank_account="1920:10001",
    )
    with pytest.raises(ValidationError) as caught:
        data.validate()
    assert set(caught.value.errors) == {
        "lines[1].description",
        "lines[1].unit_price",
        "lines[1].quantity",
        "lines[1].vat_type",
    }


def test_send_options_validate_methods_and_recipient():
    SendOptions(methods=("email",), recipient_email="kari@example.no").validate()
    with pytest.raises(ValidationError) as caught:
        SendOptions(methods=("pigeon",), recipient_email="x").validate()
    assert set(caught.value.errors) == {"methods", "recipient_email"}
