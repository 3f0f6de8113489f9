"""Columns every mirror shares: the last payload seen from Fiken and the state of its sync."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SyncStatus(models.TextChoices):
    """Where a mirror row stands relative to Fiken."""

    PENDING = "pending", _("Pending")
    SYNCED = "synced", _("Synced")
    ERROR = "error", _("Error")


class SyncedModel(models.Model):
    """Abstract base: the raw payload and sync bookkeeping.

    ``fiken_data`` keeps the whole last JSON object Fiken returned, unknown fields included, so
    nothing Fiken adds later is lost and a column can be backfilled from it without a new pull.
    """

    fiken_data = models.JSONField(
        _("Fiken payload"),
        default=dict,
        blank=True,
        help_text=_("The last JSON object seen from Fiken, unknown fields kept."),
    )
    synced_at = models.DateTimeField(
        _("synced at"),
        null=True,
        blank=True,
        help_text=_("When this row was last confirmed against Fiken."),
    )
    sync_status = models.CharField(
        _("sync status"),
        max_length=16,
        choices=SyncStatus.choices,
        default=SyncStatus.PENDING,
        db_index=True,
    )
    last_error = models.TextField(_("last error"), blank=True, default="")

    class Meta:
        abstract = True


class CompanyMirror(SyncedModel):
    """Abstract base for anything that lives inside one Fiken company and has a Fiken id.

    ``fiken_id`` is null until the object exists in Fiken (a push creates it, a pull fills it);
    it is unique per company once set.
    """

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        verbose_name=_("company"),
    )
    fiken_id = models.BigIntegerField(_("Fiken id"), null=True, blank=True)
    last_modified = models.DateField(
        _("last modified in Fiken"),
        null=True,
        blank=True,
        help_text=_("Fiken's lastModifiedDate; Fiken keeps it to the day."),
    )
    deleted_in_fiken = models.BooleanField(
        _("deleted in Fiken"),
        default=False,
        help_text=_("Set when a full resync no longer finds this object in Fiken."),
    )

    class Meta:
        abstract = True
        constraints = [
            models.UniqueConstraint(
                fields=["company", "fiken_id"],
                condition=models.Q(fiken_id__isnull=False),
                name="%(app_label)s_%(class)s_unique_fiken_id",
            )
        ]
