"""Admin for invoices and their lines; lifecycle actions (push, send, credit...) join here."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from django_fiken.admin.actions import InvoiceActionsMixin
from django_fiken.admin.base import SYNC_FIELDS, MirrorAdmin, ReadOnlyInline, money_column
from django_fiken.admin.jobs import PushJobInline
from django_fiken.models import FikenInvoice, FikenInvoiceLine


class InvoiceLineInline(ReadOnlyInline):
    model = FikenInvoiceLine
    fields = (
        "position",
        "description",
        "product_name",
        "quantity",
        "unit_price_display",
        "net_display",
        "vat_display",
        "gross_display",
        "vat_type",
        "income_account",
    )
    readonly_fields = fields

    unit_price_display = money_column("unit_price", _("unit price"))
    net_display = money_column("net", _("net"))
    vat_display = money_column("vat", _("VAT"))
    gross_display = money_column("gross", _("gross"))

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("invoice")


@admin.register(FikenInvoice)
class FikenInvoiceAdmin(InvoiceActionsMixin, MirrorAdmin):
    refresh_permission = "refresh_invoice"
    actions = [*MirrorAdmin.actions, *InvoiceActionsMixin.lifecycle_actions]
    list_display = (
        "__str__",
        "customer",
        "state",
        "issue_date",
        "due_date",
        "gross_display",
        "settled",
        "sent",
        "company",
        *SYNC_FIELDS[:2],
    )
    list_filter = ("state", "settled", "sent", "company", "sync_status", "issue_date")
    search_fields = (
        "=invoice_number",
        "kid",
        "order_reference",
        "host_key",
        "customer__name",
        "customer__email",
        "=draft_uuid",
    )
    date_hierarchy = "issue_date"
    list_select_related = ("company", "customer")
    readonly_fields = (
        "company",
        "customer",
        "state",
        "fiken_id",
        "invoice_number",
        "kid",
        "draft_id",
        "draft_uuid",
        "host_key",
        "issue_date",
        "due_date",
        "net_display",
        "vat_display",
        "gross_display",
        "currency",
        "settled",
        "settled_date",
        "sent",
        "cash",
        "order_reference",
        "your_reference",
        "our_reference",
        "invoice_text",
        "bank_account_number",
        "created_date",
        "last_modified",
        "deleted_in_fiken",
        *SYNC_FIELDS,
        "payload",
    )
    fields = readonly_fields
    inlines = [InvoiceLineInline, PushJobInline]

    net_display = money_column("net", _("net"))
    vat_display = money_column("vat", _("VAT"))
    gross_display = money_column("gross", _("gross"))
