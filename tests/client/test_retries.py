"""Retries: safe calls retry on 429/5xx honouring Retry-After; creates never retry blindly."""

from __future__ import annotations

import contextlib
import io
import socket
import threading
from collections.abc import Iterator

import pytest
import requests

from django_fiken.client import (
    AmbiguousFailure,
    BadRequest,
    FikenClient,
    LocalLimiter,
    RateLimited,
    ServerError,
    StaticTokenProvider,
    TransportError,
)
from django_fiken.client.retries import MAX_RETRY_AFTER

from .conftest import TOKEN, company_url

CONTACT = {"name": "Kari Nordmann", "memberNumberString": "shop-17"}
CREATED = {"Location": company_url("/contacts/901")}


def test_get_retries_429_honouring_retry_after(company, mocked, sleeps):
    url = company_url("/contacts/5")
    mocked.get(url, status=429, headers={"Retry-After": "2"})
    mocked.get(url, status=503, headers={"Retry-After": "1"})
    mocked.get(url, json={"contactId": 5, "name": "Kari"})
    assert company.contacts.get(5)["name"] == "Kari"
    assert len(mocked.calls) == 3
    assert len(sleeps) == 2
    assert 2.0 <= sleeps[0] <= 2.25
    assert 1.0 <= sleeps[1] <= 1.25


def test_backoff_grows_exponentially_without_retry_after(company, mocked, sleeps):
    url = company_url("/contacts/5")
    for _ in range(4):
        mocked.get(url, status=500)
    mocked.get(url, json={"contactId": 5})
    company.contacts.get(5)
    assert len(sleeps) == 4
    # Full jitter within [base/2, base] for bases 0.5, 1, 2, 4.
    for wait, base in zip(sleeps, [0.5, 1, 2, 4], strict=True):
        assert base / 2 <= wait <= base


def test_gives_up_after_max_retries(client, company, mocked, sleeps):
    mocked.get(company_url("/contacts/5"), status=503)
    with pytest.raises(ServerError):
        company.contacts.get(5)
    assert client.max_retries == 4
    assert len(mocked.calls) == 5
    assert len(sleeps) == 4


def test_long_retry_after_is_not_slept_through(company, mocked, sleeps):
    mocked.get(
        company_url("/contacts/5"), status=429, headers={"Retry-After": str(MAX_RETRY_AFTER + 1)}
    )
    with pytest.raises(RateLimited) as excinfo:
        company.contacts.get(5)
    assert excinfo.value.retry_after == MAX_RETRY_AFTER + 1
    assert len(mocked.calls) == 1
    assert sleeps == []


def test_4xx_never_retries(company, mocked, sleeps):
    mocked.put(company_url("/contacts/5"), status=400, json=[{"message": "bad"}])
    with pytest.raises(BadRequest):
        company.contacts.update(5, CONTACT)
    assert len(mocked.calls) == 1
    assert sleeps == []


def test_idempotent_put_retries_5xx(company, mocked):
    url = company_url("/contacts/5")
    mocked.put(url, status=502)
    mocked.put(url, status=200, headers={"Location": url})
    company.contacts.update(5, CONTACT)
    assert len(mocked.calls) == 2


def test_create_retries_429_because_fiken_did_nothing(company, mocked, sleeps):
    url = company_url("/contacts")
    mocked.post(url, status=429, headers={"Retry-After": "1"})
    mocked.post(url, status=201, headers=CREATED)
    assert company.contacts.create(CONTACT) == 901
    assert len(mocked.calls) == 2
    assert len(sleeps) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_create_with_5xx_is_ambiguous_and_not_repeated(company, mocked, sleeps, status):
    mocked.post(company_url("/contacts"), status=status)
    with pytest.raises(AmbiguousFailure) as excinfo:
        company.contacts.create(CONTACT)
    assert excinfo.value.status == status
    assert len(mocked.calls) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "failure",
    [
        requests.ReadTimeout("read timed out"),
        requests.ConnectionError("Connection aborted: RemoteDisconnected"),
    ],
)
def test_create_with_ambiguous_transport_failure_is_sent_once(company, mocked, failure):
    mocked.post(company_url("/contacts"), body=failure)
    with pytest.raises(AmbiguousFailure) as excinfo:
        company.contacts.create(CONTACT)
    assert excinfo.value.retryable is False
    assert excinfo.value.status is None
    assert len(mocked.calls) == 1


def test_send_is_not_repeated_on_5xx(company, mocked):
    mocked.post(company_url("/invoices/send"), status=503)
    with pytest.raises(AmbiguousFailure):
        company.invoices.send(
            {"invoiceId": 1, "method": ["email"], "includeDocumentAttachments": True}
        )
    assert len(mocked.calls) == 1


def test_get_read_timeout_is_retried(company, mocked):
    url = company_url("/contacts/5")
    mocked.get(url, body=requests.ReadTimeout("read timed out"))
    mocked.get(url, json={"contactId": 5})
    assert company.contacts.get(5) == {"contactId": 5}
    assert len(mocked.calls) == 2


def test_retried_upload_sends_the_same_file_again(company, mocked):
    url = company_url("/invoices/3/attachments")
    mocked.post(url, status=429)
    mocked.post(url, status=201, headers={"Location": url + "/77"})
    handle = io.BytesIO(b"%PDF-1.7 minimal")
    handle.name = "/tmp/receipt.pdf"
    assert company.invoices.add_attachment(3, handle) == 77
    bodies = [call.request.body for call in mocked.calls]
    assert len(bodies) == 2
    for body in bodies:  # the multipart boundary differs; the parts do not
        assert b'name="file"; filename="receipt.pdf"\r\nContent-Type: application/pdf' in body
        assert b"%PDF-1.7 minimal" in body


# ------------------------------------------------------------------ real sockets


@pytest.fixture
def silent_server() -> Iterator[tuple[str, list[bytes]]]:
    """Accepts connections, reads the request, never answers (a real read timeout)."""
    received: list[bytes] = []
    server = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve():
        server.settimeout(0.1)
        held = []
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            conn.settimeout(1)
            with contextlib.suppress(OSError):
                received.append(conn.recv(65536))
            held.append(conn)
        for conn in held:
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}", received
    stop.set()
    thread.join(timeout=2)
    server.close()


def real_client(base_url: str, sleeps, **kwargs) -> FikenClient:
    return FikenClient(
        StaticTokenProvider(TOKEN),
        base_url,
        limiter=LocalLimiter(rate=10_000),
        timeout=(1, 0.3),
        sleep=sleeps,
        **kwargs,
    )


def test_real_read_timeout_on_create_is_ambiguous_and_sent_once(silent_server, sleeps):
    base_url, received = silent_server
    company = real_client(base_url, sleeps).company("acme-as")
    with pytest.raises(AmbiguousFailure) as excinfo:
        company.contacts.create(CONTACT)
    assert "ReadTimeout" in str(excinfo.value)
    assert len(received) == 1
    assert received[0].startswith(b"POST /companies/acme-as/contacts ")
    assert sleeps == []


def test_real_refused_connection_is_a_transport_error_and_retried(sleeps):
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]  # closed again when the block ends: nothing listens
    company = real_client(f"http://127.0.0.1:{port}", sleeps, max_retries=2).company("acme-as")
    with pytest.raises(TransportError) as excinfo:
        company.contacts.create(CONTACT)
    assert excinfo.value.retryable is True
    assert len(sleeps) == 2  # nothing was sent, so even a create may try again
