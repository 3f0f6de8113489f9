"""One lazy settings object for the whole app, read from ``settings.FIKEN``.

Every key has a default here and a line in ``docs/settings.md``. Values are read on access, so
``override_settings(FIKEN={...})`` in tests takes effect at once.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # A personal API token for a single-company site (Fiken: Settings → API → personal tokens).
    "API_TOKEN": None,
    # The slug of the company the personal token works on.
    "COMPANY_SLUG": None,
    # Fiken API v2 base URL; point it at the fake Fiken for demos and tests.
    "BASE_URL": "https://api.fiken.no/api/v2",
    # OAuth2 endpoints (the allauth provider); the client id/secret live in allauth's app config.
    "OAUTH": {
        "AUTHORIZE_URL": "https://fiken.no/oauth/authorize",
        "TOKEN_URL": "https://fiken.no/oauth/token",
        "REVOKE_URL": "https://fiken.no/oauth/revoke",
        # Refresh an access token this many seconds before it expires.
        "REFRESH_MARGIN": 300,
    },
    # Seconds before an HTTP request to Fiken is abandoned (connect, read).
    "TIMEOUT": (5, 30),
    # Fiken permits 4 requests per second per token and one in flight at a time.
    "RATE_LIMIT": 4.0,
    # Django cache alias for the per-token lock; every process that calls Fiken must share it.
    "LIMITER_CACHE": "default",
    # How many times a safe request is retried on 429/5xx before the error is raised.
    "MAX_RETRIES": 4,
    # Bank account code (e.g. "1920:10001") used for invoices when the adapter names none.
    "DEFAULT_BANK_ACCOUNT": None,
    # Path to Fiken's openapi.yaml; the fake Fiken validates every request and response against it.
    "OPENAPI_SPEC": os.environ.get("FIKEN_OPENAPI_SPEC"),
    # Push queue: django-q2 cluster name, sweep interval, attempts before a job is dead-lettered.
    "QUEUE": {
        "CLUSTER": None,
        "SWEEP_MINUTES": 1,
        "MAX_ATTEMPTS": 8,
        # How long a worker holds a company's lease; a killed worker's company frees after this.
        "LEASE_SECONDS": 60,
        # Retry backoff: first delay, doubled per attempt with full jitter, capped.
        "BACKOFF_BASE_SECONDS": 1.0,
        "BACKOFF_MAX_SECONDS": 300.0,
        # A drain waits for a job due within this many seconds instead of leaving it to the sweep.
        "INLINE_WAIT_SECONDS": 10.0,
        # A save's push waits this long; saves within it coalesce into one push.
        "COALESCE_SECONDS": 1.0,
    },
    # Host model adapters: {"shop.Customer": "shop.fiken.CustomerAdapter"} (or register in code).
    "ADAPTERS": {},
    # Incremental pull: schedule interval and the overlap window (Fiken filters by date only).
    "PULL": {
        "INTERVAL_MINUTES": 15,
        "OVERLAP_SECONDS": 86400,
    },
}


class FikenSettings:
    """Reads ``settings.FIKEN`` over :data:`DEFAULTS`; nested dicts merge one level."""

    def __getattr__(self, name: str) -> Any:
        if name not in DEFAULTS:
            raise AttributeError(f"Unknown django-fiken setting FIKEN[{name!r}]")
        user = getattr(settings, "FIKEN", {}) or {}
        default = DEFAULTS[name]
        value = user.get(name, default)
        if isinstance(default, dict) and isinstance(value, dict):
            return {**default, **value}
        return value


fiken_settings = FikenSettings()
