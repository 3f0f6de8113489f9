"""Admin for companies, connections and the pull bookkeeping."""

from __future__ import annotations

from django.contrib import admin

from django_fiken.admin.base import SYNC_FIELDS, MirrorAdmin, ReadOnlyInline, ReadOnlyMixin
from django_fiken.models import FikenCompany, FikenConnection, FikenSyncState
from django_fiken.oauth.access import CompanyAccessAdminMixin


class ConnectionInline(ReadOnlyInline):
    model = FikenConnection
    fields = ("kind", "user", "is_active", "broken_reason", "granted_at", "created_at")
    readonly_fields = fields


class SyncStateInline(ReadOnlyInline):
    model = FikenSyncState
    fields = ("collection", "last_success_at", "last_full_at", "next_page", "last_error")
    readonly_fields = fields


@admin.register(FikenCompany)
class FikenCompanyAdmin(MirrorAdmin):
    company_lookup = ""  # the company itself
    list_display = (
        "name",
        "slug",
        "organization_number",
        "vat_type",
        "has_api_access",
        "test_company",
        *SYNC_FIELDS[:2],
    )
    list_filter = ("has_api_access", "test_company", "sync_status")
    search_fields = ("name", "slug", "organization_number")
    readonly_fields = (
        "slug",
        "name",
        "organization_number",
        "vat_type",
        "email",
        "phone_number",
        "has_api_access",
        "test_company",
        "creation_date",
        *SYNC_FIELDS,
        "payload",
    )
    fields = readonly_fields
    inlines = [ConnectionInline, SyncStateInline]


@admin.register(FikenConnection)
class FikenConnectionAdmin(CompanyAccessAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = ("company", "kind", "user", "is_active", "granted_at", "created_at")
    list_filter = ("kind", "is_active")
    search_fields = ("company__name", "company__slug")
    list_select_related = ("company", "user")
    readonly_fields = (
        "company",
        "kind",
        "user",
        "social_account",
        "is_active",
        "broken_reason",
        "granted_at",
        "created_at",
    )
    fields = readonly_fields


@admin.register(FikenSyncState)
class FikenSyncStateAdmin(CompanyAccessAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "company",
        "collection",
        "last_success_at",
        "last_full_at",
        "next_page",
        "last_attempt_at",
        "last_error",
    )
    list_filter = ("collection",)
    list_select_related = ("company",)
    readonly_fields = (
        "company",
        "collection",
        "last_success_at",
        "last_full_at",
        "full_started_at",
        "next_page",
        "last_attempt_at",
        "last_error",
        "last_summary",
    )
    fields = readonly_fields
