"""Fiken API v2 client: plain Python (requests + tenacity), nothing from Django.

See docs/client.md. Everything a caller needs is importable from here.
"""

from .client import DEFAULT_BASE_URL, CompanyClient, FikenClient
from .errors import (
    AmbiguousFailure,
    BadRequest,
    Conflict,
    FikenError,
    Forbidden,
    LimiterTimeout,
    ModuleNotActivated,
    NotFound,
    RateLimited,
    ServerError,
    TransportError,
    Unauthorized,
    UnsupportedMediaType,
)
from .limits import CacheLimiter, Limiter, LocalLimiter
from .pagination import Page, Paginated
from .resources.base import location_id, operation
from .tokens import StaticTokenProvider, TokenProvider, token_fingerprint

__all__ = [
    "DEFAULT_BASE_URL",
    "AmbiguousFailure",
    "BadRequest",
    "CacheLimiter",
    "CompanyClient",
    "Conflict",
    "FikenClient",
    "FikenError",
    "Forbidden",
    "Limiter",
    "LimiterTimeout",
    "LocalLimiter",
    "ModuleNotActivated",
    "NotFound",
    "Page",
    "Paginated",
    "RateLimited",
    "ServerError",
    "StaticTokenProvider",
    "TokenProvider",
    "TransportError",
    "Unauthorized",
    "UnsupportedMediaType",
    "location_id",
    "operation",
    "token_fingerprint",
]
