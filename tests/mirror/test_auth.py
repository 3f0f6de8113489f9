"""Connections and building a client from settings."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from django_fiken.auth import (
    NoConnection,
    client_for,
    connection_for,
    ensure_personal_connection,
    register_token_provider,
    token_provider_for,
)
from django_fiken.client import FikenClient, StaticTokenProvider, token_fingerprint
from django_fiken.models import ConnectionKind, FikenCompany, FikenConnection

pytestmark = pytest.mark.django_db


def test_ensure_personal_connection_is_idempotent(settings):
    first = ensure_personal_connection()
    second = ensure_personal_connection()
    assert first.pk == second.pk
    assert first.company.slug == settings.FIKEN["COMPANY_SLUG"]
    assert first.kind == ConnectionKind.PERSONAL
    assert FikenConnection.objects.count() == 1


def test_ensure_personal_connection_needs_both_settings():
    with (
        override_settings(FIKEN={"API_TOKEN": "t"}),
        pytest.raises(ImproperlyConfigured, match="COMPANY_SLUG"),
    ):
        ensure_personal_connection()


def test_client_for_uses_settings_and_hides_the_token(settings):
    connection = ensure_personal_connection()
    with override_settings(
        FIKEN={**settings.FIKEN, "BASE_URL": "http://127.0.0.1:9/api/v2", "MAX_RETRIES": 2}
    ):
        client = client_for(connection.company)
    assert isinstance(client, FikenClient)
    assert client.base_url == "http://127.0.0.1:9/api/v2"
    assert client.max_retries == 2
    assert client.token_provider.limit_key == token_fingerprint(settings.FIKEN["API_TOKEN"])
    assert settings.FIKEN["API_TOKEN"] not in repr(client)


def test_no_connection_is_a_clear_error():
    company = FikenCompany.objects.create(slug="lonely-as")
    with pytest.raises(NoConnection, match="lonely-as"):
        client_for(company)


def test_personal_connection_without_token_says_so(settings):
    connection = ensure_personal_connection()
    with (
        override_settings(FIKEN={"COMPANY_SLUG": "fiken-demo-as"}),
        pytest.raises(ImproperlyConfigured, match="API_TOKEN"),
    ):
        token_provider_for(connection)


def test_registered_provider_serves_its_kind(django_user_model, monkeypatch):
    from django_fiken import auth

    monkeypatch.setattr(auth, "_FACTORIES", dict(auth._FACTORIES))
    company = FikenCompany.objects.create(slug="oauth-as")
    user = django_user_model.objects.create(username="kari")
    FikenConnection.objects.create(company=company, kind="test-kind", user=user)
    register_token_provider("test-kind")(lambda connection: StaticTokenProvider("user-token"))
    provider = token_provider_for(connection_for(company, user=user))
    assert provider.get_token() == "user-token"


def test_unknown_kind_is_reported():
    company = FikenCompany.objects.create(slug="odd-as")
    connection = FikenConnection.objects.create(company=company, kind="carrier-pigeon")
    with pytest.raises(ImproperlyConfigured, match="carrier-pigeon"):
        token_provider_for(connection)


def test_changing_company_slug_retires_the_old_personal_connection(settings):
    old = ensure_personal_connection()
    settings.FIKEN = {**settings.FIKEN, "COMPANY_SLUG": "new-as"}
    new = ensure_personal_connection()
    old.refresh_from_db()
    assert new.company.slug == "new-as" and new.is_active
    assert not old.is_active
    assert "new-as" in old.broken_reason
