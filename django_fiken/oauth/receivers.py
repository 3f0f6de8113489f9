"""Signal receivers tying allauth's connect/disconnect to Fiken connections.

Connected from :meth:`django_fiken.apps.DjangoFikenConfig.ready`, so installing the app is enough.
"""

from __future__ import annotations

import logging
from typing import Any

from allauth.socialaccount.models import SocialAccount, SocialToken
from allauth.socialaccount.providers.base.constants import AuthProcess
from allauth.socialaccount.signals import (
    pre_social_login,
    social_account_added,
    social_account_updated,
)
from django.contrib import messages
from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from django_fiken.auth import register_token_provider
from django_fiken.models import ConnectionKind, FikenConnection
from django_fiken.oauth.access import refresh_company_access
from django_fiken.oauth.connect_only import PROVIDER_ID, refuse_non_connect_login
from django_fiken.oauth.tokens import IssuedTokenProvider, OAuthTokenProvider, revoke_grant

logger = logging.getLogger(__name__)

pre_social_login.connect(refuse_non_connect_login, dispatch_uid="django_fiken_connect_only")


@register_token_provider(ConnectionKind.OAUTH)
def oauth_token_provider(connection: FikenConnection) -> OAuthTokenProvider:
    """``client_for()`` builds OAuth connections' clients from the user's stored token."""
    if connection.social_account_id is None:
        raise ImproperlyConfigured(
            f"Fiken connection {connection.pk} is an OAuth connection without a social account."
        )
    return OAuthTokenProvider(connection.social_account)


@receiver(social_account_added, dispatch_uid="django_fiken_record_access_added")
@receiver(social_account_updated, dispatch_uid="django_fiken_record_access_updated")
def record_access_on_connect(sender: Any, request: Any, sociallogin: Any, **kwargs: Any) -> None:
    """After a (re)connect, record the companies the user granted this site in Fiken."""
    if sociallogin.provider.id != PROVIDER_ID or sociallogin.token is None:
        return
    if (sociallogin.state or {}).get("process") != AuthProcess.CONNECT:
        return  # a refused login attempt; nothing is recorded
    account = sociallogin.account
    user = getattr(request, "user", None)
    if user is None or account.user_id != user.pk:
        # The Fiken account is linked to another local user: allauth refuses this connect
        # ("connected to a different account"), so nothing is granted to the visitor.
        return
    try:
        change = refresh_company_access(
            account, token_provider=IssuedTokenProvider(sociallogin.token.token, account.pk)
        )
    except Exception as exc:  # the connect itself succeeded; the next pull retries this
        logger.warning(
            "Fiken account %s connected, but its companies could not be listed: %s",
            account.pk,
            type(exc).__name__,
        )
        if request is not None:
            messages.warning(
                request,
                _("Fiken is connected, but its companies could not be listed yet: %(error)s")
                % {"error": exc},
                fail_silently=True,
            )
        return
    if request is not None:
        slugs = change.granted + change.kept
        if slugs:
            text = _("Fiken companies you can work on: %(companies)s.") % {
                "companies": ", ".join(slugs)
            }
        else:
            text = _(
                "Fiken is connected, but grants no companies: choose companies for this site "
                "in Fiken (Settings → Security → Apps), then connect again."
            )
        messages.info(request, text, fail_silently=True)


@receiver(pre_delete, sender=SocialToken, dispatch_uid="django_fiken_revoke_on_disconnect")
def revoke_before_token_deleted(sender: Any, instance: SocialToken, **kwargs: Any) -> None:
    """Withdraw the grant at Fiken while the token still exists (disconnect, account deletion)."""
    if not SocialAccount.objects.filter(pk=instance.account_id, provider=PROVIDER_ID).exists():
        return
    revoke_grant(instance)
