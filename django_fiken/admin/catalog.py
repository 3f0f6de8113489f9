"""Admin for products and bank accounts."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from django_fiken.admin.base import SYNC_FIELDS, MirrorAdmin, money_column
from django_fiken.models import FikenBankAccount, FikenProduct


@admin.register(FikenProduct)
class FikenProductAdmin(MirrorAdmin):
    list_display = (
        "name",
        "product_number",
        "unit_price_display",
        "vat_type",
        "income_account",
        "active",
        "company",
        *SYNC_FIELDS[:2],
    )
    list_filter = ("active", "vat_type", "company", "sync_status")
    search_fields = ("name", "product_number", "=fiken_id")
    list_select_related = ("company",)
    readonly_fields = (
        "company",
        "fiken_id",
        "name",
        "product_number",
        "unit_price_display",
        "income_account",
        "vat_type",
        "active",
        "stock",
        "created_date",
        "last_modified",
        "deleted_in_fiken",
        *SYNC_FIELDS,
        "payload",
    )
    fields = readonly_fields

    unit_price_display = money_column("unit_price", _("unit price"))


@admin.register(FikenBankAccount)
class FikenBankAccountAdmin(MirrorAdmin):
    list_display = (
        "name",
        "account_code",
        "bank_account_number",
        "type",
        "reconciled_balance_display",
        "inactive",
        "company",
        *SYNC_FIELDS[:2],
    )
    list_filter = ("type", "inactive", "company")
    search_fields = ("name", "account_code", "bank_account_number", "iban")
    list_select_related = ("company",)
    readonly_fields = (
        "company",
        "fiken_id",
        "name",
        "account_code",
        "bank_account_number",
        "iban",
        "bic",
        "type",
        "inactive",
        "reconciled_balance_display",
        "reconciled_date",
        "deleted_in_fiken",
        *SYNC_FIELDS,
        "payload",
    )
    fields = readonly_fields

    reconciled_balance_display = money_column("reconciled_balance", _("reconciled balance"))
