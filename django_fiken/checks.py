"""System checks for django-fiken; ids are stable (django_fiken.E001...), see docs/settings.md.

Each check looks at one setting and says, in words an operator can act on, what is wrong and
how to fix it. Ids are never reused: a retired check keeps its number.
"""

from __future__ import annotations

import re
from numbers import Real
from typing import Any

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from django_fiken.conf import fiken_settings

#: "NNNN" account followed by ":" and a five-digit sub-account, as Fiken writes bank accounts.
BANK_ACCOUNT_CODE = re.compile(r"^\d{4}:\d{5}$")

#: Fiken throttles above this many requests per second per token.
FIKEN_MAX_RATE = 4

#: The django-q2 task that sweeps the outbox; a Redis broker loses queued tasks on restart.
OUTBOX_SWEEP_FUNC = "django_fiken.jobs.sweep"

LOCAL_HOSTS = {"localhost", "127.0.0.1", "::1", "[::1]", "testserver"}


@register(Tags.security)
def check_credentials(app_configs: Any = None, **kwargs: Any) -> list:
    """E002: a personal token without the company it works on.

    No credentials at all is reported by the OAuth module's ``django_fiken.W021``, which also
    knows about OAuth apps; E001 is retired so one problem gives one message.
    """
    if fiken_settings.API_TOKEN and not fiken_settings.COMPANY_SLUG:
        return [
            Error(
                "FIKEN['API_TOKEN'] is set but FIKEN['COMPANY_SLUG'] is not: a personal token "
                "works on one company and django-fiken must know which.",
                hint="Set FIKEN['COMPANY_SLUG'] to the slug in your Fiken URL "
                "(fiken.no/foretak/<slug>/).",
                id="django_fiken.E002",
            )
        ]
    return []


@register()
def check_base_url(app_configs: Any = None, **kwargs: Any) -> list:
    """E003: BASE_URL must be an https URL (http only for a local fake Fiken)."""
    url = fiken_settings.BASE_URL
    try:
        URLValidator(schemes=["http", "https"])(url)
        host = re.sub(r"^https?://", "", url).split("/")[0].rsplit(":", 1)[0]
        if url.startswith("http://") and host not in LOCAL_HOSTS:
            raise ValidationError("plain http")
    except (ValidationError, TypeError):
        return [
            Error(
                f"FIKEN['BASE_URL'] = {url!r} is not a valid Fiken API URL.",
                hint="Use https://api.fiken.no/api/v2 (the default); plain http is accepted only "
                "for a fake Fiken on localhost.",
                id="django_fiken.E003",
            )
        ]
    return []


@register()
def check_rate_limit(app_configs: Any = None, **kwargs: Any) -> list:
    """E004: RATE_LIMIT must be a number in (0, 4]."""
    rate = fiken_settings.RATE_LIMIT
    if isinstance(rate, bool) or not isinstance(rate, Real) or not 0 < rate <= FIKEN_MAX_RATE:
        return [
            Error(
                f"FIKEN['RATE_LIMIT'] = {rate!r} is outside what Fiken allows.",
                hint=f"Use a number above 0 and at most {FIKEN_MAX_RATE} (requests per second "
                "per token); Fiken slows or rejects anything faster.",
                id="django_fiken.E004",
            )
        ]
    return []


@register(Tags.caches)
def check_limiter_cache(app_configs: Any = None, **kwargs: Any) -> list:
    """E005 unknown alias; E006 a cache that cannot lock; W001 a cache not shared by processes."""
    alias = fiken_settings.LIMITER_CACHE
    caches_setting = getattr(settings, "CACHES", {}) or {}
    if alias not in caches_setting:
        return [
            Error(
                f"FIKEN['LIMITER_CACHE'] = {alias!r} is not a cache in CACHES.",
                hint="Name a cache every process that calls Fiken shares (database or Redis).",
                id="django_fiken.E005",
            )
        ]
    backend = caches_setting[alias].get("BACKEND", "")
    if backend.endswith("DummyCache"):
        return [
            Error(
                f"The limiter cache {alias!r} is a DummyCache, which stores nothing, so "
                "requests to Fiken are not limited at all.",
                hint="Use a database or Redis cache for FIKEN['LIMITER_CACHE'].",
                id="django_fiken.E006",
            )
        ]
    if backend.endswith("LocMemCache"):
        return [
            Warning(
                f"The limiter cache {alias!r} is a LocMemCache: each process has its own, so "
                "web and worker processes can exceed Fiken's one-request-at-a-time limit.",
                hint="Use django.core.cache.backends.db.DatabaseCache or a Redis cache.",
                id="django_fiken.W001",
            )
        ]
    return []


@register()
def check_timeouts_and_retries(app_configs: Any = None, **kwargs: Any) -> list:
    """E011 TIMEOUT must be positive seconds; E012 MAX_RETRIES a whole number ≥ 0."""
    errors = []
    timeout = fiken_settings.TIMEOUT
    parts = timeout if isinstance(timeout, list | tuple) else (timeout,)
    if not (
        len(parts) in (1, 2)
        and all(isinstance(p, Real) and not isinstance(p, bool) and p > 0 for p in parts)
    ):
        errors.append(
            Error(
                f"FIKEN['TIMEOUT'] = {timeout!r} is not a timeout.",
                hint="Use seconds: one positive number, or (connect, read), e.g. (5, 30).",
                id="django_fiken.E011",
            )
        )
    retries = fiken_settings.MAX_RETRIES
    if isinstance(retries, bool) or not isinstance(retries, int) or retries < 0:
        errors.append(
            Error(
                f"FIKEN['MAX_RETRIES'] = {retries!r} is not a number of retries.",
                hint="Use a whole number, 0 or more (default 4).",
                id="django_fiken.E012",
            )
        )
    return errors


@register()
def check_default_bank_account(app_configs: Any = None, **kwargs: Any) -> list:
    """E009 malformed DEFAULT_BANK_ACCOUNT; W003 none set."""
    code = fiken_settings.DEFAULT_BANK_ACCOUNT
    if code in (None, ""):
        return [
            Warning(
                "FIKEN['DEFAULT_BANK_ACCOUNT'] is not set: invoices can be pushed only when the "
                "adapter names a bank account.",
                hint="Set it to the account code of the bank account customers pay into, as "
                "shown by 'manage.py fiken_check' (e.g. \"1920:10001\").",
                id="django_fiken.W003",
            )
        ]
    if not isinstance(code, str) or not BANK_ACCOUNT_CODE.match(code):
        return [
            Error(
                f"FIKEN['DEFAULT_BANK_ACCOUNT'] = {code!r} is not a Fiken bank account code.",
                hint='Use "NNNN:NNNNN", e.g. "1920:10001" (see \'manage.py fiken_check\').',
                id="django_fiken.E009",
            )
        ]
    return []


@register()
def check_q_cluster(app_configs: Any = None, **kwargs: Any) -> list:
    """E007 no Q_CLUSTER; E008 retry not above timeout (tasks would run twice)."""
    cluster = getattr(settings, "Q_CLUSTER", None)
    if not cluster:
        return [
            Error(
                "Q_CLUSTER is not set: django-fiken pushes and scheduled pulls run on django-q2.",
                hint="Add Q_CLUSTER = {'name': 'fiken', 'orm': 'default', 'timeout': 60, "
                "'retry': 120} and run 'manage.py qcluster'.",
                id="django_fiken.E007",
            )
        ]
    timeout, retry = cluster.get("timeout"), cluster.get("retry")
    if timeout is not None and retry is not None and retry <= timeout:
        return [
            Error(
                f"Q_CLUSTER['retry'] ({retry}) is not greater than Q_CLUSTER['timeout'] "
                f"({timeout}): a slow Fiken call would be handed to a second worker while the "
                "first still runs.",
                hint="Set 'retry' above 'timeout', e.g. timeout 60 and retry 120.",
                id="django_fiken.E008",
            )
        ]
    return []


@register(Tags.database)
def check_outbox_sweeper(app_configs: Any = None, databases: Any = None, **kwargs: Any) -> list:
    """W002: a Redis broker forgets queued tasks on restart; the outbox sweeper resends them.

    Looks in the database, so it runs only when checks are asked to (``--database``) and in
    ``migrate``.
    """
    cluster = getattr(settings, "Q_CLUSTER", None) or {}
    if not databases or "redis" not in cluster:
        return []
    from django.db import DatabaseError
    from django_q.models import Schedule

    try:
        if Schedule.objects.filter(func=OUTBOX_SWEEP_FUNC).exists():
            return []
    except DatabaseError:
        return []
    return [
        Warning(
            "Q_CLUSTER uses a Redis broker but no outbox sweeper schedule is installed: pushes "
            "queued when Redis or a worker restarts would wait until the next save.",
            hint="Install the schedules with 'manage.py fiken_schedule'.",
            id="django_fiken.W002",
        )
    ]
