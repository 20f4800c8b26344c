"""The public ledger's page: totals that agree with the rows, searches by every part, the cap on
broad searches, and pages that add up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Count, Sum
from django.urls import reverse

from chungtay.funds.models import Channel, Designation, Receipt
from chungtay.funds.services import donor_find_or_create, receipt_record
from chungtay.portal import public, views


def _every_page(filters: public.ReceiptFilters, size: int) -> list[public.ReceiptPage]:
    pages = [public.receipt_page(filters, number=1, size=size)]
    while pages[-1].has_next:
        pages.append(public.receipt_page(filters, number=pages[-1].number + 1, size=size))
    return pages


@pytest.fixture
def many(world, give):
    for i in range(12):
        give(world.fund, 1_000_000 * (i + 1), f"Người Ủng Hộ {i}", on=dt.date(2024, 7, 1 + i % 3))
    return world


@pytest.mark.parametrize("query", ["", "nguoi ung ho", "dien ban"])
def test_the_totals_equal_the_rows_shown_across_the_pages(many, query):
    filters = public.ReceiptFilters(query=query)
    pages = _every_page(filters, size=5)
    rows = [row for page in pages for row in page.rows]
    first = pages[0]
    assert not first.capped
    assert len(rows) == first.count == len({row["id"] for row in rows})
    assert sum(row["amount"] for row in rows) == first.total
    assert len(pages) == first.num_pages
    assert [(r["received_on"], r["id"]) for r in rows] == sorted(
        ((r["received_on"], r["id"]) for r in rows), reverse=True
    )
    if not query:
        everything = Receipt.objects.aggregate(n=Count("id"), total=Sum("amount"))
        assert (first.count, first.total) == (everything["n"], everything["total"]) == (16, 183_000_000)


def test_a_unit_filter_counts_the_receipts_of_the_funds_below_it(world, tree):
    assert public.receipt_page(public.ReceiptFilters(unit=public.unit_get(tree.town.pk))).count == 4
    nothing = public.receipt_page(public.ReceiptFilters(unit=public.unit_get(tree.commune_b.pk)))
    assert (nothing.count, nothing.total, nothing.rows) == (0, 0, [])


def test_a_search_finds_receipts_by_unit_name_household_code_and_bank_reference(client, world, people):
    donor = donor_find_or_create(unit=world.fund.unit, name="Lê Văn Tặng")
    receipt_record(
        actor=people.town_office,
        fund=world.fund,
        donor=donor,
        amount=7_000_000,
        received_on=dt.date(2024, 6, 5),
        channel=Channel.BANK,
        bank_ref="FT99990001",
        designation=Designation.HOUSEHOLD,
        designated_household=world.consenting,
    )

    def totals(q: str) -> str:
        body = client.get(reverse("portal:receipts"), {"q": q}).content.decode()
        totals = body.split('data-testid="receipt-totals">')[1].split("</p>")[0]
        return totals.replace('<span class="ct-money">', "").replace("</span>", "")

    assert totals("vinh dien") == "1 khoản, tổng 5.000.000 đ"  # given to phường Vĩnh Điện
    assert totals(world.consenting.code.lower()) == "1 khoản, tổng 7.000.000 đ"
    assert totals("ft99990001") == "1 khoản, tổng 7.000.000 đ"
    assert totals("FT00000003") == "1 khoản, tổng 20.000.000 đ"


def test_a_search_matching_more_than_the_cap_says_so_and_shows_no_sum(client, many, monkeypatch):
    monkeypatch.setattr(public, "TOTALS_CAP", 10)
    page = public.receipt_page(public.ReceiptFilters(query="dien ban"), size=4)
    assert page.capped and page.total is None and page.num_pages is None
    newest = Receipt.objects.order_by("-received_on", "-id").values_list("id", flat=True)[:4]
    assert [row["id"] for row in page.rows] == list(newest)
    pages = _every_page(public.ReceiptFilters(query="dien ban"), size=4)
    assert sum(len(p.rows) for p in pages) == 10  # the newest 10, then no further page
    body = client.get(reverse("portal:receipts"), {"q": "dien ban"}).content.decode()
    line = body.split('data-testid="receipt-totals">')[1].split("</p>")[0]
    assert line.startswith("Hơn 10 khoản khớp") and ".000 đ" not in line  # no sum of an arbitrary part


@pytest.mark.parametrize("query", ["nguoi ung ho", "an danh", "dien", "ung ho 1"])
def test_parts_too_broad_for_a_list_find_the_same_receipts(many, monkeypatch, query):
    filters = public.ReceiptFilters(query=query)
    listed = _every_page(filters, size=50)[0]
    monkeypatch.setattr(public, "ID_LIST_CAP", 1)
    joined = _every_page(filters, size=50)[0]
    assert [r["id"] for r in joined.rows] == [r["id"] for r in listed.rows]
    assert (joined.count, joined.total) == (listed.count, listed.total)
    assert listed.count > 0


def test_the_pager_counts_pages_and_a_page_past_the_end_shows_the_last(client, many, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 5)
    first = client.get(reverse("portal:receipts")).content.decode()
    assert "Trang 1/4" in first and "trang=2" in first
    last = client.get(reverse("portal:receipts"), {"trang": "999"}).content.decode()
    assert "Trang 4/4" in last and "trang=3" in last
    assert "Trang 1/4" in client.get(reverse("portal:receipts"), {"trang": "²"}).content.decode()


def test_date_and_amount_filters_count_exactly_below_the_cap(many):
    page = public.receipt_page(public.ReceiptFilters(date_from=dt.date(2024, 7, 1), amount_min=5_000_000))
    expected = Receipt.objects.filter(received_on__gte=dt.date(2024, 7, 1), amount__gte=5_000_000)
    assert (page.count, page.total) == (expected.count(), expected.aggregate(s=Sum("amount"))["s"]) == (8, 68_000_000)
