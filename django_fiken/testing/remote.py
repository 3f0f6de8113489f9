"""Drive a fake served by another process through its ``/_fake/`` control API.

:class:`RemoteFake` mirrors the helper names of :class:`~django_fiken.testing.FakeFiken`
(``stats``, ``faults``, ``violations``, ``assert_no_violations``...). It uses ``urllib``
rather than ``requests`` so a test's ``responses`` mock never intercepts it.
"""

from __future__ import annotations

import json
import re
import urllib.request
from typing import Any


class _Http:
    def __init__(self, control_url: str, timeout: float):
        self.base = control_url.rstrip("/")
        self.timeout = timeout

    def call(self, method: str, path: str, data: Any = None) -> Any:
        body = json.dumps(data).encode() if data is not None else None
        request = urllib.request.Request(  # noqa: S310 - our own local control URL
            self.base + path,
            data=body,
            method=method,
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
            raw = response.read()
        return json.loads(raw) if raw else None


class RemoteCall:
    """A logged call, as returned by the control API (same fields as ``stats.Call``)."""

    def __init__(self, data: dict[str, Any]):
        self.__dict__.update(data)

    def __repr__(self) -> str:
        return f"RemoteCall({self.method} {self.path} -> {self.status})"


class RemoteStats:
    def __init__(self, http: _Http):
        self._http = http

    def summary(self) -> dict[str, Any]:
        return self._http.call("GET", "/stats")

    def __getattr__(self, name: str) -> Any:
        summary = self.summary()
        if name in summary:
            return summary[name]
        raise AttributeError(name)

    def calls(
        self,
        method: str | None = None,
        path_regex: str | None = None,
        operation_id: str | None = None,
    ) -> list[RemoteCall]:
        pattern = re.compile(path_regex) if path_regex else None
        return [
            RemoteCall(c)
            for c in self._http.call("GET", "/calls")
            if (method is None or c["method"] == method.upper())
            and (pattern is None or pattern.search(c["path"]))
            and (operation_id is None or c.get("operation_id") == operation_id)
        ]


class RemoteFaults:
    def __init__(self, http: _Http):
        self._http = http

    def _add(self, kind: str, n: int, **options: Any) -> dict[str, Any]:
        return self._http.call("POST", "/faults", {"kind": kind, "n": n, **options})

    def fail_next(self, n=1, status=503, retry_after=None, method=None, path_regex=None):
        if status == 429 and retry_after is None:
            retry_after = 1
        return self._add(
            "status",
            n,
            status=status,
            retry_after=retry_after,
            method=method,
            path_regex=path_regex,
        )

    def reset_next(self, n=1, method=None, path_regex=None):
        return self._add("reset", n, method=method, path_regex=path_regex)

    def slow_next(self, n=1, delay=2.0, method=None, path_regex=None):
        return self._add("slow", n, delay=delay, method=method, path_regex=path_regex)

    def commit_then_timeout(self, n=1, method=None, path_regex=None, delay=2.0):
        return self._add(
            "commit_then_timeout", n, delay=delay, method=method, path_regex=path_regex
        )

    def commit_then_reset(self, n=1, method=None, path_regex=None):
        return self._add("commit_then_reset", n, method=method, path_regex=path_regex)

    def random(self, seed: int, probability: float) -> None:
        self._http.call("POST", "/faults", {"random": {"seed": seed, "probability": probability}})

    def clear(self) -> None:
        self._http.call("DELETE", "/faults")


class RemoteFake:
    """``RemoteFake("http://127.0.0.1:8001")`` — the root URL of a served fake."""

    def __init__(self, url: str, timeout: float = 10.0):
        root = re.sub(r"/(api/v2|_fake)/?$", "", url.rstrip("/"))
        self.url = root + "/api/v2"
        self.oauth_url = root + "/oauth"
        self._http = _Http(root + "/_fake", timeout)
        self.stats = RemoteStats(self._http)
        self.faults = RemoteFaults(self._http)

    def summary(self) -> dict[str, Any]:
        return self._http.call("GET", "/state")

    @property
    def violations(self) -> list[str]:
        return self._http.call("GET", "/violations")["violations"]

    def assert_no_violations(self) -> None:
        found = self._http.call("GET", "/violations")
        problems = found["violations"] + [
            f"invalid response from the fake: {e}" for e in found["response_errors"]
        ]
        if problems:
            raise AssertionError("Fiken API spec violations:\n  " + "\n  ".join(problems))

    def reset(self, stats: bool = True, faults: bool = True, violations: bool = True) -> None:
        self._http.call(
            "POST", "/reset", {"stats": stats, "faults": faults, "violations": violations}
        )

    def reset_stats(self) -> None:
        self.reset(stats=True, faults=False, violations=False)

    def configure(self, **settings: Any) -> dict[str, Any]:
        """Change ``rate_limit``, ``enforce_concurrency`` or ``latency`` of the running fake."""
        return self._http.call("POST", "/settings", settings)

    def add_company(self, slug: str, name: str | None = None, **options: Any) -> dict[str, Any]:
        return self._http.call("POST", "/companies", {"slug": slug, "name": name, **options})

    def add_personal_token(self, token: str, companies: list[str] | None = None) -> None:
        self._http.call("POST", "/tokens", {"token": token, "companies": companies})

    def add_oauth_client(
        self, client_id: str, secret: str, redirect_uris: list[str] | None = None
    ) -> None:
        """Register an OAuth client (the site's Fiken app) with its allowed redirect URIs."""
        self._http.call(
            "POST",
            "/oauth-clients",
            {"client_id": client_id, "secret": secret, "redirect_uris": redirect_uris or []},
        )

    def add_user(self, email: str, name: str | None = None, companies: list[str] | None = None):
        return self._http.call(
            "POST", "/users", {"email": email, "name": name, "companies": companies or []}
        )

    def records(self, slug: str, collection: str) -> list[dict[str, Any]]:
        """The stored records of one collection (e.g. ``"contacts"``, ``"invoices"``)."""
        return self._http.call("GET", f"/companies/{slug}/{collection}")

    def mark_invoice_paid(
        self, slug: str, invoice_id: int, amount: int | None = None, paid_on: str | None = None
    ) -> dict[str, Any]:
        return self._http.call(
            "POST",
            f"/companies/{slug}/invoices/{invoice_id}/paid",
            {"amount": amount, "date": paid_on},
        )
