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


def run_sweep_now():
    """What the cluster's scheduler does every ~30 s, now: run the due sweep schedule.

    django-q2 checks schedules twice a minute; a test cannot wait that long, so it makes the
    sweep due and runs the scheduler tick itself. The sweep task still goes through the broker
    and runs in the cluster.
    """
    from django.utils import timezone
    from django_q.brokers import get_broker
    from django_q.models import Schedule
    from django_q.scheduler import scheduler

    from django_fiken.jobs import SWEEP_SCHEDULE_NAME, install_sweep_schedule

    install_sweep_schedule()
    Schedule.objects.filter(name=SWEEP_SCHEDULE_NAME).update(
        next_run=timezone.now() - datetime.timedelta(seconds=1)
    )
    scheduler(broker=get_broker())


def test_sigkill_mid_push_then_restart_leaves_exactly_one_invoice(served, settings):
    fake, server = served
    settings.FIKEN = {**settings.FIKEN, "QUEUE": {"COALESCE_SECONDS": 0}}
    ensure_personal_connection()
    # Fiken creates the invoice, then the answer takes 20 s: the worker is killed waiting.
    fake.faults.commit_then_timeout(method="POST", path_regex=r"/createInvoice$", delay=20)
    fiken = worker_fiken(server, LEASE_SECONDS=2, INLINE_WAIT_SECONDS=5)
    cluster = Cluster(fiken).start()
    try:
        customer = Customer.objects.create(name="Kari Nordmann", email="kari@example.no")
        order = Order.objects.create(customer=customer, order_date=datetime.date(2026, 11, 2))
        OrderLine.objects.create(order=order, description="Ullsokker", unit_price_ore=19900)
        order.status = Order.Status.PAID
        order.save()
        wait_for(lambda: fake.store(SLUG).invoices, what="Fiken to create it", cluster=cluster)
        cluster.kill()
    finally:
        cluster.stop()
    assert PushJob.objects.filter(status=JobStatus.RUNNING).exists()
    # The killed worker also held the token's request lock (client.limits), which frees itself
    # after its 90 s lease; release it here instead of waiting, as only the outbox is on test.
    from django.core.cache import cache

    from django_fiken.client import StaticTokenProvider
    from django_fiken.client.limits import KEY_PREFIX

    cache.delete(KEY_PREFIX + StaticTokenProvider(settings.FIKEN["API_TOKEN"]).limit_key)

    restarted = Cluster(fiken).start()
    try:
        wait_for(  # the dead worker's lease runs out
            lambda: (
                not PushJob.objects.filter(
                    status=JobStatus.RUNNING, leased_until__gt=datetime.datetime.now(datetime.UTC)
                ).exists()
            ),
            what="the lease to expire",
        )
        run_sweep_now()
        invoice = wait_for(
            lambda: FikenInvoice.objects.filter(host_key=f"order-{order.pk}", state="sent").first(),
            what="the invoice adopted and sent",
            cluster=restarted,
        )
    finally:
        restarted.stop()
    assert len(fake.store(SLUG).invoices) == 1
    assert invoice.fiken_id in fake.store(SLUG).invoices
    assert len(fake.stats.calls("POST", r"/createInvoice$")) == 1
    assert PushJob.objects.filter(kind="issue_invoice", ambiguous=True).exists()


REDIS = {"host": "127.0.0.1", "port": 6379, "db": 13}


def test_tasks_lost_in_a_flushed_redis_are_recovered_by_the_sweep(served, settings, monkeypatch):
    import redis
    from django_q.brokers import get_broker
    from django_q.conf import Conf

    fake, server = served
    settings.FIKEN = {**settings.FIKEN, "QUEUE": {"COALESCE_SECONDS": 0}}
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", REDIS)
    connection = redis.Redis(**REDIS)
    connection.flushdb()
    ensure_personal_connection()

    customer = Customer.objects.create(name="Kari Nordmann")
    broker = get_broker()
    assert broker.info().startswith("Redis")
    assert broker.queue_size() == 1  # the drain task, waiting in Redis
    connection.flushdb()  # Redis restarted without persistence: the task is gone
    assert broker.queue_size() == 0

    cluster = Cluster(worker_fiken(server), {"orm": None, "redis": REDIS}).start()
    try:
        assert PushJob.objects.get().status == JobStatus.PENDING  # the row is the truth
        run_sweep_now()
        contact = wait_for(
            lambda: FikenContact.objects.filter(
                member_number_string=f"customer-{customer.pk}", fiken_id__isnull=False
            ).first(),
            what="the sweep to push the contact",
            cluster=cluster,
        )
    finally:
        cluster.stop()
        connection.flushdb()
    assert list(fake.store(SLUG).contacts) == [contact.fiken_id]


def test_429_and_503_storms_deliver_everything_once_one_request_at_a_time(settings):
    from django_fiken.models import ConnectionKind, FikenCompany, FikenConnection
    from django_fiken.testing.faults import Fault

    fake = make_fake()
    other = "andre-as"
    fake.add_company(other, name="Andre AS")
    fake.add_bank_account(other, bank_account_number="12345678903", account_code="1920:10001")
    fake.add_personal_token("test-personal-token", companies=[SLUG, other])
    for slug in (SLUG, other):
        fake.initialise_counters(slug)
    settings.FIKEN = {**settings.FIKEN, "QUEUE": {"COALESCE_SECONDS": 0}}
    ensure_personal_connection()
    second = FikenCompany.objects.create(slug=other)
    FikenConnection.objects.create(company=second, kind=ConnectionKind.PERSONAL)

    fake.faults.random(
        seed=20261122,
        probability=0.25,
        kinds=[
            Fault("status", status=503),
            Fault("status", status=429, retry_after=1),
            Fault("commit_then_reset"),
        ],
    )
    with fake.serve() as server:
        # The client retries once itself; then the job is rescheduled (its own short backoff).
        fiken = {
            **worker_fiken(server, BACKOFF_BASE_SECONDS=0.2, BACKOFF_MAX_SECONDS=1),
            "MAX_RETRIES": 1,
        }
        cluster = Cluster(fiken, {"workers": 2}).start()
        try:
            orders = []
            for slug in ("", other):
                for n in range(2):
                    customer = Customer.objects.create(
                        name=f"Kunde {n}", email=f"kunde{n}@example.no", fiken_company=slug
                    )
                    order = Order.objects.create(
                        customer=customer, order_date=datetime.date(2026, 11, 2)
                    )
                    OrderLine.objects.create(order=order, description="Vare", unit_price_ore=100)
                    order.status = Order.Status.PAID
                    order.save()
                    orders.append(order)
            wait_for(
                lambda: FikenInvoice.objects.filter(state="sent").count() == len(orders) and idle(),
                timeout=45,
                what="every invoice sent",
                cluster=cluster,
            )
        finally:
            cluster.stop()
    assert fake.faults.injected > 0
    assert set(PushJob.objects.values_list("status", flat=True)) == {JobStatus.SUCCEEDED}
    for slug in (SLUG, other):
        store = fake.store(slug)
        members = [c["memberNumberString"] for c in store.contacts.values()]
        references = [i["orderReference"] for i in store.invoices.values()]
        assert len(members) == len(set(members)) == 2
        assert len(references) == len(set(references)) == 2
        assert all(len(i.get("dispatches") or []) == 1 for i in store.invoices.values())
    assert fake.stats.max_in_flight == 1
    fake.assert_no_violations()
