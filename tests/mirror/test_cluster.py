"""The pull tasks in a real django-q2 cluster (a `qcluster` subprocess) against the fake's HTTP
face: what the schedule enqueues and what the admin's refresh action enqueues really run."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django_q.tasks import async_task

from django_fiken.auth import ensure_personal_connection
from django_fiken.models import FikenContact
from django_fiken.tasks import install_pull_schedule
from django_fiken.testing.core import FakeFiken
from tests.push.cluster import Cluster, wait_for

from .conftest import SLUG, TOKEN

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def served():
    fake = FakeFiken(spec_path=django_settings.FIKEN["OPENAPI_SPEC"])
    fake.add_company(SLUG, name="Fiken Demo AS", organization_number="923609016")
    fake.add_personal_token(TOKEN, companies=[SLUG])
    with fake.serve() as server:
        yield fake, server
    fake.assert_no_violations()


def test_scheduled_pull_and_admin_refresh_run_in_the_cluster(served, admin_client):
    fake, server = served
    for name in ("Kari", "Ola", "Per"):
        fake.add_contact(SLUG, name=name, customer=True)
    ensure_personal_connection()
    schedule, _ = install_pull_schedule()
    cluster = Cluster({"BASE_URL": server.url}).start()
    try:
        async_task(schedule.func)  # what the scheduler enqueues every INTERVAL_MINUTES
        wait_for(
            lambda: FikenContact.objects.count() == 3, what="the pulled contacts", cluster=cluster
        )
        kari = FikenContact.objects.get(name="Kari")
        fake.store(SLUG).contacts[kari.fiken_id]["name"] = "Kari Nordmann"

        response = admin_client.post(
            reverse("admin:django_fiken_fikencontact_changelist"),
            {"action": "refresh_from_fiken", "_selected_action": [kari.pk]},
        )
        assert response.status_code == 302
        wait_for(
            lambda: FikenContact.objects.filter(pk=kari.pk, name="Kari Nordmann").exists(),
            what="the refreshed contact",
            cluster=cluster,
        )
        assert fake.stats.max_in_flight <= 1
    finally:
        cluster.kill()  # nothing left to finish; a graceful stop waits for its timeout
