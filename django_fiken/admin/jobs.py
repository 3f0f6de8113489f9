"""Admin for the push outbox: what is waiting, what failed and why, retry now or cancel."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_fiken.admin.base import ReadOnlyMixin
from django_fiken.jobs import cancel_jobs, retry_jobs
from django_fiken.models import PushJob
from django_fiken.oauth.access import CompanyAccessAdminMixin


def _admin_link(content_type: ContentType | None, object_id: str | int) -> str:
    if content_type is None or object_id in ("", None):
        return "-"
    label = f"{content_type.name} {object_id}"
    try:
        url = reverse(
            f"admin:{content_type.app_label}_{content_type.model}_change", args=[object_id]
        )
    except NoReverseMatch:
        return label
    return format_html('<a href="{}">{}</a>', url, label)


class PushJobInline(GenericTabularInline):
    """The push jobs of one mirror, newest first, on its admin page (read-only)."""

    model = PushJob
    ct_field = "target_type"
    ct_fk_field = "target_id"
    fields = ("kind", "status", "attempts", "next_attempt_at", "last_error", "created_at")
    readonly_fields = fields
    ordering = ("-created_at", "-pk")
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    verbose_name_plural = _("Fiken push jobs")


@admin.register(PushJob)
class PushJobAdmin(CompanyAccessAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    list_display = (
        "id",
        "kind",
        "status",
        "target_link",
        "host_link",
        "attempts",
        "next_attempt_at",
        "short_error",
        "fiken_request_id",
        "created_at",
    )
    list_filter = ("status", "kind", "company", "ambiguous")
    search_fields = ("=id", "host_id", "=target_id", "last_error", "fiken_request_id")
    list_select_related = ("company", "target_type", "host_type")
    date_hierarchy = "created_at"
    actions = ("retry_now", "cancel")
    readonly_fields = (
        "company",
        "kind",
        "status",
        "target_link",
        "host_link",
        "attempts",
        "next_attempt_at",
        "ambiguous",
        "last_error",
        "fiken_request_id",
        "lease_owner",
        "leased_until",
        "created_at",
        "updated_at",
        "finished_at",
        "payload",
    )
    fields = readonly_fields

    @admin.display(description=_("mirror"))
    def target_link(self, obj: PushJob) -> str:
        return _admin_link(obj.target_type, obj.target_id)

    @admin.display(description=_("host object"))
    def host_link(self, obj: PushJob) -> str:
        return _admin_link(obj.host_type, obj.host_id)

    @admin.display(description=_("last error"))
    def short_error(self, obj: PushJob) -> str:
        return Truncator(obj.last_error).chars(120)

    def has_retry_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("django_fiken.retry_pushjob")

    def has_cancel_permission(self, request: HttpRequest) -> bool:
        return request.user.has_perm("django_fiken.cancel_pushjob")

    @admin.action(description=_("Retry now"), permissions=["retry"])
    def retry_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        from django_fiken import outbox

        count = retry_jobs(queryset)
        for company_id in set(queryset.values_list("company_id", flat=True)):
            outbox.schedule_drain(company_id)
        self.message_user(
            request,
            ngettext(
                "%(count)d job will run again now.", "%(count)d jobs will run again now.", count
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    @admin.action(description=_("Cancel"), permissions=["cancel"])
    def cancel(self, request: HttpRequest, queryset: QuerySet) -> None:
        count = cancel_jobs(queryset)
        self.message_user(
            request,
            ngettext("%(count)d job cancelled.", "%(count)d jobs cancelled.", count)
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )
