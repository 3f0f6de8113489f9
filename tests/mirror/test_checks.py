"""Each system check fires on its misconfiguration and stays quiet on the test settings."""

import pytest
from django.core import checks
from django.test import override_settings

from tests import settings as test_settings

BASE = test_settings.FIKEN


def ids(**kwargs):
    return {message.id for message in checks.run_checks(**kwargs) if message.id}


def fiken(**overrides):
    return override_settings(FIKEN={**BASE, **overrides})


def test_test_settings_are_clean():
    assert not {i for i in ids() if i.startswith("django_fiken.")}


def test_token_without_company_slug():
    with fiken(COMPANY_SLUG=None):
        assert "django_fiken.E002" in ids()


@pytest.mark.parametrize(
    "url",
    ["not a url", "ftp://api.fiken.no/api/v2", "http://api.fiken.no/api/v2", "", None],
)
def test_invalid_base_url(url):
    with fiken(BASE_URL=url):
        assert "django_fiken.E003" in ids()


@pytest.mark.parametrize("url", ["https://api.fiken.no/api/v2", "http://127.0.0.1:8765/api/v2"])
def test_valid_base_url(url):
    with fiken(BASE_URL=url):
        assert "django_fiken.E003" not in ids()


@pytest.mark.parametrize("rate", [0, -1, 4.5, 10, "4", True])
def test_rate_limit_out_of_range(rate):
    with fiken(RATE_LIMIT=rate):
        assert "django_fiken.E004" in ids()


@pytest.mark.parametrize("rate", [4, 0.5, 2.0])
def test_rate_limit_in_range(rate):
    with fiken(RATE_LIMIT=rate):
        assert "django_fiken.E004" not in ids()


def test_limiter_cache_unknown_alias():
    with fiken(LIMITER_CACHE="nope"):
        assert "django_fiken.E005" in ids()


def test_limiter_cache_dummy():
    caches = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    with override_settings(CACHES=caches):
        assert "django_fiken.E006" in ids()


def test_limiter_cache_locmem_warns():
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(CACHES=caches):
        assert "django_fiken.W001" in ids()


def test_q_cluster_missing():
    with override_settings(Q_CLUSTER=None):
        assert "django_fiken.E007" in ids()


def test_q_cluster_retry_not_above_timeout():
    cluster = {**test_settings.Q_CLUSTER, "timeout": 120, "retry": 120}
    with override_settings(Q_CLUSTER=cluster):
        assert "django_fiken.E008" in ids()


@pytest.mark.django_db
def test_redis_broker_without_sweeper_schedule_warns():
    from django_q.models import Schedule

    Schedule.objects.filter(func="django_fiken.jobs.sweep").delete()  # installed by migrate
    cluster = {**test_settings.Q_CLUSTER, "redis": {"host": "127.0.0.1", "port": 6379}}
    with override_settings(Q_CLUSTER=cluster):
        assert "django_fiken.W002" in ids(databases=["default"])
        assert "django_fiken.W002" not in ids()  # needs the database; not looked up without it
        Schedule.objects.create(name="sweep", func="django_fiken.jobs.sweep")
        assert "django_fiken.W002" not in ids(databases=["default"])


@pytest.mark.parametrize("code", ["1920", "1920-10001", "1920:1000", 192010001, "abcd:efghi"])
def test_default_bank_account_malformed(code):
    with fiken(DEFAULT_BANK_ACCOUNT=code):
        assert "django_fiken.E009" in ids()


def test_default_bank_account_missing_warns():
    with fiken(DEFAULT_BANK_ACCOUNT=None):
        assert "django_fiken.W003" in ids()


@pytest.mark.parametrize("timeout", [0, -1, (5, 0), (1, 2, 3), "30", None])
def test_timeout_malformed(timeout):
    with fiken(TIMEOUT=timeout):
        assert "django_fiken.E011" in ids()


@pytest.mark.parametrize("retries", [-1, 1.5, "3", None])
def test_max_retries_malformed(retries):
    with fiken(MAX_RETRIES=retries):
        assert "django_fiken.E012" in ids()


def test_messages_name_the_setting_and_never_the_token():
    with fiken(API_TOKEN="s3cret-token-value", COMPANY_SLUG=None, RATE_LIMIT=9):
        messages = [m for m in checks.run_checks() if (m.id or "").startswith("django_fiken.")]
    text = " ".join(f"{m.msg} {m.hint}" for m in messages)
    assert "COMPANY_SLUG" in text and "RATE_LIMIT" in text
    assert "s3cret-token-value" not in text
