"""Resync: a full and an incremental pull of a large company from the fake Fiken over HTTP.

The fake is seeded with ``--n`` contacts and ``--n`` invoices (default 10,000 each) and served
from this process with its rate limit off (one request in flight per token stays enforced); the
pull runs in a fresh child process (so its peak RSS is the pull's own) with the client's
``RATE_LIMIT`` raised to match. Reports list calls per collection, wall time, peak RSS, and
what an incremental pull right after costs when nothing changed.

    python benchmarks/bench_resync.py [--n 10000] [--validate all|sample|off]

``--validate`` is the fake's response validation against the OpenAPI spec: ``all`` validates
every response, ``sample`` one in 25 (requests are always validated).
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter

from common import (
    REPO,
    SLUG,
    fresh_database,
    make_fake,
    report,
    setup_django,
    verdict,
)

LIST_PATHS = {
    "bank_accounts": r"/bankAccounts$",
    "products": r"/products$",
    "contacts": r"/contacts$",
    "invoices": r"/invoices$",
    "sales": r"/sales$",
    "credit_notes": r"/creditNotes$",
}


def child(mode: str) -> None:
    """Run one pull in this (fresh) process and print what it cost as JSON.

    Collections are pulled one after another (as ``pull`` does) and timed separately; time
    spent waiting for the fake's answers is summed apart, as the fake runs in the parent.
    """
    setup_django()
    import requests

    from django_fiken.models import FikenCompany
    from django_fiken.sync.pull import ORDER, pull

    waiting = [0.0]
    send = requests.Session.send

    def timed_send(self, request, **kwargs):
        started = time.perf_counter()
        try:
            return send(self, request, **kwargs)
        finally:
            waiting[0] += time.perf_counter() - started

    requests.Session.send = timed_send
    company = FikenCompany.objects.get(slug=SLUG)
    rss_before = peak_rss_mb()
    seconds_by_collection, summaries = {}, {}
    started = time.perf_counter()
    for collection in ORDER:
        began = time.perf_counter()
        summaries.update(pull(company, full=mode == "full", only=[collection]).as_dict())
        seconds_by_collection[collection] = time.perf_counter() - began
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "seconds": seconds,
                "seconds_waiting_for_fiken": waiting[0],
                "seconds_by_collection": seconds_by_collection,
                "peak_rss_mb": peak_rss_mb(),
                "rss_before_pull_mb": rss_before,
                "summary": summaries,
            }
        )
    )


def peak_rss_mb() -> float:
    """This process's peak RSS (``VmHWM``). ``getrusage``'s ``ru_maxrss`` is no use here: Linux
    carries it over from the parent across fork and exec, and the parent holds the seeded fake."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_child(mode: str, base_url: str, profile: bool = False) -> dict:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
        "FIKEN_BENCH_FIKEN": json.dumps({"BASE_URL": base_url, "RATE_LIMIT": 10_000}),
    }
    done = subprocess.run(
        [
            sys.executable,
            *(
                ["-m", "cProfile", "-o", str(REPO / "benchmarks" / "results" / f"{mode}.prof")]
                if profile
                else []
            ),
            __file__,
            "--child",
            mode,
        ],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"The {mode} pull failed:\n{done.stdout}\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def list_calls(fake) -> dict[str, int]:
    calls = [c for c in fake.stats.calls() if c.method == "GET"]
    return {
        name: sum(1 for c in calls if re.search(pattern, c.path))
        for name, pattern in LIST_PATHS.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000, help="contacts and invoices (each)")
    parser.add_argument("--validate", choices=("all", "sample", "off"), default="all")
    parser.add_argument("--profile", action="store_true", help="cProfile the pulls (results/)")
    parser.add_argument("--child", choices=("full", "incremental"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return

    setup_django()
    fresh_database()
    from django_fiken.auth import ensure_personal_connection
    from django_fiken.models import FikenContact, FikenInvoice

    ensure_personal_connection()
    fake = make_fake(rate_limit=None, validate_responses=args.validate)
    # The records were last modified a month ago: an incremental pull's window (the last pull
    # minus FIKEN["PULL"]["OVERLAP_SECONDS"]) then holds nothing, as after a quiet night.
    fake.state.today = lambda: datetime.date.today() - datetime.timedelta(days=30)
    started = time.perf_counter()
    contact_ids = [
        fake.add_contact(
            SLUG, name=f"Kunde {i}", email=f"k{i}@example.no", customer=True,
            memberNumberString=f"customer-{i}",
        )["contactId"]
        for i in range(args.n)
    ]  # fmt: skip
    line = {"description": "Ullsokker", "unitPrice": 19900, "quantity": 2, "vatType": "HIGH",
            "incomeAccount": "3000"}  # fmt: skip
    for i in range(args.n):
        fake.add_invoice(
            SLUG, contact_ids[i % len(contact_ids)], [line], bank_account_code="1920:10001"
        )
    seed_seconds = time.perf_counter() - started
    fake.state.today = datetime.date.today

    with fake.serve() as server:
        full = run_child("full", server.url, args.profile)
        full_calls = list_calls(fake)
        full_statuses = Counter(c.status for c in fake.stats.calls())
        fake.reset_stats()
        incremental = run_child("incremental", server.url, args.profile)
        incremental_calls = list_calls(fake)
        incremental_total = fake.stats.summary()["total_requests"]

    pages = math.ceil(args.n / 100)
    contacts = FikenContact.objects.count()
    invoices = FikenInvoice.objects.count()
    rows = [
        ("contacts / invoices in the fake", f"{args.n} / {args.n}", "", ""),
        ("fake response validation", args.validate, "", ""),
        ("seeding the fake (s)", seed_seconds, "", ""),
        (
            "full: contact list calls",
            full_calls["contacts"],
            str(pages),
            verdict(full_calls["contacts"] == pages),
        ),
        (
            "full: invoice list calls",
            full_calls["invoices"],
            str(pages),
            verdict(full_calls["invoices"] == pages),
        ),
        ("full: all list calls", json.dumps(full_calls), "", ""),
        ("full: time, limiter off (s)", full["seconds"], "<= 15", verdict(full["seconds"] <= 15)),
        ("full: of which waiting for the fake (s)", full["seconds_waiting_for_fiken"], "", ""),
        (
            "full: seconds per collection",
            json.dumps({k: round(v, 1) for k, v in full["seconds_by_collection"].items()}),
            "",
            "",
        ),
        (
            "full: peak RSS of the pulling process (MB)",
            full["peak_rss_mb"],
            "<= 150",
            verdict(full["peak_rss_mb"] <= 150),
        ),
        ("full: RSS before the pull started (MB)", full["rss_before_pull_mb"], "", ""),
        (
            "mirrored contacts / invoices",
            f"{contacts} / {invoices}",
            f"{args.n} / {args.n}",
            verdict(contacts == invoices == args.n),
        ),
        ("incremental, nothing changed: time (s)", incremental["seconds"], "", ""),
        ("incremental: list calls", json.dumps(incremental_calls), "1 per collection", ""),
        (
            "incremental: most list calls of one collection",
            max(incremental_calls.values()),
            "1",
            verdict(max(incremental_calls.values()) <= 1),
        ),
        ("incremental: all requests", incremental_total, "", ""),
    ]
    report(
        "resync",
        rows,
        {
            "n": args.n,
            "validate": args.validate,
            "full": full,
            "incremental": incremental,
            "full_list_calls": full_calls,
            "full_statuses": dict(full_statuses),
            "incremental_list_calls": incremental_calls,
        },
    )


if __name__ == "__main__":
    main()
