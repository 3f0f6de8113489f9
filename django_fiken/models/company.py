"""A Fiken company (Fiken calls it a company; it is the accounting ledger a token works on)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_fiken.models.base import SyncedModel


class FikenCompany(SyncedModel):
    """One company in Fiken, keyed by its slug (Fiken has no numeric company id)."""

    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    name = models.CharField(_("name"), max_length=255, blank=True, default="")
    organization_number = models.CharField(
        _("organization number"), max_length=32, blank=True, default="", db_index=True
    )
    vat_type = models.CharField(_("VAT type"), max_length=32, blank=True, default="")
    email = models.CharField(_("email"), max_length=254, blank=True, default="")
    phone_number = models.CharField(_("phone number"), max_length=64, blank=True, default="")
    has_api_access = models.BooleanField(
        _("API module active"),
        default=True,
        help_text=_("False when Fiken reports the API module is not activated for the company."),
    )
    test_company = models.BooleanField(_("test company"), default=False)
    creation_date = models.DateField(_("created in Fiken"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fiken company")
        verbose_name_plural = _("Fiken companies")
        ordering = ["name", "slug"]

    def __str__(self) -> str:
        return self.name or self.slug
