"""A paginator that can be told its count.

Django's Paginator runs COUNT(*) over the whole list on every page; for an unfiltered list of a
whole province or country that count is the slowest query of the page, while the number is already
known from kept figures (tallies.rollup, funds.ReceiptTally). Pass `count=` when it is known.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # what the cached_property `count` would have computed


class UncountedPage:
    """A page read without counting the list (a count runs the list's whole filter a second time):
    one row more than a page tells whether a next page exists. Reads like Django's `Page` for the
    pagers; `paginator.num_pages` is None, so the pager says "Trang n" without a total."""

    num_pages = None

    def __init__(self, object_list: Any, per_page: int, number: str | int | None) -> None:
        text = str(number or "1")
        self.number = int(text) if text.isascii() and text.isdigit() and 0 < len(text) < 7 and int(text) > 0 else 1
        offset = (self.number - 1) * per_page
        rows = list(object_list[offset : offset + per_page + 1])
        self.has_next = len(rows) > per_page
        self.object_list = rows[:per_page]
        self.has_previous = self.number > 1
        self.paginator = self

    def has_other_pages(self) -> bool:
        return self.has_previous or self.has_next

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1
