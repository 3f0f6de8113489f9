"""The push outbox: one row per piece of work for Fiken, written in the host's transaction.

A row is the durable record of intent. django-q2 tasks only say "drain company N now"; if the
broker loses them, the sweep schedule finds the rows again (see ``django_fiken.jobs``).
"""

from __future__ import annotations

from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class JobKind(models.TextChoices):
    PUSH_CONTACT = "push_contact", _("Push contact")
    PUSH_INVOICE = "push_invoice", _("Push invoice")
    ISSUE_INVOICE = "issue_invoice", _("Issue invoice")
    SEND_INVOICE = "send_invoice", _("Send invoice")
    CREDIT_INVOICE = "credit_invoice", _("Credit invoice")
    MARK_SENT = "mark_sent", _("Mark invoice sent manually")
    REGISTER_PAYMENT = "register_payment", _("Register payment")


#: Kinds that bring Fiken to a state, where the latest request wins: while one is pending for a
#: target, another request of the same kind merges into it. The other kinds are distinct acts
#: (each payment, each credit note) and never merge.
COALESCING_KINDS = frozenset(
    {
        JobKind.PUSH_CONTACT,
        JobKind.PUSH_INVOICE,
        JobKind.ISSUE_INVOICE,
        JobKind.SEND_INVOICE,
        JobKind.MARK_SENT,
    }
)


class JobStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")
    DEAD = "dead", _("Dead (gave up after retries)")
    CANCELLED = "cancelled", _("Cancelled")


class PushJob(models.Model):
    """One unit of work for Fiken, on one mirror row, for one company.

    ``target`` is the mirror the job acts on (a contact or an invoice). At most one *pending* job
    exists per (kind, target) for the kinds in :data:`COALESCING_KINDS`: saving an order fifty
    times while its push waits is one push, while two payments stay two payments.
    ``ambiguous`` is set when an earlier attempt may have reached Fiken (a timeout after sending,
    or a worker that died mid-request): the next attempt looks in Fiken before creating anything.
    """

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="push_jobs",
        verbose_name=_("company"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=JobKind.choices)
    status = models.CharField(
        _("status"), max_length=16, choices=JobStatus.choices, default=JobStatus.PENDING
    )
    target_type = models.ForeignKey(
        ContentType,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("target type"),
    )
    target_id = models.PositiveBigIntegerField(_("target id"))
    target = GenericForeignKey("target_type", "target_id")
    host_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("host type"),
    )
    host_id = models.CharField(_("host object id"), max_length=255, blank=True, default="")
    payload = models.JSONField(_("payload"), default=dict, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), default=timezone.now)
    ambiguous = models.BooleanField(
        _("look before creating"),
        default=False,
        help_text=_("An earlier attempt may have reached Fiken; look there before creating."),
    )
    last_error = models.TextField(_("last error"), blank=True, default="")
    fiken_request_id = models.CharField(
        _("Fiken request id"), max_length=64, blank=True, default=""
    )
    lease_owner = models.CharField(_("lease owner"), max_length=64, blank=True, default="")
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fiken push job")
        verbose_name_plural = _("Fiken push jobs")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id"],
                condition=models.Q(status="pending", kind__in=sorted(COALESCING_KINDS)),
                name="django_fiken_one_pending_job_per_target",
            )
        ]
        indexes = [
            models.Index(
                fields=["company", "status", "next_attempt_at"], name="fiken_pushjob_due_idx"
            ),
            models.Index(fields=["host_type", "host_id"], name="fiken_pushjob_host_idx"),
        ]
        permissions = [
            ("retry_pushjob", "Can retry Fiken push jobs"),
            ("cancel_pushjob", "Can cancel Fiken push jobs"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.target_id} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in {JobStatus.SUCCEEDED, JobStatus.CANCELLED}


class PushLease(models.Model):
    """Which worker is draining a company, until when.

    One row per company; a worker claims it with ``select_for_update(skip_locked=True)`` in a
    short transaction, writes ``owner`` and ``leased_until``, commits, and only then talks to
    Fiken. An expired lease (a worker killed mid-drain) is free to claim again.
    """

    company = models.OneToOneField(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="push_lease",
        verbose_name=_("company"),
    )
    owner = models.CharField(_("owner"), max_length=64, blank=True, default="")
    leased_until = models.DateTimeField(_("leased until"), null=True, blank=True)

    class Meta:
        verbose_name = _("Fiken push lease")
        verbose_name_plural = _("Fiken push leases")

    def __str__(self) -> str:
        return f"{self.company_id}: {self.owner or 'free'}"
