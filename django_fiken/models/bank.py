"""Fiken bank accounts: where invoices ask customers to pay."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_fiken.models.base import CompanyMirror


class FikenBankAccount(CompanyMirror):
    """A bank account in Fiken; ``account_code`` ("1920:10001") is what invoices refer to."""

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="bank_accounts",
        verbose_name=_("company"),
    )
    name = models.CharField(_("name"), max_length=255, blank=True, default="")
    account_code = models.CharField(_("account code"), max_length=16, blank=True, default="")
    bank_account_number = models.CharField(
        _("bank account number"), max_length=64, blank=True, default=""
    )
    iban = models.CharField(_("IBAN"), max_length=64, blank=True, default="")
    bic = models.CharField(_("BIC"), max_length=32, blank=True, default="")
    type = models.CharField(_("type"), max_length=32, blank=True, default="")
    inactive = models.BooleanField(_("inactive"), default=False)
    reconciled_balance = models.BigIntegerField(
        _("reconciled balance (øre)"), null=True, blank=True
    )
    reconciled_date = models.DateField(_("reconciled on"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fiken bank account")
        verbose_name_plural = _("Fiken bank accounts")
        ordering = ["account_code", "pk"]
        constraints = [*CompanyMirror.Meta.constraints]
        indexes = [
            models.Index(fields=["company", "account_code"], name="fiken_bank_code_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.account_code})" if self.name else self.account_code
