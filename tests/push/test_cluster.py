"""End to end: host saves in this process, a real `qcluster` subprocess pushing to the fake's
HTTP face (served from this process), through the ORM broker or Redis."""

from __future__ import annotations

import datetime

import pytest

from django_fiken.auth import ensure_personal_connection
from django_fiken.models import FikenContact, FikenInvoice, JobStatus, PushJob
from tests.push.cluster import Cluster, wait_for
from tests.push.conftest import SLUG, make_fake
from tests.testapp.models import Customer, Order, OrderLine

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def served():
    fake = make_fake()
    fake.initialise_counters(SLUG)
    with fake.serve() as server:
        yield fake, server
    fake.assert_no_violations()


def worker_fiken(server, **queue):
    return {
        "BASE_URL": server.url,
        "RATE_LIMIT": 4.0,
        "QUEUE": {"INLINE_WAIT_SECONDS": 5, "LEASE_SECONDS": 5, **queue},
    }


def idle():
    return not PushJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists()


def test_saves_reach_fiken_through_the_cluster(served, settings):
    fake, server = served
    settings.FIKEN = {**settings.FIKEN, "QUEUE": {"COALESCE_SECONDS": 1.0}}
    ensure_personal_connection()
    cluster = Cluster(worker_fiken(server)).start()
    try:
        customer = Customer.objects.create(name="Kari Nordmann", email="kari@example.no")
        contact = wait_for(
            lambda: FikenContact.objects.filter(
                member_number_string=f"customer-{customer.pk}", fiken_id__isnull=False
            ).first(),
            what="the contact in Fiken",
            cluster=cluster,
        )
        assert fake.store(SLUG).contacts[contact.fiken_id]["name"] == "Kari Nordmann"

        # 50 rapid saves while the push waits in its coalescing window: one PUT.
        for n in range(50):
            customer.name = f"Kari Nordmann {n}"
            customer.save()
        wait_for(idle, what="the coalesced push", cluster=cluster)
        puts = fake.stats.calls("PUT", r"/contacts/\d+$")
        assert len(puts) == 1
        assert fake.store(SLUG).contacts[contact.fiken_id]["name"] == "Kari Nordmann 49"

        order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2))
        OrderLine.objects.create(order=order, description="Ullsokker", unit_price_ore=19900)
        order.status = Order.Status.PAID
        order.save()
        invoice = wait_for(
            lambda: FikenInvoice.objects.filter(host_key=f"order-{order.pk}", state="sent").first(),
            what="the invoice issued and sent",
            cluster=cluster,
        )
        invoices = list(fake.store(SLUG).invoices.values())
        assert [i["invoiceId"] for i in invoices] == [invoice.fiken_id]
        assert fake.stats.max_in_flight <= 1
    finally:
        cluster.stop()
