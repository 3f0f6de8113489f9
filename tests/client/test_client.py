"""Construction, request headers, timeouts, ids from Location, JSON bodies."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import pytest
import requests

from django_fiken.client import (
    CacheLimiter,
    FikenClient,
    FikenError,
    LocalLimiter,
    StaticTokenProvider,
    location_id,
)

from .conftest import BASE_URL, TOKEN, company_url


class RecordingSession(requests.Session):
    def __init__(self) -> None:
        super().__init__()
        self.kwargs: list[dict] = []

    def request(self, method, url, **kwargs):
        self.kwargs.append(kwargs)
        return super().request(method, url, **kwargs)


def test_every_request_has_a_fresh_request_id_user_agent_and_timeout(token_provider, mocked):
    session = RecordingSession()
    client = FikenClient(
        token_provider,
        BASE_URL,
        session=session,
        limiter=LocalLimiter(rate=10_000),
        timeout=(2, 9),
        user_agent="shop/1.0",
    )
    mocked.get(f"{BASE_URL}/user", json={"name": "Kari", "email": "kari@example.com"})
    client.user.get()
    client.user.get()
    ids = [call.request.headers["X-Request-ID"] for call in mocked.calls]
    assert len(set(ids)) == 2
    assert all(uuid.UUID(value).version == 4 for value in ids)
    assert mocked.calls[0].request.headers["User-Agent"] == "shop/1.0"
    assert mocked.calls[0].request.headers["Accept"] == "application/json"
    assert [kw["timeout"] for kw in session.kwargs] == [(2, 9), (2, 9)]


def test_default_timeout_and_user_agent(client, mocked):
    mocked.get(f"{BASE_URL}/companies/acme-as", json={"slug": "acme-as"})
    assert client.companies.get("acme-as") == {"slug": "acme-as"}
    assert client.timeout == (5, 30)
    assert mocked.calls[0].request.headers["User-Agent"].startswith("django-fiken/")


def test_json_bodies_serialise_dates_and_uuids(company, mocked):
    mocked.post(
        company_url("/invoices/drafts"),
        status=201,
        headers={"Location": company_url("/invoices/drafts/31")},
    )
    draft_uuid = uuid.UUID("0b6f6a5e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")
    draft_id = company.invoice_drafts.create(
        {
            "type": "invoice",
            "customerId": 4,
            "daysUntilDueDate": 14,
            "issueDate": dt.date(2024, 2, 29),
            "uuid": draft_uuid,
            "lines": [{"quantity": 1, "unitPrice": 12500}],
        }
    )
    assert draft_id == 31
    sent = json.loads(mocked.calls[0].request.body)
    assert sent["issueDate"] == "2024-02-29"
    assert sent["uuid"] == str(draft_uuid)
    assert sent["lines"][0]["unitPrice"] == 12500
    assert mocked.calls[0].request.headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        (f"{BASE_URL}/companies/acme-as/contacts/1234", 1234),
        ("/api/v2/companies/acme-as/contacts/1234/", 1234),
        (f"{BASE_URL}/companies/acme-as/accounts/1500:10001", "1500:10001"),
        (None, None),
    ],
)
def test_location_id(location, expected):
    response = requests.Response()
    if location:
        response.headers["Location"] = location
    assert location_id(response) == expected


def test_create_returns_the_id_without_a_second_request(company, mocked):
    mocked.post(
        company_url("/contacts"), status=201, headers={"Location": company_url("/contacts/8")}
    )
    assert company.contacts.create({"name": "Kari"}) == 8
    assert len(mocked.calls) == 1


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"base_url": "api.fiken.no/api/v2"}, "base URL must look like"),
        ({"base_url": "ftp://api.fiken.no"}, "base URL must look like"),
        ({"timeout": 0}, "timeout must be"),
        ({"timeout": (5, 30, 1)}, "timeout must be"),
        ({"max_retries": -1}, "max_retries must be"),
        ({"rate_limit": 0, "cache": object()}, "rate limit must be a positive"),
        ({"limiter": LocalLimiter(), "cache": object()}, "either limiter= or cache="),
    ],
)
def test_invalid_configuration_is_refused_clearly(kwargs, message):
    with pytest.raises(ValueError, match=message):
        FikenClient(StaticTokenProvider(TOKEN), **kwargs)


def test_token_provider_must_follow_the_protocol():
    with pytest.raises(TypeError, match="has no refresh"):
        FikenClient(type("Half", (), {"get_token": None, "limit_key": "k"})())


def test_cache_builds_a_shared_limiter_with_the_rate(token_provider):
    from django.core.cache.backends.locmem import LocMemCache

    client = FikenClient(token_provider, cache=LocMemCache("limiter", {}), rate_limit=2)
    assert isinstance(client.limiter, CacheLimiter)
    assert client.limiter.rate == 2.0


def test_clients_without_a_limiter_share_one_per_process(token_provider):
    first = FikenClient(token_provider)
    second = FikenClient(StaticTokenProvider("another"))
    assert first.limiter is second.limiter
    assert isinstance(first.limiter, LocalLimiter)


def test_company_slug_is_required(client):
    with pytest.raises(ValueError, match="company slug"):
        client.company("")


def test_lease_outlasts_a_long_read_timeout(token_provider):
    from django.core.cache.backends.locmem import LocMemCache

    default = FikenClient(token_provider, cache=LocMemCache("limiter", {}))
    slow = FikenClient(token_provider, cache=LocMemCache("limiter", {}), timeout=(5, 120))
    assert default.limiter.lease == 90
    assert slow.limiter.lease == 155


def test_redirects_are_errors_not_followed(client, mocked):
    mocked.get(
        f"{BASE_URL}/user", status=301, headers={"Location": "https://elsewhere.example/user"}
    )
    with pytest.raises(FikenError) as excinfo:
        client.user.get()
    assert excinfo.value.status == 301
    assert "redirected the request to https://elsewhere.example/user" in str(excinfo.value)
    assert len(mocked.calls) == 1


def test_a_body_that_is_not_json_is_a_clear_error(client, mocked):
    mocked.get(f"{BASE_URL}/user", body="<html>maintenance</html>", content_type="text/html")
    with pytest.raises(FikenError, match=r"not JSON \(text/html\)") as excinfo:
        client.user.get()
    assert excinfo.value.request_id == mocked.calls[0].request.headers["X-Request-ID"]
