"""Deep pages of the public ledger and household list are read after the last row of the page before
(`?sau=`), not by skipping rows: the same rows as counting pages, forward and back, and a page
deep in the list costs the queries of the first (issue 22)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.funds.models import Receipt
from chungtay.portal import public, views


@pytest.fixture
def many(world, give):
    """16 receipts over four days, several on one day (the id decides their order there)."""
    for i in range(12):
        give(world.fund, 1_000_000 * (i + 1), f"Người Ủng Hộ {i}", on=dt.date(2024, 7, 1 + i % 3))
    return world


def _forward(filters: public.ReceiptFilters, size: int) -> list[public.ReceiptPage]:
    pages = [public.receipt_page(filters, size=size)]
    while pages[-1].has_next:
        last = pages[-1]
        pages.append(
            public.receipt_page(
                filters, number=last.next_page_number, size=size, after=public.ReceiptKey.parse(last.next_cursor)
            )
        )
    return pages


def _back(filters: public.ReceiptFilters, last: public.ReceiptPage, size: int) -> list[public.ReceiptPage]:
    pages = [last]
    while pages[-1].has_previous:
        page = pages[-1]
        before = public.ReceiptKey.parse(str(public.ReceiptKey(page.rows[0].received_on, page.rows[0].id)))
        pages.append(public.receipt_page(filters, number=page.previous_page_number, size=size, before=before))
    return pages[::-1]


def _ids(pages: list[public.ReceiptPage]) -> list[list[int]]:
    return [[row.id for row in page.rows] for page in pages]


@pytest.mark.parametrize("query", ["", "nguoi ung ho", "dien ban"])
def test_paging_by_cursor_forward_and_back_shows_the_ledger_in_its_order(many, query):
    filters = public.ReceiptFilters(query=query)
    forward = _forward(filters, size=5)
    newest = sorted((r.received_on, r.id) for r in public.receipt_page(filters, size=100).rows)[
        ::-1
    ]  # one page holds them all
    assert [pk for ids in _ids(forward) for pk in ids] == [pk for _, pk in newest]
    assert [page.number for page in forward] == list(range(1, len(forward) + 1))
    back = _back(filters, forward[-1], size=5)
    assert _ids(back) == _ids(forward)
    assert [page.number for page in back] == [page.number for page in forward]


def test_a_capped_search_pages_on_by_cursor_past_its_numbered_pages(many, monkeypatch):
    monkeypatch.setattr(public, "TOTALS_CAP", 10)
    filters = public.ReceiptFilters(query="dien ban")
    forward = _forward(filters, size=4)
    assert forward[0].capped and forward[0].num_pages is None
    every = list(Receipt.objects.order_by("-received_on", "-id").values_list("id", flat=True))
    assert [pk for ids in _ids(forward) for pk in ids] == every  # all 16, the cap bounds only the sum
    assert _ids(_back(filters, forward[-1], size=4)) == _ids(forward)


def test_a_bad_cursor_shows_the_first_page(many):
    assert public.ReceiptKey.parse("2024-13-01.5") is None
    assert public.ReceiptKey.parse("2024-07-01.x") is None
    assert public.ReceiptKey.parse("2024-07-01.99999999999999999999") is None
    assert str(public.ReceiptKey.parse("2024-07-01.5")) == "2024-07-01.5"


def test_page_numbers_alone_reach_only_the_first_pages(many, monkeypatch):
    monkeypatch.setattr(public, "OFFSET_PAGES", 2)
    page = public.receipt_page(public.ReceiptFilters(), number=4, size=3)
    assert page.number == 2 and page.num_pages == 6


def test_a_deep_page_costs_the_queries_of_the_first_and_skips_no_rows(many):
    filters = public.ReceiptFilters()
    with CaptureQueriesContext(connection) as first:
        page = public.receipt_page(filters, size=2)
    deep = _forward(filters, size=2)[-2]
    with CaptureQueriesContext(connection) as later:
        after = public.ReceiptKey.parse(deep.next_cursor)
        again = public.receipt_page(filters, number=deep.number + 1, size=2, after=after)
    assert again.rows and again.rows[0].id != page.rows[0].id
    assert len(later.captured_queries) == len(first.captured_queries)
    assert not any("OFFSET" in q["sql"].upper() for q in later.captured_queries)


def _follow(client, url: str, rel: str) -> list[tuple[str, str]]:
    """Follow the pager's `rel` links from `url` (no JavaScript): each page's number and rows."""
    seen = []
    while url:
        body = client.get(url).content.decode()
        number = re.search(r'data-testid="page-number">([^<]*)<', body)
        rows = body.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in body else ""
        seen.append((number.group(1) if number else "", rows))
        link = re.search(rf'rel="{rel}"[^>]* href="([^"]*)"', body)
        url = reverse("portal:receipts") + link.group(1).replace("&amp;", "&") if link else ""
    return seen


def test_the_ledger_pages_forward_and_back_by_links_without_javascript(client, many, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    forward = _follow(client, reverse("portal:receipts"), "next")
    assert [number for number, _ in forward] == ["Trang 1/4", "Trang 2/4", "Trang 3/4", "Trang 4/4"]
    last_url = reverse("portal:receipts")
    body = ""
    for _ in range(3):
        body = client.get(last_url).content.decode()
        last_url = reverse("portal:receipts") + re.search(r'rel="next"[^>]* href="([^"]*)"', body).group(1).replace(
            "&amp;", "&"
        )
    assert "sau=" in last_url
    back = _follow(client, last_url, "prev")
    assert back == forward[::-1]
    assert 'href="?trang=1"' in client.get(reverse("portal:receipts"), {"trang": 2}).content.decode()


def test_the_ledgers_pager_swaps_the_rows_only_under_htmx(client, many, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    fragment = client.get(reverse("portal:receipts"), {"q": "nguoi"}, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in fragment
    link = re.search(r'rel="next"[^>]* hx-get="([^"]*)" hx-target="#ket-qua"', fragment)
    assert link and "q=nguoi" in link.group(1) and "sau=" in link.group(1)


def test_the_household_list_pages_by_code_forward_and_back(client, world, tree, make_household, monkeypatch):
    for _ in range(5):
        make_household(tree.area_b1)
        make_household(tree.area_a1)
    everything = [h.code for h in public.households()]
    pages = [public.household_page(size=3)]
    while pages[-1].has_next:
        pages.append(public.household_page(size=3, number=pages[-1].number + 1, after=pages[-1].next_cursor))
    assert [h.code for page in pages for h in page.rows] == everything
    assert [page.number for page in pages] == [1, 2, 3, 4] and pages[0].num_pages == 4
    back = [pages[-1]]
    while back[-1].has_previous:
        page = back[-1]
        back.append(public.household_page(size=3, number=page.number - 1, before=page.rows[0].code))
    assert [[h.code for h in page.rows] for page in back[::-1]] == [[h.code for h in page.rows] for page in pages]
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    body = client.get(reverse("portal:households"), {"trang": 2, "sau": pages[0].rows[-1].code}).content.decode()
    assert all(h.code in body for h in pages[1].rows) and "Trang 2/4" in body
    assert f"sau={pages[1].rows[-1].code}" in body


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_visitor_pages_the_ledger_forward_and_back_in_the_browser(phone_page, many, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    page = phone_page
    page.goto(page.base_url + "/cong-khai/ung-ho/")
    first = page.inner_text("[data-testid=receipt-rows] tbody")
    page.click("[data-testid=page-next]")
    page.wait_for_selector("[data-testid=page-number]:has-text('Trang 2/4')")
    page.click("[data-testid=page-next]")
    page.wait_for_selector("[data-testid=page-number]:has-text('Trang 3/4')")
    assert "sau=" in page.url  # the page can be shared as a link
    third = page.inner_text("[data-testid=receipt-rows] tbody")
    page.click("[data-testid=page-previous]")
    page.wait_for_selector("[data-testid=page-number]:has-text('Trang 2/4')")
    assert "truoc=" in page.url
    page.click("[data-testid=page-previous]")
    page.wait_for_selector("[data-testid=page-number]:has-text('Trang 1/4')")
    assert page.inner_text("[data-testid=receipt-rows] tbody") == first
    page.go_back()
    page.wait_for_selector("[data-testid=page-number]:has-text('Trang 2/4')")
    page.goto(page.url)  # the address alone (no JavaScript state) shows the same page
    page.click("[data-testid=page-next]")
    page.wait_for_selector("[data-testid=page-number]:has-text('Trang 3/4')")
    assert page.inner_text("[data-testid=receipt-rows] tbody") == third
