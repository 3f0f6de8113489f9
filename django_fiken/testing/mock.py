"""The in-process face: ``responses`` callbacks that hand every request to the core."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import requests
import responses

from .http import FakeRequest, FakeResponse

if TYPE_CHECKING:
    from .core import FakeFiken


class MockFace:
    """``with fake.mock():`` — requests to the API and OAuth bases reach the fake.

    Anything else is refused by ``responses`` (no passthrough), so a test cannot reach the
    real Fiken by accident.
    """

    METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")

    def __init__(self, fake: FakeFiken, assert_all_requests_are_fired: bool = False):
        self.fake = fake
        self.mock = responses.RequestsMock(
            assert_all_requests_are_fired=assert_all_requests_are_fired
        )

    def __enter__(self) -> MockFace:
        self.mock.__enter__()
        for area, base in (("api", self.fake.api_base), ("oauth", self.fake.oauth_base + "/oauth")):
            pattern = re.compile("^" + re.escape(base) + r"(/[^?]*)?(\?.*)?$")
            for method in self.METHODS:
                self.mock.add_callback(
                    method,
                    pattern,
                    callback=lambda req, area=area, base=base: self._respond(req, area, base),
                    content_type=None,  # the fake sets Content-Type itself (none when empty)
                )
        return self

    def __exit__(self, *exc_info) -> None:
        self.mock.__exit__(*exc_info)

    @property
    def calls(self):
        return self.mock.calls

    def _respond(self, prepared: requests.PreparedRequest, area: str, base: str):
        parts = urlsplit(prepared.url)
        base_path = urlsplit(base).path.rstrip("/")
        body = prepared.body or b""
        if isinstance(body, str):
            body = body.encode()
        elif not isinstance(body, bytes):  # a file-like or generator body
            body = b"".join(body) if hasattr(body, "__iter__") else body.read()
        request = FakeRequest(
            method=prepared.method or "GET",
            area=area,  # type: ignore[arg-type]
            path=parts.path[len(base_path) :] or "/",
            query_string=parts.query,
            headers=dict(prepared.headers),
            body=body,
            base_url=base if area == "api" else self.fake.oauth_base,
        )
        response = self.fake.handle(request)
        return self._deliver(response)

    @staticmethod
    def _deliver(response: FakeResponse):
        if response.outcome == "reset":
            raise requests.ConnectionError("Connection reset by peer (fake Fiken fault)")
        if response.outcome == "timeout":
            raise requests.ReadTimeout("Read timed out (fake Fiken fault)")
        return response.status, dict(response.headers), response.body
