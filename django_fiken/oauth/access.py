"""Which Fiken companies a user may act on, as granted through their Fiken connection.

Fiken lets a user choose which of their companies an app may reach (and change it later under
Fiken's security settings). ``GET /companies`` with the user's token lists exactly those, so
after every connect and at every pull :func:`refresh_company_access` turns that list into
``FikenConnection(kind="oauth")`` rows: new companies are added, companies no longer listed are
deactivated. Everything a user may do is then decided by those rows
(:func:`companies_for`, :func:`require_company_access`, :class:`CompanyAccessAdminMixin`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from allauth.socialaccount.models import SocialAccount
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from django_fiken.models import ConnectionKind, FikenCompany, FikenConnection, SyncStatus

logger = logging.getLogger(__name__)

NO_LONGER_GRANTED = "Fiken no longer grants this site access to the company."


@dataclass
class AccessChange:
    """What :func:`refresh_company_access` changed, by company slug."""

    granted: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def upsert_company(data: Mapping[str, Any]) -> FikenCompany:
    """Create or update the mirror of one company from Fiken's ``company`` record."""
    from django_fiken.sync.pull import company_columns

    company, _ = FikenCompany.objects.update_or_create(
        slug=data["slug"],
        defaults={
            **company_columns(dict(data)),
            "fiken_data": dict(data),
            "sync_status": SyncStatus.SYNCED,
            "synced_at": timezone.now(),
        },
    )
    return company


def record_company_access(
    social_account: SocialAccount, companies: Iterable[Mapping[str, Any]]
) -> AccessChange:
    """Make the account's OAuth connections match ``companies`` (Fiken's current grant)."""
    change = AccessChange()
    now = timezone.now()
    with transaction.atomic():
        seen: set[int] = set()
        for data in companies:
            company = upsert_company(data)
            seen.add(company.pk)
            connection = (
                FikenConnection.objects.select_for_update()
                .filter(company=company, kind=ConnectionKind.OAUTH, social_account=social_account)
                .first()
            )
            if connection is None:
                FikenConnection.objects.create(
                    company=company,
                    kind=ConnectionKind.OAUTH,
                    user_id=social_account.user_id,
                    social_account=social_account,
                    is_active=True,
                    granted_at=now,
                )
                change.granted.append(company.slug)
            else:
                was_active = connection.is_active
                connection.is_active = True
                connection.broken_reason = ""
                connection.user_id = social_account.user_id
                if not was_active:
                    connection.granted_at = now
                connection.save(update_fields=["is_active", "broken_reason", "user", "granted_at"])
                (change.kept if was_active else change.granted).append(company.slug)
        gone = FikenConnection.objects.filter(
            kind=ConnectionKind.OAUTH, social_account=social_account, is_active=True
        ).exclude(company_id__in=seen)
        change.removed = sorted(gone.values_list("company__slug", flat=True))
        gone.update(is_active=False, broken_reason=NO_LONGER_GRANTED)
    return change


def refresh_company_access(
    social_account: SocialAccount, *, token_provider: Any = None
) -> AccessChange:
    """Ask Fiken which companies the account grants and record it (see module docstring).

    Called after connecting and by the pull; ``token_provider`` defaults to the account's stored
    token (:class:`~django_fiken.oauth.tokens.OAuthTokenProvider`).
    """
    from django_fiken.auth import build_client
    from django_fiken.oauth.tokens import OAuthTokenProvider

    client = build_client(token_provider or OAuthTokenProvider(social_account))
    return record_company_access(social_account, list(client.companies.list()))


def connections_for(user: Any) -> QuerySet[FikenConnection]:
    """The user's active OAuth connections, one per company they can act on."""
    if not getattr(user, "is_authenticated", False):
        return FikenConnection.objects.none()
    return FikenConnection.objects.filter(
        user=user, kind=ConnectionKind.OAUTH, is_active=True
    ).select_related("company")


def companies_for(user: Any) -> QuerySet[FikenCompany]:
    """The companies the user's Fiken connection currently grants."""
    if not getattr(user, "is_authenticated", False):
        return FikenCompany.objects.none()
    return FikenCompany.objects.filter(
        connections__user=user,
        connections__kind=ConnectionKind.OAUTH,
        connections__is_active=True,
    ).distinct()


def can_act_on(user: Any, company: FikenCompany) -> bool:
    """Whether ``user`` holds an active connection to ``company``."""
    return companies_for(user).filter(pk=company.pk).exists()


def require_company_access(user: Any, company: FikenCompany) -> None:
    """Raise ``PermissionDenied`` unless ``user`` holds an active connection to ``company``."""
    if not can_act_on(user, company):
        raise PermissionDenied(
            f"You have no active Fiken connection to company {company.slug!r}. Connect Fiken "
            "with a user who has access to it, or ask them to grant this site access in Fiken."
        )


class CompanyAccessAdminMixin:
    """ModelAdmin mixin: non-superusers see only rows of companies their connection grants.

    ``company_lookup`` is the path from the model to :class:`FikenCompany` (``"company"`` for
    mirrors, ``"invoice__company"`` for invoice lines, ``""`` for ``FikenCompany`` itself).
    Superusers see everything, including companies reached by the site's personal token.
    """

    company_lookup: str = "company"

    def get_queryset(self, request: Any) -> QuerySet:
        queryset = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return queryset
        allowed = companies_for(request.user)
        if not self.company_lookup:
            return queryset.filter(pk__in=allowed.values("pk"))
        return queryset.filter(**{f"{self.company_lookup}__in": allowed.values("pk")})

    def get_list_filter(self, request: Any) -> Any:
        # A "company" sidebar filter would list every company; offer only the granted ones.
        filters = super().get_list_filter(request)  # type: ignore[misc]
        if request.user.is_superuser or not self.company_lookup:
            return filters
        return [
            (item, admin.RelatedOnlyFieldListFilter) if item == self.company_lookup else item
            for item in filters
        ]

    def formfield_for_foreignkey(self, db_field: Any, request: Any, **kwargs: Any) -> Any:
        # Nobody may pick, in a form, a company their connection does not grant.
        if db_field.related_model is FikenCompany and not request.user.is_superuser:
            kwargs["queryset"] = companies_for(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


def refresh_all_company_access() -> dict[int, AccessChange | str]:
    """Refresh the company access of every connected Fiken account; the pull calls this first.

    Accounts whose refresh Fiken already refused are skipped (only the user can repair them, by
    connecting again). One account failing does not stop the others; its error is returned, by
    social account id, and logged.
    """
    from django_fiken.client.errors import FikenError
    from django_fiken.oauth.connect_only import PROVIDER_ID
    from django_fiken.oauth.endpoints import REFUSED_MESSAGE

    accounts = (
        SocialAccount.objects.filter(provider=PROVIDER_ID, socialtoken__isnull=False)
        .exclude(fiken_connections__broken_reason=REFUSED_MESSAGE)
        .distinct()
        .order_by("pk")
    )
    results: dict[int, AccessChange | str] = {}
    for account in accounts:
        try:
            results[account.pk] = refresh_company_access(account)
        except FikenError as exc:
            logger.warning(
                "Refreshing Fiken account %s's company access failed: %s", account.pk, exc
            )
            results[account.pk] = f"{type(exc).__name__}: {exc}"
    return results
