"""Fiken contacts (customers and suppliers) and their contact persons."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from django_fiken.models.base import CompanyMirror, SyncedModel


class FikenContact(CompanyMirror):
    """A Fiken contact.

    ``member_number_string`` is the host key: push writes the shop's stable key for the customer
    there (``memberNumberString`` in Fiken), so after an ambiguous failure it can find the
    contact in Fiken before creating it again. It is unique per company when set.
    """

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="contacts",
        verbose_name=_("company"),
    )
    name = models.CharField(_("name"), max_length=255, db_index=True)
    email = models.CharField(_("email"), max_length=254, blank=True, default="")
    organization_number = models.CharField(
        _("organization number"), max_length=32, blank=True, default=""
    )
    phone_number = models.CharField(_("phone number"), max_length=64, blank=True, default="")
    customer_number = models.IntegerField(_("customer number"), null=True, blank=True)
    supplier_number = models.IntegerField(_("supplier number"), null=True, blank=True)
    member_number_string = models.CharField(
        _("member number (host key)"), max_length=255, blank=True, default=""
    )
    is_customer = models.BooleanField(_("customer"), default=False)
    is_supplier = models.BooleanField(_("supplier"), default=False)
    inactive = models.BooleanField(_("inactive"), default=False, db_index=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True, default="")
    language = models.CharField(_("language"), max_length=32, blank=True, default="")
    created_date = models.DateField(_("created in Fiken"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fiken contact")
        verbose_name_plural = _("Fiken contacts")
        ordering = ["name", "pk"]
        constraints = [
            *CompanyMirror.Meta.constraints,
            models.UniqueConstraint(
                fields=["company", "member_number_string"],
                condition=~models.Q(member_number_string=""),
                name="django_fiken_contact_unique_member_number",
            ),
        ]
        indexes = [
            models.Index(
                fields=["company", "member_number_string"], name="fiken_contact_member_idx"
            ),
            models.Index(fields=["company", "organization_number"], name="fiken_contact_orgno_idx"),
            models.Index(fields=["company", "email"], name="fiken_contact_email_idx"),
            models.Index(fields=["company", "customer_number"], name="fiken_contact_custno_idx"),
        ]
        permissions = [
            ("push_contact", "Can push contacts to Fiken"),
            ("refresh_contact", "Can refresh contacts from Fiken"),
        ]

    def __str__(self) -> str:
        return self.name


class FikenContactPerson(SyncedModel):
    """A person at a contact (Fiken's ``contactPerson``), replaced with the contact on pull."""

    contact = models.ForeignKey(
        FikenContact,
        on_delete=models.CASCADE,
        related_name="persons",
        verbose_name=_("contact"),
    )
    fiken_id = models.BigIntegerField(_("Fiken id"), null=True, blank=True)
    name = models.CharField(_("name"), max_length=255)
    email = models.CharField(_("email"), max_length=254, blank=True, default="")
    phone_number = models.CharField(_("phone number"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("Fiken contact person")
        verbose_name_plural = _("Fiken contact persons")
        ordering = ["contact", "name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contact", "fiken_id"],
                condition=models.Q(fiken_id__isnull=False),
                name="django_fiken_contactperson_unique_fiken_id",
            )
        ]

    def __str__(self) -> str:
        return self.name
