"""Where each pull of each collection of each company stands, so a rerun can continue."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Collection(models.TextChoices):
    """The collections pull knows, in the order a full pull walks them."""

    COMPANY = "company", _("Company")
    BANK_ACCOUNTS = "bank_accounts", _("Bank accounts")
    PRODUCTS = "products", _("Products")
    CONTACTS = "contacts", _("Contacts")
    INVOICES = "invoices", _("Invoices")
    CREDIT_NOTES = "credit_notes", _("Credit notes")


class FikenSyncState(models.Model):
    """One row per company and collection.

    ``last_success_at`` is when the last pull of the collection finished; the next incremental
    pull asks Fiken for what changed since then (minus an overlap window). While a full pull
    runs, ``full_started_at`` and ``next_page`` record how far it got, so a rerun after a crash
    continues from that page instead of starting over.
    """

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="sync_states",
        verbose_name=_("company"),
    )
    collection = models.CharField(_("collection"), max_length=32, choices=Collection.choices)
    last_success_at = models.DateTimeField(_("last successful pull"), null=True, blank=True)
    last_full_at = models.DateTimeField(_("last full pull"), null=True, blank=True)
    full_started_at = models.DateTimeField(_("running full pull started"), null=True, blank=True)
    next_page = models.PositiveIntegerField(
        _("next page"),
        null=True,
        blank=True,
        help_text=_("The page a running full pull continues from; empty when none is running."),
    )
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True, default="")
    last_summary = models.JSONField(_("last summary"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Fiken sync state")
        verbose_name_plural = _("Fiken sync states")
        ordering = ["company", "collection"]
        constraints = [
            models.UniqueConstraint(
                fields=["company", "collection"], name="django_fiken_syncstate_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} / {self.get_collection_display()}"

    @property
    def full_in_progress(self) -> bool:
        return self.next_page is not None
