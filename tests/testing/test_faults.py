"""Every fault kind, in the responses face and over real HTTP."""

from __future__ import annotations

import contextlib

import pytest
import requests

from .conftest import TOKEN, make_fake

HEADERS = {"Authorization": f"Bearer {TOKEN}"}


@contextlib.contextmanager
def face(kind):
    """(fake, company URL) for the in-process or the HTTP face."""
    fake = make_fake()
    if kind == "mock":
        with fake.mock():
            yield fake, f"{fake.api_base}/companies/fiken-demo-as"
    else:
        with fake.serve() as server:
            yield fake, f"{server.url}/companies/fiken-demo-as"
    fake.assert_no_violations()


FACES = pytest.mark.parametrize("kind", ["mock", "http"])


@FACES
@pytest.mark.parametrize(("status", "retry_after"), [(429, "1"), (500, None), (503, "3")])
def test_status_faults(kind, status, retry_after):
    with face(kind) as (fake, company):
        fake.faults.fail_next(
            2, status=status, retry_after=int(retry_after) if retry_after else None
        )
        for _ in range(2):
            response = requests.get(f"{company}/contacts", headers=HEADERS, timeout=5)
            assert response.status_code == status
            assert response.headers.get("Retry-After") == retry_after
            assert "Injected fault" in response.json()["error_description"]
        assert requests.get(f"{company}/contacts", headers=HEADERS, timeout=5).ok
        assert fake.faults.injected == 2


@FACES
def test_fault_filters_by_method_and_path(kind):
    with face(kind) as (fake, company):
        fake.faults.fail_next(1, status=500, method="POST", path_regex=r"/contacts$")
        assert requests.get(f"{company}/contacts", headers=HEADERS, timeout=5).ok
        assert requests.post(
            f"{company}/products",
            headers=HEADERS,
            timeout=5,
            json={"name": "P", "incomeAccount": "3000", "vatType": "HIGH", "active": True},
        ).ok
        failed = requests.post(
            f"{company}/contacts", json={"name": "A"}, headers=HEADERS, timeout=5
        )
        assert failed.status_code == 500
        assert fake.store("fiken-demo-as").contacts == {}


@FACES
def test_connection_reset_is_not_processed(kind):
    with face(kind) as (fake, company):
        fake.faults.reset_next(method="POST")
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{company}/contacts", json={"name": "A"}, headers=HEADERS, timeout=5)
        assert fake.store("fiken-demo-as").contacts == {}
        assert fake.stats.calls("POST")[0].outcome == "reset"


@FACES
def test_slow_response_times_out_unprocessed(kind):
    with face(kind) as (fake, company):
        fake.faults.slow_next(delay=0.6, method="POST")
        with pytest.raises(requests.ReadTimeout):
            requests.post(
                f"{company}/contacts", json={"name": "A"}, headers=HEADERS, timeout=(2, 0.2)
            )
        assert fake.store("fiken-demo-as").contacts == {}


@FACES
def test_commit_then_timeout_creates_the_resource(kind):
    with face(kind) as (fake, company):
        fake.faults.commit_then_timeout(method="POST", path_regex=r"/contacts$", delay=0.6)
        with pytest.raises(requests.ReadTimeout):
            requests.post(
                f"{company}/contacts",
                json={"name": "A", "memberNumberString": "m1"},
                headers=HEADERS,
                timeout=(2, 0.2),
            )
        (stored,) = fake.store("fiken-demo-as").contacts.values()
        assert stored["memberNumberString"] == "m1"
        # The client can find what it created before trying again.
        found = requests.get(
            f"{company}/contacts", params={"memberNumberString": "m1"}, headers=HEADERS, timeout=5
        )
        assert [c["contactId"] for c in found.json()] == [stored["contactId"]]


@FACES
def test_commit_then_reset_creates_the_resource(kind):
    with face(kind) as (fake, company):
        fake.faults.commit_then_reset(method="POST")
        with pytest.raises(requests.ConnectionError):
            requests.post(f"{company}/contacts", json={"name": "A"}, headers=HEADERS, timeout=5)
        assert len(fake.store("fiken-demo-as").contacts) == 1


def _random_run(seed):
    fake = make_fake()
    fake.faults.random(seed=seed, probability=0.5)
    outcomes = []
    with fake.mock():
        for _ in range(30):
            try:
                outcomes.append(
                    requests.get(
                        f"{fake.api_base}/companies/fiken-demo-as/contacts", headers=HEADERS
                    ).status_code
                )
            except requests.ConnectionError:
                outcomes.append("reset")
    return outcomes


def test_random_faults_are_reproducible_per_seed():
    first, again, other = _random_run(7), _random_run(7), _random_run(8)
    assert first == again
    assert first != other
    assert 200 in first and any(o != 200 for o in first)


def test_random_probability_must_be_a_probability():
    fake = make_fake()
    with pytest.raises(ValueError, match="probability"):
        fake.faults.random(seed=1, probability=1.5)


def test_unknown_fault_kind_is_refused():
    from django_fiken.testing.faults import Fault

    with pytest.raises(ValueError, match="Unknown fault kind"):
        Fault("explode")


def test_mock_face_refuses_every_other_url():
    fake = make_fake()
    with fake.mock(), pytest.raises(requests.ConnectionError):
        requests.get("https://example.com/")
