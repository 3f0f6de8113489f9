"""Admin for contacts and their contact persons."""

from __future__ import annotations

from django.contrib import admin

from django_fiken.admin.actions import ContactActionsMixin
from django_fiken.admin.base import SYNC_FIELDS, MirrorAdmin, ReadOnlyInline
from django_fiken.admin.jobs import PushJobInline
from django_fiken.models import FikenContact, FikenContactPerson


class ContactPersonInline(ReadOnlyInline):
    model = FikenContactPerson
    fields = ("name", "email", "phone_number", "fiken_id")
    readonly_fields = fields


@admin.register(FikenContact)
class FikenContactAdmin(ContactActionsMixin, MirrorAdmin):
    refresh_permission = "refresh_contact"
    actions = [*MirrorAdmin.actions, *ContactActionsMixin.lifecycle_actions]
    list_display = (
        "name",
        "customer_number",
        "member_number_string",
        "organization_number",
        "email",
        "is_customer",
        "is_supplier",
        "inactive",
        "company",
        "last_modified",
        *SYNC_FIELDS[:2],
    )
    list_filter = (
        "company",
        "is_customer",
        "is_supplier",
        "inactive",
        "deleted_in_fiken",
        "sync_status",
    )
    search_fields = (
        "name",
        "email",
        "organization_number",
        "member_number_string",
        "=customer_number",
        "=fiken_id",
    )
    list_select_related = ("company",)
    readonly_fields = (
        "company",
        "fiken_id",
        "name",
        "email",
        "organization_number",
        "phone_number",
        "customer_number",
        "supplier_number",
        "member_number_string",
        "is_customer",
        "is_supplier",
        "inactive",
        "currency",
        "language",
        "created_date",
        "last_modified",
        "deleted_in_fiken",
        *SYNC_FIELDS,
        "payload",
    )
    fields = readonly_fields
    inlines = [ContactPersonInline, PushJobInline]
