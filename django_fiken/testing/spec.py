"""Validation of the fake's traffic against Fiken's OpenAPI spec, through openapi-core.

The spec is parsed once per process (it takes a noticeable fraction of a second) and shared by
every :class:`~django_fiken.testing.FakeFiken`. The two small adapter classes implement
openapi-core's ``Request``/``Response`` protocols directly, so no web framework is needed.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
import threading
from collections import defaultdict
from pathlib import Path
from typing import Any, Literal

from .http import FakeRequest, FakeResponse
from .overlay import apply_overlay

logger = logging.getLogger("django_fiken.testing")

# The spec's own server: requests are validated as if they had been sent there, whatever
# base URL the face is mounted on.
SPEC_HOST = "https://api.fiken.no"
SPEC_BASE_PATH = "/api/v2"

ResponseMode = Literal["all", "sample", "off"]


class SpecError(AssertionError):
    """The fake produced a response that does not match the spec: a bug in the fake."""


def resolve_spec_path(explicit: str | os.PathLike | None = None) -> str | None:
    """The spec to use: explicit path, else ``FIKEN["OPENAPI_SPEC"]``, else the env variable."""
    if explicit:
        return str(explicit)
    try:
        from django.conf import settings

        if settings.configured:
            from django_fiken.conf import fiken_settings

            configured = fiken_settings.OPENAPI_SPEC
            if configured:
                return str(configured)
    except ImportError:  # pragma: no cover - Django is a dependency of the package
        pass
    return os.environ.get("FIKEN_OPENAPI_SPEC") or None


def _validator_classes() -> tuple[type, type]:
    """openapi-core's OAS 3.0 request/response validators, minus a per-schema deep copy.

    openapi-core deep-copies its format checker for every schema it checks, which is more than
    half of the time a request's validation takes. Nothing changes the checker unless extra
    format validators are configured (none are here), so one shared checker is as safe.
    """
    from openapi_core.casting.schemas import oas30_types_caster
    from openapi_core.casting.schemas.factories import SchemaCastersFactory
    from openapi_core.validation.request.validators import V30RequestValidator
    from openapi_core.validation.response.validators import V30ResponseValidator
    from openapi_core.validation.schemas import (
        oas30_read_schema_validators_factory,
        oas30_write_schema_validators_factory,
    )
    from openapi_core.validation.schemas.factories import SchemaValidatorsFactory

    class SharedFormatChecker(SchemaValidatorsFactory):
        def get_format_checker(self, format_validators=None, extra_format_validators=None):
            if format_validators is None and extra_format_validators is None:
                return self.format_checker
            return super().get_format_checker(format_validators, extra_format_validators)

    def shared(factory: SchemaValidatorsFactory) -> SchemaValidatorsFactory:
        return SharedFormatChecker(factory.schema_validator_cls, factory.format_checker)

    write = shared(oas30_write_schema_validators_factory)
    read = shared(oas30_read_schema_validators_factory)

    class RequestValidator(V30RequestValidator):
        schema_validators_factory = write
        schema_casters_factory = SchemaCastersFactory(write, oas30_types_caster)

    class ResponseValidator(V30ResponseValidator):
        schema_validators_factory = read
        schema_casters_factory = SchemaCastersFactory(read, oas30_types_caster)

    return RequestValidator, ResponseValidator


@functools.lru_cache(maxsize=4)
def load_openapi(path: str) -> Any:
    """Parse the spec at ``path``, apply the overlay and build an openapi-core ``OpenAPI``."""
    import yaml
    from openapi_core import Config, OpenAPI

    spec_path = Path(path)
    with spec_path.open("rb") as fh:
        raw = yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    request_cls, response_cls = _validator_classes()
    return OpenAPI.from_dict(
        apply_overlay(raw),
        base_uri=spec_path.resolve().as_uri(),
        config=Config(request_validator_cls=request_cls, response_validator_cls=response_cls),
    )


class _SpecRequest:
    """openapi-core ``Request`` protocol over a :class:`FakeRequest` (with a path pattern)."""

    def __init__(self, request: FakeRequest, path_pattern: str, path_params: dict[str, str]):
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.host_url = SPEC_HOST
        self.path = SPEC_BASE_PATH + request.path
        self.path_pattern = SPEC_BASE_PATH + path_pattern
        self.method = request.method.lower()
        self.body = request.body or None
        self.content_type = request.content_type
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(request.query),
            header=Headers(list(request.headers.items())),
            path=dict(path_params),
        )


class _SpecResponse:
    """openapi-core ``Response`` protocol over a :class:`FakeResponse`."""

    def __init__(self, response: FakeResponse):
        from werkzeug.datastructures import Headers

        self.status_code = response.status
        self.data = response.body
        self.headers = Headers(list(response.headers.items()))
        self.content_type = response.content_type


def _messages(exc: BaseException) -> list[str]:
    """Short, readable messages from an openapi-core validation error (no schema dumps)."""
    found: list[str] = []
    seen: set[int] = set()
    stack: list[BaseException | None] = [exc]
    while stack:
        current = stack.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        schema_errors = getattr(current, "schema_errors", None)
        if schema_errors:
            for err in schema_errors:
                where = "/".join(str(p) for p in err.absolute_path)
                found.append(f"{where}: {err.message}" if where else err.message)
        stack.extend([current.__cause__, current.__context__])
    head = str(exc).split(": Value ", 1)[0].split("\n", 1)[0]
    return [head, *found] if found else [head]


def _is_media_type_error(exc: BaseException) -> bool:
    from openapi_core.templating.media_types.exceptions import MediaTypeNotFound

    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, MediaTypeNotFound):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


class SpecValidator:
    """Checks requests and responses of one fake; thread-safe (openapi-core is stateless)."""

    def __init__(
        self,
        openapi: Any,
        *,
        validate_requests: bool = True,
        validate_responses: ResponseMode = "all",
        sample_every: int = 25,
    ):
        self.openapi = openapi
        self.validate_requests = validate_requests
        self.validate_responses = validate_responses
        self.sample_every = sample_every
        self._counts: dict[tuple[str, int], itertools.count] = defaultdict(itertools.count)
        self._lock = threading.Lock()

    def request_errors(
        self, request: FakeRequest, path_pattern: str, path_params: dict[str, str]
    ) -> tuple[int, list[str]]:
        """(status to answer, messages) for an invalid request; (0, []) when it is valid.

        A body in a media type the operation does not take is 415, as Fiken answers it; every
        other violation is 400.
        """
        if not self.validate_requests:
            return 0, []
        try:
            self.openapi.validate_request(_SpecRequest(request, path_pattern, path_params))
        except Exception as exc:  # openapi-core raises a family of validation errors
            return (415 if _is_media_type_error(exc) else 400), _messages(exc)
        return 0, []

    def response_errors(
        self,
        request: FakeRequest,
        path_pattern: str,
        path_params: dict[str, str],
        response: FakeResponse,
        declared_statuses: frozenset[str],
    ) -> list[str]:
        """Errors in a response the fake produced; undocumented error statuses are skipped.

        Fiken documents no error responses at all, so a 4xx/5xx the spec does not list is
        checked by the fake's own tests instead. A success status the spec does not list is
        itself an error.
        """
        if self.validate_responses == "off":
            return []
        status = str(response.status)
        if status not in declared_statuses and "default" not in declared_statuses:
            if response.status >= 400:
                return []
            return [f"status {status} is not declared (declared: {sorted(declared_statuses)})"]
        if self.validate_responses == "sample":
            with self._lock:
                n = next(self._counts[(path_pattern + request.method, response.status)])
            if n % self.sample_every:
                return []
        try:
            self.openapi.validate_response(
                _SpecRequest(request, path_pattern, path_params), _SpecResponse(response)
            )
        except Exception as exc:
            return _messages(exc)
        return []


def operations(openapi: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(METHOD, path template): {"operationId": ..., "statuses": frozenset}}`` from the spec."""
    result: dict[tuple[str, str], dict[str, Any]] = {}
    paths = openapi.spec / "paths"
    for template in paths.keys():  # noqa: SIM118 - SchemaPath iterates children
        item = paths / template
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in item:
                continue
            op = item / method
            statuses = frozenset(str(k) for k in (op / "responses").keys())  # noqa: SIM118
            result[(method.upper(), template)] = {
                "operationId": (op / "operationId").read_str(),
                "statuses": statuses,
            }
    return result


def build_validator(
    spec_path: str | os.PathLike | None,
    *,
    validate: bool = True,
    validate_responses: ResponseMode = "all",
) -> SpecValidator | None:
    """A validator for the resolved spec, or ``None`` (logged) when there is none to use."""
    if not validate:
        logger.info("Fake Fiken: OpenAPI validation is turned off")
        return None
    path = resolve_spec_path(spec_path)
    if not path or not Path(path).is_file():
        logger.warning(
            "Fake Fiken: no OpenAPI spec found (FIKEN['OPENAPI_SPEC'] / FIKEN_OPENAPI_SPEC "
            "unset or missing: %r); requests and responses are NOT validated",
            path,
        )
        return None
    return SpecValidator(
        load_openapi(str(Path(path).resolve())), validate_responses=validate_responses
    )
