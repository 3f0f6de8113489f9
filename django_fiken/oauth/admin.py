"""allauth's token and app admin pages without the secrets in them.

allauth's own admin shows access tokens (cut at 40 characters, most of a Fiken token) in the
token list, tokens and refresh tokens in the token form, and app secrets in the app form. A
Fiken token reaches a company's books, so django-fiken replaces those two admin classes with
ones that never render a secret: tokens are shown as a short fingerprint, and an app's secret can
be typed in (to set or change it) but is never shown. This applies to every provider's tokens
and apps in the project, which is the safe side.

Imported by :mod:`django_fiken.admin` (after allauth's admin, per ``INSTALLED_APPS`` order).
"""

from __future__ import annotations

from typing import Any

from allauth.socialaccount.admin import SocialAppAdmin, SocialAppForm, SocialTokenAdmin
from allauth.socialaccount.models import SocialApp, SocialToken
from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from django_fiken.client.tokens import token_fingerprint


class SecretFreeSocialTokenAdmin(SocialTokenAdmin):
    """Tokens are listed and viewed by fingerprint and expiry; they are never displayed."""

    list_display = ("app", "account", "fingerprint", "expires_at")
    fields = ("app", "account", "fingerprint", "has_refresh_token", "expires_at")
    readonly_fields = ("fingerprint", "has_refresh_token")

    @admin.display(description=_("token fingerprint"))
    def fingerprint(self, token: SocialToken) -> str:
        return token_fingerprint(token.token) if token.token else "—"

    @admin.display(description=_("refresh token stored"), boolean=True)
    def has_refresh_token(self, token: SocialToken) -> bool:
        return bool(token.token_secret)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # tokens come from connecting an account, never from a form


class SecretFreeSocialAppForm(SocialAppForm):
    """The secret field is write-only: left empty, the stored secret is kept."""

    class Meta(SocialAppForm.Meta):
        widgets = {
            **SocialAppForm.Meta.widgets,
            "secret": forms.PasswordInput(render_value=False, attrs={"size": "100"}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["secret"].required = False
            self.fields["secret"].help_text = _(
                "Stored, never shown. Type a new secret to replace it; leave empty to keep it."
            )

    def clean_secret(self) -> str:
        secret = self.cleaned_data.get("secret", "")
        if not secret and self.instance.pk:
            return SocialApp.objects.get(pk=self.instance.pk).secret
        return secret


class SecretFreeSocialAppAdmin(SocialAppAdmin):
    form = SecretFreeSocialAppForm


def _replace(model: type, admin_class: type[admin.ModelAdmin]) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
        admin.site.register(model, admin_class)


_replace(SocialToken, SecretFreeSocialTokenAdmin)
_replace(SocialApp, SecretFreeSocialAppAdmin)
