"""A paginator that can be told its count.

Django's Paginator runs COUNT(*) over the whole list on every page; for an unfiltered list of a
whole province or country that count is the slowest query of the page, while the number is already
known from kept figures (reports.rollup, funds.ReceiptTally). Pass `count=` when it is known.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator


class CountedPaginator(Paginator):
    def __init__(self, object_list: Any, per_page: int, *, count: int | None = None, **kwargs: Any) -> None:
        super().__init__(object_list, per_page, **kwargs)
        if count is not None:
            self.__dict__["count"] = count  # what the cached_property `count` would have computed
