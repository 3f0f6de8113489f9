"""Which calls may be repeated, and how long to wait before repeating them.

A call is *idempotent* when sending it twice leaves Fiken as sending it once: reads, PUT, DELETE,
the PATCH updates, and the one POST that only reads (the product sales report). Those retry on
429, 5xx, connection failures and timeouts. Everything else (creates, sends, attachments,
counters, write-offs) retries only where Fiken did nothing: a 429 (Fiken refuses before doing
any work) or a failure to connect. A timeout or a 5xx on such a call raises
:class:`~django_fiken.client.errors.AmbiguousFailure`: the caller must look before trying again.
"""

from __future__ import annotations

import random

from tenacity import RetryCallState

from .endpoints import Endpoint
from .errors import AmbiguousFailure, FikenError, RateLimited, ServerError, TransportError

# POSTs that change nothing in Fiken.
IDEMPOTENT_POSTS = frozenset({"createProductSalesReport"})
# PATCHes that book something new each time they succeed.
NON_IDEMPOTENT_PATCHES = frozenset({"writeOffSale"})

# A Retry-After longer than this is not slept through inside a request: the error goes up so the
# job layer can reschedule instead of holding a worker.
MAX_RETRY_AFTER = 60.0
BACKOFF_INITIAL = 0.5
BACKOFF_MAX = 30.0


def is_idempotent(endpoint: Endpoint) -> bool:
    """Whether sending ``endpoint`` twice is as good as sending it once."""
    if endpoint.method in {"GET", "PUT", "DELETE", "HEAD"}:
        return True
    if endpoint.method == "PATCH":
        return endpoint.operation_id not in NON_IDEMPOTENT_PATCHES
    return endpoint.operation_id in IDEMPOTENT_POSTS


def should_retry(error: BaseException) -> bool:
    """Whether this error, raised by one attempt, allows another attempt."""
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None and retry_after > MAX_RETRY_AFTER:
        return False
    if isinstance(error, RateLimited | ServerError | TransportError):
        return True
    if isinstance(error, AmbiguousFailure):
        # Set per call: True only when the call is idempotent.
        return error.retryable
    return False


def backoff_seconds(attempt: int, error: FikenError | None) -> float:
    """Exponential backoff with full jitter, never shorter than Fiken's ``Retry-After``."""
    exponential = min(BACKOFF_MAX, BACKOFF_INITIAL * 2 ** max(0, attempt - 1))
    wait = random.uniform(exponential / 2, exponential)  # noqa: S311 (jitter, not crypto)
    retry_after = getattr(error, "retry_after", None)
    if retry_after is not None:
        wait = retry_after + random.uniform(0, 0.25)  # noqa: S311
    return wait


def tenacity_wait(retry_state: RetryCallState) -> float:
    """Adapter for tenacity's ``wait=``."""
    outcome = retry_state.outcome
    error = outcome.exception() if outcome is not None else None
    return backoff_seconds(
        retry_state.attempt_number, error if isinstance(error, FikenError) else None
    )
