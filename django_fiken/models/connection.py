"""Which credentials reach which Fiken company."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConnectionKind(models.TextChoices):
    """Where a connection's token comes from; see ``django_fiken.auth``."""

    PERSONAL = "personal", _("Personal API token (from settings)")
    OAUTH = "oauth", _("OAuth2 (a user's connected Fiken account)")


class FikenConnection(models.Model):
    """A way to reach one company: the personal token in settings, or a user's OAuth grant.

    The token itself is never stored here: a personal token lives in ``settings.FIKEN``, an OAuth
    token in allauth's ``SocialToken`` (reached through ``social_account``).
    """

    company = models.ForeignKey(
        "django_fiken.FikenCompany",
        on_delete=models.CASCADE,
        related_name="connections",
        verbose_name=_("company"),
    )
    kind = models.CharField(_("kind"), max_length=16, choices=ConnectionKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fiken_connections",
        verbose_name=_("user"),
    )
    social_account = models.ForeignKey(
        "socialaccount.SocialAccount",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="fiken_connections",
        verbose_name=_("social account"),
    )
    is_active = models.BooleanField(_("active"), default=True, db_index=True)
    broken_reason = models.TextField(
        _("broken reason"),
        blank=True,
        default="",
        help_text=_("Why this connection stopped working (revoked grant, lost access...)."),
    )
    granted_at = models.DateTimeField(_("granted at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("Fiken connection")
        verbose_name_plural = _("Fiken connections")
        constraints = [
            models.UniqueConstraint(
                fields=["company"],
                condition=models.Q(kind="personal"),
                name="django_fiken_one_personal_connection_per_company",
            )
        ]

    def __str__(self) -> str:
        return f"{self.company} ({self.get_kind_display()})"
