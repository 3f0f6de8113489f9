"""Walking Fiken's paged collections lazily, item by item or page by page.

Fiken pages with ``page`` (from 0) and ``pageSize`` (max 100) and reports the totals in the
``Fiken-Api-Page``, ``Fiken-Api-Page-Size``, ``Fiken-Api-Page-Count`` and
``Fiken-Api-Result-Count`` headers. Nothing is fetched until iteration starts, and a page is only
fetched when the previous one is used up, so a pull can upsert page by page and resume from a
page number after a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import requests

from .transport import json_body

T = TypeVar("T")

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 100


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a collection, with Fiken's totals."""

    items: list[T]
    page: int
    page_size: int
    page_count: int | None
    result_count: int | None

    @property
    def is_last(self) -> bool:
        if self.page_count is not None:
            return self.page + 1 >= self.page_count
        # No totals from the server: a short page is the last one.
        return len(self.items) < self.page_size


def _int_header(response: requests.Response, name: str) -> int | None:
    value = response.headers.get(name)
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


FetchPage = Callable[[Mapping[str, str]], requests.Response]


class Paginated(Generic[T]):
    """A lazy iterable over every item of a collection, across all pages.

    ``for item in paginated`` walks every page; ``paginated.pages(start_page=3)`` yields
    :class:`Page` objects from page 3 on. Each iteration starts over with fresh requests.
    """

    def __init__(self, fetch: FetchPage, query: Mapping[str, str], page_size: int) -> None:
        if not isinstance(page_size, int) or not 1 <= page_size <= MAX_PAGE_SIZE:
            raise ValueError(f"page_size must be between 1 and {MAX_PAGE_SIZE}, got {page_size!r}.")
        self._fetch = fetch
        self._query = dict(query)
        self.page_size = page_size

    def __repr__(self) -> str:
        return f"Paginated(query={self._query!r}, page_size={self.page_size})"

    def page(self, number: int) -> Page[T]:
        """Fetch one page (numbered from 0)."""
        if not isinstance(number, int) or number < 0:
            raise ValueError(f"Page numbers start at 0, got {number!r}.")
        response = self._fetch(
            {**self._query, "page": str(number), "pageSize": str(self.page_size)}
        )
        items: list[Any] = json_body(response, default=[])
        return Page(
            items=items,
            page=_int_header(response, "Fiken-Api-Page") or number,
            page_size=_int_header(response, "Fiken-Api-Page-Size") or self.page_size,
            page_count=_int_header(response, "Fiken-Api-Page-Count"),
            result_count=_int_header(response, "Fiken-Api-Result-Count"),
        )

    def pages(self, start_page: int = 0) -> Iterator[Page[T]]:
        """Every page from ``start_page`` on, one request each, fetched as you go."""
        number = start_page
        while True:
            current = self.page(number)
            yield current
            if current.is_last or not current.items:
                return
            number = current.page + 1

    def __iter__(self) -> Iterator[T]:
        for page in self.pages():
            yield from page.items

    def first(self) -> T | None:
        """The first item, from one request (handy with a filter expected to match one)."""
        return next(iter(self.page(0).items), None)
