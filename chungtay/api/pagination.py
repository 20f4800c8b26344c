"""The receipt lists' pages (public and staff): numbered pages with `count`, `next`, `previous` and
`results` as DRF's PageNumberPagination gives, but

- the count comes from the funds' receipt tallies when nothing picks rows (a COUNT(*) over 5 million
  receipts took a second), exact otherwise;
- `next` and `previous` carry a keyset (`after` / `before`: the edge receipt's `YYYY-MM-DD.id`), so a
  client following them reads a deep page at the cost of the first, not by skipping rows (issue 22).
  `page` alone still serves any page, by offset, for clients that count pages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from rest_framework.exceptions import NotFound
from rest_framework.pagination import PageNumberPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from chungtay.portal.public import ReceiptKey

# listing(after, before): the receipts after `after` newest first, or before `before` oldest first,
# or every receipt newest first; sliced and counted in SQL (a queryset or a public list).
Listing = Callable[[ReceiptKey | None, ReceiptKey | None], Any]


def _key(row: Any) -> str:
    """The cursor of a receipt, public (PublicReceipt) or staff (Receipt)."""
    return str(ReceiptKey(row.received_on, row.id))


class ReceiptPagination(PageNumberPagination):
    after_query_param = "after"
    before_query_param = "before"

    def paginate_receipts(self, request: Request, listing: Listing, *, count: int | None) -> Sequence[Any]:
        """One page of `listing`, `count` being its length when known without counting."""
        self.request = request
        size = self.get_page_size(request) or 50
        after = ReceiptKey.parse(request.query_params.get(self.after_query_param))
        before = ReceiptKey.parse(request.query_params.get(self.before_query_param))
        self.count = listing(None, None).count() if count is None else count
        self.last = max(1, -(-self.count // size))
        number = self._number(request)
        if before is not None:
            rows = list(listing(None, before)[: size + 1])
            self.has_previous, self.has_next = len(rows) > size, True
            rows = rows[:size][::-1]
            self.number = min(max(number, 2), self.last) if self.has_previous else 1
        elif after is not None:
            rows = list(listing(after, None)[: size + 1])
            self.has_previous, self.has_next = True, len(rows) > size
            self.number = min(max(number, 2), self.last)
        else:
            if number > self.last:
                raise NotFound("Trang không hợp lệ.")
            offset = (number - 1) * size
            rows = list(listing(None, None)[offset : offset + size + 1])
            self.has_previous, self.has_next, self.number = number > 1, len(rows) > size, number
        self.rows = rows[:size]
        return self.rows

    def _number(self, request: Request) -> int:
        value = request.query_params.get(self.page_query_param, "1")
        if not (value.isascii() and value.isdigit() and 0 < len(value) < 10) or int(value) < 1:
            raise NotFound("Trang không hợp lệ.")
        return int(value)

    def get_next_link(self) -> str | None:
        if not self.has_next:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.before_query_param)
        url = replace_query_param(url, self.page_query_param, self.number + 1)
        return replace_query_param(url, self.after_query_param, _key(self.rows[-1]))

    def get_previous_link(self) -> str | None:
        if not self.has_previous:
            return None
        url = remove_query_param(self.request.build_absolute_uri(), self.after_query_param)
        if self.number == 2:  # the first page: no cursor, as a client starting out asks for it
            url = remove_query_param(url, self.before_query_param)
            return remove_query_param(url, self.page_query_param)
        url = replace_query_param(url, self.page_query_param, self.number - 1)
        return replace_query_param(url, self.before_query_param, _key(self.rows[0]))

    def get_paginated_response(self, data: Any) -> Response:
        return Response(
            {"count": self.count, "next": self.get_next_link(), "previous": self.get_previous_link(), "results": data}
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        cursor = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}\.\d+$"}
        return [
            *super().get_schema_operation_parameters(view),
            {
                "name": self.after_query_param,
                "required": False,
                "in": "query",
                "description": "Các khoản sau khoản này (YYYY-MM-DD.id, như trong liên kết `next`)",
                "schema": cursor,
            },
            {
                "name": self.before_query_param,
                "required": False,
                "in": "query",
                "description": "Các khoản trước khoản này (YYYY-MM-DD.id, như trong liên kết `previous`)",
                "schema": cursor,
            },
        ]
