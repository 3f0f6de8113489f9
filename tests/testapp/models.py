"""Host models standing in for a shop's own Customer and Order in the test suite."""

from django.db import models


class Customer(models.Model):
    name = models.CharField(max_length=200)
    email = models.CharField(max_length=200, blank=True, default="")
    org_number = models.CharField(max_length=20, blank=True, default="")
    phone = models.CharField(max_length=32, blank=True, default="")
    city = models.CharField(max_length=100, blank=True, default="")
    # The Fiken company this customer is booked in (slug); empty means FIKEN["COMPANY_SLUG"].
    fiken_company = models.CharField(max_length=100, blank=True, default="")
    # Not pushed to Fiken: saving a change here must not enqueue anything.
    loyalty_points = models.IntegerField(default=0)

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    class Status(models.TextChoices):
        NEW = "new"
        PAID = "paid"

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="orders")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    order_date = models.DateField()
    # Paid before invoicing (a card payment at checkout): becomes a cash invoice.
    prepaid = models.BooleanField(default=False)
    note = models.CharField(max_length=200, blank=True, default="")

    def __str__(self) -> str:
        return f"Order {self.pk}"


class OrderLine(models.Model):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    description = models.CharField(max_length=200)
    unit_price_ore = models.IntegerField()
    quantity = models.IntegerField(default=1)
    vat_type = models.CharField(max_length=32, default="HIGH")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.description
