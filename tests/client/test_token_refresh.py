"""A 401 makes the client ask its token provider to refresh, once, and repeat the call."""

from __future__ import annotations

import pytest

from django_fiken.client import FikenClient, LocalLimiter, Unauthorized

from .conftest import BASE_URL, company_url


class RotatingProvider:
    """Like an OAuth provider: the first token has expired, refresh hands out the next."""

    limit_key = "oauth-user-1"

    def __init__(self, refreshable: bool = True) -> None:
        self.tokens = ["expired-access-token", "fresh-access-token"]
        self.current = 0
        self.refreshes = 0
        self.refreshable = refreshable

    def get_token(self) -> str:
        return self.tokens[self.current]

    def refresh(self) -> str | None:
        self.refreshes += 1
        if not self.refreshable:
            return None
        self.current = 1
        return self.tokens[1]


def make_client(provider) -> FikenClient:
    return FikenClient(provider, BASE_URL, limiter=LocalLimiter(rate=10_000), sleep=lambda s: None)


def test_401_refreshes_once_and_repeats(mocked):
    provider = RotatingProvider()
    mocked.get(company_url("/contacts/5"), status=401, json={"message": "expired"})
    mocked.get(company_url("/contacts/5"), json={"contactId": 5})
    assert make_client(provider).company("acme-as").contacts.get(5) == {"contactId": 5}
    assert provider.refreshes == 1
    sent = [call.request.headers["Authorization"] for call in mocked.calls]
    assert sent == ["Bearer expired-access-token", "Bearer fresh-access-token"]


def test_second_401_is_raised_without_another_refresh(mocked):
    provider = RotatingProvider()
    mocked.get(company_url("/contacts/5"), status=401, json={"message": "revoked"})
    with pytest.raises(Unauthorized) as excinfo:
        make_client(provider).company("acme-as").contacts.get(5)
    assert provider.refreshes == 1
    assert len(mocked.calls) == 2
    assert excinfo.value.messages == ["revoked"]


def test_provider_that_cannot_refresh_raises_at_once(mocked):
    provider = RotatingProvider(refreshable=False)
    mocked.post(company_url("/contacts"), status=401)
    with pytest.raises(Unauthorized):
        make_client(provider).company("acme-as").contacts.create({"name": "Kari"})
    assert provider.refreshes == 1
    assert len(mocked.calls) == 1


def test_static_token_is_not_refreshed(client, mocked):
    mocked.get(f"{BASE_URL}/user", status=401)
    with pytest.raises(Unauthorized, match="did not accept the access token"):
        client.user.get()
    assert len(mocked.calls) == 1
