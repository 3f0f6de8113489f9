"""Host save overhead: what registering the app's adapters adds to a shop's own saves.

Each case saves a host object ``--n`` times, each in its own transaction (so the outbox's
``on_commit`` hand-off to django-q2 is included), with the test shop's adapters registered and
without (rounds alternate), on PostgreSQL with Redis as cache and broker. Counts SQL statements
per save (all of them, and those on django-fiken's tables) and HTTP requests (``responses``
intercepts every one, so any would show).

    python benchmarks/bench_save.py [--n 300]
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import time
from collections.abc import Callable

from common import fresh_database, report, setup_django, verdict


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="saves per case")
    args = parser.parse_args()
    setup_django()
    fresh_database()
    import responses
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from django_fiken import adapters
    from django_fiken.auth import ensure_personal_connection
    from tests.testapp.fiken import CustomerAdapter, OrderAdapter
    from tests.testapp.models import Customer, Order, OrderLine

    ensure_personal_connection()
    date = datetime.date(2026, 11, 2)

    def measure(action: Callable[[int], None], rounds: range) -> tuple[list, list, list]:
        """Per call of ``action`` in its own transaction: ms, SQL statements, the app's own."""
        timings, queries, own = [], [], []
        for i in rounds:
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                with transaction.atomic():
                    action(i)
                timings.append((time.perf_counter() - started) * 1000)
            statements = [
                q for q in captured.captured_queries if q["sql"] not in ("BEGIN", "COMMIT")
            ]
            statements = [q["sql"] for q in statements if not q["sql"].startswith("SAVEPOINT")]
            queries.append(len(statements))
            own.append(sum(1 for sql in statements if '"django_fiken_' in sql))
        return timings, queries, own

    def cases() -> dict[str, Callable[[int], None]]:
        customer = Customer.objects.create(name="Kari", email="kari@example.no")
        order = Order.objects.create(customer=customer, order_date=date)
        OrderLine.objects.create(order=order, description="Ullsokker", unit_price_ore=19900)

        def create_customer(i: int) -> None:
            Customer.objects.create(name=f"Kunde {i}", email=f"k{i}@example.no")

        def rename_customer(i: int) -> None:
            customer.name = f"Kari {i}"
            customer.save()

        def unwatched_field(i: int) -> None:
            customer.loyalty_points = i
            customer.save()

        def paid_order_save(i: int) -> None:
            order.note = f"note {i}"
            order.status = Order.Status.PAID
            order.save()

        return {
            "customer create": create_customer,
            "customer save, pushed field changed": rename_customer,
            "customer save, unpushed field changed": unwatched_field,
            "paid order save (1 line)": paid_order_save,
        }

    # Rounds alternate between registered and unregistered so that load on the machine (and
    # PostgreSQL's commit latency) weighs on both alike.
    samples: dict[str, dict[str, tuple[list, list, list]]] = {}
    rounds = 4
    per_round = max(1, args.n // rounds)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        for number in range(rounds):
            for registered in (True, False):
                label = "with adapters" if registered else "without adapters"
                if registered:
                    adapters.register("testapp.Customer", CustomerAdapter)
                    adapters.register("testapp.Order", OrderAdapter)
                else:
                    adapters.unregister("testapp.Customer")
                    adapters.unregister("testapp.Order")
                for name, action in cases().items():
                    action(-1)  # warm up: the company and content types are cached per process
                    taken = measure(action, range(number * per_round, (number + 1) * per_round))
                    bucket = samples.setdefault(name, {}).setdefault(label, ([], [], []))
                    for into, values in zip(bucket, taken, strict=True):
                        into.extend(values)
        http_requests = len(http.calls)

    rows = []
    results = {}
    for name, measured in samples.items():
        with_ms, with_q, with_own = measured["with adapters"]
        without_ms, without_q, _ = measured["without adapters"]
        extra = statistics.mean(with_q) - statistics.mean(without_q)
        own = statistics.mean(with_own)
        results[name] = {
            "with_adapters": {"median_ms": statistics.median(with_ms), "queries": with_q[0]},
            "without_adapters": {
                "median_ms": statistics.median(without_ms),
                "queries": without_q[0],
            },
            "app_statements": own,
        }
        rows.append((f"{name}: SQL statements", f"{max(with_q)} vs {max(without_q)}", "", ""))
        rows.append((f"{name}: django-fiken's statements", own, "<= 2", verdict(own <= 2)))
        if extra != own:
            rows.append((f"{name}: all extra statements", extra, "", ""))
        rows.append(
            (
                f"{name}: median ms",
                f"{statistics.median(with_ms):.2f} vs {statistics.median(without_ms):.2f}",
                "",
                "",
            )
        )
    rows.append(("HTTP requests during all saves", http_requests, "0", verdict(http_requests == 0)))
    report(
        "save",
        rows,
        {
            "n": args.n,
            "results": results,
        },
    )


if __name__ == "__main__":
    main()
