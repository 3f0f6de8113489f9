"""One Fiken operation over HTTP: auth, limiter, timeouts, request ids, logging, errors, retries.

Resource methods name an operationId and hand over path parameters, query and body; everything
about *how* the request travels lives here, once.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote, urlsplit

import requests
from tenacity import Retrying, retry_if_exception, stop_after_attempt

from .endpoints import ENDPOINTS, Endpoint
from .errors import (
    AmbiguousFailure,
    FikenError,
    TransportError,
    Unauthorized,
    error_for_response,
)
from .limits import Limiter
from .retries import is_idempotent, should_retry, tenacity_wait
from .tokens import TokenProvider

logger = logging.getLogger("django_fiken.client")

Timeout = float | tuple[float, float]


class FikenJSONEncoder(json.JSONEncoder):
    """Request bodies may hold ``date``/``datetime``/``UUID``; Fiken wants their ISO strings."""

    def default(self, o: Any) -> Any:
        if isinstance(o, dt.date):  # datetimes too
            return o.isoformat()
        if isinstance(o, uuid.UUID):
            return str(o)
        return super().default(o)


class Transport:
    """Sends one operation, with Fiken's rules applied; shared by every resource of a client."""

    def __init__(
        self,
        token_provider: TokenProvider,
        *,
        base_url: str,
        session: requests.Session,
        limiter: Limiter,
        timeout: Timeout,
        max_retries: int,
        user_agent: str,
        sleep: Callable[[float], None],
    ) -> None:
        self.token_provider = token_provider
        self.base_url = base_url
        self.session = session
        self.limiter = limiter
        self.timeout = timeout
        self.max_retries = max_retries
        self.user_agent = user_agent
        self.sleep = sleep

    def request(
        self,
        operation_id: str,
        path_params: Mapping[str, Any] | None = None,
        *,
        query: Mapping[str, str] | None = None,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, bytes, str]] | None = None,
    ) -> requests.Response:
        """Send ``operation_id``; the successful response, or a typed :class:`FikenError`."""
        endpoint = ENDPOINTS[operation_id]
        path = self._path(endpoint, path_params or {})
        body: bytes | None = None
        if json_body is not None:
            body = json.dumps(json_body, cls=FikenJSONEncoder).encode("utf-8")
        idempotent = is_idempotent(endpoint)
        refreshed = False

        def attempt() -> requests.Response:
            nonlocal refreshed
            try:
                return self._send_once(
                    endpoint, path, query, body, form, files, idempotent=idempotent
                )
            except Unauthorized:
                if refreshed:
                    raise
                refreshed = True
                token = self.token_provider.refresh()
                if token is None:
                    raise
                logger.info(
                    "Fiken token %s refreshed after a 401; repeating %s %s",
                    self.token_provider.limit_key,
                    endpoint.method,
                    path,
                )
                return self._send_once(
                    endpoint, path, query, body, form, files, idempotent=idempotent, token=token
                )

        retrying = Retrying(
            stop=stop_after_attempt(self.max_retries + 1),
            wait=tenacity_wait,
            retry=retry_if_exception(should_retry),
            sleep=self.sleep,
            reraise=True,
            before_sleep=self._log_retry,
        )
        return retrying(attempt)

    def _path(self, endpoint: Endpoint, path_params: Mapping[str, Any]) -> str:
        missing = [name for name in endpoint.path_parameters if path_params.get(name) in (None, "")]
        if missing:
            raise TypeError(f"{endpoint.operation_id} needs {', '.join(missing)}.")
        path = endpoint.path
        for name in endpoint.path_parameters:
            path = path.replace("{" + name + "}", quote(str(path_params[name]), safe=""))
        return path

    def _send_once(
        self,
        endpoint: Endpoint,
        path: str,
        query: Mapping[str, str] | None,
        body: bytes | None,
        form: Mapping[str, str] | None,
        files: Mapping[str, Any] | None,
        *,
        idempotent: bool,
        token: str | None = None,
    ) -> requests.Response:
        request_id = str(uuid.uuid4())
        headers = {
            "Authorization": f"Bearer {token or self.token_provider.get_token()}",
            "X-Request-ID": request_id,
            "User-Agent": self.user_agent,
            "Accept": "application/json",
        }
        if body is not None:
            headers["Content-Type"] = "application/json"
        context = {"request_id": request_id, "method": endpoint.method, "path": path}
        with self.limiter.slot(self.token_provider.limit_key):
            started = time.monotonic()
            try:
                response = self.session.request(
                    endpoint.method,
                    self.base_url + path,
                    params=dict(query) if query else None,
                    data=body if body is not None else form,
                    files=files,
                    headers=headers,
                    timeout=self.timeout,
                    allow_redirects=False,
                )
            except requests.RequestException as exc:
                elapsed_ms = (time.monotonic() - started) * 1000
                error = self._transport_error(exc, idempotent=idempotent, **context)
                logger.warning(
                    "Fiken %s %s failed: %s (request id %s, %.0f ms)",
                    endpoint.method,
                    path,
                    type(exc).__name__,
                    request_id,
                    elapsed_ms,
                    extra={"fiken": {**context, "status": None, "elapsed_ms": elapsed_ms}},
                )
                raise error from None
            elapsed_ms = (time.monotonic() - started) * 1000
        ok = response.status_code < 300
        logger.log(
            logging.DEBUG if ok else logging.WARNING,
            "Fiken %s %s -> %s (request id %s, %.0f ms)",
            endpoint.method,
            path,
            response.status_code,
            request_id,
            elapsed_ms,
            extra={"fiken": {**context, "status": response.status_code, "elapsed_ms": elapsed_ms}},
        )
        if ok:
            return response
        raise error_for_response(response, is_create=not idempotent, **context)

    @staticmethod
    def _transport_error(
        exc: requests.RequestException, *, idempotent: bool, **context: Any
    ) -> FikenError:
        """Nothing sent (connect failed) vs. sent but unanswered (read timeout, reset)."""
        if _nothing_was_sent(exc):
            return TransportError(
                messages=[f"Could not connect to Fiken ({type(exc).__name__})"], **context
            )
        error = AmbiguousFailure(
            messages=[
                f"No answer from Fiken ({type(exc).__name__}); the request may have been "
                "carried out"
            ],
            **context,
        )
        # Repeating an idempotent call is safe even if the first one went through.
        error.retryable = idempotent
        return error

    def _log_retry(self, retry_state: Any) -> None:
        error = retry_state.outcome.exception() if retry_state.outcome else None
        wait = retry_state.next_action.sleep if retry_state.next_action else 0
        logger.info(
            "Retrying Fiken %s %s in %.1f s after %s (attempt %d of %d)",
            getattr(error, "method", "?"),
            getattr(error, "path", "?"),
            wait,
            type(error).__name__,
            retry_state.attempt_number,
            self.max_retries + 1,
        )


def json_body(response: requests.Response, default: Any = None) -> Any:
    """The decoded JSON of a successful response; a clear :class:`FikenError` if it is not JSON."""
    if not response.content:
        return default
    try:
        return response.json()
    except ValueError:
        request = response.request
        content_type = response.headers.get("Content-Type", "no content type")
        raise FikenError(
            response.status_code,
            [f"Fiken answered with something that is not JSON ({content_type})"],
            request.headers.get("X-Request-ID") if request is not None else None,
            request.method if request is not None else None,
            urlsplit(response.url).path if response.url else None,
        ) from None


def _nothing_was_sent(exc: requests.RequestException) -> bool:
    if isinstance(exc, requests.ConnectTimeout | requests.exceptions.SSLError):
        return True
    if isinstance(exc, requests.exceptions.InvalidURL | requests.exceptions.MissingSchema):
        return True
    if isinstance(exc, requests.ConnectionError):
        # urllib3 wraps a failed connect (refused, DNS) in NewConnectionError.
        reason = exc.args[0] if exc.args else None
        inner = getattr(reason, "reason", reason)
        return type(inner).__name__ in {"NewConnectionError", "NameResolutionError"}
    return False


def check_base_url(base_url: str) -> str:
    """The base URL without a trailing slash; refuses anything but http(s)."""
    parts = urlsplit(base_url)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise ValueError(
            f"The Fiken base URL must look like https://api.fiken.no/api/v2, got {base_url!r}."
        )
    if parts.scheme == "http" and parts.hostname not in {"127.0.0.1", "localhost", "::1"}:
        logger.warning("Fiken base URL %s is not TLS; Fiken itself requires https.", base_url)
    return base_url.rstrip("/")
