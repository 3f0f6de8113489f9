"""Fixtures for the client tests: a client on a fake base URL, `responses`, no real sleeping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import responses

from django_fiken.client import FikenClient, LocalLimiter, StaticTokenProvider

BASE_URL = "https://api.fiken.no/api/v2"
TOKEN = "personal-token-7f3a9c-DO-NOT-LOG"
SLUG = "acme-as"
REPO_DIR = Path(__file__).resolve().parents[2]


def spec_path() -> Path:
    return Path(os.environ.get("FIKEN_OPENAPI_SPEC", REPO_DIR.parent / "shared/fiken/openapi.yaml"))


class Sleeps(list):
    """Records the waits the client asked for instead of sleeping."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def token_provider() -> StaticTokenProvider:
    return StaticTokenProvider(TOKEN)


@pytest.fixture
def client(token_provider, sleeps) -> FikenClient:
    # A private, fast limiter: the tests here are about HTTP, not spacing.
    return FikenClient(token_provider, BASE_URL, limiter=LocalLimiter(rate=10_000), sleep=sleeps)


@pytest.fixture
def company(client):
    return client.company(SLUG)


@pytest.fixture
def mocked():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def company_url(path: str) -> str:
    return f"{BASE_URL}/companies/{SLUG}{path}"
