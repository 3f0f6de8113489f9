"""Fiken links to an already logged-in user; it is never a way to log in or sign up.

Fiken's ``/user`` has no stable id, only an email address, and an email address can change
hands. Logging someone in because Fiken vouches for an email would hand one person's shop
account to another, so every flow other than ``process=connect`` by a logged-in user is refused:
up front when the redirect to Fiken starts (:meth:`FikenProvider.redirect`), and again when Fiken
sends the user back (:func:`refuse_non_connect_login`, a ``pre_social_login`` receiver), so the
rule holds without the project changing ``SOCIALACCOUNT_ADAPTER``.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.core.internal.httpkit import add_query_params
from allauth.socialaccount.providers.base.constants import AuthProcess
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

PROVIDER_ID = "fiken"

LOGIN_REFUSED = _(
    "Fiken cannot be used to log in or sign up. Log in to this site first, then connect your "
    "Fiken account from your Fiken connection page."
)
LOGIN_REQUIRED = _("Log in to this site first, then connect your Fiken account.")

#: The ``error`` query parameter a headless front end receives when Fiken is used to log in.
HEADLESS_ERROR = "fiken_connect_only"


def refusal(
    request: HttpRequest, process: str, *, headless: bool = False, next_url: str | None = None
) -> HttpResponse | None:
    """The response refusing this flow, or ``None`` when it is a connect by a logged-in user."""
    if process == AuthProcess.CONNECT and request.user.is_authenticated:
        return None
    message = LOGIN_REFUSED if process != AuthProcess.CONNECT else LOGIN_REQUIRED
    if headless and next_url:
        # allauth's headless convention: back to the front end with error and error_process.
        return HttpResponseRedirect(
            add_query_params(next_url, {"error": HEADLESS_ERROR, "error_process": process})
        )
    return render(
        request,
        "django_fiken/oauth/connect_only.html",
        {"message": message, "process": process},
        status=HTTPStatus.FORBIDDEN,
    )


def refuse_non_connect_login(sender: Any, request: HttpRequest, sociallogin: Any, **kwargs: Any):
    """``pre_social_login`` receiver: stop a Fiken login/signup before allauth performs it."""
    if sociallogin.provider.id != PROVIDER_ID:
        return
    state = sociallogin.state or {}
    response = refusal(
        request,
        state.get("process", AuthProcess.LOGIN),
        headless=bool(state.get("headless")),
        next_url=state.get("next"),
    )
    if response is not None:
        raise ImmediateHttpResponse(response)
