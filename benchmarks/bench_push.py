"""Push throughput: host saves → outbox → a real qcluster subprocess → the fake Fiken over HTTP.

The fake enforces Fiken's limits (one request in flight per token, 4 requests/s); the workers'
client is set to the same 4/s. Measures the request rate achieved while work is queued (as a
fraction of the 4/s Fiken permits), 429s, the fake's peak in-flight count per token, calls per
paid order (through a draft and direct) and coalescing (50 saves of one customer → 1 PUT).

    python benchmarks/bench_push.py            # 1,000 customers + 1,000 orders (~30 min)
    python benchmarks/bench_push.py --n 50     # a quick run
"""

from __future__ import annotations

import argparse
import datetime
import math
import re
import time

from common import (
    SLUG,
    RequestClock,
    Worker,
    fresh_database,
    make_fake,
    queue_idle,
    report,
    setup_django,
    verdict,
    wait_until,
)

RATE = 4.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="customers and orders (each)")
    parser.add_argument("--direct", type=int, default=None, help="direct orders (default n/10)")
    args = parser.parse_args()
    n, direct_n = args.n, args.direct if args.direct is not None else max(5, args.n // 10)

    setup_django()
    fresh_database()
    from django.db import transaction

    from django_fiken.auth import ensure_personal_connection
    from django_fiken.models import FikenContact, FikenInvoice, JobStatus, PushJob
    from tests.testapp.fiken import OrderAdapter
    from tests.testapp.models import Customer, Order, OrderLine

    ensure_personal_connection()
    fake = make_fake(rate_limit=RATE)
    clock = RequestClock(fake)

    def paid_orders(customers: list, count: int, offset: int) -> None:
        for i in range(count):
            with transaction.atomic():
                order = Order.objects.create(
                    customer=customers[(offset + i) % len(customers)],
                    order_date=datetime.date(2026, 11, 2),
                )
                OrderLine.objects.create(
                    order=order, description="Ullsokker", unit_price_ore=19900, quantity=2
                )
                OrderLine.objects.create(order=order, description="Frakt", unit_price_ore=4900)
                order.status = Order.Status.PAID
                order.save()

    # Every host save happens before the worker starts, so the fake (served from this process)
    # never competes for the GIL with the save loop: its arrival times stay honest.
    started = time.monotonic()
    customers = [
        Customer.objects.create(name=f"Kunde {i}", email=f"kunde{i}@example.no") for i in range(n)
    ]
    save_ms = (time.monotonic() - started) / n * 1000
    paid_orders(customers, n, 0)
    OrderAdapter.via_draft = False
    paid_orders(customers, direct_n, n)
    OrderAdapter.via_draft = True
    queued_jobs = PushJob.objects.count()

    with fake.serve() as server:
        worker = Worker({"BASE_URL": server.url, "RATE_LIMIT": RATE}, name="push")
        try:
            expected_calls = 3 * n + 4 * n + 3 * direct_n
            wait_until(queue_idle, 120 + expected_calls / RATE * 1.5, "the queue to drain")
            total, span, rate = clock.rate()

            # -- coalescing ------------------------------------------------------------------
            target = customers[0]
            member = f"customer-{target.pk}"
            contact_id = FikenContact.objects.get(member_number_string=member).fiken_id
            for i in range(50):
                target.name = f"Kunde 0 v{i}"
                target.save()
            wait_until(queue_idle, 60, "the coalesced push")
            coalesced_puts = len(fake.stats.calls("PUT", rf"/contacts/{contact_id}$"))
        finally:
            worker.stop()

    calls = fake.stats.calls()
    contact_calls = sum(1 for c in calls if "/contacts" in c.path and c.method != "PUT")
    answered = [c for c in calls if c.status != 429]

    def count(method: str, pattern: str) -> int:
        return sum(1 for c in answered if c.method == method and re.search(pattern, c.path))

    # Every issued invoice is read back once and sent once, whichever way it was created.
    per_invoice = (count("GET", r"/invoices/\d+$") + count("POST", r"/invoices/send$")) / (
        n + direct_n
    )
    draft_per_order = (
        count("POST", r"/invoices/drafts$") + count("POST", r"/drafts/\d+/createInvoice$")
    ) / n + per_invoice
    direct_per_order = count("POST", r"/invoices$") / direct_n + per_invoice
    summary = fake.stats.summary()
    max_in_flight = max(summary["max_in_flight_by_key"].values())
    store = fake.store(SLUG)
    failed = PushJob.objects.exclude(status=JobStatus.SUCCEEDED).exclude(status=JobStatus.CANCELLED)
    invoices = FikenInvoice.objects.filter(state="sent").count()
    rows = [
        ("customers / orders (draft) / orders (direct)", f"{n} / {n} / {direct_n}", "", ""),
        ("jobs queued before the worker started", queued_jobs, "", ""),
        ("host save, mean of a customer create (ms)", save_ms, "", ""),
        ("requests sent while draining", total, "", ""),
        ("drain time (s)", span, "", ""),
        ("requests/s while draining", rate, "", ""),
        ("achieved / permitted (4 req/s)", rate / RATE, ">= 0.95", verdict(rate / RATE >= 0.95)),
        ("429 responses", summary["rate_limited"], "0", verdict(summary["rate_limited"] == 0)),
        ("max in flight per token", max_in_flight, "1", verdict(max_in_flight == 1)),
        ("calls per contact (lookups + create)", contact_calls / n, "", ""),
        ("calls per paid order, via draft", draft_per_order, "<= 3", verdict(draft_per_order <= 3)),
        ("calls per paid order, direct", direct_per_order, "<= 2", verdict(direct_per_order <= 2)),
        ("PUTs after 50 saves of one customer", coalesced_puts, "1", verdict(coalesced_puts == 1)),
        ("contacts in the fake", len(store.contacts), str(n), verdict(len(store.contacts) == n)),
        (
            "invoices in the fake / sent mirrors",
            f"{len(store.invoices)} / {invoices}",
            str(n + direct_n),
            verdict(len(store.invoices) == invoices == n + direct_n),
        ),
        ("jobs not succeeded", failed.count(), "0", verdict(failed.count() == 0)),
        ("spec violations", len(fake.violations), "0", verdict(not fake.violations)),
    ]
    report(
        "push",
        rows,
        {
            "n": n,
            "direct": direct_n,
            "fake_stats": summary,
            "drain_seconds": span,
            "calls_by_path": _calls_by_path(fake),
            "expected_minutes": math.ceil((3 * n + 4 * n) / RATE / 60),
        },
    )


def _calls_by_path(fake) -> dict[str, int]:
    from collections import Counter

    number = re.compile(r"/\d+")
    return dict(
        Counter(f"{c.method} {number.sub('/{id}', c.path)} {c.status}" for c in fake.stats.calls())
    )


if __name__ == "__main__":
    main()
