"""The HTTP face: a real threaded server on 127.0.0.1, plus ``python -m`` to run one.

The API lives under ``/api/v2``, OAuth under ``/oauth`` and the control API under
``/_fake/`` (see :mod:`django_fiken.testing.control`), so other processes (django-q2 workers,
benchmarks, the demo) can use and drive the same fake.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from .http import FakeRequest

if TYPE_CHECKING:
    from .core import FakeFiken

logger = logging.getLogger("django_fiken.testing")

API_PREFIX = "/api/v2"
OAUTH_PREFIX = "/oauth"
CONTROL_PREFIX = "/_fake"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args) -> None:
        logger.debug("fake fiken http: " + format, *args)

    def _serve(self) -> None:
        fake = self.server.fake
        parts = urlsplit(self.path)
        body = self._read_body()
        if parts.path.startswith(CONTROL_PREFIX + "/") or parts.path == CONTROL_PREFIX:
            from .control import handle_control

            response = handle_control(fake, self.command, parts.path[len(CONTROL_PREFIX) :], body)
        elif parts.path.startswith(API_PREFIX):
            response = self._guarded(
                FakeRequest(
                    self.command,
                    "api",
                    parts.path[len(API_PREFIX) :] or "/",
                    parts.query,
                    dict(self.headers.items()),
                    body,
                    base_url=self.server.base_url + API_PREFIX,
                )
            )
        elif parts.path.startswith(OAUTH_PREFIX):
            response = self._guarded(
                FakeRequest(
                    self.command,
                    "oauth",
                    parts.path[len(OAUTH_PREFIX) :] or "/",
                    parts.query,
                    dict(self.headers.items()),
                    body,
                    base_url=self.server.base_url,
                )
            )
        else:
            from .http import error_response

            response = error_response(
                404, [f"Nothing at {parts.path}; the API is under {API_PREFIX}"]
            )
        if response.outcome == "reset":
            self._reset()
            return
        if response.delay and response.outcome == "timeout":
            time.sleep(response.delay)
        try:
            self.send_response(response.status)
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(response.body)))
            self.end_headers()
            if response.body:
                self.wfile.write(response.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout faults): nothing to deliver

    def _read_body(self) -> bytes:
        """The request body, whether sized by Content-Length or sent chunked."""
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _guarded(self, request: FakeRequest):
        """Let the core answer; a bug in the fake becomes a 500 (and is kept for the test)."""
        from .http import error_response
        from .spec import SpecError

        try:
            return self.server.fake.handle(request)
        except SpecError as exc:  # already recorded in fake.response_errors
            return error_response(500, [str(exc)])
        except Exception as exc:
            logger.exception("Fake Fiken crashed on %s %s", request.method, request.path)
            with self.server.fake._lock:
                self.server.fake.response_errors.append(f"crash: {exc!r}")
            return error_response(500, [f"The fake Fiken crashed: {exc!r}"])

    def _reset(self) -> None:
        """Close the socket without answering (RST where the platform allows)."""
        with contextlib.suppress(OSError):
            self.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00"
            )
        self.close_connection = True

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    fake: FakeFiken
    base_url: str


class FakeServer:
    """A running HTTP face; ``url`` is the API base, ``oauth_url`` the OAuth base."""

    def __init__(self, fake: FakeFiken, host: str = "127.0.0.1", port: int = 0):
        self.fake = fake
        self._httpd = _Server((host, port), _Handler)
        self._httpd.fake = fake
        self.host, self.port = self._httpd.server_address[:2]
        self._httpd.base_url = f"http://{self.host}:{self.port}"
        self._thread: threading.Thread | None = None

    @property
    def root_url(self) -> str:
        return self._httpd.base_url

    @property
    def url(self) -> str:
        return self.root_url + API_PREFIX

    @property
    def oauth_url(self) -> str:
        return self.root_url + OAUTH_PREFIX

    @property
    def control_url(self) -> str:
        return self.root_url + CONTROL_PREFIX

    def start(self) -> FakeServer:
        # A short poll interval so stopping the server does not stall each test.
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="fake-fiken-http",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join(timeout=5)

    def serve_forever(self) -> None:
        try:
            self._httpd.serve_forever()
        finally:
            self._httpd.server_close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m django_fiken.testing.server",
        description="Serve a fake Fiken API v2 over HTTP for demos and multi-process tests.",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--demo", action="store_true", help="seed the demo company and token")
    parser.add_argument(
        "--rate", type=float, default=4.0, help="max requests per second per token (0: no limit)"
    )
    parser.add_argument("--no-validate", action="store_true", help="skip OpenAPI validation")
    parser.add_argument("--spec", default=None, help="path to Fiken's openapi.yaml")
    parser.add_argument("--token", default=None, help="personal token for the demo company")
    return parser


def run(argv: list[str] | None = None, out=None) -> int:
    """Entry point shared by ``python -m`` and the ``fiken_fake_server`` management command."""
    from .core import FakeFiken
    from .demo import DEMO_SLUG, seed_demo

    out = out or sys.stdout
    args = build_parser().parse_args(argv)
    fake = FakeFiken(
        spec_path=args.spec, validate=not args.no_validate, rate_limit=args.rate or None
    )
    server = FakeServer(fake, host=args.host, port=args.port)
    if args.demo:
        token = seed_demo(fake, token=args.token)
        print(f"Demo company: {DEMO_SLUG}", file=out)
        print(f"Personal API token: {token}", file=out)
    print(f"Fake Fiken API:   {server.url}", file=out)
    print(f"Fake Fiken OAuth: {server.oauth_url}", file=out)
    print(f"Control API:      {server.control_url}/state", file=out)
    out.flush()
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


if __name__ == "__main__":
    raise SystemExit(run())
