"""Pay an order's invoice in the fake Fiken, as the customer's bank transfer would in real Fiken."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from django_fiken.conf import fiken_settings
from django_fiken.models import FikenInvoice
from django_fiken.testing import RemoteFake
from example_project.shop.models import Order


class Command(BaseCommand):
    help = (
        "Demo only: record the payment of an order's invoice in the fake Fiken (its /_fake/ "
        "control API). The shop hears of it at the next pull (fiken_sync, or the schedule)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("order", type=int, help="the order's id (its number in the admin)")

    def handle(self, *args, order: int, **options) -> None:
        try:
            reference = Order.objects.get(pk=order).reference
        except Order.DoesNotExist:
            raise CommandError(f"There is no order {order}.") from None
        invoice = FikenInvoice.objects.filter(host_key=reference, fiken_id__isnull=False).first()
        if invoice is None:
            raise CommandError(
                f"Order {order} has no invoice in Fiken yet: place it, and check its push job "
                "in the admin (Fiken push jobs)."
            )
        fake = RemoteFake(fiken_settings.BASE_URL)
        fake.mark_invoice_paid(fiken_settings.COMPANY_SLUG, invoice.fiken_id)
        self.stdout.write(
            f"{invoice} paid in the fake Fiken. Run `manage.py fiken_sync` (or wait for the "
            "scheduled pull) and the order turns paid."
        )
