"""Fixtures for the reliability tests: PostgreSQL for the fault suite, a Redis broker of its own."""

from __future__ import annotations

import os

import pytest
import redis
from django.core.management import call_command
from django.db import connection

#: A Redis database only this suite uses: it is flushed on purpose mid-run.
REDIS_URL = os.environ.get("FIKEN_TEST_RELIABILITY_REDIS", "redis://127.0.0.1:6379/11")


@pytest.fixture
def postgres_only(db):
    if connection.vendor != "postgresql":
        pytest.skip(
            "The fault suite needs PostgreSQL (row locks, pg_terminate_backend, a real worker "
            "sharing the database); run it with FIKEN_TEST_DB=postgres."
        )


@pytest.fixture(scope="session", autouse=True)
def _cache_table(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("createcachetable", verbosity=0)


@pytest.fixture
def redis_broker(monkeypatch):
    """This process enqueues to the same Redis broker as the suite's workers."""
    from django_q.conf import Conf

    client = redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError as exc:  # pragma: no cover - the machine provides Redis
        pytest.skip(f"Redis at {REDIS_URL} is not reachable: {exc}")
    client.flushdb()
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", REDIS_URL)
    yield client
    client.flushdb()
