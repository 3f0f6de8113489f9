"""Fiken products (varer): what invoice lines can point at."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_fiken.models.base import CompanyMirror


class FikenProduct(CompanyMirror):
    """A product in Fiken; prices are integer øre."""

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="products",
        verbose_name=_("company"),
    )
    name = models.CharField(_("name"), max_length=255, db_index=True)
    product_number = models.CharField(_("product number"), max_length=64, blank=True, default="")
    unit_price = models.BigIntegerField(_("unit price (øre)"), null=True, blank=True)
    income_account = models.CharField(_("income account"), max_length=16, blank=True, default="")
    vat_type = models.CharField(_("VAT type"), max_length=32, blank=True, default="")
    active = models.BooleanField(_("active"), default=True)
    stock = models.DecimalField(_("stock"), max_digits=14, decimal_places=4, null=True, blank=True)
    created_date = models.DateField(_("created in Fiken"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fiken product")
        verbose_name_plural = _("Fiken products")
        ordering = ["name", "pk"]
        constraints = [*CompanyMirror.Meta.constraints]
        indexes = [
            models.Index(fields=["company", "product_number"], name="fiken_product_number_idx"),
            models.Index(fields=["company", "active"], name="fiken_product_active_idx"),
        ]

    def __str__(self) -> str:
        return self.name
