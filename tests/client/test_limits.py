"""The limiter: one request in flight per token, at most ``rate`` starts per second, across
threads (LocMem and Redis caches, in-process limiter) and processes (Redis, the HTTP fake)."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
import requests
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

from django_fiken.client import (
    CacheLimiter,
    FikenClient,
    LimiterTimeout,
    LocalLimiter,
    StaticTokenProvider,
)
from django_fiken.client.limits import KEY_PREFIX
from django_fiken.testing import FakeFiken

from .conftest import REPO_DIR, TOKEN

REDIS_URL = "redis://127.0.0.1:6379/15"


class RecordingAdapter(requests.adapters.BaseAdapter):
    """A transport that records when each request starts and ends, and how many overlap."""

    def __init__(self, hold: float = 0.005) -> None:
        super().__init__()
        self.hold = hold
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self.starts: list[float] = []

    def send(self, request, **kwargs):
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            self.starts.append(time.monotonic())
        time.sleep(self.hold)
        with self._lock:
            self.in_flight -= 1
        response = requests.Response()
        response.status_code = 200
        response._content = b"{}"
        response.headers["Content-Type"] = "application/json"
        response.request = request
        response.url = request.url
        return response

    def close(self) -> None:
        pass


def hammer(make_limiter, *, threads: int, per_thread: int, rate: float) -> RecordingAdapter:
    """``threads`` clients (each with its own limiter object on the shared backend) at once."""
    adapter = RecordingAdapter()
    session = requests.Session()
    session.mount("https://", adapter)
    errors: list[BaseException] = []
    barrier = threading.Barrier(threads)

    def work() -> None:
        client = FikenClient(StaticTokenProvider(TOKEN), session=session, limiter=make_limiter())
        barrier.wait()
        try:
            for _ in range(per_thread):
                client.user.get()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=30)
    assert not errors, errors
    assert len(adapter.starts) == threads * per_thread
    return adapter


def assert_spaced(starts: list[float], rate: float) -> None:
    """Starts are spaced by the limiter, not bunched.

    The transport times a start just after the limiter releases the request, so a thread that is
    descheduled in between (a loaded CI machine) shifts that one start later and shortens the
    next gap. The bounds leave room for that and still fail without a limiter, where all starts
    fall within a few milliseconds of each other.
    """
    ordered = sorted(starts)
    gaps = [b - a for a, b in itertools.pairwise(ordered)]
    assert min(gaps) >= 0.5 / rate, f"starts {min(gaps):.4f} s apart at rate {rate}"
    for i, start in enumerate(ordered):
        in_window = [s for s in ordered[i:] if s < start + 1.0]
        assert len(in_window) <= rate + 1, f"{len(in_window)} starts within one second"


@pytest.fixture
def redis_cache():
    cache = RedisCache(REDIS_URL, {"KEY_PREFIX": f"test-{uuid.uuid4().hex}"})
    yield cache
    # Only our keys (clear() would flush the whole Redis database).
    lock_key = KEY_PREFIX + StaticTokenProvider(TOKEN).limit_key
    cache.delete_many([lock_key, lock_key + ":last-start"])


def test_threads_through_a_locmem_cache_take_turns():
    name = f"limiter-{uuid.uuid4().hex}"  # LocMemCache objects of one name share storage
    rate = 20.0
    adapter = hammer(
        lambda: CacheLimiter(LocMemCache(name, {}), rate=rate), threads=4, per_thread=6, rate=rate
    )
    assert adapter.max_in_flight == 1
    assert_spaced(adapter.starts, rate)


def test_threads_through_redis_take_turns(redis_cache):
    rate = 20.0
    adapter = hammer(
        lambda: CacheLimiter(redis_cache, rate=rate), threads=4, per_thread=6, rate=rate
    )
    assert adapter.max_in_flight == 1
    assert_spaced(adapter.starts, rate)


def test_threads_through_the_in_process_limiter_take_turns():
    rate = 20.0
    shared = LocalLimiter(rate=rate)
    adapter = hammer(lambda: shared, threads=4, per_thread=6, rate=rate)
    assert adapter.max_in_flight == 1
    assert_spaced(adapter.starts, rate)


def test_fikens_real_rate_against_the_fake_with_ten_requests():
    """At the default 4/s, through the fake's own limits: no 429, one in flight, <= 4/s."""
    fake = FakeFiken(rate_limit=4.0, enforce_concurrency=True)
    fake.add_company("acme-as")
    fake.add_personal_token(TOKEN, companies=["acme-as"])
    name = f"limiter-{uuid.uuid4().hex}"
    errors: list[BaseException] = []
    with fake.serve() as server:

        def work() -> None:
            client = FikenClient(
                StaticTokenProvider(TOKEN), server.url, cache=LocMemCache(name, {}), max_retries=0
            )
            try:
                for _ in range(5):
                    client.company("acme-as").contacts.list().page(0)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        workers = [threading.Thread(target=work) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=30)
    assert not errors, errors
    assert fake.stats.total_requests == 10
    assert fake.stats.rate_limited == 0
    assert fake.stats.max_in_flight == 1
    assert fake.stats.max_rate <= 4
    fake.assert_no_violations()


def test_two_processes_through_redis_keep_the_fake_at_one_in_flight():
    fake = FakeFiken(rate_limit=None, enforce_concurrency=True)
    fake.add_company("acme-as")
    fake.add_personal_token(TOKEN, companies=["acme-as"])
    prefix = f"test-{uuid.uuid4().hex}"
    with fake.serve() as server:
        command = [
            sys.executable,
            "-m",
            "tests.client.limiter_worker",
            f"--base-url={server.url}",
            f"--token={TOKEN}",
            "--slug=acme-as",
            f"--redis={REDIS_URL}",
            f"--key-prefix={prefix}",
            "--requests=12",
            "--rate=20",
        ]
        workers = [
            subprocess.Popen(command, cwd=REPO_DIR, stdout=subprocess.PIPE, text=True)
            for _ in range(2)
        ]
        outputs = [worker.communicate(timeout=60)[0] for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0]
    assert outputs == ["done 12\n", "done 12\n"]
    assert fake.stats.total_requests == 24
    assert fake.stats.max_in_flight == 1
    assert fake.stats.rate_limited == 0
    assert fake.stats.max_rate <= 20
    fake.assert_no_violations()


def test_a_killed_holder_frees_the_lock_after_its_lease(redis_cache):
    prefix = f"test-{uuid.uuid4().hex}"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.client.limiter_worker",
            "--base-url=https://unused.invalid",
            f"--token={TOKEN}",
            "--slug=acme-as",
            f"--redis={REDIS_URL}",
            f"--key-prefix={prefix}",
            "--hold",
        ],
        cwd=REPO_DIR,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        cache = RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
        limit_key = StaticTokenProvider(TOKEN).limit_key
        busy = CacheLimiter(cache, max_wait=0.2)
        with pytest.raises(LimiterTimeout, match="another process has held it"):
            busy.slot(limit_key).__enter__()
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=5)
        entered = False
        with CacheLimiter(cache, max_wait=5).slot(limit_key):
            entered = True
        assert entered
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate(timeout=5)


def test_release_never_deletes_someone_elses_lock():
    cache = LocMemCache(f"limiter-{uuid.uuid4().hex}", {})
    limiter = CacheLimiter(cache)
    lock_key = KEY_PREFIX + "token-a"
    # Our lease expired and another process took the lock with its own owner value.
    cache.set(lock_key, "owner-b", 60)
    limiter._release(lock_key, "owner-a")
    assert cache.get(lock_key) == "owner-b"
    limiter._release(lock_key, "owner-b")
    assert cache.get(lock_key) is None


def test_lock_key_is_the_limit_key_never_the_token():
    seen: list[str] = []

    class SpyCache(LocMemCache):
        def add(self, key, value, timeout=None, version=None):
            seen.append(key)
            return super().add(key, value, timeout, version)

    limiter = CacheLimiter(SpyCache(f"limiter-{uuid.uuid4().hex}", {}))
    provider = StaticTokenProvider(TOKEN)
    with limiter.slot(provider.limit_key):
        pass
    assert seen == [KEY_PREFIX + provider.limit_key]
    assert TOKEN not in seen[0]


def test_bounded_wait_in_process():
    limiter = LocalLimiter(max_wait=0.05)
    with limiter.slot("k"):
        outcome: list[BaseException] = []

        def contender() -> None:
            try:
                with limiter.slot("k"):
                    pass
            except LimiterTimeout as exc:
                outcome.append(exc)

        thread = threading.Thread(target=contender)
        thread.start()
        thread.join(timeout=5)
    assert len(outcome) == 1
    assert "Waited 0.05 s" in str(outcome[0])


def test_different_tokens_do_not_wait_for_each_other():
    limiter = LocalLimiter(max_wait=0.05)
    with limiter.slot("token-a"), limiter.slot("token-b"):
        entered = True
    assert entered


@pytest.mark.parametrize("rate", [0, -1, "4"])
def test_rate_must_be_positive(rate):
    with pytest.raises(ValueError, match="positive number of requests per second"):
        LocalLimiter(rate=rate)
