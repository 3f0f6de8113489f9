"""What every benchmark shares: Django on the benchmark settings, a fresh database, the fake
Fiken with Fiken's limits, qcluster subprocesses, timing of the fake's traffic, and the report.

Benchmarks are scripts, not tests: ``python benchmarks/bench_push.py --n 50``. Each prints a
table and writes ``benchmarks/results/<name>.json``.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "benchmarks" / "results"
SLUG = "fiken-demo-as"
TOKEN = "test-personal-token"


def setup_django() -> None:
    """Configure Django with ``benchmarks.settings`` (the repository on ``sys.path``)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    spec = REPO.parent / "shared" / "fiken" / "openapi.yaml"
    os.environ.setdefault("FIKEN_OPENAPI_SPEC", str(spec))
    import django

    django.setup()


def fresh_database() -> None:
    """Drop and recreate the benchmark database, migrate it, and empty the benchmark Redis db."""
    import psycopg
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connections

    db = settings.DATABASES["default"]
    connections.close_all()
    with psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname="postgres", autocommit=True
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')
    call_command("migrate", run_syncdb=True, verbosity=0)
    redis.from_url(settings.REDIS_URL).flushdb()


def make_fake(*, rate_limit: float | None = 4.0, validate_responses: str = "all", slugs=(SLUG,)):
    """The fake Fiken with Fiken's limits (1 in flight per token, ``rate_limit`` per second)."""
    from django.conf import settings

    from django_fiken.testing import FakeFiken

    fake = FakeFiken(
        spec_path=settings.FIKEN["OPENAPI_SPEC"],
        rate_limit=rate_limit,
        enforce_concurrency=True,
        validate_responses=validate_responses,
    )
    for slug in slugs:
        fake.add_company(slug, name=slug, organization_number="923609016")
        fake.add_bank_account(slug, bank_account_number="12345678903", account_code="1920:10001")
        fake.initialise_counters(slug)
    fake.add_personal_token(TOKEN, companies=list(slugs))
    return fake


class RequestClock:
    """Records when each request reached the fake (monotonic seconds), by token key."""

    def __init__(self, fake: Any):
        self.starts: list[tuple[float, str]] = []
        self._lock = threading.Lock()
        original = fake.handle

        def handle(request: Any) -> Any:
            from django_fiken.testing.auth import limit_key

            key = limit_key(request.bearer_token) if request.area == "api" else "oauth"
            with self._lock:
                self.starts.append((time.monotonic(), key))
            return original(request)

        fake.handle = handle

    def rate(self, key: str | None = None, since: float = 0.0) -> tuple[int, float, float]:
        """(requests, seconds from first to last start, requests/s over that span)."""
        with self._lock:
            times = [t for t, k in self.starts if (key is None or k == key) and t >= since]
        if len(times) < 2:
            return len(times), 0.0, 0.0
        span = times[-1] - times[0]
        return len(times), span, (len(times) - 1) / span if span else 0.0


class Worker:
    """``manage.py qcluster`` with the benchmark settings, in its own process group."""

    def __init__(self, fiken: dict[str, Any], q_cluster: dict[str, Any] | None = None, name="w"):
        RESULTS.mkdir(parents=True, exist_ok=True)
        self.log_path = RESULTS / f"qcluster-{name}.log"
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "benchmarks.settings",
            "FIKEN_BENCH_FIKEN": json.dumps(fiken),
            "FIKEN_BENCH_Q_CLUSTER": json.dumps(q_cluster or {}),
        }
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "django", "qcluster"],
                cwd=REPO,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def wait_until(predicate: Callable[[], Any], timeout: float, what: str, poll: float = 0.5) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise SystemExit(f"Timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(poll)


def queue_idle() -> bool:
    from django_fiken.models import JobStatus, PushJob

    return not PushJob.objects.filter(status__in=[JobStatus.PENDING, JobStatus.RUNNING]).exists()


def machine() -> dict[str, Any]:
    import django

    try:
        with open("/proc/meminfo") as fh:
            mem_kb = int(fh.readline().split()[1])
    except OSError:
        mem_kb = 0
    return {
        "cpus": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024),
        "python": platform.python_version(),
        "django": django.get_version(),
        "platform": platform.platform(),
    }


def report(name: str, rows: Iterable[tuple[str, Any, str, str]], extra: dict[str, Any]) -> Path:
    """Print ``(metric, value, target, verdict)`` rows as a table and write the JSON file."""
    rows = [(str(m), _fmt(v), str(t), str(ok)) for m, v, t, ok in rows]
    headers = ("metric", "value", "target", "met")
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(f"\n{name}\n{line}\n" + "  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    data = {
        "benchmark": name,
        "finished_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "rows": [dict(zip(headers, r, strict=True)) for r in rows],
        **extra,
    }
    path.write_text(json.dumps(data, indent=2, default=str))
    print(f"\nwrote {path.relative_to(REPO)}")
    return path


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("yes" if ok else "NO")


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 100 else f"{value:.1f}"
    return str(value)
