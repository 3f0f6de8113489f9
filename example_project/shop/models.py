"""A small shop: customers buy products through orders.

Nothing here knows about Fiken. The shop is connected to Fiken only in ``shop/fiken.py``
(adapters and a signal receiver), the way any Django project would connect its own models.
"""

from __future__ import annotations

import datetime

from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Sum
from django.utils import timezone


def format_nok(ore: int) -> str:
    """``123450`` → ``"1 234,50 kr"``: money is integer øre, formatted only for people."""
    sign = "-" if ore < 0 else ""
    kroner, rest = divmod(abs(ore), 100)
    return f"{sign}{kroner:,}".replace(",", " ") + f",{rest:02d} kr"


class VatType(models.TextChoices):
    """Fiken's VAT types for sales (``vatType`` on an invoice line)."""

    HIGH = "HIGH", "25 % (high)"
    MEDIUM = "MEDIUM", "15 % (food)"
    LOW = "LOW", "12 % (transport, culture)"
    EXEMPT = "EXEMPT", "Exempt (0 %)"
    OUTSIDE = "OUTSIDE", "Outside the VAT scope"
    NONE = "NONE", "No VAT"


VAT_RATE_PERCENT = {
    VatType.HIGH: 25,
    VatType.MEDIUM: 15,
    VatType.LOW: 12,
    VatType.EXEMPT: 0,
    VatType.OUTSIDE: 0,
    VatType.NONE: 0,
}

organization_number_validator = RegexValidator(
    r"^\d{9}$", "A Norwegian organization number is nine digits, no spaces."
)


class Customer(models.Model):
    """Someone who buys: a person, or a business when it has an organization number."""

    name = models.CharField(max_length=200)
    email = models.EmailField()
    organization_number = models.CharField(
        max_length=9,
        blank=True,
        default="",
        validators=[organization_number_validator],
        help_text="Nine digits; leave empty for a private person.",
    )
    phone = models.CharField(max_length=32, blank=True, default="")
    street_address = models.CharField(max_length=200, blank=True, default="")
    postal_code = models.CharField(max_length=16, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    country = models.CharField(max_length=100, default="Norge")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """Something the shop sells, priced in øre excluding VAT."""

    name = models.CharField(max_length=200)
    price_ore = models.PositiveIntegerField(
        "price (øre, excl. VAT)", help_text="Integer øre: 199 kr is 19900."
    )
    vat_type = models.CharField(max_length=16, choices=VatType.choices, default=VatType.HIGH)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({format_nok(self.price_ore)})"


class OrderStatus(models.TextChoices):
    """An order is invoiced when it is placed; a cart is still being filled."""

    CART = "cart", "Cart"
    PLACED = "placed", "Placed (invoiced)"
    CANCELLED = "cancelled", "Cancelled"


class PaymentStatus(models.TextChoices):
    """Paid is set when Fiken reports the invoice settled, never by hand in the happy path."""

    PENDING = "pending", "Pending"
    PAID = "paid", "Paid"


class Order(models.Model):
    """A customer's order; placing it issues and sends an invoice through Fiken."""

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    order_date = models.DateField(default=timezone.localdate)
    status = models.CharField(max_length=16, choices=OrderStatus.choices, default=OrderStatus.CART)
    payment_status = models.CharField(
        max_length=16, choices=PaymentStatus.choices, default=PaymentStatus.PENDING
    )
    paid_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-order_date", "-pk"]

    def __str__(self) -> str:
        return f"Order #{self.pk} ({self.customer})"

    @property
    def reference(self) -> str:
        """A stable, readable key the shop and Fiken both show (Fiken's ``orderReference``)."""
        return f"shop-order-{self.pk}"

    def net_total_ore(self) -> int:
        """Sum of quantity times unit price over the lines, excluding VAT, in øre."""
        total = self.lines.aggregate(total=Sum(F("quantity") * F("unit_price_ore")))["total"]
        return int(total or 0)

    def mark_paid(self, paid_on: datetime.date | None = None) -> bool:
        """Record the payment once; returns False when it was already recorded."""
        if self.payment_status == PaymentStatus.PAID:
            return False
        self.payment_status = PaymentStatus.PAID
        self.paid_on = paid_on or timezone.localdate()
        self.save(update_fields=["payment_status", "paid_on"])
        return True


class OrderLine(models.Model):
    """One product on an order; price and VAT are copied so later price changes leave it be."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200, blank=True, default="")
    quantity = models.PositiveIntegerField(default=1, validators=[MinValueValidator(1)])
    unit_price_ore = models.PositiveIntegerField("unit price (øre, excl. VAT)", blank=True)
    vat_type = models.CharField(max_length=16, choices=VatType.choices, blank=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.quantity} x {self.description or self.product.name}"

    def save(self, *args, **kwargs) -> None:
        """Copy the product's current name, price and VAT type into a new line."""
        if not self.description:
            self.description = self.product.name
        if self.unit_price_ore is None:
            self.unit_price_ore = self.product.price_ore
        if not self.vat_type:
            self.vat_type = self.product.vat_type
        super().save(*args, **kwargs)

    @property
    def net_amount_ore(self) -> int:
        return self.quantity * self.unit_price_ore
