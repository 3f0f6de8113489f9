"""Scale-out: eight companies, each with its own token, pushed by 1, 2 and 4 workers.

Each company is reached through its own Fiken connection (a user's connected Fiken account,
so a token of its own); every customer belongs to one of the companies. All saves happen first,
then the workers start: one ``qcluster`` with one worker, then two ``qcluster`` processes with
one worker each, then two with two each (PostgreSQL, Redis as broker and limiter cache). The
fake enforces Fiken's limits per token (one in flight, 4 requests/s). Throughput should grow
with min(companies, workers) while no token ever has two requests in flight.

    python benchmarks/bench_scale.py [--per-company 25] [--queue-limit 1]

A drain is one long task per company, so each qcluster takes at most ``--queue-limit`` tasks
from the broker ahead of its workers (django-q2's default, workers², lets the first cluster to
start take most companies and leaves the other's workers idle at the end).
"""

from __future__ import annotations

import argparse

from common import (
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
COMPANIES = [f"butikk-{n}" for n in range(1, 9)]
#: (qcluster processes, workers in each)
LAYOUTS = ((1, 1), (2, 1), (2, 2))


def company_token(slug: str) -> str:
    return f"token-for-{slug}"


def seed(per_company: int) -> None:
    """Users with connected Fiken accounts (one per company) and the shop's customers."""
    from datetime import timedelta

    from allauth.socialaccount.models import SocialAccount, SocialToken
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from django_fiken import adapters
    from django_fiken.models import ConnectionKind, FikenCompany, FikenConnection
    from tests.testapp.fiken import CustomerAdapter
    from tests.testapp.models import Customer

    class CustomerOfOneCompany(CustomerAdapter):
        def company(self, obj: Customer) -> str:
            return COMPANIES[obj.pk % len(COMPANIES)]

    for slug in COMPANIES:
        user = get_user_model().objects.create_user(slug, f"owner@{slug}.example")
        account = SocialAccount.objects.create(user=user, provider="fiken", uid=f"owner@{slug}")
        SocialToken.objects.create(
            account=account,
            token=company_token(slug),
            token_secret=f"refresh-{slug}",
            expires_at=timezone.now() + timedelta(days=1),
        )
        company = FikenCompany.objects.create(slug=slug, name=slug)
        FikenConnection.objects.create(
            company=company, kind=ConnectionKind.OAUTH, user=user, social_account=account
        )
    adapters.unregister("testapp.Customer")
    adapters.register("testapp.Customer", CustomerOfOneCompany)
    for i in range(per_company * len(COMPANIES)):
        Customer.objects.create(name=f"Kunde {i}", email=f"kunde{i}@example.no")


def run_layout(processes: int, workers: int, per_company: int, queue_limit: int) -> dict:
    fresh_database()
    seed(per_company)
    fake = make_fake(rate_limit=RATE, slugs=COMPANIES)
    for slug in COMPANIES:
        fake.add_personal_token(company_token(slug), companies=[slug])
    clock = RequestClock(fake)
    with fake.serve() as server:
        cluster = [
            Worker(
                {"BASE_URL": server.url, "RATE_LIMIT": RATE},
                {"workers": workers, "queue_limit": queue_limit},
                name=f"scale-{processes}x{workers}-{n}",
            )
            for n in range(processes)
        ]
        try:
            expected = 3 * per_company * len(COMPANIES)
            wait_until(queue_idle, 120 + expected / RATE * 1.5, "the queue to drain")
        finally:
            for worker in cluster:
                worker.stop()
    total, span, rate = clock.rate()
    summary = fake.stats.summary()
    per_token = {k: v for k, v in summary["max_in_flight_by_key"].items() if k != "oauth"}
    return {
        "layout": f"{processes} x {workers}",
        "workers": processes * workers,
        "requests": total,
        "seconds": span,
        "requests_per_second": rate,
        "rate_limited": summary["rate_limited"],
        "max_in_flight_per_token": max(per_token.values()),
        "max_in_flight_overall": summary["max_in_flight"],
        "contacts": sum(len(fake.store(slug).contacts) for slug in COMPANIES),
        "violations": len(fake.violations),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-company", type=int, default=25, help="customers per company")
    parser.add_argument(
        "--queue-limit",
        type=int,
        default=1,
        help="django-q2 queue_limit: tasks a cluster takes from the broker ahead of its workers",
    )
    args = parser.parse_args()
    setup_django()
    runs = [run_layout(p, w, args.per_company, args.queue_limit) for p, w in LAYOUTS]
    base = runs[0]["requests_per_second"]
    customers = args.per_company * len(COMPANIES)
    rows = []
    for run in runs:
        n = run["workers"]
        expected = min(len(COMPANIES), n)
        speedup = run["requests_per_second"] / base if base else 0.0
        label = f"{n} worker(s) ({run['layout']})"
        rows += [
            (f"{label}: requests/s", run["requests_per_second"], "", ""),
            (
                f"{label}: speed-up over 1 worker",
                speedup,
                f">= {0.9 * expected:.1f}",
                verdict(speedup >= 0.9 * expected),
            ),
            (
                f"{label}: max in flight per token / overall",
                f"{run['max_in_flight_per_token']} / {run['max_in_flight_overall']}",
                "1 / -",
                verdict(run["max_in_flight_per_token"] == 1),
            ),
            (f"{label}: 429 responses", run["rate_limited"], "0", verdict(not run["rate_limited"])),
            (
                f"{label}: contacts in the fake",
                run["contacts"],
                str(customers),
                verdict(run["contacts"] == customers),
            ),
        ]
    rows.append(("django-q2 queue_limit per qcluster", args.queue_limit, "", ""))
    report(
        "scale",
        rows,
        {
            "per_company": args.per_company,
            "queue_limit": args.queue_limit,
            "companies": COMPANIES,
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
