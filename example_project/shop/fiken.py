"""The shop's whole Fiken integration: two adapters and one signal receiver.

- A saved :class:`Customer` becomes (or updates) a Fiken contact.
- A placed :class:`Order` becomes an invoice in Fiken, issued and sent to the customer.
- When a pull finds the invoice settled in Fiken, :func:`mark_order_paid` marks the order paid.

Imported from ``ShopConfig.ready()``; django-fiken connects the ``post_save`` signals itself.
"""

from __future__ import annotations

import logging

from django.dispatch import receiver

from django_fiken import adapters
from django_fiken.models import FikenInvoice
from django_fiken.signals import invoice_settled
from example_project.shop.models import Customer, Order, OrderStatus

logger = logging.getLogger(__name__)

ORDER_KEY_PREFIX = "shop-order-"


@adapters.register(Customer)
class CustomerAdapter(adapters.ContactAdapter):
    """A customer as a Fiken contact; saves that change none of these fields push nothing."""

    push_fields = (
        "name",
        "email",
        "organization_number",
        "phone",
        "street_address",
        "postal_code",
        "city",
        "country",
    )

    def host_key(self, obj: Customer) -> str:
        return f"shop-customer-{obj.pk}"

    def to_contact(self, obj: Customer) -> adapters.ContactData:
        address = None
        if obj.street_address or obj.city:
            address = adapters.AddressData(
                street_address=obj.street_address,
                post_code=obj.postal_code,
                city=obj.city,
                country=obj.country,
            )
        return adapters.ContactData(
            name=obj.name,
            email=obj.email,
            organization_number=obj.organization_number,
            phone_number=obj.phone,
            address=address,
        )


@adapters.register(Order)
class OrderAdapter(adapters.InvoiceAdapter):
    """A placed order as a Fiken invoice, issued and sent (Fiken picks email or EHF)."""

    push_fields = ("status",)
    invoice_policy = "issue_and_send"
    send_methods = ("auto",)

    def host_key(self, obj: Order) -> str:
        return obj.reference

    def should_invoice(self, obj: Order) -> bool:
        return obj.status == OrderStatus.PLACED and obj.lines.exists()

    def to_invoice(self, obj: Order) -> adapters.InvoiceData:
        return adapters.InvoiceData(
            customer=obj.customer,
            issue_date=obj.order_date,
            days_until_due=14,
            your_reference=obj.customer.name,
            invoice_text=f"Thank you for your order ({obj.reference}).",
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


def order_for_invoice(invoice: FikenInvoice) -> Order | None:
    """The order an invoice was made for, found through the host key the adapter gave it."""
    key = invoice.host_key or invoice.order_reference
    if not key.startswith(ORDER_KEY_PREFIX):
        return None
    pk = key.removeprefix(ORDER_KEY_PREFIX)
    return Order.objects.filter(pk=int(pk)).first() if pk.isdigit() else None


@receiver(invoice_settled, dispatch_uid="example_shop_mark_order_paid")
def mark_order_paid(sender, instance: FikenInvoice, **kwargs) -> None:
    """Fiken sends no webhooks: a pull notices the settlement and django-fiken tells us here."""
    invoice = instance
    order = order_for_invoice(invoice)
    if order is None:
        return
    if order.mark_paid(invoice.settled_date):
        logger.info("%s paid (Fiken invoice %s settled)", order, invoice.invoice_number)
