"""Routing and the small toolkit every handler uses (context, pagination, filters)."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from email.parser import BytesParser
from email.policy import HTTP
from typing import TYPE_CHECKING, Any

from ..http import ApiError, FakeRequest, FakeResponse
from ..state import CompanyStore, public

if TYPE_CHECKING:
    from ..core import FakeFiken

Handler = Callable[["Context"], FakeResponse]


@dataclass(frozen=True)
class Route:
    method: str
    template: str
    operation_id: str
    handler: Handler
    regex: re.Pattern
    specificity: tuple[int, int]


_ROUTES: dict[tuple[str, str], Route] = {}


def route(method: str, template: str, operation_id: str) -> Callable[[Handler], Handler]:
    """Register ``handler`` for one spec operation (method + path template, as in the spec)."""

    def register(handler: Handler) -> Handler:
        add_route(method, template, operation_id, handler)
        return handler

    return register


def add_route(method: str, template: str, operation_id: str, handler: Handler) -> None:
    pattern = "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template)) + "$"
    segments = template.strip("/").split("/")
    literal = sum(1 for s in segments if not s.startswith("{"))
    _ROUTES[(method.upper(), template)] = Route(
        method.upper(),
        template,
        operation_id,
        handler,
        re.compile(pattern),
        (literal, len(segments)),
    )


def all_routes() -> list[Route]:
    return sorted(_ROUTES.values(), key=lambda r: r.specificity, reverse=True)


def match(method: str, path: str) -> tuple[Route, dict[str, str]]:
    """The route for a request; ApiError 404/405 when there is none."""
    allowed = []
    for candidate in all_routes():
        found = candidate.regex.match(path)
        if not found:
            continue
        if candidate.method == method:
            return candidate, found.groupdict()
        allowed.append(candidate.method)
    if allowed:
        raise ApiError(
            405, f"Method {method} not allowed on {path}; allowed: {sorted(set(allowed))}"
        )
    raise ApiError(404, f"No such resource: {path}")


class Context:
    """What a handler gets: the request, parsed pieces, the company store and response helpers."""

    def __init__(
        self,
        fake: FakeFiken,
        request: FakeRequest,
        route: Route | None,
        path_params: dict[str, str],
        company: CompanyStore | None,
    ):
        self.fake = fake
        self.request = request
        self.route = route
        self.params = path_params
        self.company = company
        self.state = fake.state
        self.query: dict[str, str] = {}
        for key, value in request.query:
            self.query.setdefault(key, value)

    # -- input -------------------------------------------------------------------------------
    @property
    def store(self) -> CompanyStore:
        assert self.company is not None
        return self.company

    def id(self, name: str) -> int:
        try:
            return int(self.params[name])
        except ValueError:
            raise ApiError(400, f"{name} must be an integer, got {self.params[name]!r}") from None

    def json(self, required: bool = True) -> dict[str, Any]:
        body = self.request.body
        if not body:
            if required:
                raise ApiError(400, "A JSON request body is required")
            return {}
        if "json" not in self.request.content_type:
            raise ApiError(415, "Content-Type must be application/json")
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise ApiError(400, f"Request body is not valid JSON: {exc}") from None
        if not isinstance(data, dict):
            raise ApiError(400, "Request body must be a JSON object")
        return data

    def multipart(self) -> dict[str, Any]:
        """Fields of a multipart/form-data body; files as (filename, content_type, bytes)."""
        ctype = self.request.headers.get("Content-Type") or ""
        if not ctype.lower().startswith("multipart/form-data"):
            raise ApiError(415, "Attachments must be sent as multipart/form-data")
        message = BytesParser(policy=HTTP).parsebytes(
            b"Content-Type: " + ctype.encode() + b"\r\n\r\n" + self.request.body
        )
        fields: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                fields[name] = (filename, part.get_content_type(), payload)
            else:
                fields[name] = payload.decode(part.get_content_charset() or "utf-8")
        return fields

    def q_int(self, name: str, default: int) -> int:
        raw = self.query.get(name)
        if raw in (None, ""):
            return default
        try:
            return int(raw)
        except ValueError:
            raise ApiError(400, f"Query parameter {name} must be an integer") from None

    def q_bool(self, name: str) -> bool | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        if raw.lower() in ("true", "1"):
            return True
        if raw.lower() in ("false", "0"):
            return False
        raise ApiError(400, f"Query parameter {name} must be true or false")

    def q_date(self, name: str) -> date | None:
        raw = self.query.get(name)
        if raw is None:
            return None
        try:
            return date.fromisoformat(raw)
        except ValueError:
            raise ApiError(400, f"Query parameter {name} must be a date (yyyy-MM-dd)") from None

    # -- output ------------------------------------------------------------------------------
    def url(self, path: str) -> str:
        return self.request.base_url.rstrip("/") + path

    def company_url(self, path: str) -> str:
        return self.url(f"/companies/{self.store.slug}{path}")

    def created(self, company_path: str, status: int = 201) -> FakeResponse:
        """Fiken's answer to a create: empty body and the new resource's absolute URL."""
        return FakeResponse(status=status, headers={"Location": self.company_url(company_path)})

    def ok(self, data: Any, status: int = 200) -> FakeResponse:
        return FakeResponse.json(data, status=status)

    def empty(self, status: int = 204, location: str | None = None) -> FakeResponse:
        headers = {"Location": self.company_url(location)} if location else {}
        return FakeResponse(status=status, headers=headers)

    def page(
        self, items: Iterable[Any], render: Callable[[Any], Any] | None = None
    ) -> FakeResponse:
        """One page of ``items`` with Fiken's pagination headers (page from 0, size <= 100).

        ``render`` turns a stored record into its JSON shape; only the page's records are
        rendered, so listing a large collection stays cheap.
        """
        items = items if isinstance(items, list) else list(items)
        page = self.q_int("page", 0)
        size = self.q_int("pageSize", 25)
        if page < 0 or not 1 <= size <= 100:
            raise ApiError(400, "page must be >= 0 and pageSize between 1 and 100")
        total = len(items)
        chunk = items[page * size : (page + 1) * size]
        if render is not None:
            chunk = [render(item) for item in chunk]
        return FakeResponse.json(
            chunk,
            headers={
                "Fiken-Api-Page": str(page),
                "Fiken-Api-Page-Size": str(size),
                "Fiken-Api-Page-Count": str(math.ceil(total / size) if total else 0),
                "Fiken-Api-Result-Count": str(total),
            },
        )


def get_or_404(collection: dict[int, dict[str, Any]], key: int, label: str) -> dict[str, Any]:
    record = collection.get(key)
    if record is None or record.get("_deleted"):
        raise ApiError(404, f"{label} {key} not found")
    return record


def date_filters(
    ctx: Context, field: str, value_of: Callable[[dict], str | None]
) -> Callable[[dict], bool] | None:
    """A predicate for Fiken's date filter family (field, fieldLe/Lt/Ge/Gt); None if unused."""
    bounds = {op: ctx.q_date(field + op) for op in ("", "Le", "Lt", "Ge", "Gt")}
    active = {op: d for op, d in bounds.items() if d is not None}
    if not active:
        return None

    def keep(record: dict) -> bool:
        raw = value_of(record)
        if raw is None:
            return False
        current = date.fromisoformat(str(raw)[:10])
        checks = {
            "": current.__eq__,
            "Le": current.__le__,
            "Lt": current.__lt__,
            "Ge": current.__ge__,
            "Gt": current.__gt__,
        }
        return all(checks[op](d) for op, d in active.items())

    return keep


def apply_filters(
    ctx: Context,
    records: Iterable[dict[str, Any]],
    equals: dict[str, Callable[[dict], Any]] | None = None,
    booleans: dict[str, Callable[[dict], bool]] | None = None,
    dates: dict[str, Callable[[dict], str | None]] | None = None,
) -> list[dict[str, Any]]:
    """Filter records by exact-match, boolean and date query parameters."""
    predicates: list[Callable[[dict], bool]] = []
    for name, getter in (equals or {}).items():
        wanted = ctx.query.get(name)
        if wanted is not None:
            predicates.append(lambda r, g=getter, w=wanted: str(g(r)) == w)
    for name, getter in (booleans or {}).items():
        flag = ctx.q_bool(name)
        if flag is not None:
            predicates.append(lambda r, g=getter, f=flag: bool(g(r)) == f)
    for name, getter in (dates or {}).items():
        predicate = date_filters(ctx, name, getter)
        if predicate is not None:
            predicates.append(predicate)
    if not predicates:
        return [r for r in records if not r.get("_deleted")]
    return [r for r in records if not r.get("_deleted") and all(p(r) for p in predicates)]


def touch(ctx: Context, record: dict[str, Any]) -> dict[str, Any]:
    """Mark a record changed today (Fiken's ``lastModifiedDate``)."""
    record["lastModifiedDate"] = ctx.state.today_iso()
    return record


def render(records: Iterable[dict], hidden: frozenset[str] = frozenset()) -> list[dict]:
    return [public(r, hidden) for r in records]
