"""Typed errors for everything that can go wrong talking to Fiken.

Every error carries what an operator needs to find the request in Fiken's logs and in ours (HTTP
status, Fiken's messages, the ``X-Request-ID`` we sent, method and path) and a ``retryable`` flag
that tells the job layer whether simply running the same call again is safe. Nothing here ever
holds a token: messages are built from Fiken's response body and the request line only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

import requests

# Keys under which Fiken (and the OAuth server in front of it) put a human-readable message.
_MESSAGE_KEYS = ("message", "error_description", "errorMessage", "error", "detail", "title")


class FikenError(Exception):
    """Base of every client error; ``str()`` reads like a log line, never holds a secret."""

    retryable: bool = False

    def __init__(
        self,
        status: int | None = None,
        messages: list[str] | None = None,
        request_id: str | None = None,
        method: str | None = None,
        path: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        self.status = status
        # Seconds Fiken asked us to wait (``Retry-After`` on a 429 or 503), if it said.
        self.retry_after = retry_after
        self.messages = list(messages or [])
        self.request_id = request_id
        self.method = method
        self.path = path
        super().__init__(str(self))

    def _summary(self) -> str:
        return "; ".join(self.messages) or self._default_message()

    def _default_message(self) -> str:
        return "Fiken returned an error"

    def __str__(self) -> str:
        where = " ".join(part for part in (self.method, self.path) if part)
        status = f"HTTP {self.status}" if self.status is not None else ""
        context = ", ".join(
            part
            for part in (where, status, f"request id {self.request_id}" if self.request_id else "")
            if part
        )
        return f"{self._summary()} ({context})" if context else self._summary()

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, messages={self.messages!r}, "
            f"request_id={self.request_id!r}, method={self.method!r}, path={self.path!r})"
        )

    def __reduce__(self):  # pickles (django-q2 stores task results) keep every field
        fields = (self.status, self.messages, self.request_id, self.method, self.path)
        return (type(self), (*fields, self.retry_after), self.__dict__.copy())


class BadRequest(FikenError):
    """400: Fiken rejected the content (missing field, wrong format). Fix the data, not the call."""

    def _default_message(self) -> str:
        return "Fiken rejected the request as invalid"


class Unauthorized(FikenError):
    """401: the token is missing, expired or revoked, and a refresh did not help."""

    def _default_message(self) -> str:
        return "Fiken did not accept the access token (expired or revoked?)"


class Forbidden(FikenError):
    """403: the user behind the token may not do this in this company."""

    def _default_message(self) -> str:
        return "The Fiken user has no access to this"


class ModuleNotActivated(Forbidden):
    """403 because the company has not ordered Fiken's API module (Settings → Module access)."""

    def _default_message(self) -> str:
        return "The API module is not activated for this Fiken company"


class NotFound(FikenError):
    """404: no such company, resource or id."""

    def _default_message(self) -> str:
        return "Not found in Fiken"


class Conflict(FikenError):
    """409: the change conflicts with Fiken's state (e.g. a counter that already exists)."""

    def _default_message(self) -> str:
        return "The request conflicts with the current state in Fiken"


class UnsupportedMediaType(FikenError):
    """415: wrong ``Content-Type``; a client bug, never the user's data."""

    def _default_message(self) -> str:
        return "Fiken does not accept this media type"


class RateLimited(FikenError):
    """429: too many requests or concurrent ones. Fiken answers before doing any work."""

    retryable = True

    def _default_message(self) -> str:
        return "Fiken is rate limiting this token"


class ServerError(FikenError):
    """5xx on a call that is safe to repeat (a read or an idempotent update)."""

    retryable = True

    def _default_message(self) -> str:
        return "Fiken had an internal error"


class AmbiguousFailure(FikenError):
    """The request may have reached Fiken and done its work, but we got no clear answer.

    Raised for a read timeout or a dropped connection after the request was sent, and for a 5xx
    answer to a create. Sending it again could create a duplicate: look in Fiken first
    (``memberNumberString``, ``invoiceDraftUuid``, ``orderReference`` filters) and only then
    create again.
    """

    retryable = False

    def _default_message(self) -> str:
        return "No clear answer from Fiken; the request may or may not have been carried out"


class TransportError(FikenError):
    """Could not connect to Fiken (DNS, refused, TLS, connect timeout): nothing was sent."""

    retryable = True

    def _default_message(self) -> str:
        return "Could not connect to Fiken"


class LimiterTimeout(FikenError):
    """Waited too long for this token's turn: another process holds the lock for too long."""

    retryable = True

    def _default_message(self) -> str:
        return "Timed out waiting for this token's turn to call Fiken"


_BY_STATUS: dict[int, type[FikenError]] = {
    400: BadRequest,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    409: Conflict,
    415: UnsupportedMediaType,
    429: RateLimited,
}


def parse_messages(body: bytes | str | None) -> list[str]:
    """Fiken's messages from an error body: a JSON list or object of ``{"message": ...}``.

    The spec has no error schema; Fiken sends a list of objects (or one object), the OAuth
    server ``{"error": ..., "error_description": ...}``, proxies plain text. Read what is there.
    """
    if not body:
        return []
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        stripped = " ".join(text.split())
        return [stripped[:500]] if stripped and not stripped.startswith("<") else []
    return _messages_from(data)


def _messages_from(data: Any) -> list[str]:
    if isinstance(data, str):
        return [data] if data else []
    if isinstance(data, list):
        return [message for item in data for message in _messages_from(item)]
    if isinstance(data, Mapping):
        for key in ("errors", "messages"):
            if isinstance(data.get(key), list):
                return _messages_from(data[key])
        for key in _MESSAGE_KEYS:
            value = data.get(key)
            if isinstance(value, str) and value:
                field = data.get("field") or data.get("property")
                return [f"{field}: {value}" if isinstance(field, str) and field else value]
    return []


def parse_retry_after(value: str | None) -> float | None:
    """``Retry-After`` in seconds (Fiken sends seconds; an HTTP date is honoured too)."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max(0.0, (when - dt.datetime.now(dt.UTC)).total_seconds())


def error_for_response(
    response: requests.Response, *, request_id: str, method: str, path: str, is_create: bool
) -> FikenError:
    """The typed error for an unsuccessful response."""
    status = response.status_code
    messages = parse_messages(response.content)
    if 300 <= status < 400:
        # Redirects are not followed: they would resend the token to wherever they point.
        target = response.headers.get("Location", "elsewhere")
        messages = [f"Fiken redirected the request to {target}; check the base URL (https)"]
    cls: type[FikenError]
    if status >= 500:
        cls = AmbiguousFailure if is_create else ServerError
    elif status == 403 and _says_module_not_activated(messages):
        cls = ModuleNotActivated
    else:
        cls = _BY_STATUS.get(status, FikenError)
    return cls(
        status,
        messages,
        request_id,
        method,
        path,
        retry_after=parse_retry_after(response.headers.get("Retry-After")),
    )


def _says_module_not_activated(messages: list[str]) -> bool:
    text = " ".join(messages).lower()
    return ("not activated" in text or "ikke aktivert" in text) and (
        "module" in text or "modul" in text or "api" in text
    )
