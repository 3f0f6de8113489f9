"""The test shop's adapters, registered through FIKEN["ADAPTERS"] in tests/settings.py."""

from __future__ import annotations

from django_fiken import adapters
from tests.testapp.models import Customer, Order


class CustomerAdapter(adapters.ContactAdapter):
    push_fields = ("name", "email", "org_number", "phone", "city")

    def host_key(self, obj: Customer) -> str:
        return f"customer-{obj.pk}"

    def company(self, obj: Customer) -> str | None:
        return obj.fiken_company or None

    def to_contact(self, obj: Customer) -> adapters.ContactData:
        return adapters.ContactData(
            name=obj.name,
            email=obj.email,
            organization_number=obj.org_number,
            phone_number=obj.phone,
            address=adapters.AddressData(city=obj.city) if obj.city else None,
        )


class OrderAdapter(adapters.InvoiceAdapter):
    push_fields = ("status", "note")
    invoice_policy = "issue_and_send"
    send_methods = ("email",)
    via_draft = True

    def host_key(self, obj: Order) -> str:
        return f"order-{obj.pk}"

    def company(self, obj: Order) -> str | None:
        return obj.customer.fiken_company or None

    def should_invoice(self, obj: Order) -> bool:
        return obj.status == Order.Status.PAID

    def to_invoice(self, obj: Order) -> adapters.InvoiceData:
        return adapters.InvoiceData(
            customer=obj.customer,
            issue_date=obj.order_date,
            days_until_due=14,
            invoice_text=obj.note,
            cash_payment_account="1920:10001" if obj.prepaid else None,
            lines=[
                adapters.InvoiceLineData(
                    description=line.description,
                    unit_price=line.unit_price_ore,
                    quantity=line.quantity,
                    vat_type=line.vat_type,
                )
                for line in obj.lines.all()
            ],
        )
