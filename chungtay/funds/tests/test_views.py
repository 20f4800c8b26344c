"""Funds pages: scoping, Vietnamese money input, maker-checker in the browser flow, PDFs."""

import datetime as dt

import pytest
from django.urls import reverse

from chungtay.core.pdf import pdf_available
from chungtay.figures.testing import shown as figures_shown
from chungtay.funds.models import Disbursement, Receipt
from chungtay.funds.services import allocation_record, disbursement_record


def test_a_receipt_typed_with_dots_is_recorded_in_whole_dong(client, people, town_fund):
    client.force_login(people.town_office)
    response = client.post(
        reverse("funds:receipt_create", args=[town_fund.pk]),
        {
            "donor_name": "Công ty TNHH Ánh Dương",
            "donor_kind": "doanh_nghiep",
            "amount": "60.000.000",
            "received_on": "05/06/2024",
            "channel": "tien_mat",
            "receipt_number": "BL-001",
            "designation": "phong_trao",
        },
    )
    assert response.status_code == 302
    receipt = Receipt.objects.get()
    assert receipt.amount == 60_000_000 and receipt.received_on == dt.date(2024, 6, 5)


@pytest.mark.parametrize(("amount", "message"), [("sáu mươi triệu", "Số tiền không hợp lệ"), ("0", "từ 1 đồng")])
def test_a_bad_amount_gets_a_vietnamese_error_on_its_field(client, people, town_fund, amount, message):
    client.force_login(people.town_office)
    body = client.post(
        reverse("funds:receipt_create", args=[town_fund.pk]),
        {
            "donor_name": "A",
            "donor_kind": "ca_nhan",
            "amount": amount,
            "received_on": "05/06/2024",
            "channel": "tien_mat",
            "receipt_number": "BL-2",
            "designation": "chung",
        },
    ).content.decode()
    assert message in body and Receipt.objects.count() == 0


def test_cash_without_a_receipt_number_is_refused(client, people, town_fund):
    client.force_login(people.town_office)
    body = client.post(
        reverse("funds:receipt_create", args=[town_fund.pk]),
        {
            "donor_name": "A",
            "donor_kind": "ca_nhan",
            "amount": "100.000",
            "received_on": "05/06/2024",
            "channel": "tien_mat",
            "receipt_number": "",
            "designation": "chung",
        },
    ).content.decode()
    assert "Tiền mặt cần số biên lai." in body and Receipt.objects.count() == 0


def test_a_commune_cannot_see_or_use_the_town_fund(client, people, town_fund, commune_fund):
    client.force_login(people.commune_b_staff)
    assert client.get(reverse("funds:fund_detail", args=[town_fund.pk])).status_code == 404
    assert client.get(reverse("funds:fund_detail", args=[commune_fund.pk])).status_code == 404
    client.force_login(people.commune_a_staff)
    assert client.get(reverse("funds:fund_detail", args=[commune_fund.pk])).status_code == 200
    assert client.post(reverse("funds:receipt_create", args=[town_fund.pk]), {}).status_code == 404


def test_inspectors_read_but_cannot_record(client, people, town_fund, give):
    give(town_fund, 1_000_000)
    client.force_login(people.inspector)
    assert client.get(reverse("funds:fund_detail", args=[town_fund.pk])).status_code == 200
    assert client.get(reverse("funds:receipt_list")).status_code == 200
    assert client.post(reverse("funds:receipt_create", args=[town_fund.pk]), {}).status_code == 403
    assert client.post(reverse("funds:allocation_create"), {}).status_code == 403


def test_the_receipt_list_searches_without_diacritics(client, people, town_fund, give, django_assert_max_num_queries):
    give(town_fund, 1_000_000, name="Nguyễn Thị Ánh")
    give(town_fund, 2_000_000, name="Trần Văn Bình")
    for i in range(10):
        give(town_fund, 1_000 + i, name=f"Người {i}")
    client.force_login(people.town_office)
    with django_assert_max_num_queries(12):
        body = client.get(reverse("funds:receipt_list"), {"q": "nguyen thi anh"}).content.decode()
    assert "Nguyễn Thị Ánh" in body and "Trần Văn Bình" not in body


def test_disbursement_needs_a_second_person_and_a_verified_stage_through_the_pages(
    client, people, tree, town_fund, give, make_household, verified
):
    give(town_fund, 60_000_000)
    household = make_household(tree.area_a1)
    allocation_record(
        actor=people.town_office,
        household=household,
        fund=town_fund,
        amount=60_000_000,
        date=dt.date(2024, 6, 1),
        decision="QĐ 1",
    )
    voucher = disbursement_record(
        actor=people.town_office,
        household=household,
        fund=town_fund,
        amount=20_000_000,
        date=dt.date(2024, 6, 2),
        voucher_number="PC-1",
        stage="start",
    )
    client.force_login(people.town_office)
    client.post(reverse("funds:disbursement_approve", args=[voucher.pk]))
    assert Disbursement.objects.get().status == "recorded"
    client.force_login(people.board)
    refused = client.post(reverse("funds:disbursement_approve", args=[voucher.pk]), follow=True)
    assert Disbursement.objects.get().status == "recorded"
    assert "Giai đoạn “Khởi công” của hộ" in refused.content.decode()
    verified(household, "start")
    client.post(reverse("funds:disbursement_approve", args=[voucher.pk]))
    assert Disbursement.objects.get().status == "approved"


def test_household_money_page_masks_the_name_for_those_without_private_access(client, people, tree, make_household):
    household = make_household(tree.area_a1, head_name="Nguyễn Văn Bình")
    client.force_login(people.inspector)
    assert "Nguyễn Văn Bình" in client.get(reverse("funds:household", args=[household.pk])).content.decode()


@pytest.mark.skipif(not pdf_available(), reason="WeasyPrint needs Pango (apt-get install libpango-1.0-0)")
def test_receipt_and_poster_pdfs_render(client, people, town_fund, give):
    receipt = give(town_fund, 60_000_000)
    client.force_login(people.town_office)
    response = client.get(reverse("funds:receipt_pdf", args=[receipt.pk]))
    assert response["Content-Type"] == "application/pdf" and response.content.startswith(b"%PDF")
    import io

    from pypdf import PdfReader

    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert "Sáu mươi triệu đồng" in text and "60.000.000 đ" in text
    poster = client.get(reverse("funds:poster_pdf", args=[town_fund.pk]))
    assert poster.content.startswith(b"%PDF")


def test_the_overview_shows_the_subtree_money(client, people, tree, town_fund, commune_fund, give, state_source,
                                              make_household):  # fmt: skip
    give(town_fund, 60_000_000)
    give(commune_fund, 5_000_000)
    allocation_record(actor=people.town_office, household=make_household(tree.area_a1), fund=town_fund,
                      amount=40_000_000, date=dt.date(2024, 6, 1), decision="QĐ 1")  # fmt: skip
    allocation_record(actor=people.town_office, household=make_household(tree.area_a1), source=state_source,
                      amount=60_000_000, date=dt.date(2024, 6, 1), decision="QĐ 8584")  # fmt: skip
    client.force_login(people.town_office)
    shown = figures_shown(client.get(reverse("funds:overview")).content.decode())
    assert shown["money_received"] == [65_000_000] and shown["money_unallocated"] == [25_000_000]
    assert shown["money_allocated"] == [40_000_000] and shown["money_other_sources_committed"] == [60_000_000]
    assert shown["money_households_allocated"] == [100_000_000]
    client.force_login(people.commune_a_staff)
    assert figures_shown(client.get(reverse("funds:overview")).content.decode())["money_received"] == [5_000_000]


def test_the_overview_pages_its_fund_table_and_reads_figures_for_that_page_only(
    client, people, tree, django_assert_max_num_queries
):
    from chungtay.funds.models import Fund
    from chungtay.funds.services import fund_create

    for i in range(53):
        fund_create(actor=None, unit=tree.town, kind="movement", name=f"Quỹ Thôn {i:02d}", code=f"q{i:02d}")
    client.force_login(people.town_office)
    client.get(reverse("funds:overview"))
    with django_assert_max_num_queries(25):
        first = client.get(reverse("funds:overview")).context
    assert len(first["funds"]) == 50 and first["page"].paginator.count == Fund.objects.count()
    assert set(first["figures"]) == {f.pk for f in first["funds"]}
    second = client.get(reverse("funds:overview"), {"trang": 2}).context
    assert {f.pk for f in first["funds"]} | {f.pk for f in second["funds"]} == set(
        Fund.objects.values_list("pk", flat=True)
    )


def test_the_receipt_list_counts_its_receipts_from_the_tallies_of_the_funds_in_scope(
    client, people, town_fund, commune_fund, give
):
    for i in range(3):
        give(town_fund, 1_000_000 + i)
    for i in range(2):
        give(commune_fund, 2_000_000 + i)
    client.force_login(people.town_office)  # the town's scope: both funds
    page = client.get(reverse("funds:receipt_list")).context["page"]
    assert page.paginator.count == 5 == len(page.object_list)
    client.force_login(people.commune_a_staff)  # the commune's own fund only
    page = client.get(reverse("funds:receipt_list")).context["page"]
    assert page.paginator.count == Receipt.objects.filter(fund=commune_fund).count() == 2 == len(page.object_list)


def test_queue_badges_stop_counting_at_the_cap(people, tree, town_fund, give, make_household, monkeypatch):
    from chungtay.funds import selectors

    give(town_fund, 60_000_000)
    household = make_household(tree.area_a1)
    allocation_record(actor=people.town_office, household=household, fund=town_fund, amount=10_000_000,
                      date=dt.date(2024, 6, 1), decision="QĐ 1")  # fmt: skip
    for i in range(3):
        disbursement_record(actor=people.town_office, household=household, fund=town_fund, amount=1_000_000,
                            date=dt.date(2024, 6, 2), voucher_number=f"PC-{i}", stage="start")  # fmt: skip
    assert selectors.queue_counts(people.town_office)["pending_disbursements"] == 3
    monkeypatch.setattr(selectors, "QUEUE_BADGE_CAP", 2)
    counts = selectors.queue_counts(people.town_office)
    assert (counts["pending_disbursements"], counts["pending_disbursements_more"]) == (2, True)
    assert selectors.queue_counts(people.commune_b_staff)["pending_disbursements"] == 0  # not in their scope


def test_the_household_page_totals_every_source_with_the_catalogues_figures(
    client, people, tree, town_fund, give, state_source, make_household, verified
):
    from chungtay.figures.funds import for_household

    give(town_fund, 60_000_000)
    household = make_household(tree.area_a1)
    allocation_record(actor=people.town_office, household=household, fund=town_fund, amount=40_000_000,
                      date=dt.date(2024, 6, 1), decision="QĐ 1")  # fmt: skip
    allocation_record(actor=people.town_office, household=household, source=state_source, amount=60_000_000,
                      date=dt.date(2024, 6, 1), decision="QĐ 8584")  # fmt: skip
    voucher = disbursement_record(actor=people.town_office, household=household, fund=town_fund, amount=25_000_000,
                                  date=dt.date(2024, 6, 5), voucher_number="PC1", stage="start")  # fmt: skip
    from chungtay.funds.services import disbursement_approve

    verified(household, "start")
    disbursement_approve(actor=people.board, disbursement=voucher)
    client.force_login(people.town_office)
    response = client.get(reverse("funds:household", args=[household.pk]))
    shown = figures_shown(response.content.decode())
    rows = response.context["rows"]
    assert shown["household_allocated"] == [100_000_000] == [sum(r["allocated"] for r in rows)]
    assert shown["household_received"] == [25_000_000] == [sum(r["received"] for r in rows)]
    # Each source row shows the catalogue's per-source figures.
    assert shown["household_allocated_state"] == [60_000_000] and shown["household_received_front_fund"] == [25_000_000]
    assert for_household(household, as_of=dt.date(2024, 6, 1)).household_received == 0


@pytest.mark.skipif(not pdf_available(), reason="WeasyPrint needs Pango (apt-get install libpango-1.0-0)")
def test_no_word_of_the_receipt_or_voucher_heading_is_broken_across_lines(
    client, people, tree, town_fund, give, make_household
):
    from chungtay.core.tests.pdf_lines import heading_breaks, page_lines, pdftotext_available

    if not pdftotext_available():
        pytest.skip("poppler-utils (pdftotext) is not installed")
    receipt = give(town_fund, 60_000_000)
    household = make_household(tree.area_a1)
    allocation_record(actor=people.town_office, household=household, fund=town_fund, amount=60_000_000,
                      date=dt.date(2024, 6, 1), decision="QĐ 1")  # fmt: skip
    voucher = disbursement_record(actor=people.town_office, household=household, fund=town_fund, amount=20_000_000,
                                  date=dt.date(2024, 6, 2), voucher_number="PC-1", stage="start")  # fmt: skip
    client.force_login(people.town_office)
    body = f"Ủy ban MTTQ Việt Nam {tree.town.title}"
    for url in (reverse("funds:receipt_pdf", args=[receipt.pk]), reverse("funds:voucher_pdf", args=[voucher.pk])):
        pdf = client.get(url).content
        assert heading_breaks(pdf, body, "Ban Thường trực") == [], (url, page_lines(pdf)[:6])


def test_a_funds_page_lists_its_latest_entries_newest_first_and_only_its_own(
    client, people, tree, town_fund, commune_fund, give, make_household
):
    from chungtay.funds.models import JournalEntry
    from chungtay.funds.selectors import latest_entries

    for amount in (1_000_000, 2_000_000, 3_000_000):
        give(town_fund, amount)
    give(commune_fund, 4_000_000)
    # An allocation is two lines of the same fund (its cash and the household's allocation): one entry.
    allocation_record(actor=people.town_office, household=make_household(tree.area_a1), fund=town_fund,
                      amount=500_000, date=dt.date(2024, 6, 10), decision="QĐ 1")  # fmt: skip
    own = JournalEntry.objects.filter(lines__account__fund=town_fund).distinct().order_by("-seq")
    assert latest_entries(town_fund, limit=3) == list(own[:3])
    assert latest_entries(town_fund) == list(own) and len(own) == 4
    client.force_login(people.town_office)
    page = client.get(reverse("funds:fund_detail", args=[town_fund.pk]))
    assert list(page.context["entries"]) == list(own)


def test_a_receipt_search_is_paged_without_counting_every_match(client, people, town_fund, give, monkeypatch):
    from django.db.models.query import QuerySet

    for n in range(3):
        give(town_fund, 1_000_000 + n, name="Nguyễn Văn Hảo")
    counts = []
    real_count = QuerySet.count
    monkeypatch.setattr(QuerySet, "count", lambda qs: counts.append(qs.model) or real_count(qs))
    client.force_login(people.town_office)
    page = client.get(reverse("funds:receipt_list"), {"q": "nguyen van hao"}).context["page"]
    assert len(page.object_list) == 3 and not page.has_next and Receipt not in counts
