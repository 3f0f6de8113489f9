"""Company access: what a connection grants, and that nobody reaches anybody else's company."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory

from django_fiken.auth import client_for
from django_fiken.models import FikenCompany, FikenConnection, FikenContact, FikenProduct
from django_fiken.oauth.access import (
    NO_LONGER_GRANTED,
    companies_for,
    connections_for,
    record_company_access,
    refresh_company_access,
    require_company_access,
)
from django_fiken.oauth.tokens import OAuthTokenProvider
from tests.oauth.conftest import make_connected_account, token_endpoint_calls

pytestmark = pytest.mark.django_db


def company(slug):
    return {"slug": slug, "name": slug.upper(), "organizationNumber": "999999999"}


def test_recording_access_adds_keeps_and_removes_companies(kari, fiken_app, fake):
    account, _ = make_connected_account(kari, fake, app=fiken_app)

    first = record_company_access(account, [company("acme-as"), company("beta-as")])
    second = record_company_access(account, [company("beta-as"), company("gamma-as")])

    assert (first.granted, first.kept, first.removed) == (["acme-as", "beta-as"], [], [])
    assert (second.granted, second.kept, second.removed) == (["gamma-as"], ["beta-as"], ["acme-as"])
    assert sorted(companies_for(kari).values_list("slug", flat=True)) == ["beta-as", "gamma-as"]
    gone = FikenConnection.objects.get(company__slug="acme-as")
    assert (gone.is_active, gone.broken_reason) == (False, NO_LONGER_GRANTED)
    assert FikenCompany.objects.get(slug="gamma-as").name == "GAMMA-AS"


def test_a_company_granted_again_is_reactivated(kari, fiken_app, fake):
    account, _ = make_connected_account(kari, fake, app=fiken_app)
    record_company_access(account, [company("acme-as")])
    record_company_access(account, [])

    change = record_company_access(account, [company("acme-as")])

    assert change.granted == ["acme-as"]
    connection = FikenConnection.objects.get()
    assert (connection.is_active, connection.broken_reason) == (True, "")


def test_refresh_company_access_asks_fiken_with_the_stored_token(kari, fiken_app, fake):
    account, _ = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as",))
    record_company_access(account, [company("old-as")])

    change = refresh_company_access(account)

    assert change.granted == ["acme-as"] and change.removed == ["old-as"]
    assert list(connections_for(kari).values_list("company__slug", flat=True)) == ["acme-as"]


def test_companies_removed_from_the_grant_in_fiken_disappear_at_the_next_refresh(
    kari, fiken_app, fake
):
    account, token = make_connected_account(
        kari, fake, app=fiken_app, companies=("acme-as", "beta-as")
    )
    # In Fiken, Kari takes beta-as away from this app (Sikkerhet -> Apper du har gitt tilgang til).
    issued = fake.auth.access_token(token.token)
    issued.companies = issued.grant.companies = frozenset({"acme-as"})

    refresh_company_access(account)

    assert list(companies_for(kari).values_list("slug", flat=True)) == ["acme-as"]


def test_users_reach_only_their_own_companies(kari, ola, fiken_app, fake):
    make_connected_account(kari, fake, app=fiken_app, companies=("kari-as",))
    make_connected_account(ola, fake, app=fiken_app, companies=("ola-as",))
    kari_company = FikenCompany.objects.get(slug="kari-as")
    ola_company = FikenCompany.objects.get(slug="ola-as")

    assert list(companies_for(kari)) == [kari_company]
    require_company_access(kari, kari_company)
    with pytest.raises(PermissionDenied, match="ola-as"):
        require_company_access(kari, ola_company)
    with pytest.raises(PermissionDenied):
        client_for(ola_company, user=kari)
    client = client_for(kari_company, user=kari)
    assert isinstance(client.token_provider, OAuthTokenProvider)


def test_a_broken_connection_grants_nothing(kari, fiken_app, fake):
    make_connected_account(kari, fake, app=fiken_app, companies=("kari-as",))
    FikenConnection.objects.update(is_active=False, broken_reason="revoked")

    assert not companies_for(kari).exists()
    with pytest.raises(PermissionDenied):
        client_for(FikenCompany.objects.get(), user=kari)


def _staff(user):
    user.is_staff = True
    user.save()
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="django_fiken"))
    return user


def test_admin_shows_non_superusers_only_their_companies_rows(kari, ola, fiken_app, fake):
    make_connected_account(kari, fake, app=fiken_app, companies=("kari-as",))
    make_connected_account(ola, fake, app=fiken_app, companies=("ola-as",))
    for slug in ("kari-as", "ola-as"):
        FikenContact.objects.create(company=FikenCompany.objects.get(slug=slug), name=slug)
    request = RequestFactory().get("/admin/")
    request.user = _staff(kari)

    contacts = admin.site._registry[FikenContact].get_queryset(request)
    companies = admin.site._registry[FikenCompany].get_queryset(request)
    connections = admin.site._registry[FikenConnection].get_queryset(request)

    assert list(contacts.values_list("name", flat=True)) == ["kari-as"]
    assert list(companies.values_list("slug", flat=True)) == ["kari-as"]
    assert list(connections.values_list("company__slug", flat=True)) == ["kari-as"]


def test_admin_shows_superusers_everything(kari, ola, fiken_app, admin_user, fake):
    make_connected_account(kari, fake, app=fiken_app, companies=("kari-as",))
    make_connected_account(ola, fake, app=fiken_app, companies=("ola-as",))
    request = RequestFactory().get("/admin/")
    request.user = admin_user

    companies = admin.site._registry[FikenCompany].get_queryset(request)

    assert sorted(companies.values_list("slug", flat=True)) == ["kari-as", "ola-as"]


def test_admin_change_page_of_another_users_company_is_not_found(
    client, kari, ola, fiken_app, fake
):
    make_connected_account(ola, fake, app=fiken_app, companies=("ola-as",))
    client.force_login(_staff(kari))
    ola_company = FikenCompany.objects.get(slug="ola-as")

    response = client.get(f"/admin/django_fiken/fikencompany/{ola_company.pk}/change/", follow=True)

    # Django's admin answers as for a missing object: back to the index with a message.
    assert response.redirect_chain[-1][0] == "/admin/"
    assert "doesn\u2019t exist" in response.content.decode()
    assert "ola-as" not in response.content.decode()


def test_the_pull_refreshes_company_access_first(kari, ola, fiken_app, fake):
    from django_fiken.tasks import pull_all

    _, token = make_connected_account(kari, fake, app=fiken_app, companies=("acme-as", "beta-as"))
    issued = fake.auth.access_token(token.token)
    issued.companies = issued.grant.companies = frozenset({"acme-as"})
    ola_account, ola_token = make_connected_account(ola, fake, app=fiken_app, companies=("ola-as",))
    fake.auth.revoke(ola_token.token)
    FikenConnection.objects.filter(social_account=ola_account).update(
        is_active=False, broken_reason="Fiken access was revoked or expired: reconnect Fiken"
    )

    results = pull_all()

    assert list(results) == ["acme-as"]
    assert list(companies_for(kari).values_list("slug", flat=True)) == ["acme-as"]
    # Ola's refused account is left alone until Ola reconnects: no token call is spent on it.
    assert token_endpoint_calls(fake) == 0


def test_admin_company_filter_offers_only_granted_companies(client, kari, ola, fiken_app, fake):
    make_connected_account(kari, fake, app=fiken_app, companies=("kari-as",))
    make_connected_account(ola, fake, app=fiken_app, companies=("ola-as",))
    FikenCompany.objects.filter(slug="kari-as").update(name="Kari Handel AS")
    FikenCompany.objects.filter(slug="ola-as").update(name="Ola Secret Holding AS")
    for slug in ("kari-as", "ola-as"):
        FikenProduct.objects.create(company=FikenCompany.objects.get(slug=slug), name=slug)
    client.force_login(_staff(kari))

    content = client.get("/admin/django_fiken/fikenproduct/").content.decode()

    assert "Kari Handel AS" in content  # the company filter is there, with Kari's company
    assert "Ola Secret Holding AS" not in content
