"""Fiken's limits per token: one request in flight, a max rate; and what the stats record."""

from __future__ import annotations

import threading

import requests

from .conftest import COMPANY, TOKEN, make_fake


def _headers(token=TOKEN):
    return {"Authorization": f"Bearer {token}"}


def test_rate_limit_429_with_retry_after_and_recovery(clock):
    fake = make_fake(rate_limit=4, clock=clock)
    with fake.mock():
        statuses = [
            requests.get(f"{COMPANY}/contacts", headers=_headers()).status_code for _ in range(5)
        ]
        assert statuses == [200, 200, 200, 200, 429]
        limited = requests.get(f"{COMPANY}/contacts", headers=_headers())
        assert limited.status_code == 429
        assert limited.headers["Retry-After"] == "1"
        assert "Rate limit" in limited.json()["error_description"]
        clock.advance(1.01)
        assert requests.get(f"{COMPANY}/contacts", headers=_headers()).status_code == 200
    assert fake.stats.rate_limited == 2
    assert fake.stats.max_rate == 6  # starts within one window, rejected ones included
    fake.assert_no_violations()


def test_rate_is_per_token(clock):
    fake = make_fake(rate_limit=2, clock=clock)
    fake.add_personal_token("second", companies=["fiken-demo-as"])
    with fake.mock():
        for token in (TOKEN, TOKEN, "second", "second"):
            assert requests.get(f"{COMPANY}/contacts", headers=_headers(token)).ok
    assert fake.stats.rate_limited == 0
    assert sorted(fake.stats.max_rate_by_key.values()) == [2, 2]
    assert fake.stats.max_rate == 4


def test_rate_limit_off_for_benchmarks(clock):
    fake = make_fake(rate_limit=None, clock=clock)
    with fake.mock():
        assert all(requests.get(f"{COMPANY}/contacts", headers=_headers()).ok for _ in range(20))
    assert fake.stats.max_rate == 20


def test_second_concurrent_request_for_a_token_gets_429():
    fake = make_fake(latency=0.3)
    results: list[int] = []
    with fake.serve() as server:
        url = f"{server.url}/companies/fiken-demo-as/contacts"
        gate = threading.Barrier(2)

        def call():
            gate.wait()
            results.append(requests.get(url, headers=_headers(), timeout=10).status_code)

        threads = [threading.Thread(target=call) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert sorted(results) == [200, 429]
    assert fake.stats.max_in_flight == 2
    assert list(fake.stats.max_in_flight_by_key.values()) == [2]
    assert fake.stats.rate_limited == 1


def test_different_tokens_may_run_in_parallel():
    fake = make_fake(latency=0.3)
    fake.add_personal_token("second", companies=["fiken-demo-as"])
    results: list[int] = []
    with fake.serve() as server:
        url = f"{server.url}/companies/fiken-demo-as/contacts"
        gate = threading.Barrier(2)

        def call(token):
            gate.wait()
            results.append(requests.get(url, headers=_headers(token), timeout=10).status_code)

        threads = [threading.Thread(target=call, args=(t,)) for t in (TOKEN, "second")]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert results == [200, 200]
    assert fake.stats.max_in_flight == 2
    assert set(fake.stats.max_in_flight_by_key.values()) == {1}


def test_call_log_never_holds_the_token(fake, api):
    api.get(f"{COMPANY}/contacts", params={"name": "Kari"})
    api.post(f"{COMPANY}/contacts", json={"name": "Kari"})
    (call,) = fake.stats.calls("GET", r"/contacts$")
    assert (call.method, call.path, call.query, call.status) == (
        "GET",
        "/companies/fiken-demo-as/contacts",
        "name=Kari",
        200,
    )
    assert call.limit_key.startswith("tok-") and TOKEN not in repr(call)
    assert len(fake.stats.calls(path_regex=r"/contacts")) == 2
    assert [c.method for c in fake.stats.calls(operation_id="createContact")] == ["POST"]
    assert fake.stats.calls("DELETE") == []
    assert fake.stats.total_requests == 2
    fake.reset_stats()
    assert fake.stats.total_requests == 0 and fake.stats.calls() == []
