"""Fiken invoices, their lines, and the local invoice lifecycle."""

from __future__ import annotations

import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from django_fiken.models.base import CompanyMirror


class InvoiceState(models.TextChoices):
    """The local lifecycle; each state mirrors one in Fiken (``new`` exists only in Django)."""

    NEW = "new", _("New (not in Fiken)")
    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    SENT = "sent", _("Sent")
    SETTLED = "settled", _("Settled")
    CREDITED = "credited", _("Credited")


#: The legal moves of :meth:`FikenInvoice.transition_to`: state -> states it may go to.
#: An issued invoice may be settled without being dispatched from Fiken (paid on the spot).
TRANSITIONS: dict[str, frozenset[str]] = {
    # A draft first, or straight to issued through Fiken's direct createInvoice.
    InvoiceState.NEW: frozenset({InvoiceState.DRAFT, InvoiceState.ISSUED}),
    InvoiceState.DRAFT: frozenset({InvoiceState.ISSUED}),
    InvoiceState.ISSUED: frozenset(
        {InvoiceState.SENT, InvoiceState.SETTLED, InvoiceState.CREDITED}
    ),
    InvoiceState.SENT: frozenset({InvoiceState.SETTLED, InvoiceState.CREDITED}),
    InvoiceState.SETTLED: frozenset({InvoiceState.CREDITED}),
    InvoiceState.CREDITED: frozenset(),
}


class IllegalTransition(ValidationError):
    """An invoice was asked to move to a state its current state cannot reach."""

    def __init__(self, invoice: FikenInvoice, target: str) -> None:
        self.current = str(invoice.state)
        self.target = str(target)
        allowed = ", ".join(sorted(str(s) for s in TRANSITIONS.get(self.current, ()))) or "none"
        super().__init__(
            f"Invoice {invoice.pk or '(unsaved)'} cannot go from {self.current!r} to "
            f"{self.target!r}; allowed from {self.current!r}: {allowed}.",
            code="illegal_transition",
        )


class FikenInvoice(CompanyMirror):
    """An invoice, from its local beginning (``new``) through its draft in Fiken to settlement.

    ``draft_uuid`` is generated locally and sent as the draft's ``uuid``: it is the idempotency
    key that lets push find a draft (and the invoice made from it, via ``invoiceDraftUuid``) in
    Fiken after an ambiguous failure. ``host_key`` names the host object (e.g. a shop order) the
    invoice was made for; unique per company when set.

    Fiken lets an invoice carry several partial credit notes, so crediting is an amount, not
    only a state: ``credit_note_amounts`` keeps each credit note's gross by its Fiken id (pull
    sees the same note again on every overlapping incremental pull, and a map counts it once),
    ``credited_amount`` is their sum, and the state becomes ``credited`` only once the credit
    notes cover the invoice's gross (:meth:`is_fully_credited`).
    """

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="invoices",
        verbose_name=_("company"),
    )
    customer = models.ForeignKey(
        "django_fiken.FikenContact",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("customer"),
    )
    state = models.CharField(
        _("state"), max_length=16, choices=InvoiceState.choices, default=InvoiceState.NEW
    )
    host_key = models.CharField(_("host key"), max_length=255, blank=True, default="")
    invoice_number = models.BigIntegerField(_("invoice number"), null=True, blank=True)
    kid = models.CharField(_("KID"), max_length=32, blank=True, default="")
    draft_id = models.BigIntegerField(_("draft id"), null=True, blank=True)
    draft_uuid = models.UUIDField(_("draft uuid"), default=uuid.uuid4, unique=True, editable=False)
    issue_date = models.DateField(_("issue date"), null=True, blank=True)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    net = models.BigIntegerField(_("net (øre)"), default=0)
    vat = models.BigIntegerField(_("VAT (øre)"), default=0)
    gross = models.BigIntegerField(_("gross (øre)"), default=0)
    currency = models.CharField(_("currency"), max_length=3, default="NOK")
    settled = models.BooleanField(_("settled"), default=False)
    settled_date = models.DateField(_("settled on"), null=True, blank=True)
    sent = models.BooleanField(_("sent"), default=False)
    cash = models.BooleanField(_("cash sale"), default=False)
    credited_amount = models.BigIntegerField(
        _("credited (øre)"),
        default=0,
        help_text=_("Gross sum of the invoice's credit notes in Fiken, filled by pull."),
    )
    credit_note_amounts = models.JSONField(
        _("credit notes"),
        default=dict,
        blank=True,
        help_text=_("Gross øre per Fiken credit note id; what credited_amount adds up."),
    )
    order_reference = models.CharField(_("order reference"), max_length=255, blank=True, default="")
    your_reference = models.CharField(_("your reference"), max_length=255, blank=True, default="")
    our_reference = models.CharField(_("our reference"), max_length=255, blank=True, default="")
    invoice_text = models.TextField(_("invoice text"), blank=True, default="")
    bank_account_number = models.CharField(
        _("bank account number"), max_length=64, blank=True, default=""
    )
    created_date = models.DateField(_("created in Fiken"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fiken invoice")
        verbose_name_plural = _("Fiken invoices")
        ordering = ["-issue_date", "-invoice_number", "-pk"]
        constraints = [
            *CompanyMirror.Meta.constraints,
            models.UniqueConstraint(
                fields=["company", "host_key"],
                condition=~models.Q(host_key=""),
                name="django_fiken_invoice_unique_host_key",
            ),
        ]
        indexes = [
            models.Index(fields=["company", "state"], name="fiken_invoice_state_idx"),
            models.Index(fields=["company", "issue_date"], name="fiken_invoice_issued_idx"),
            models.Index(fields=["company", "due_date"], name="fiken_invoice_due_idx"),
            models.Index(fields=["company", "invoice_number"], name="fiken_invoice_number_idx"),
            models.Index(fields=["company", "order_reference"], name="fiken_invoice_orderref_idx"),
            models.Index(fields=["company", "settled"], name="fiken_invoice_settled_idx"),
        ]
        permissions = [
            ("push_invoice", "Can push invoices to Fiken"),
            ("finalize_invoice", "Can finalize invoice drafts in Fiken"),
            ("send_invoice", "Can send invoices from Fiken"),
            ("credit_invoice", "Can credit invoices in Fiken"),
            ("mark_invoice_sent", "Can mark invoices as sent"),
            ("refresh_invoice", "Can refresh invoices from Fiken"),
        ]

    def __str__(self) -> str:
        if self.invoice_number is not None:
            return f"Invoice {self.invoice_number}"
        if self.fiken_id is not None:
            return f"Invoice (Fiken id {self.fiken_id})"
        return f"Invoice draft {self.draft_uuid}"

    @property
    def remaining_to_credit(self) -> int:
        """Øre that credit notes may still take off this invoice (never negative)."""
        return max(0, self.gross - self.credited_amount)

    def is_fully_credited(self) -> bool:
        """True when Fiken's credit notes cover the invoice's gross amount."""
        return bool(self.credit_note_amounts) and self.credited_amount >= self.gross

    def can_transition_to(self, target: str) -> bool:
        """True when the lifecycle allows moving from the current state to ``target``."""
        return target in TRANSITIONS.get(self.state, frozenset())

    def transition_to(self, target: str, *, save: bool = True) -> None:
        """Move to ``target`` or raise :class:`IllegalTransition`, changing nothing.

        With ``save`` the new state is written at once (``update_fields=["state"]``); callers
        that set other fields in the same step pass ``save=False`` and save themselves.
        """
        if target not in InvoiceState.values or not self.can_transition_to(target):
            raise IllegalTransition(self, target)
        self.state = str(target)
        if save:
            self.save(update_fields=["state"])


class FikenInvoiceLine(models.Model):
    """One line of an invoice; Fiken gives lines no ids, so pull replaces them together."""

    invoice = models.ForeignKey(
        FikenInvoice, on_delete=models.CASCADE, related_name="lines", verbose_name=_("invoice")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    description = models.TextField(_("description"), blank=True, default="")
    product_name = models.CharField(_("product name"), max_length=255, blank=True, default="")
    product_fiken_id = models.BigIntegerField(_("product Fiken id"), null=True, blank=True)
    quantity = models.DecimalField(_("quantity"), max_digits=14, decimal_places=4, default=1)
    unit_price = models.BigIntegerField(_("unit price (øre)"), default=0)
    discount = models.DecimalField(
        _("discount (%)"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    net = models.BigIntegerField(_("net (øre)"), default=0)
    vat = models.BigIntegerField(_("VAT (øre)"), default=0)
    gross = models.BigIntegerField(_("gross (øre)"), default=0)
    vat_type = models.CharField(_("VAT type"), max_length=32, blank=True, default="")
    income_account = models.CharField(_("income account"), max_length=16, blank=True, default="")
    comment = models.TextField(_("comment"), blank=True, default="")
    fiken_data = models.JSONField(_("Fiken payload"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Fiken invoice line")
        verbose_name_plural = _("Fiken invoice lines")
        ordering = ["invoice", "position", "pk"]

    def __str__(self) -> str:
        return self.description or self.product_name or f"Line {self.position + 1}"
