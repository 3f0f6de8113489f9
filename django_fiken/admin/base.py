"""What every mirror's admin shares: read-only pages, money and payload display, refresh."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_fiken.models import format_ore
from django_fiken.oauth.access import CompanyAccessAdminMixin

SYNC_FIELDS = ("sync_status", "synced_at", "last_error")


def money_column(field: str, label: str) -> Any:
    """An admin column showing the øre in ``field`` as kroner ("1 234,50 kr"), sortable."""

    @admin.display(description=label, ordering=field)
    def column(self: Any, obj: Model) -> str:
        amount = getattr(obj, field)
        currency = getattr(obj, "currency", "") or "NOK"
        return format_html(
            '<span style="white-space: nowrap">{}</span>', format_ore(amount, currency)
        )

    column.__name__ = f"{field}_display"
    return column


class ReadOnlyMixin:
    """Mirrors change only through pull and push: the admin shows them, it does not edit them."""

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ReadOnlyInline(ReadOnlyMixin, admin.TabularInline):
    extra = 0
    show_change_link = False
    can_delete = False


class MirrorAdmin(CompanyAccessAdminMixin, ReadOnlyMixin, admin.ModelAdmin):
    """Base for mirror admins: read-only, the raw payload pretty-printed, a refresh action.

    Non-superusers see only rows of companies their Fiken connection grants
    (:class:`~django_fiken.oauth.access.CompanyAccessAdminMixin`, path in ``company_lookup``).

    ``refresh_permission`` names the permission (codename in ``django_fiken``) that allows
    "Refresh from Fiken"; without one, viewing the model is enough.
    """

    refresh_permission: str | None = None
    actions = ["refresh_from_fiken"]
    list_per_page = 50
    show_full_result_count = False

    @admin.display(description=_("Fiken payload"))
    def payload(self, obj: Model) -> str:
        text = json.dumps(getattr(obj, "fiken_data", {}), indent=2, ensure_ascii=False)
        return format_html('<pre style="white-space: pre-wrap; margin: 0">{}</pre>', text)

    def has_refresh_permission(self, request: HttpRequest) -> bool:
        if self.refresh_permission:
            return request.user.has_perm(f"django_fiken.{self.refresh_permission}")
        return self.has_view_permission(request)

    @admin.action(description=_("Refresh from Fiken"), permissions=["refresh"])
    def refresh_from_fiken(self, request: HttpRequest, queryset: QuerySet) -> None:
        """Enqueue a refresh; the HTTP calls happen in a django-q2 worker, not in this request."""
        from django_fiken.tasks import enqueue_refresh

        try:
            queued, skipped = enqueue_refresh(queryset)
        except Exception as exc:  # the broker is down: say so instead of a 500 page
            self.message_user(
                request,
                _("Could not queue the refresh: %(error)s") % {"error": exc},
                messages.ERROR,
            )
            return
        if queued:
            self.message_user(
                request,
                ngettext(
                    "Queued a refresh from Fiken for %(count)d object.",
                    "Queued a refresh from Fiken for %(count)d objects.",
                    queued,
                )
                % {"count": queued},
                messages.SUCCESS,
            )
        if skipped:
            self.message_user(
                request,
                ngettext(
                    "%(count)d object is not in Fiken yet and was skipped.",
                    "%(count)d objects are not in Fiken yet and were skipped.",
                    skipped,
                )
                % {"count": skipped},
                messages.WARNING,
            )
