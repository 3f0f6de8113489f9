"""Framework-free request and response values shared by the core and its two faces.

The core never sees ``requests`` or ``http.server`` objects: each face turns what it receives
into a :class:`FakeRequest` and turns the :class:`FakeResponse` back into its own world. That
keeps the behaviour identical in-process and over real HTTP.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import parse_qsl

from requests.structures import CaseInsensitiveDict

Area = Literal["api", "oauth"]
# How a face must deliver the response: normally, or as a transport failure after (or instead
# of) processing. "reset" drops the connection; "timeout" makes the client's read time out.
Outcome = Literal["respond", "reset", "timeout"]


@dataclass
class FakeRequest:
    """One HTTP request as the core sees it; ``path`` is relative to the area's base URL."""

    method: str
    area: Area
    path: str
    query_string: str = ""
    headers: CaseInsensitiveDict = field(default_factory=CaseInsensitiveDict)
    body: bytes = b""
    # Absolute base URL the client used (e.g. https://api.fiken.no/api/v2); Location headers
    # are built from it so they point back at the face the client is talking to.
    base_url: str = ""
    # Set by the core: the client's X-Request-ID (or one the fake made up) and the spec's
    # operationId of the route that answered.
    request_id: str = ""
    operation_id: str = ""

    def __post_init__(self) -> None:
        self.method = self.method.upper()
        if not isinstance(self.headers, CaseInsensitiveDict):
            self.headers = CaseInsensitiveDict(self.headers or {})

    @property
    def query(self) -> list[tuple[str, str]]:
        return parse_qsl(self.query_string, keep_blank_values=True)

    @property
    def content_type(self) -> str:
        return (self.headers.get("Content-Type") or "").lower()

    @property
    def bearer_token(self) -> str | None:
        value = self.headers.get("Authorization") or ""
        scheme, _, token = value.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        return token.strip()


@dataclass
class FakeResponse:
    """A response, or an instruction to fail at the transport level (``outcome``)."""

    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    outcome: Outcome = "respond"
    # Seconds the HTTP face waits before delivering (slow-response faults).
    delay: float = 0.0

    @classmethod
    def json(
        cls, data: Any, status: int = 200, headers: dict[str, str] | None = None
    ) -> FakeResponse:
        body = json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()
        return cls(
            status=status,
            headers={"Content-Type": "application/json", **(headers or {})},
            body=body,
        )

    @property
    def content_type(self) -> str:
        return self.headers.get("Content-Type", "").lower()

    def json_body(self) -> Any:
        return json.loads(self.body) if self.body else None


class ApiError(Exception):
    """Raised by handlers; becomes an error response in Fiken's format."""

    def __init__(self, status: int, *messages: str, headers: dict[str, str] | None = None):
        super().__init__(f"{status}: {'; '.join(messages)}")
        self.status = status
        self.messages = list(messages) or ["Error"]
        self.headers = headers or {}


_REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    415: "Unsupported Media Type",
    429: "Too Many Requests",
    500: "Internal Server Error",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}


def error_response(
    status: int, messages: list[str], headers: dict[str, str] | None = None
) -> FakeResponse:
    """Fiken's error body: an ``error`` label, a readable ``error_description`` and the list.

    Fiken does not document its error bodies in the spec; this is the shape the fake commits
    to (and the client parses): ``{"error": ..., "error_description": ..., "messages": [...]}``
    where each message is ``{"message": str}``.
    """
    reason = _REASONS.get(status, "Error")
    body = {
        "error": reason,
        "error_description": "; ".join(messages),
        "messages": [{"message": m} for m in messages],
    }
    return FakeResponse.json(body, status=status, headers=headers)
