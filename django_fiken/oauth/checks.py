"""System checks for the Fiken OAuth connection (ids stable: django_fiken.E020, W021)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from django_fiken.conf import fiken_settings
from django_fiken.oauth.connect_only import PROVIDER_ID


@register()
def check_tokens_are_stored(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Without stored tokens a connected Fiken account can never be used by the workers."""
    if getattr(settings, "SOCIALACCOUNT_STORE_TOKENS", False) is True:
        return []
    return [
        Error(
            "SOCIALACCOUNT_STORE_TOKENS must be True for django-fiken: the Fiken OAuth tokens "
            "allauth receives are what the workers use to reach Fiken.",
            hint="Add SOCIALACCOUNT_STORE_TOKENS = True to your settings.",
            id="django_fiken.E020",
        )
    ]


def _settings_apps() -> list[dict[str, Any]]:
    provider = getattr(settings, "SOCIALACCOUNT_PROVIDERS", {}).get(PROVIDER_ID, {})
    apps = list(provider.get("APPS", []))
    if provider.get("APP"):
        apps.append(provider["APP"])
    return apps


@register()
def check_app_credentials(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Users cannot connect Fiken until the site's Fiken app (client id and secret) is known."""
    apps = _settings_apps()
    incomplete = [app for app in apps if not app.get("client_id") or not app.get("secret")]
    if incomplete:
        return [
            Warning(
                "SOCIALACCOUNT_PROVIDERS['fiken'] has an app without a client_id or secret.",
                hint="Copy both from the app you registered at Fiken (see docs/oauth.md).",
                id="django_fiken.W021",
            )
        ]
    if apps or fiken_settings.API_TOKEN:
        # A personal API token works without OAuth; a SocialApp row in the database is not
        # looked up here (checks run before the database may exist).
        return []
    return [
        Warning(
            "Neither a Fiken OAuth app (SOCIALACCOUNT_PROVIDERS['fiken']['APPS']) nor "
            "FIKEN['API_TOKEN'] is configured, so nothing can reach Fiken.",
            hint="Register an app at Fiken and add its client_id and secret, or add a Fiken "
            "SocialApp in the admin and silence this warning with "
            "SILENCED_SYSTEM_CHECKS = ['django_fiken.W021'].",
            id="django_fiken.W021",
        )
    ]
