"""No token or secret ever shows: not in logs, admin pages, reprs or job errors.

The whole story runs in one test with every logger at DEBUG: a customer becomes a contact, a
paid order an invoice issued and sent, Fiken answers a 401 and a 500 along the way, a user
connects their Fiken account through OAuth and the access token is refreshed (after expiring,
and after a 401). Every secret that existed at any point (the personal API token, the OAuth
client secret, every access and refresh token issued) is then looked for in the captured log
records and output, in every django-fiken admin change list and change page, in the connection
page, in the reprs of the objects holding them, and in every error the jobs and mirrors recorded.
"""

from __future__ import annotations

import datetime
import logging
from urllib.parse import urlencode, urlsplit

import pytest
import requests
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.conf import settings as django_settings
from django.contrib import admin
from django.contrib.sites.models import Site
from django.urls import reverse
from django.utils import timezone

from django_fiken import models as fiken_models
from django_fiken.auth import client_for, ensure_personal_connection
from django_fiken.jobs import drain_company
from django_fiken.models import FikenCompany, FikenConnection, JobStatus, PushJob
from django_fiken.oauth.tokens import OAuthTokenProvider
from django_fiken.sync.pull import pull
from django_fiken.testing import FakeFiken
from tests.testapp.models import Customer, Order, OrderLine

pytestmark = pytest.mark.django_db

PERSONAL_TOKEN = django_settings.FIKEN["API_TOKEN"]
SLUG = django_settings.FIKEN["COMPANY_SLUG"]
CLIENT_ID = "shop-client-id"
CLIENT_SECRET = "shop-client-secret-5b1d9c"
REDIRECT_URI = "http://testserver/accounts/fiken/login/callback/"
OAUTH_COMPANY = "kari-enk"


@pytest.fixture
def every_logger_at_debug(caplog):
    """DEBUG on every logger that exists, records captured even where propagation is off."""
    caplog.set_level(logging.DEBUG)
    loggers = [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)]
    saved = [(lg, lg.level) for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.DEBUG)
        if not lg.propagate:
            lg.addHandler(caplog.handler)
    yield caplog
    for lg, level in saved:
        lg.setLevel(level)
        if caplog.handler in lg.handlers:
            lg.removeHandler(caplog.handler)


@pytest.fixture
def fake(settings):
    settings.FIKEN = {
        **settings.FIKEN,
        "MAX_RETRIES": 0,
        "QUEUE": {"COALESCE_SECONDS": 0, "INLINE_WAIT_SECONDS": 0},
    }
    fake = FakeFiken(spec_path=settings.FIKEN["OPENAPI_SPEC"], rate_limit=None)
    fake.add_company(SLUG, name="Fiken Demo AS", organization_number="923609016")
    fake.add_bank_account(SLUG, bank_account_number="12345678903", account_code="1920:10001")
    fake.add_personal_token(PERSONAL_TOKEN, companies=[SLUG])
    fake.initialise_counters(SLUG)
    fake.add_oauth_client(CLIENT_ID, CLIENT_SECRET, [REDIRECT_URI])
    app = SocialApp.objects.create(
        provider="fiken", name="Fiken", client_id=CLIENT_ID, secret=CLIENT_SECRET
    )
    app.sites.add(Site.objects.get_current())
    with fake.mock():
        yield fake
    fake.assert_no_violations()


def drain(company: FikenCompany) -> None:
    for _ in range(10):
        drain_company(company.pk, wait=False)
        if not PushJob.objects.filter(
            status=JobStatus.PENDING, next_attempt_at__lte=timezone.now()
        ).exists():
            return


def connect_fiken_account(client, fake) -> SocialAccount:
    """The OAuth connect dance through allauth and the fake's authorize endpoint."""
    fake.add_company(OAUTH_COMPANY, name="Kari ENK")
    fake.auth.approving_user = fake.add_user("kari@fiken.example", "Kari Nordmann", [OAUTH_COMPANY])
    query = urlencode({"process": "connect", "next": "/fiken/connection/"})
    authorize = client.post(f"{reverse('fiken_login')}?{query}")["Location"]
    consent = requests.get(authorize, allow_redirects=False, timeout=5)
    callback = urlsplit(consent.headers["Location"])
    response = client.get(f"{callback.path}?{callback.query}")
    assert response.status_code == 302, response.content
    return SocialAccount.objects.get(provider="fiken")


def run_story(client, admin_user, fake) -> set[str]:
    """Everything that handles a secret, once; returns every secret that existed."""
    secrets = {PERSONAL_TOKEN, CLIENT_SECRET}
    company = ensure_personal_connection().company

    customer = Customer.objects.create(name="Ola AS", email="ola@example.no")
    order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2))
    OrderLine.objects.create(order=order, description="Ullsokker", unit_price_ore=19900)
    order.status = Order.Status.PAID
    order.save()
    drain(company)
    assert fiken_models.FikenInvoice.objects.get().state == "sent"

    # Fiken refuses the token once (a personal token cannot be refreshed: the job fails) and
    # then fails with a 500 (the job waits for a retry); both leave errors on record.
    fake.faults.fail_next(1, status=401, method="PUT")
    customer.name = "Ola Nordmann AS"
    customer.save()
    drain(company)
    fake.faults.fail_next(1, status=500, method="PUT")
    customer.email = "post@ola.example"
    customer.save()
    drain(company)
    recorded = PushJob.objects.exclude(last_error="").values_list("last_error", flat=True)
    assert any("401" in error for error in recorded), list(recorded)
    assert any("500" in error for error in recorded), list(recorded)

    # OAuth: connect, refresh when the token is about to expire, refresh again after a 401.
    admin_user.refresh_from_db()
    client.force_login(admin_user)
    account = connect_fiken_account(client, fake)
    token = SocialToken.objects.get(account=account)
    secrets |= {token.token, token.token_secret}
    SocialToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    oauth_company = FikenCompany.objects.get(slug=OAUTH_COMPANY)
    pull(oauth_company, client=client_for(oauth_company, user=admin_user), only=["company"])
    token.refresh_from_db()
    secrets |= {token.token, token.token_secret}
    fake.faults.fail_next(1, status=401)
    provider = OAuthTokenProvider(account)
    fiken = client_for(oauth_company, user=admin_user)
    fiken.companies.get(OAUTH_COMPANY)
    token.refresh_from_db()
    secrets |= {token.token, token.token_secret}
    assert len(secrets) == 8, "three grants of access and refresh tokens, all different"

    for holder in (provider, fiken, token, account, *FikenConnection.objects.all()):
        for secret in secrets:
            assert secret not in repr(holder), type(holder)
    return secrets


def admin_pages(client) -> dict[str, str]:
    """Every django-fiken change list and change page."""
    pages = {}
    for model in admin.site._registry:
        if model._meta.app_label != "django_fiken":
            continue
        info = (model._meta.app_label, model._meta.model_name)
        url = reverse("admin:{}_{}_changelist".format(*info))
        pages[url] = client.get(url)
        for pk in model.objects.values_list("pk", flat=True):
            url = reverse("admin:{}_{}_change".format(*info), args=[pk])
            pages[url] = client.get(url)
    for url, response in pages.items():
        assert response.status_code == 200, url
    return {url: response.content.decode() for url, response in pages.items()}


def recorded_errors() -> list[str]:
    texts = [str(job.payload) + job.last_error for job in PushJob.objects.all()]
    for model in (fiken_models.FikenContact, fiken_models.FikenInvoice, FikenCompany):
        texts += list(model.objects.values_list("last_error", flat=True))
    texts += list(FikenConnection.objects.values_list("broken_reason", flat=True))
    texts += list(fiken_models.FikenSyncState.objects.values_list("last_error", flat=True))
    return texts


def test_no_secret_in_logs_admin_reprs_or_errors(
    client, admin_user, fake, every_logger_at_debug, capsys
):
    secrets = run_story(client, admin_user, fake)

    pages = admin_pages(client)
    pages["/fiken/connection/"] = client.get("/fiken/connection/").content.decode()
    assert any("/django_fiken/pushjob/" in url for url in pages)
    assert any("/django_fiken/fikenconnection/" in url for url in pages)
    captured = capsys.readouterr()
    logs = [record.getMessage() for record in every_logger_at_debug.records]
    logs += [repr(record.args) for record in every_logger_at_debug.records]
    logs += [str(getattr(record, "fiken", "")) for record in every_logger_at_debug.records]
    assert any("Fiken" in line for line in logs), "the story logged nothing: capture is broken"

    places = {
        "logs": "\n".join(logs),
        "output": captured.out + captured.err,
        "job and mirror errors": "\n".join(recorded_errors()),
        **pages,
    }
    leaks = [
        (where, secret[:4] + "…")
        for where, text in places.items()
        for secret in secrets
        if secret in text
    ]
    assert leaks == []
