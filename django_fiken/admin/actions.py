"""Admin lifecycle actions for invoices and contacts: each enqueues push jobs, never calls Fiken.

Mixed into the invoice and contact admins. Every action has its own permission (``has_<name>
_permission``, from the models' ``Meta.permissions``), checks the lifecycle before queueing
(an illegal move is refused with a message and nothing is queued), and reports with
``messages``. The worker does the HTTP; the job admin shows how it went.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from django_fiken import outbox, vat
from django_fiken.models import (
    FikenContact,
    FikenInvoice,
    InvoiceState,
    JobKind,
    JobStatus,
    PushJob,
    format_ore,
)
from django_fiken.validation import SALES_VAT_TYPES, SEND_METHODS


def _perm(codename: str) -> Callable[[Any, HttpRequest], bool]:
    def check(self: Any, request: HttpRequest) -> bool:
        return request.user.has_perm(f"django_fiken.{codename}")

    return check


def latest_payload(kind: str, target: Any) -> dict[str, Any] | None:
    """The newest push payload recorded for ``target`` (what the host last asked for)."""
    job = (
        PushJob.objects.filter(
            kind=kind,
            target_type=ContentType.objects.get_for_model(type(target)),
            target_id=target.pk,
        )
        .exclude(payload={})
        .order_by("-created_at", "-pk")
        .first()
    )
    if job is None:
        return None
    return {k: v for k, v in job.payload.items() if k != "result"}


class _Report:
    """Collects what an action queued and refused, then tells the operator once."""

    def __init__(self, admin_: admin.ModelAdmin, request: HttpRequest, verb: str):
        self.admin, self.request, self.verb = admin_, request, verb
        self.queued = 0
        self.refused: list[str] = []

    def refuse(self, obj: Any, why: str) -> None:
        self.refused.append(f"{obj}: {why}")

    def send(self) -> None:
        if self.queued:
            self.admin.message_user(
                self.request,
                ngettext(
                    "Queued %(verb)s for %(count)d object; see Fiken push jobs for progress.",
                    "Queued %(verb)s for %(count)d objects; see Fiken push jobs for progress.",
                    self.queued,
                )
                % {"verb": self.verb, "count": self.queued},
                messages.SUCCESS,
            )
        for line in self.refused:
            self.admin.message_user(self.request, line, messages.WARNING)


class SendInvoiceForm(forms.Form):
    methods = forms.MultipleChoiceField(
        label=_("Send by"),
        choices=[(m, m) for m in ("email", "ehf", "efaktura", "sms", "letter", "auto")],
        initial=["auto"],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("In priority order; Fiken uses the first that works for the customer."),
    )
    recipient_email = forms.EmailField(
        label=_("Recipient email"), required=False, help_text=_("Default: the customer's.")
    )
    message = forms.CharField(label=_("Message"), required=False, widget=forms.Textarea)

    def clean_methods(self) -> list[str]:
        methods = self.cleaned_data["methods"]
        unknown = set(methods) - SEND_METHODS
        if unknown:
            raise forms.ValidationError(f"Unknown send method(s): {', '.join(sorted(unknown))}")
        return methods


def remaining_text(invoice: FikenInvoice) -> str:
    """What is left to credit on ``invoice``, for operators ("398,00 kr of 497,50 kr")."""
    if not invoice.fiken_data:
        return _("%(invoice)s: amount not read from Fiken yet") % {"invoice": invoice}
    return _("%(invoice)s: %(left)s of %(gross)s") % {
        "invoice": invoice,
        "left": format_ore(invoice.remaining_to_credit, invoice.currency),
        "gross": format_ore(invoice.gross, invoice.currency),
    }


class CreditInvoiceForm(forms.Form):
    """Full or partial credit; a partial amount must fit in what each invoice has left.

    ``invoices`` are the selected invoices: the form shows what is left to credit on each and
    refuses a partial amount (plus its VAT) larger than that, before anything is queued. An
    invoice the mirror has not read from Fiken yet is checked by the worker instead.
    """

    mode = forms.ChoiceField(
        label=_("Credit"),
        choices=[
            ("full", _("The whole invoice (what is left of it)")),
            ("partial", _("Part of it")),
        ],
        initial="full",
        widget=forms.RadioSelect,
    )
    issue_date = forms.DateField(label=_("Credit note date"), initial=timezone.localdate)
    text = forms.CharField(label=_("Text on the credit note"), required=False, max_length=500)
    amount = forms.IntegerField(
        label=_("Amount to credit (øre, excl. VAT)"),
        required=False,
        min_value=1,
        help_text=_("Partial credit only. 199 kr is 19900."),
    )
    description = forms.CharField(
        label=_("Line description"), required=False, max_length=200, initial="Kreditering"
    )
    vat_type = forms.ChoiceField(
        label=_("VAT type"), choices=[(v, v) for v in sorted(SALES_VAT_TYPES)], initial="HIGH"
    )
    confirm = forms.BooleanField(
        label=_("Yes, create the credit note in Fiken (it cannot be undone)"), required=True
    )

    def __init__(self, *args: Any, invoices: Iterable[FikenInvoice] = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.invoices = list(invoices)
        if self.invoices:
            left = "; ".join(remaining_text(invoice) for invoice in self.invoices)
            self.fields["amount"].help_text = format_lazy(
                "{} {} {}.",
                self.fields["amount"].help_text,
                _("Left to credit, VAT included:"),
                left,
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") != "partial":
            return data
        if not data.get("amount"):
            self.add_error("amount", _("A partial credit needs an amount."))
            return data
        gross = vat.line_gross(data["amount"], 1, data.get("vat_type"))
        for invoice in self.invoices:
            if invoice.fiken_data and gross > invoice.remaining_to_credit:
                self.add_error(
                    "amount",
                    _(
                        "%(amount)s with VAT is more than the %(left)s left to credit on "
                        "%(invoice)s."
                    )
                    % {
                        "amount": format_ore(gross, invoice.currency),
                        "left": format_ore(invoice.remaining_to_credit, invoice.currency),
                        "invoice": invoice,
                    },
                )
        return data

    def payload(self) -> dict[str, Any]:
        data = self.cleaned_data
        payload: dict[str, Any] = {
            "mode": data["mode"],
            "issue_date": data["issue_date"].isoformat(),
            "text": data["text"],
        }
        if data["mode"] == "partial":
            payload["lines"] = [
                {
                    "description": data["description"] or "Kreditering",
                    "unit_price": data["amount"],
                    "quantity": 1,
                    "vat_type": data["vat_type"],
                }
            ]
        return payload


def _intermediate(
    admin_: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    form: forms.Form,
    action: str,
    title: str,
) -> TemplateResponse:
    context = {
        **admin_.admin_site.each_context(request),
        "title": title,
        "form": form,
        "queryset": queryset,
        "action": action,
        "opts": admin_.model._meta,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        "media": admin_.media + form.media,
    }
    return TemplateResponse(request, "admin/django_fiken/action_form.html", context)


class InvoiceActionsMixin:
    """Push, finalize, send, credit and mark-sent actions for :class:`FikenInvoice`."""

    lifecycle_actions = (
        "push_draft",
        "finalize_invoices",
        "send_invoices",
        "credit_invoices",
        "mark_invoices_sent",
    )

    has_push_permission = _perm("push_invoice")
    has_finalize_permission = _perm("finalize_invoice")
    has_send_permission = _perm("send_invoice")
    has_credit_permission = _perm("credit_invoice")
    has_mark_sent_permission = _perm("mark_invoice_sent")

    @admin.action(description=_("Push draft to Fiken"), permissions=["push"])
    def push_draft(self, request: HttpRequest, queryset: QuerySet) -> None:
        report = _Report(self, request, _("a draft push"))
        for invoice in queryset:
            if invoice.state not in (InvoiceState.NEW, InvoiceState.DRAFT):
                report.refuse(invoice, _("already issued; a draft can no longer change"))
                continue
            payload = latest_payload(JobKind.PUSH_INVOICE, invoice)
            if payload is None or "invalid" in payload:
                report.refuse(invoice, _("no valid data from the shop to push; save the order"))
                continue
            outbox.enqueue(JobKind.PUSH_INVOICE, invoice, payload={**payload, "policy": "draft"})
            report.queued += 1
        report.send()

    def _queue_step(
        self,
        request: HttpRequest,
        queryset: QuerySet,
        kind: str,
        target_state: str,
        verb: str,
        payload: dict[str, Any] | None = None,
        needs_fiken_invoice: bool = True,
    ) -> None:
        report = _Report(self, request, verb)
        for invoice in queryset:
            if needs_fiken_invoice and invoice.fiken_id is None:
                report.refuse(invoice, _("not issued in Fiken yet"))
            elif not invoice.can_transition_to(target_state):
                report.refuse(
                    invoice,
                    _("cannot go from %(state)s to %(target)s")
                    % {"state": invoice.get_state_display(), "target": target_state},
                )
            else:
                outbox.enqueue(kind, invoice, payload=payload or {})
                report.queued += 1
        report.send()

    @admin.action(description=_("Finalize (issue) in Fiken"), permissions=["finalize"])
    def finalize_invoices(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._queue_step(
            request,
            queryset,
            JobKind.ISSUE_INVOICE,
            InvoiceState.ISSUED,
            _("issuing"),
            needs_fiken_invoice=False,
        )

    @admin.action(description=_("Mark as sent manually"), permissions=["mark_sent"])
    def mark_invoices_sent(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._queue_step(
            request, queryset, JobKind.MARK_SENT, InvoiceState.SENT, _("marking as sent")
        )

    @admin.action(description=_("Send from Fiken…"), permissions=["send"])
    def send_invoices(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        form = SendInvoiceForm(request.POST if "apply" in request.POST else None)
        if "apply" in request.POST and form.is_valid():
            payload = {
                "methods": form.cleaned_data["methods"],
                "recipient_email": form.cleaned_data["recipient_email"],
                "message": form.cleaned_data["message"],
            }
            self._queue_step(
                request, queryset, JobKind.SEND_INVOICE, InvoiceState.SENT, _("sending"), payload
            )
            return None
        return _intermediate(
            self, request, queryset, form, "send_invoices", _("Send invoices from Fiken")
        )

    @admin.action(description=_("Credit in Fiken…"), permissions=["credit"])
    def credit_invoices(self, request: HttpRequest, queryset: QuerySet) -> TemplateResponse | None:
        form = CreditInvoiceForm(
            request.POST if "apply" in request.POST else None, invoices=queryset
        )
        if "apply" in request.POST and form.is_valid():
            # A queued credit whose payload a second one replaced would be lost: one at a time.
            busy = set(
                PushJob.objects.filter(
                    kind=JobKind.CREDIT_INVOICE,
                    target_type=ContentType.objects.get_for_model(FikenInvoice),
                    target_id__in=[invoice.pk for invoice in queryset],
                    status__in=[JobStatus.PENDING, JobStatus.RUNNING],
                ).values_list("target_id", flat=True)
            )
            report = _Report(self, request, _("a credit note"))
            for invoice in queryset.filter(pk__in=busy):
                report.refuse(invoice, _("a credit note is already queued; wait until it is done"))
            report.send()
            self._queue_step(
                request,
                queryset.exclude(pk__in=busy),
                JobKind.CREDIT_INVOICE,
                InvoiceState.CREDITED,
                _("a credit note"),
                form.payload(),
            )
            return None
        return _intermediate(
            self, request, queryset, form, "credit_invoices", _("Credit invoices in Fiken")
        )


class ContactActionsMixin:
    """The push action for :class:`FikenContact` (refresh comes with every mirror admin)."""

    lifecycle_actions = ("push_contacts",)
    has_push_permission = _perm("push_contact")

    @admin.action(description=_("Push to Fiken"), permissions=["push"])
    def push_contacts(self, request: HttpRequest, queryset: QuerySet) -> None:
        report = _Report(self, request, _("a push"))
        for contact in queryset:
            payload = latest_payload(JobKind.PUSH_CONTACT, contact)
            if payload is None or "invalid" in payload:
                report.refuse(contact, _("no valid data from the shop to push; save the customer"))
                continue
            outbox.enqueue(JobKind.PUSH_CONTACT, contact, payload=payload)
            report.queued += 1
        report.send()


__all__ = ["ContactActionsMixin", "FikenContact", "FikenInvoice", "InvoiceActionsMixin"]
