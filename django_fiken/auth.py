"""Where tokens come from, and the one place a :class:`FikenClient` is built from settings.

A :class:`~django_fiken.models.FikenConnection` says how a company is reached; its ``kind``
picks a token-provider factory from a small registry. ``personal`` (the token in
``FIKEN["API_TOKEN"]``) is built in; other kinds register themselves::

    from django_fiken.auth import register_token_provider

    @register_token_provider("oauth")
    def oauth_provider(connection):
        return SocialTokenProvider(connection.social_account)

so adding a way to authenticate never means editing :func:`client_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.db import transaction

from django_fiken.conf import fiken_settings
from django_fiken.models import ConnectionKind, FikenCompany, FikenConnection

if TYPE_CHECKING:
    from django_fiken.client import FikenClient

TokenProviderFactory = Callable[[FikenConnection], Any]

_FACTORIES: dict[str, TokenProviderFactory] = {}


class NoConnection(ImproperlyConfigured):
    """No active connection reaches the company (or not for the given user)."""


class NoUserConnection(NoConnection, PermissionDenied):
    """The given user has no active connection to the company: they may not act on it.

    A ``PermissionDenied`` too, so a view calling ``client_for(company, user=request.user)``
    answers 403 without catching anything.
    """


def register_token_provider(
    kind: str,
) -> Callable[[TokenProviderFactory], TokenProviderFactory]:
    """Register the factory that turns a connection of ``kind`` into a token provider.

    A token provider has ``get_token()``, ``refresh()`` and ``limit_key`` (see
    docs/architecture.md). Registering a kind twice replaces the earlier factory.
    """

    def decorator(factory: TokenProviderFactory) -> TokenProviderFactory:
        _FACTORIES[kind] = factory
        return factory

    return decorator


def token_provider_for(connection: FikenConnection) -> Any:
    """The token provider for ``connection``, from the factory registered for its kind."""
    try:
        factory = _FACTORIES[connection.kind]
    except KeyError:
        raise ImproperlyConfigured(
            f"No token provider is registered for Fiken connections of kind "
            f"{connection.kind!r}; known kinds: {', '.join(sorted(_FACTORIES)) or 'none'}."
        ) from None
    return factory(connection)


@register_token_provider(ConnectionKind.PERSONAL)
def personal_token_provider(connection: FikenConnection) -> Any:
    """The personal API token from ``FIKEN["API_TOKEN"]``; it never expires."""
    from django_fiken.client import StaticTokenProvider

    token = fiken_settings.API_TOKEN
    if not token:
        raise ImproperlyConfigured(
            f"Company {connection.company.slug!r} is reached through the personal API token, "
            'but FIKEN["API_TOKEN"] is not set.'
        )
    return StaticTokenProvider(token)


def connection_for(company: FikenCompany, *, user: Any = None) -> FikenConnection:
    """The active connection to use for ``company``.

    With ``user``: that user's own connection (an OAuth grant). Without: the personal
    connection if there is one, otherwise the oldest active connection.
    """
    active = FikenConnection.objects.filter(company=company, is_active=True)
    if user is not None:
        connection = active.filter(user=user).order_by("pk").first()
        if connection is None:
            raise NoUserConnection(
                f"User {user.pk} has no active Fiken connection to company {company.slug!r}."
            )
        return connection
    connection = (
        active.filter(kind=ConnectionKind.PERSONAL).first() or active.order_by("pk").first()
    )
    if connection is None:
        raise NoConnection(
            f"No active Fiken connection reaches company {company.slug!r}. Set "
            'FIKEN["API_TOKEN"] and FIKEN["COMPANY_SLUG"] (then run "manage.py fiken_check") '
            "or connect a Fiken account."
        )
    return connection


def build_client(token_provider: Any) -> FikenClient:
    """A client for ``token_provider`` with everything else taken from settings."""
    from django.core.cache import caches

    from django_fiken.client import FikenClient

    return FikenClient(
        token_provider,
        base_url=fiken_settings.BASE_URL,
        timeout=fiken_settings.TIMEOUT,
        rate_limit=fiken_settings.RATE_LIMIT,
        max_retries=fiken_settings.MAX_RETRIES,
        cache=caches[fiken_settings.LIMITER_CACHE],
    )


def client_for(company: FikenCompany, *, user: Any = None) -> FikenClient:
    """A ready :class:`FikenClient` reaching ``company`` (as ``user`` when given)."""
    return build_client(token_provider_for(connection_for(company, user=user)))


def ensure_personal_connection() -> FikenConnection:
    """Create (or find) the company and personal connection for ``FIKEN["COMPANY_SLUG"]``.

    Idempotent; called by ``fiken_sync`` and ``fiken_check`` so a single-company site needs no
    setup step beyond its settings. The company's name and details arrive with the first pull.
    """
    slug = fiken_settings.COMPANY_SLUG
    if not fiken_settings.API_TOKEN or not slug:
        raise ImproperlyConfigured(
            'A personal Fiken connection needs both FIKEN["API_TOKEN"] and FIKEN["COMPANY_SLUG"].'
        )
    with transaction.atomic():
        company, _ = FikenCompany.objects.get_or_create(slug=slug)
        connection, created = FikenConnection.objects.get_or_create(
            company=company, kind=ConnectionKind.PERSONAL, defaults={"is_active": True}
        )
        if not created and not connection.is_active:
            connection.is_active = True
            connection.broken_reason = ""
            connection.save(update_fields=["is_active", "broken_reason"])
        # The token works on one company: a personal connection elsewhere is from an old slug.
        FikenConnection.objects.filter(kind=ConnectionKind.PERSONAL, is_active=True).exclude(
            pk=connection.pk
        ).update(
            is_active=False,
            broken_reason=f'FIKEN["COMPANY_SLUG"] now names {slug!r} instead.',
        )
    return connection
