"""Pagination invariants for any collection size and page size (property-based)."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from django_fiken.testing import FakeFiken, FakeRequest
from django_fiken.testing.handlers.base import Context


def _page(items: list[int], page: int, size: int):
    fake = FakeFiken(validate=False)
    request = FakeRequest("GET", "api", "/x", f"page={page}&pageSize={size}")
    return Context(fake, request, None, {}, None).page(items, render=lambda n: {"n": n})


@settings(max_examples=60, deadline=None)
@given(total=st.integers(0, 450), size=st.integers(1, 100))
def test_pages_cover_the_collection_exactly_once(total, size):
    items = list(range(total))
    pages = math.ceil(total / size)
    seen = []
    for number in range(pages + 1):  # one page past the end answers empty
        response = _page(items, number, size)
        headers = response.headers
        assert headers["Fiken-Api-Page"] == str(number)
        assert headers["Fiken-Api-Page-Size"] == str(size)
        assert headers["Fiken-Api-Page-Count"] == str(pages)
        assert headers["Fiken-Api-Result-Count"] == str(total)
        body = response.json_body()
        assert len(body) <= size
        seen.extend(item["n"] for item in body)
    assert seen == items
