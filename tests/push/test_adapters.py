"""Adapter registration (code and settings) and the bodies adapters produce."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ImproperlyConfigured

from django_fiken import adapters
from tests.testapp.fiken import CustomerAdapter, OrderAdapter
from tests.testapp.models import Customer, Order, OrderLine


def test_settings_register_the_test_shop_adapters():
    assert isinstance(adapters.get_adapter(Customer), CustomerAdapter)
    assert isinstance(adapters.get_adapter(Order), OrderAdapter)
    assert adapters.get_adapter(OrderLine) is None


def test_one_adapter_per_model():
    class Other(adapters.ContactAdapter):
        def to_contact(self, obj):
            return adapters.ContactData(name="x")

    with pytest.raises(ImproperlyConfigured, match="already has a Fiken adapter"):
        adapters.register(Customer, Other)


def test_decorator_registration_and_unregister():
    @adapters.register("testapp.OrderLine")
    class LineAdapter(adapters.ContactAdapter):
        def to_contact(self, obj):
            return adapters.ContactData(name=obj.description)

    try:
        assert isinstance(adapters.get_adapter(OrderLine), LineAdapter)
    finally:
        adapters.unregister(OrderLine)
    assert adapters.get_adapter(OrderLine) is None


def test_registration_refuses_what_is_not_an_adapter_or_a_model():
    with pytest.raises(ImproperlyConfigured, match="must subclass"):
        adapters.register(OrderLine, object)
    with pytest.raises(ImproperlyConfigured, match="not an installed model"):
        adapters.register("shop.Nope", CustomerAdapter)


def test_invoice_policy_must_be_known():
    class Bad(adapters.InvoiceAdapter):
        invoice_policy = "issue_later"

    with pytest.raises(ImproperlyConfigured, match="invoice_policy is 'issue_later'"):
        adapters.register(OrderLine, Bad)
    assert adapters.get_adapter(OrderLine) is None


def test_bad_settings_path_says_which_entry(settings, monkeypatch):
    monkeypatch.setattr(adapters, "_settings_loaded", False)
    settings.FIKEN = {**settings.FIKEN, "ADAPTERS": {"testapp.OrderLine": "shop.nowhere.Adapter"}}
    with pytest.raises(ImproperlyConfigured, match=r"ADAPTERS.*testapp.OrderLine.*shop.nowhere"):
        adapters.load_from_settings()


def test_contact_body_carries_the_host_key():
    data = adapters.ContactData(
        name="Ola AS",
        email="ola@example.no",
        organization_number="923609016",
        address=adapters.AddressData(city="Oslo"),
    )
    assert data.to_fiken("customer-7") == {
        "name": "Ola AS",
        "customer": True,
        "memberNumberString": "customer-7",
        "email": "ola@example.no",
        "organizationNumber": "923609016",
        "address": {"city": "Oslo", "country": "Norge"},
    }


def test_line_quantities_and_amounts_stay_exact():
    line = adapters.InvoiceLineData(description="Tau", unit_price=1999, quantity=Decimal("2.5"))
    assert line.net() == 4998  # 4997.5 rounded half up
    assert line.to_fiken_draft_line()["quantity"] == 2.5
    whole = adapters.InvoiceLineData(description="Tau", unit_price=1999, quantity=Decimal("2"))
    assert whole.to_fiken_draft_line()["quantity"] == 2


@pytest.mark.django_db
def test_order_adapter_maps_the_order():
    customer = Customer.objects.create(name="Kari")
    order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2))
    OrderLine.objects.create(order=order, description="Sokker", unit_price_ore=19900, quantity=2)
    data = OrderAdapter(Order).to_invoice(order)
    data.validate()
    assert data.customer == customer
    assert [(line.description, line.unit_price, line.quantity) for line in data.lines] == [
        ("Sokker", 19900, 2)
    ]
    assert data.resolved_bank_account() == "1920:10001"  # FIKEN["DEFAULT_BANK_ACCOUNT"]


def test_unknown_matching_keys_are_refused():
    class Bad(adapters.ContactAdapter):
        matching_keys = ("member_number", "phone")

    with pytest.raises(ImproperlyConfigured, match="unknown \\['phone'\\]"):
        adapters.register(OrderLine, Bad)
