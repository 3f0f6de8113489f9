"""The token never appears in logs, reprs or error messages."""

from __future__ import annotations

import logging

import pytest
import requests

from django_fiken.client import (
    FikenClient,
    FikenError,
    LocalLimiter,
    StaticTokenProvider,
    TransportError,
)

from .conftest import TOKEN, company_url


def test_token_absent_from_logs_reprs_and_errors(client, company, mocked, caplog):
    caplog.set_level(logging.DEBUG)
    mocked.get(company_url("/contacts/1"), json={"contactId": 1, "name": "Kari"})
    mocked.get(company_url("/contacts/2"), status=503, json=[{"message": "down"}])
    mocked.get(company_url("/contacts/3"), status=401, json={"message": "bad token"})
    mocked.post(company_url("/contacts"), body=requests.ReadTimeout("read timed out"))
    errors: list[FikenError] = []
    company.contacts.get(1)
    for call in (
        lambda: company.contacts.get(2),
        lambda: company.contacts.get(3),
        lambda: company.contacts.create({"name": "Ola"}),
    ):
        with pytest.raises(FikenError) as excinfo:
            call()
        errors.append(excinfo.value)

    assert mocked.calls[0].request.headers["Authorization"] == f"Bearer {TOKEN}"
    logged = "\n".join(f"{r.getMessage()} {r.__dict__.get('fiken', '')}" for r in caplog.records)
    assert "Fiken GET /companies/acme-as/contacts/1 -> 200" in logged
    assert TOKEN not in logged
    for text in (
        repr(client),
        repr(company),
        repr(company.contacts),
        repr(client.token_provider),
        repr(client.limiter),
        *(str(e) for e in errors),
        *(repr(e) for e in errors),
    ):
        assert TOKEN not in text
    assert client.token_provider.limit_key in repr(client)


def test_limit_key_is_a_short_hash_not_the_token():
    provider = StaticTokenProvider(TOKEN)
    assert len(provider.limit_key) == 16
    assert provider.limit_key not in TOKEN
    assert provider.limit_key == StaticTokenProvider(TOKEN).limit_key
    assert provider.limit_key != StaticTokenProvider(TOKEN + "x").limit_key


@pytest.mark.parametrize("token", ["", "   ", None])
def test_empty_token_is_refused(token):
    with pytest.raises(ValueError, match="non-empty"):
        StaticTokenProvider(token)


def test_success_is_logged_at_debug_and_errors_at_warning(company, mocked, caplog):
    caplog.set_level(logging.DEBUG, logger="django_fiken.client")
    mocked.get(company_url("/products/1"), json={"productId": 1})
    mocked.get(company_url("/products/2"), status=404, json=[{"message": "gone"}])
    company.products.get(1)
    with pytest.raises(FikenError):
        company.products.get(2)
    records = [r for r in caplog.records if r.name == "django_fiken.client"]
    assert [r.levelno for r in records] == [logging.DEBUG, logging.WARNING]
    first = records[0].fiken
    assert first["method"] == "GET"
    assert first["path"] == "/companies/acme-as/products/1"
    assert first["status"] == 200
    assert first["request_id"] == mocked.calls[0].request.headers["X-Request-ID"]
    assert first["elapsed_ms"] >= 0
    assert first["request_id"] in records[0].getMessage()


def test_connection_errors_do_not_leak_the_token(caplog):
    caplog.set_level(logging.DEBUG)
    client = FikenClient(
        StaticTokenProvider(TOKEN),
        "http://127.0.0.1:9",  # discard port: nothing listens
        limiter=LocalLimiter(rate=10_000),
        max_retries=0,
        timeout=(0.5, 0.5),
    )
    with pytest.raises(FikenError) as excinfo:
        client.user.get()
    assert TOKEN not in str(excinfo.value)
    assert TOKEN not in caplog.text
    assert isinstance(excinfo.value, TransportError)
