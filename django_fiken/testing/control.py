"""The control API under ``/_fake/`` (HTTP face only): inspect and drive a running fake.

JSON in, JSON out; no authentication (the server listens on 127.0.0.1 only). Used by
:class:`~django_fiken.testing.remote.RemoteFake` and the demo.
"""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING, Any

from .faults import Fault
from .http import FakeResponse, error_response

if TYPE_CHECKING:
    from .core import FakeFiken


def _plain(record: Any) -> Any:
    """JSON-safe copy of a stored record: private keys kept (minus file contents)."""
    if isinstance(record, dict):
        return {k: _plain(v) for k, v in record.items() if k != "_content"}
    if isinstance(record, list | tuple):
        return [_plain(v) for v in record]
    return record


def handle_control(fake: FakeFiken, method: str, path: str, body: bytes) -> FakeResponse:
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        return error_response(400, ["Control API bodies are JSON"])
    try:
        return _dispatch(fake, method.upper(), path.rstrip("/") or "/", data)
    except (KeyError, TypeError, ValueError) as exc:
        return error_response(400, [f"Bad control request: {exc}"])


def _dispatch(fake: FakeFiken, method: str, path: str, data: dict) -> FakeResponse:
    if (method, path) == ("GET", "/state"):
        return FakeResponse.json(fake.summary())
    if (method, path) == ("GET", "/stats"):
        return FakeResponse.json(fake.stats.summary())
    if (method, path) == ("GET", "/calls"):
        return FakeResponse.json([c.as_dict() for c in fake.stats.calls()])
    if (method, path) == ("GET", "/violations"):
        return FakeResponse.json(
            {
                "violations": [str(v) for v in fake.violations],
                "response_errors": list(fake.response_errors),
            }
        )
    if (method, path) == ("POST", "/reset"):
        what = data or {"stats": True, "faults": True, "violations": True}
        if what.get("stats"):
            fake.reset_stats()
        if what.get("faults"):
            fake.faults.clear()
        if what.get("violations"):
            fake.violations.clear()
            fake.response_errors.clear()
        return FakeResponse.json({"reset": sorted(k for k, v in what.items() if v)})
    if (method, path) == ("POST", "/faults"):
        if "random" in data:
            fake.faults.random(int(data["random"]["seed"]), float(data["random"]["probability"]))
            return FakeResponse.json({"random": data["random"]}, status=201)
        fault = fake.faults.add(
            Fault(
                kind=data.get("kind", "status"),
                remaining=int(data.get("n", 1)),
                status=int(data.get("status", 503)),
                retry_after=data.get("retry_after"),
                delay=float(data.get("delay", 2.0)),
                method=data.get("method"),
                path_regex=data.get("path_regex"),
            )
        )
        return FakeResponse.json(fault.as_dict(), status=201)
    if (method, path) == ("DELETE", "/faults"):
        fake.faults.clear()
        return FakeResponse(204)
    if (method, path) == ("POST", "/settings"):
        if "rate_limit" in data:
            fake.limiter.rate = data["rate_limit"] or None
        if "enforce_concurrency" in data:
            fake.limiter.concurrency = bool(data["enforce_concurrency"])
        if "latency" in data:
            fake.latency = float(data["latency"])
        return FakeResponse.json(
            {
                "rate_limit": fake.limiter.rate,
                "enforce_concurrency": fake.limiter.concurrency,
                "latency": fake.latency,
            }
        )
    if (method, path) == ("POST", "/companies"):
        fake.add_company(data["slug"], data.get("name"), data.get("organization_number"))
        if data.get("bank_account_number"):
            fake.add_bank_account(data["slug"], data["bank_account_number"])
        if data.get("counters", True):
            fake.initialise_counters(data["slug"])
        return FakeResponse.json(fake.store(data["slug"]).summary(), status=201)
    if (method, path) == ("POST", "/oauth-clients"):
        fake.add_oauth_client(
            data["client_id"], data["secret"], redirect_uris=data.get("redirect_uris") or ()
        )
        return FakeResponse(201)
    if (method, path) == ("POST", "/users"):
        user = fake.add_user(data["email"], data.get("name"), data.get("companies") or [])
        return FakeResponse.json({"user_id": user.user_id, "email": user.email}, status=201)
    if (method, path) == ("POST", "/tokens"):
        fake.add_personal_token(data["token"], companies=data.get("companies"))
        return FakeResponse(201)
    found = re.fullmatch(r"/companies/([^/]+)/invoices/(\d+)/paid", path)
    if found and method == "POST":
        invoice = fake.mark_invoice_paid(
            found[1], int(found[2]), amount=data.get("amount"), paid_on=data.get("date")
        )
        return FakeResponse.json(invoice)
    found = re.fullmatch(r"/companies/([^/]+)(?:/(\w+))?", path)
    if found and method == "GET":
        store = fake.store(found[1])
        if found[2] is None:
            return FakeResponse.json(store.summary())
        with fake.state.lock:
            records = [_plain(r) for r in store.collection(found[2]).values()]
        return FakeResponse.json(records)
    return error_response(404, [f"No control endpoint {method} /_fake{path}"])
