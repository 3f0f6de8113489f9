"""The page where a logged-in user sees and manages their Fiken connection."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from allauth.socialaccount.signals import social_account_removed
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import MultipleObjectsReturned
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from django_fiken.models import ConnectionKind, FikenConnection
from django_fiken.oauth.connect_only import PROVIDER_ID


@dataclass
class ConnectedAccount:
    """One connected Fiken user as the page shows it."""

    account: SocialAccount
    name: str
    email: str
    token_expires_at: datetime | None
    has_token: bool
    connections: list[FikenConnection]

    @property
    def healthy(self) -> bool:
        """Usable: a token is stored and at least one company is reachable through it."""
        return self.has_token and any(c.is_active for c in self.connections)

    @property
    def problems(self) -> list[str]:
        """Why it is not (fully) usable, in words for the user."""
        found = sorted({c.broken_reason for c in self.connections if c.broken_reason})
        if not self.has_token:
            found.insert(0, _("No Fiken token is stored: connect Fiken again."))
        elif not self.connections:
            found.append(_("Fiken grants this site no companies yet."))
        return found


def _connected_accounts(user: Any) -> list[ConnectedAccount]:
    accounts = SocialAccount.objects.filter(user=user, provider=PROVIDER_ID).order_by("pk")
    result = []
    for account in accounts:
        token = SocialToken.objects.filter(account=account).order_by("-pk").first()
        data = account.extra_data or {}
        result.append(
            ConnectedAccount(
                account=account,
                name=data.get("name", ""),
                email=data.get("email", "") or account.uid,
                token_expires_at=token.expires_at if token else None,
                has_token=token is not None,
                connections=list(
                    FikenConnection.objects.filter(
                        social_account=account, kind=ConnectionKind.OAUTH
                    )
                    .select_related("company")
                    .order_by("-is_active", "company__name", "company__slug")
                ),
            )
        )
    return result


def _fiken_app_configured(request: HttpRequest) -> bool:
    try:
        get_adapter().get_app(request, provider=PROVIDER_ID)
    except (SocialApp.DoesNotExist, MultipleObjectsReturned):
        return False
    return True


class ConnectionView(LoginRequiredMixin, TemplateView):
    """Shows the user's Fiken connection, its companies and health, and connect/disconnect.

    Template: ``django_fiken/connection.html`` (override it in your project's templates).
    """

    template_name = "django_fiken/connection.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # allauth's login view takes a POST; process=connect links Fiken to this user.
        connect_url = (
            reverse(f"{PROVIDER_ID}_login")
            + "?"
            + urlencode({"process": "connect", "next": self.request.path})
        )
        context.update(
            accounts=_connected_accounts(self.request.user),
            connect_url=connect_url,
            can_connect=_fiken_app_configured(self.request),
            now=timezone.now(),
        )
        return context


class DisconnectView(LoginRequiredMixin, View):
    """POST: revoke the grant at Fiken and remove the connected account (and its connections).

    Revoking happens in a ``pre_delete`` receiver on ``SocialToken``, so disconnecting through
    allauth's own connections page revokes the grant too.
    """

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        account = get_object_or_404(
            SocialAccount,
            pk=request.POST.get("account"),
            user=request.user,
            provider=PROVIDER_ID,
        )
        label = (account.extra_data or {}).get("email") or account.uid
        account.delete()
        social_account_removed.send(sender=SocialAccount, request=request, socialaccount=account)
        messages.success(request, _("Fiken account %(account)s disconnected.") % {"account": label})
        return HttpResponseRedirect(reverse("django_fiken:connection"))
