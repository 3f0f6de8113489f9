"""Admin for invoices and their lines; lifecycle actions (push, send, credit...) join here."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import F, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_fiken.admin.actions import InvoiceActionsMixin
from django_fiken.admin.base import SYNC_FIELDS, MirrorAdmin, ReadOnlyInline, money_column
from django_fiken.admin.jobs import PushJobInline
from django_fiken.models import FikenInvoice, FikenInvoiceLine, format_ore


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


class CreditedFilter(admin.SimpleListFilter):
    """Not, partly or fully credited: a partial credit keeps the invoice's state."""

    title = _("credit notes")
    parameter_name = "credited"

    def lookups(self, request: HttpRequest, model_admin: admin.ModelAdmin) -> list:
        return [
            ("none", _("Not credited")),
            ("partly", _("Partly credited")),
            ("fully", _("Fully credited")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet | None:
        if self.value() == "none":
            return queryset.filter(credited_amount=0)
        if self.value() == "partly":
            return queryset.filter(credited_amount__gt=0, credited_amount__lt=F("gross"))
        if self.value() == "fully":
            return queryset.filter(credited_amount__gt=0, credited_amount__gte=F("gross"))
        return None


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
        "credited_amount_display",
        "settled",
        "sent",
        "company",
        *SYNC_FIELDS[:2],
    )
    list_filter = (
        "state",
        CreditedFilter,
        "settled",
        "sent",
        "company",
        "sync_status",
        "issue_date",
    )
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
        "credited_amount_display",
        "remaining_to_credit_display",
        "credit_notes_display",
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
    credited_amount_display = money_column("credited_amount", _("credited"))

    @admin.display(description=_("left to credit"))
    def remaining_to_credit_display(self, obj: FikenInvoice) -> str:
        return format_ore(obj.remaining_to_credit, obj.currency)

    @admin.display(description=_("credit notes (Fiken id: gross)"))
    def credit_notes_display(self, obj: FikenInvoice) -> str:
        amounts = obj.credit_note_amounts or {}
        return (
            ", ".join(
                f"{note_id}: {format_ore(amounts[note_id], obj.currency)}"
                for note_id in sorted(amounts, key=int)
            )
            or "-"
        )
