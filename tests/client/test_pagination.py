"""Lazy pagination across pages, page objects, resuming from a page."""

from __future__ import annotations

import json
import math
from urllib.parse import parse_qs, urlsplit

import pytest
import responses
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import company_url


def serve_collection(mocked: responses.RequestsMock, path: str, total: int) -> list[dict]:
    """Answer like Fiken: slice by page/pageSize, totals in the Fiken-Api-* headers."""
    items = [{"contactId": n, "name": f"Contact {n}"} for n in range(total)]

    def callback(request):
        query = parse_qs(urlsplit(request.url).query)
        page, size = int(query["page"][0]), int(query["pageSize"][0])
        headers = {
            "Fiken-Api-Page": str(page),
            "Fiken-Api-Page-Size": str(size),
            "Fiken-Api-Page-Count": str(math.ceil(total / size)),
            "Fiken-Api-Result-Count": str(total),
            "Content-Type": "application/json",
        }
        return 200, headers, json.dumps(items[page * size : (page + 1) * size])

    mocked.add_callback(responses.GET, company_url(path), callback=callback)
    return items


def list_calls(mocked) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(call.request.url).query) for call in mocked.calls]


def test_iterating_walks_every_page_with_one_call_per_page(company, mocked):
    items = serve_collection(mocked, "/contacts", total=321)
    contacts = company.contacts.list(customer=True)
    assert len(mocked.calls) == 0, "nothing is fetched before iteration"
    assert list(contacts) == items
    calls = list_calls(mocked)
    assert len(calls) == math.ceil(321 / 100) == 4
    assert [c["page"] for c in calls] == [["0"], ["1"], ["2"], ["3"]]
    assert all(c["pageSize"] == ["100"] and c["customer"] == ["true"] for c in calls)


def test_pages_yield_page_objects_with_fikens_totals(company, mocked):
    serve_collection(mocked, "/contacts", total=253)
    pages = list(company.contacts.list().pages())
    assert [len(p.items) for p in pages] == [100, 100, 53]
    assert [p.page for p in pages] == [0, 1, 2]
    assert {(p.page_size, p.page_count, p.result_count) for p in pages} == {(100, 3, 253)}
    assert pages[-1].is_last and not pages[0].is_last


def test_pages_resume_from_a_page(company, mocked):
    items = serve_collection(mocked, "/contacts", total=253)
    pages = list(company.contacts.list().pages(start_page=1))
    assert [p.page for p in pages] == [1, 2]
    assert [c["page"] for c in list_calls(mocked)] == [["1"], ["2"]]
    assert [i for p in pages for i in p.items] == items[100:]


def test_items_are_fetched_page_by_page_as_iteration_goes(company, mocked):
    serve_collection(mocked, "/contacts", total=250)
    iterator = iter(company.contacts.list())
    for _ in range(100):
        next(iterator)
    assert len(mocked.calls) == 1
    next(iterator)
    assert len(mocked.calls) == 2


def test_custom_page_size_and_empty_collection(company, mocked):
    serve_collection(mocked, "/contacts", total=0)
    assert list(company.contacts.list(page_size=25)) == []
    assert len(mocked.calls) == 1
    assert list_calls(mocked)[0]["pageSize"] == ["25"]


def test_without_totals_a_short_page_is_the_last(company, mocked):
    mocked.get(company_url("/groups"), json=["vip", "b2b"])
    assert list(company.groups.list(page_size=5)) == ["vip", "b2b"]
    assert len(mocked.calls) == 1


@pytest.mark.parametrize("size", [0, 101, "100"])
def test_page_size_outside_fikens_range_is_refused(company, size):
    with pytest.raises(ValueError, match="page_size must be between 1 and 100"):
        company.contacts.list(page_size=size)


def test_first_fetches_one_page(company, mocked):
    serve_collection(mocked, "/contacts", total=250)
    assert company.contacts.list(member_number_string="shop-17").first() == {
        "contactId": 0,
        "name": "Contact 0",
    }
    assert len(mocked.calls) == 1


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(total=st.integers(min_value=0, max_value=350), size=st.integers(min_value=5, max_value=100))
def test_any_collection_takes_one_call_per_page(client, total, size):
    with responses.RequestsMock() as mocked:
        items = serve_collection(mocked, "/products", total=total)
        assert list(client.company("acme-as").products.list(page_size=size)) == items
        assert len(mocked.calls) == max(1, math.ceil(total / size))
