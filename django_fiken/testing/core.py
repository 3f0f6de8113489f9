"""The fake Fiken itself: state, auth, limits, faults and validation around the handlers."""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from . import handlers
from .auth import AccessToken, AuthRegistry, User, limit_key
from .faults import AFTER_COMMIT, Faults
from .handlers.base import Context
from .http import ApiError, FakeRequest, FakeResponse, error_response
from .oauth import handle_oauth
from .spec import ResponseMode, SpecError, build_validator, operations
from .state import CompanyStore, State
from .stats import Call, RateLimiter, Stats

if TYPE_CHECKING:
    from .mock import MockFace
    from .server import FakeServer

logger = logging.getLogger("django_fiken.testing")

DEFAULT_API_BASE = "https://api.fiken.no/api/v2"
DEFAULT_OAUTH_BASE = "https://fiken.no"


@dataclass(frozen=True)
class Violation:
    """A request the fake received that does not match the spec (answered with 400)."""

    method: str
    path: str
    messages: tuple[str, ...]
    request_id: str

    def __str__(self) -> str:
        return f"{self.method} {self.path} [{self.request_id}]: {'; '.join(self.messages)}"


class FakeFiken:
    """A stateful, spec-validating stand-in for Fiken API v2 and its OAuth endpoints.

    One instance is one "Fiken": companies, tokens and data live in memory. Talk to it
    in-process through :meth:`mock` (``responses``) or over real HTTP through :meth:`serve`.
    """

    def __init__(
        self,
        *,
        spec_path: str | os.PathLike | None = None,
        validate: bool = True,
        validate_responses: ResponseMode = "all",
        rate_limit: float | None = 4.0,
        enforce_concurrency: bool = True,
        latency: float = 0.0,
        access_token_lifetime: int = 86_400,
        api_base: str = DEFAULT_API_BASE,
        oauth_base: str = DEFAULT_OAUTH_BASE,
        clock: Callable[[], float] = time.monotonic,
        today: Callable[[], date] = date.today,
    ):
        self.api_base = api_base.rstrip("/")
        self.oauth_base = oauth_base.rstrip("/")
        self.clock = clock
        self.latency = latency
        self.state = State(today)
        self.auth = AuthRegistry(clock, access_token_lifetime)
        self.stats = Stats(clock)
        self.limiter = RateLimiter(clock, rate_limit, enforce_concurrency)
        self.faults = Faults()
        self.validator = build_validator(
            spec_path, validate=validate, validate_responses=validate_responses
        )
        self._declared = operations(self.validator.openapi) if self.validator else {}
        self.violations: list[Violation] = []
        self.response_errors: list[str] = []
        self._local = threading.local()
        self._lock = threading.Lock()

    # -- setup API -----------------------------------------------------------------------------
    def add_company(
        self,
        slug: str,
        name: str | None = None,
        organization_number: str | None = None,
        **fields: Any,
    ) -> CompanyStore:
        """Create a company; ``fields`` are extra camelCase keys of Fiken's company record."""
        today = self.state.today_iso()
        record = {
            "name": name or slug,
            "slug": slug,
            "organizationNumber": organization_number or "999999999",
            "vatType": "yearly",
            "creationDate": today,
            "hasApiAccess": True,
            "testCompany": True,
            "accountingStartDate": today[:4] + "-01-01",
            **fields,
        }
        with self.state.lock:
            store = CompanyStore(slug, record)
            self.state.companies[slug] = store
        return store

    def add_bank_account(
        self,
        slug: str,
        bank_account_number: str = "12345678903",
        name: str = "Driftskonto",
        account_code: str | None = None,
        type: str = "normal",
    ) -> dict[str, Any]:
        from .handlers.company import add_bank_account

        data = {"bankAccountNumber": bank_account_number, "name": name, "type": type}
        if account_code:
            data["accountCode"] = account_code
        with self.state.lock:
            return add_bank_account(self.store(slug), self.state, data)

    def add_user(self, email: str, name: str | None = None, companies: Iterable[str] = ()) -> User:
        return self.auth.add_user(email, name, companies)

    def add_personal_token(
        self, token: str, companies: Iterable[str] | None = None, user: User | None = None
    ) -> AccessToken:
        """A never-expiring token reaching ``companies``.

        Without ``companies`` it reaches every company of ``user``, or, with no user either,
        every company of the fake.
        """
        return self.auth.add_personal_token(token, companies, user)

    def add_oauth_client(self, client_id: str, secret: str, redirect_uris: Iterable[str] = ()):
        return self.auth.add_oauth_client(client_id, secret, redirect_uris)

    def initialise_counters(self, slug: str, value: int = 10000) -> None:
        """Initialise the invoice and credit note counters (as a Fiken user would)."""
        with self.state.lock:
            store = self.store(slug)
            for name in ("invoice", "creditNote"):
                if store.counters[name] is None:
                    store.counters[name] = value

    def store(self, slug: str) -> CompanyStore:
        """The company's state, for assertions in tests."""
        return self.state.company(slug)

    # -- seeding and driving (no HTTP, no limits) ------------------------------------------
    def _context(self, slug: str) -> Context:
        request = FakeRequest("POST", "api", "/", base_url=self.api_base)
        return Context(self, request, None, {}, self.store(slug))

    def add_contact(self, slug: str, **data: Any) -> dict[str, Any]:
        """Create a contact directly (camelCase fields as in the API). Returns the record."""
        from .handlers.contacts import create_contact

        return create_contact(self._context(slug), data)

    def add_product(self, slug: str, **data: Any) -> dict[str, Any]:
        from .handlers.products import create_product

        return create_product(self._context(slug), data)

    def add_invoice(
        self,
        slug: str,
        customer_id: int,
        lines: list[dict[str, Any]],
        issue_date: str | None = None,
        due_date: str | None = None,
        **extra: Any,
    ) -> dict[str, Any]:
        """Issue an invoice directly (counter must be initialised). Returns the record."""
        from .handlers.invoices import issue_invoice

        ctx = self._context(slug)
        issue = issue_date or self.state.today_iso()
        with self.state.lock:
            return issue_invoice(
                ctx,
                customer_id=customer_id,
                lines=lines,
                issue_date=issue,
                due_date=due_date or issue,
                bank_account_code=extra.pop("bank_account_code", None),
                extra=extra,
            )

    def mark_invoice_paid(
        self,
        slug: str,
        invoice_id: int,
        amount: int | None = None,
        paid_on: str | None = None,
        account: str | None = None,
    ) -> dict[str, Any]:
        """Register a payment on the invoice's sale (whole outstanding amount by default)."""
        from .handlers.invoices import render_invoice
        from .handlers.sales import add_payment

        ctx = self._context(slug)
        with self.state.lock:
            invoice = self.store(slug).invoices[invoice_id]
            sale = self.store(slug).sales[invoice["_saleId"]]
            bank = next(iter(self.store(slug).bank_accounts.values()), None)
            add_payment(
                ctx,
                sale,
                {
                    "date": paid_on or self.state.today_iso(),
                    "account": account or (bank["accountCode"] if bank else "1920"),
                    "amount": amount if amount is not None else sale["outstandingBalance"],
                },
            )
            return render_invoice(ctx, invoice)

    def summary(self) -> dict[str, Any]:
        with self.state.lock:
            return {
                "companies": [s.summary() for s in self.state.companies.values()],
                "violations": [str(v) for v in self.violations],
                "response_errors": list(self.response_errors),
                "faults_pending": [f.as_dict() for f in self.faults.pending],
            }

    def reset_stats(self) -> None:
        self.stats.reset()
        self.limiter.reset()

    # -- violations ----------------------------------------------------------------------------
    def assert_no_violations(self) -> None:
        """Fail if any request broke the spec or any response of the fake did."""
        problems = [str(v) for v in self.violations] + [
            f"invalid response from the fake: {e}" for e in self.response_errors
        ]
        if problems:
            raise AssertionError("Fiken API spec violations:\n  " + "\n  ".join(problems))

    # -- faces ---------------------------------------------------------------------------------
    def mock(self, *, assert_all_requests_are_fired: bool = False) -> MockFace:
        """Context manager: intercept ``requests`` calls to the API and OAuth bases."""
        from .mock import MockFace

        return MockFace(self, assert_all_requests_are_fired=assert_all_requests_are_fired)

    @contextlib.contextmanager
    def serve(self, port: int = 0, host: str = "127.0.0.1") -> Iterator[FakeServer]:
        """Context manager: a real threaded HTTP server on ``host:port`` (0 picks a free port)."""
        from .server import FakeServer

        server = FakeServer(self, host=host, port=port)
        server.start()
        try:
            yield server
        finally:
            server.stop()

    # -- the request pipeline --------------------------------------------------------------
    @property
    def current_token(self) -> AccessToken:
        return self._local.token

    def handle(self, request: FakeRequest) -> FakeResponse:
        """Answer one request; may return a transport-failure ``outcome`` for the face."""
        request_id = request.headers.get("X-Request-ID") or str(uuid.uuid4())
        request.request_id = request_id
        limited = request.area == "api"
        key = limit_key(request.bearer_token) if limited else "oauth"
        in_flight = self.stats.started(key, limited)
        response = FakeResponse(500)
        try:
            response = self._handle(request, key, in_flight)
        finally:
            response.headers.setdefault("X-Request-ID", request_id)
            self.stats.finished(
                key,
                Call(
                    request.method,
                    request.path,
                    request.query_string,
                    response.status,
                    request_id,
                    key,
                    response.outcome,
                    request.area,
                    request.operation_id,
                ),
                limited,
            )
        return response

    def _handle(self, request: FakeRequest, key: str, in_flight: int) -> FakeResponse:
        if self.latency:
            time.sleep(self.latency)
        if request.area == "oauth":
            return handle_oauth(self.auth, request)
        rejection = self.limiter.check(key, in_flight)
        if rejection:
            reason, retry_after = rejection
            return error_response(429, [reason], {"Retry-After": str(retry_after)})
        fault = self.faults.take(request.method, request.path)
        if fault is not None and fault.kind not in AFTER_COMMIT:
            if fault.kind == "status":
                headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after else {}
                return error_response(fault.status, [f"Injected fault: {fault.status}"], headers)
            if fault.kind == "reset":
                return FakeResponse(0, outcome="reset")
            if fault.kind == "slow":  # never reaches the backend: a gateway timeout, late
                response = error_response(504, ["Injected fault: slow response"])
                response.outcome = "timeout"
                response.delay = fault.delay
                return response
        response = self._api(request)
        if fault is not None:  # committed: now fail the transport
            response.outcome = "reset" if fault.kind == "commit_then_reset" else "timeout"
            response.delay = fault.delay
        return response

    def _api(self, request: FakeRequest) -> FakeResponse:
        try:
            token = self.auth.access_token(request.bearer_token)
            if token is None:
                raise ApiError(401, "Missing, unknown, expired or revoked access token")
            route, params = handlers.match(request.method, request.path)
            request.operation_id = route.operation_id
            if self.validator:
                status, errors = self.validator.request_errors(request, route.template, params)
                if errors:
                    self._record_violation(request, errors)
                    raise ApiError(status, *errors)
            company = None
            if "companySlug" in params:
                slug = params["companySlug"]
                if not token.reaches(slug) or slug not in self.state.companies:
                    raise ApiError(403, f"This token has no access to company {slug!r}")
                company = self.state.companies[slug]
            self._local.token = token
            # One request at a time inside the state: simple and safe for a threaded server.
            with self.state.lock:
                response = route.handler(Context(self, request, route, params, company))
        except ApiError as exc:
            return error_response(exc.status, exc.messages, exc.headers)
        self._check_response(request, route.template, params, response)
        return response

    def _record_violation(self, request: FakeRequest, errors: list[str]) -> None:
        violation = Violation(
            request.method,
            request.path + (f"?{request.query_string}" if request.query_string else ""),
            tuple(errors),
            request.request_id,
        )
        with self._lock:
            self.violations.append(violation)
        logger.warning("Fake Fiken: request violates the spec: %s", violation)

    def _check_response(
        self, request: FakeRequest, template: str, params: dict[str, str], response: FakeResponse
    ) -> None:
        if not self.validator:
            return
        declared = self._declared.get((request.method, template), {}).get("statuses", frozenset())
        errors = self.validator.response_errors(request, template, params, response, declared)
        if errors:
            message = f"{request.method} {request.path} -> {response.status}: {'; '.join(errors)}"
            with self._lock:
                self.response_errors.append(message)
            raise SpecError(f"The fake Fiken produced a response that breaks the spec: {message}")


__all__ = ["DEFAULT_API_BASE", "DEFAULT_OAUTH_BASE", "FakeFiken", "Violation"]
