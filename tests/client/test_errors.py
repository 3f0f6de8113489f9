"""Each Fiken status becomes its typed error, with Fiken's messages and our request id."""

from __future__ import annotations

import pickle

import pytest

from django_fiken.client import (
    AmbiguousFailure,
    BadRequest,
    Conflict,
    FikenError,
    Forbidden,
    ModuleNotActivated,
    NotFound,
    RateLimited,
    ServerError,
    Unauthorized,
    UnsupportedMediaType,
)
from django_fiken.client.errors import parse_messages, parse_retry_after

from .conftest import company_url


@pytest.fixture
def no_retries(token_provider, sleeps):
    from django_fiken.client import FikenClient, LocalLimiter

    from .conftest import BASE_URL, SLUG

    client = FikenClient(
        token_provider, BASE_URL, limiter=LocalLimiter(rate=10_000), max_retries=0, sleep=sleeps
    )
    return client.company(SLUG)


@pytest.mark.parametrize(
    ("status", "error_type", "retryable"),
    [
        (400, BadRequest, False),
        (401, Unauthorized, False),
        (403, Forbidden, False),
        (404, NotFound, False),
        (405, FikenError, False),
        (409, Conflict, False),
        (415, UnsupportedMediaType, False),
        (429, RateLimited, True),
        (500, ServerError, True),
        (503, ServerError, True),
    ],
)
def test_status_maps_to_error_type(no_retries, mocked, status, error_type, retryable):
    mocked.get(company_url("/contacts/5"), status=status, json=[{"message": "Nope"}])
    with pytest.raises(FikenError) as excinfo:
        no_retries.contacts.get(5)
    error = excinfo.value
    assert type(error) is error_type
    assert error.status == status
    assert error.messages == ["Nope"]
    assert error.retryable is retryable
    assert error.method == "GET"
    assert error.path == "/companies/acme-as/contacts/5"
    assert error.request_id == mocked.calls[-1].request.headers["X-Request-ID"]
    assert str(error) == (
        f"Nope (GET /companies/acme-as/contacts/5, HTTP {status}, request id {error.request_id})"
    )


def test_bad_request_joins_every_message(no_retries, mocked):
    body = [
        {"message": "name is required", "field": "name"},
        {"message": "email is not valid"},
    ]
    mocked.post(company_url("/contacts"), status=400, json=body)
    with pytest.raises(BadRequest) as excinfo:
        no_retries.contacts.create({"name": ""})
    assert excinfo.value.messages == ["name: name is required", "email is not valid"]
    assert str(excinfo.value).startswith("name: name is required; email is not valid (POST ")


def test_module_not_activated_is_a_forbidden(no_retries, mocked):
    mocked.get(
        company_url("/invoices"),
        status=403,
        json={"message": "The API module is not activated for this company"},
    )
    with pytest.raises(ModuleNotActivated) as excinfo:
        no_retries.invoices.list().page(0)
    assert isinstance(excinfo.value, Forbidden)
    assert "not activated" in str(excinfo.value)


def test_5xx_on_a_create_is_ambiguous(no_retries, mocked):
    mocked.post(company_url("/invoices/drafts"), status=502, body="<html>Bad gateway</html>")
    with pytest.raises(AmbiguousFailure) as excinfo:
        no_retries.invoice_drafts.create(
            {"type": "invoice", "customerId": 1, "daysUntilDueDate": 14}
        )
    assert excinfo.value.status == 502
    assert excinfo.value.retryable is False
    assert "may or may not have been carried out" in str(excinfo.value)


def test_rate_limited_carries_retry_after(no_retries, mocked):
    mocked.get(company_url("/contacts/5"), status=429, headers={"Retry-After": "7"}, body="")
    with pytest.raises(RateLimited) as excinfo:
        no_retries.contacts.get(5)
    assert excinfo.value.retry_after == 7.0
    assert "rate limiting" in str(excinfo.value)


@pytest.mark.parametrize(
    ("body", "messages"),
    [
        (b'[{"message": "a"}, {"message": "b"}]', ["a", "b"]),
        (b'{"message": "one"}', ["one"]),
        (b'{"error": "invalid_grant", "error_description": "Expired"}', ["Expired"]),
        (b'{"errors": [{"message": "x"}]}', ["x"]),
        (b"plain text from a proxy", ["plain text from a proxy"]),
        (b"<html><body>502</body></html>", []),
        (b"", []),
    ],
)
def test_parse_messages(body, messages):
    assert parse_messages(body) == messages


def test_parse_retry_after():
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0


def test_errors_survive_pickling():
    error = RateLimited(429, ["Slow down"], "req-1", "GET", "/user", retry_after=2.0)
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is RateLimited
    assert (copy.status, copy.messages, copy.request_id, copy.retry_after) == (
        429,
        ["Slow down"],
        "req-1",
        2.0,
    )
    assert str(copy) == str(error)
    ambiguous = AmbiguousFailure(None, ["No answer"], "req-2", "GET", "/user")
    ambiguous.retryable = True  # set per call: a read may be repeated
    assert pickle.loads(pickle.dumps(ambiguous)).retryable is True
