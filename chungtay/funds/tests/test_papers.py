"""Issue 17: the accountant's papers — Phiếu thu C40-BB, Phiếu chi C41-BB (Thông tư 107/2017/TT-BTC),
numbered per fund and year, and each fund's cash book and bank book in PDF and Excel."""

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.accounts.services import token_issue
from chungtay.core import dates
from chungtay.core.docgen import pdf_text
from chungtay.core.pdf import pdf_available
from chungtay.figures import funds as fund_figures
from chungtay.figures.testing import shown
from chungtay.funds import books, papers
from chungtay.funds.models import Channel, JournalEntry, Receipt
from chungtay.funds.services import (
    DonorRef,
    allocation_record,
    disbursement_approve,
    disbursement_record,
    entry_reverse,
    receipt_record,
    transfer_record,
)

needs_pdf = pytest.mark.skipif(not pdf_available(), reason="WeasyPrint needs Pango (apt-get install libpango-1.0-0)")


def receive(people, fund, amount, day, channel=Channel.CASH, n=[0]):  # noqa: B006 - a counter for unique numbers
    n[0] += 1
    return receipt_record(
        actor=people.town_office,
        fund=fund,
        donor=DonorRef(name="Lê Văn Nộp"),
        amount=amount,
        received_on=day,
        channel=channel,
        receipt_number=f"BL{n[0]:05d}" if channel == Channel.CASH else "",
        bank_ref=f"FT{n[0]:08d}" if channel == Channel.BANK else "",
        memo="Ủng hộ xóa nhà tạm",
    )


@pytest.fixture
def paid(people, tree, town_fund, make_household, verified):
    """Cash: 10 million on 05/01/2024, 15 million on 10/02/2024, 4 million paid on 01/03/2024 for a
    verified foundation; bank: 20 million on 15/01/2024, 5 million moved to another fund on 20/02/2024."""
    house = make_household(tree.area_a1)
    receive(people, town_fund, 10_000_000, dt.date(2024, 1, 5))
    receive(people, town_fund, 15_000_000, dt.date(2024, 2, 10))
    receive(people, town_fund, 20_000_000, dt.date(2024, 1, 15), channel=Channel.BANK)
    allocation_record(
        actor=people.town_office, household=house, fund=town_fund, amount=12_000_000, date=dt.date(2024, 2, 20),
        decision="QĐ 52/QĐ-MTTQ",
    )  # fmt: skip
    verified(house, "foundation", dt.date(2024, 2, 25))
    voucher = disbursement_record(
        actor=people.town_office, household=house, fund=town_fund, amount=4_000_000, date=dt.date(2024, 3, 1),
        voucher_number="PC-NB-01", stage="foundation", channel=Channel.CASH,
    )  # fmt: skip
    voucher = disbursement_approve(actor=people.board, disbursement=voucher)
    return house, voucher


def test_receipts_and_payments_are_numbered_per_fund_and_year(people, town_fund, commune_fund):
    a1 = receive(people, town_fund, 1_000_000, dt.date(2024, 12, 30))
    a2 = receive(people, town_fund, 1_000_000, dt.date(2024, 12, 31))
    b1 = receive(people, commune_fund, 1_000_000, dt.date(2024, 12, 31))
    a3 = receive(people, town_fund, 1_000_000, dt.date(2025, 1, 2))

    assert [(r.serial_year, r.serial) for r in (a1, a2, b1, a3)] == [(2024, 1), (2024, 2), (2024, 1), (2025, 1)]
    assert papers.serial_text("PT", a2.serial_year, a2.serial) == "PT-2024-0002"
    with pytest.raises(IntegrityError), transaction.atomic():
        Receipt.objects.filter(pk=a2.pk).update(serial=1)  # the database keeps one number per fund and year


def test_an_approved_payment_gets_the_next_voucher_number_of_its_fund_and_year(paid):
    _, voucher = paid
    assert (voucher.serial_year, voucher.serial) == (2024, 1)


def _in_order(text: str, words: list[str]) -> bool:
    at = [text.find(w) for w in words]
    return -1 not in at and at == sorted(at)


@needs_pdf
def test_the_receipt_paper_follows_form_c40_bb(client, people, town_fund):
    receipt = receive(people, town_fund, 15_000_000, dt.date(2024, 6, 3), channel=Channel.BANK)
    client.force_login(people.town_office)

    text = pdf_text(client.get(reverse("funds:receipt_c40", args=[receipt.pk])).content)

    for words in (
        "Mẫu số: C40-BB", "Thông tư số 107/2017/TT-BTC", "Đơn vị: Ủy ban MTTQ Việt Nam thị xã Điện Bàn", "Mã QHNS",
        "PHIẾU THU", "Quyển số: VNN-DB/2024", "Số: PT-2024-0001", "Nợ: 112", "Có: 3388", "Ngày 03 tháng 06 năm 2024",
        "Họ và tên người nộp tiền: Lê Văn Nộp", "Địa chỉ:", "Nội dung: Ủng hộ Quỹ Vì người nghèo thị xã",
        "Số tiền: 15.000.000 đ", "(Viết bằng chữ): Mười lăm triệu đồng",
        f"Kèm theo: 01 chứng từ gốc (giấy báo Có, số tham chiếu {receipt.bank_ref})", "Tỷ giá ngoại tệ",
    ):  # fmt: skip
        assert words in text, (words, text)
    assert "Lý do nộp" not in text  # the enterprise form's line (01-TT), not C40-BB's
    # The five signatures where the form has them: three above "Đã nhận đủ số tiền", the payer and the cashier below.
    assert _in_order(text, ["THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI LẬP", "Đã nhận đủ số tiền", "Bằng số",
                            "Bằng chữ", "NGƯỜI NỘP", "THỦ QUỸ"]), text  # fmt: skip


@needs_pdf
def test_the_payment_paper_follows_form_c41_bb_and_names_the_stage_in_vietnamese(client, people, paid):
    house, voucher = paid
    client.force_login(people.town_office)

    text = pdf_text(client.get(reverse("funds:voucher_c41", args=[voucher.pk])).content)
    old = pdf_text(client.get(reverse("funds:voucher_pdf", args=[voucher.pk])).content)

    for words in (
        "Mẫu số: C41-BB", "PHIẾU CHI", "Mã QHNS", "Quyển số: VNN-DB/2024", "Số: PC-2024-0001", "Nợ: 3388", "Có: 111",
        "Ngày 01 tháng 03 năm 2024", f"Họ và tên người nhận tiền: {house.head_name}", f"Địa chỉ: Hộ {house.code}",
        "Nội dung: Hỗ trợ xây dựng, sửa chữa nhà ở từ Quỹ Vì người nghèo thị xã", "giai đoạn “Xong móng”",
        "Số tiền: 4.000.000 đ", "(Viết bằng chữ): Bốn triệu đồng", "Kèm theo: 02 chứng từ gốc (phiếu chi số PC-NB-01",
    ):  # fmt: skip
        assert words in text, (words, text)
    assert _in_order(text, ["THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI LẬP", "Đã nhận đủ số tiền", "THỦ QUỸ",
                            "NGƯỜI NHẬN TIỀN"]), text  # fmt: skip
    assert "foundation" not in text and "foundation" not in old and "Xong móng" in old


def test_each_fund_keeps_its_own_book_of_receipts_and_vouchers(people, town_fund, commune_fund):
    a = papers.receipt_paper(receive(people, town_fund, 1_000_000, dt.date(2024, 12, 30)))
    b = papers.receipt_paper(receive(people, commune_fund, 1_000_000, dt.date(2024, 12, 30)))

    assert (a["number"], b["number"]) == ("PT-2024-0001", "PT-2024-0001")
    assert (a["book"], b["book"]) == ("VNN-DB/2024", "XNT-VD/2024")
    assert [role for role, _ in a["approvers"] + a["hands"]] == [
        "THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI LẬP", "NGƯỜI NỘP", "THỦ QUỸ",
    ]  # fmt: skip


def test_the_cash_book_carries_the_opening_balance_the_running_balance_and_the_totals(town_fund, paid):
    book = papers.book(town_fund, Channel.CASH, dt.date(2024, 2, 1), dt.date(2024, 3, 31))

    assert book.opening == 10_000_000  # the January receipt, before the period
    assert [(r.date, r.money_in, r.money_out, r.balance) for r in book.rows] == [
        (dt.date(2024, 2, 10), 15_000_000, 0, 25_000_000),
        (dt.date(2024, 3, 1), 0, 4_000_000, 21_000_000),
    ]
    assert (book.total_in, book.total_out, book.closing) == (15_000_000, 4_000_000, 21_000_000)
    assert [r.payment_no for r in book.rows] == ["", "PC-2024-0001"]


@needs_pdf
def test_the_bank_book_in_pdf_and_excel_shows_the_same_balances(client, people, town_fund, commune_fund, paid):
    transfer_record(
        actor=people.town_office, from_fund=town_fund, to_fund=commune_fund, amount=5_000_000, date=dt.date(2024, 2, 20)
    )
    client.force_login(people.town_office)
    url = reverse("funds:fund_book", args=[town_fund.pk, "tien-gui"]) + "?tu=01/01/2024&den=31/03/2024"

    text = pdf_text(client.get(url).content)
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "&dinh_dang=xlsx").content)).active
    values = [[c for c in row if c is not None] for row in sheet.iter_rows(values_only=True)]

    for words in ("Mẫu số S08-H", "SỔ TIỀN GỬI NGÂN HÀNG, KHO BẠC", "Từ ngày 01/01/2024 đến ngày 31/03/2024",
                  "Số dư đầu kỳ", "20.000.000 đ", "Chuyển sang Quỹ vận động phường Vĩnh Điện", "15.000.000 đ",
                  "Cộng phát sinh trong kỳ", "Số dư cuối kỳ"):  # fmt: skip
        assert words in text, (words, text)
    assert ["Số dư đầu kỳ", 0] in values
    assert ["Cộng phát sinh trong kỳ", 20_000_000, 5_000_000] in values
    assert ["Số dư cuối kỳ", 15_000_000] in values


def test_a_book_period_typed_wrong_is_refused_in_vietnamese(client, people, town_fund):
    client.force_login(people.town_office)
    url = reverse("funds:fund_book", args=[town_fund.pk, "tien-mat"])

    bad = client.get(url + "?tu=2024-01-01")

    assert bad.status_code == 400 and "không đúng dạng ngày/tháng/năm" in bad.content.decode()


@pytest.fixture
def corrected(people, town_fund, commune_fund, paid):
    """`paid`, then 5 million moved to the commune fund by bank on 20/02/2024, a cash gift of 3 million on
    05/03/2024 reversed on 10/04/2024 (recorded twice by mistake) and the March payment reversed on 15/04/2024."""
    _, voucher = paid
    transfer_record(
        actor=people.town_office, from_fund=town_fund, to_fund=commune_fund, amount=5_000_000, date=dt.date(2024, 2, 20)
    )
    twice = receive(people, town_fund, 3_000_000, dt.date(2024, 3, 5))
    entry_reverse(actor=people.board, entry=twice.entry, reason="Ghi trùng", date=dt.date(2024, 4, 10))
    entry_reverse(actor=people.board, entry=voucher.entry, reason="Chi nhầm đợt", date=dt.date(2024, 4, 15))
    return voucher


DAYS = [dt.date(2024, 1, 31), dt.date(2024, 3, 31), dt.date(2024, 4, 12), dt.date(2024, 4, 30)]


def test_the_books_take_their_balances_from_the_catalogue_and_together_hold_what_the_fund_holds(town_fund, corrected):
    for day in DAYS:
        figures = fund_figures.for_fund(town_fund, as_of=day)
        cash = papers.book(town_fund, Channel.CASH, dt.date(2024, 1, 1), day)
        bank = papers.book(town_fund, Channel.BANK, dt.date(2024, 1, 1), day)
        for b in (cash, bank):  # the rows add up to what the catalogue says, on every day
            assert b.opening + sum(r.money_in - r.money_out for r in b.rows) == b.closing, (day, b.channel)
            assert (b.total_in, b.total_out) == (
                sum(r.money_in for r in b.rows),
                sum(r.money_out for r in b.rows),
            )
        assert cash.closing == figures.fund_cash_book_balance and bank.closing == figures.fund_bank_book_balance
        assert figures.fund_held == cash.closing + bank.closing
        assert figures.fund_held == figures.fund_unallocated + figures.fund_allocated_unpaid, day
    april = papers.book(town_fund, Channel.CASH, dt.date(2024, 4, 1), dt.date(2024, 4, 30))
    # A reversal is a row of its own day; March as printed in March never changes.
    assert [(r.date, r.money_in, r.money_out) for r in april.rows] == [
        (dt.date(2024, 4, 10), 0, 3_000_000),
        (dt.date(2024, 4, 15), 4_000_000, 0),
    ]
    assert all(r.text.startswith("Đảo bút toán #") for r in april.rows)
    assert (april.opening, april.closing) == (24_000_000, 25_000_000)


def test_the_fund_books_as_of_today_are_kept_and_add_the_entries_posted_since(settings, people, town_fund, corrected):
    settings.FIGURES_CACHE_SECONDS = 0
    names = ("fund_cash_book_in", "fund_cash_book_out", "fund_bank_book_in", "fund_bank_book_out", "fund_held")

    def today() -> dict[str, int]:
        figures = fund_figures.for_fund(town_fund)  # read lazily: take the values now
        return {name: getattr(figures, name) for name in names}

    from_every_line = today()  # nothing folded yet: every line read live
    assert books.fold_books() > 0 and books.fold_books() == 0
    folded = today()
    receive(people, town_fund, 2_000_000, dates.today(), channel=Channel.BANK)  # after the fold: read live
    later = today()
    books.fold_books()

    assert folded == from_every_line
    assert later == {**folded, "fund_bank_book_in": folded["fund_bank_book_in"] + 2_000_000,
                     "fund_held": folded["fund_held"] + 2_000_000}  # fmt: skip
    assert today() == later  # folded in its turn
    assert books.kept_books([town_fund.pk])[1][town_fund.pk]["bank_in"] == later["fund_bank_book_in"]
    bank = papers.book(town_fund, Channel.BANK, dt.date(2024, 1, 1), dates.today())
    assert bank.opening + sum(r.money_in - r.money_out for r in bank.rows) == bank.closing
    assert bank.closing == later["fund_bank_book_in"] - later["fund_bank_book_out"]


def test_a_transaction_of_postings_folds_its_entries_into_the_kept_book_totals_once_it_commits(
    django_capture_on_commit_callbacks, people, town_fund
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        receive(people, town_fund, 1_000_000, dt.date(2024, 1, 5))
        receive(people, town_fund, 2_000_000, dt.date(2024, 1, 6), channel=Channel.BANK)

    through, kept = books.kept_books([town_fund.pk])
    assert callbacks.count(books._enqueue_fold) == 1  # the task (run at once in tests) folded both
    assert through == JournalEntry.objects.latest("id").pk
    assert kept == books.book_sums(books.book_lines([town_fund.pk], None))


@needs_pdf
@pytest.mark.parametrize(
    ("day", "fold"),
    [(dt.date(2024, 4, 12), False), (None, False), (None, True)],
    ids=["a-past-day", "today", "today-kept-and-since"],
)
def test_the_books_closing_balances_are_the_fund_pages_and_the_apis_for_the_same_day(
    client, people, town_fund, corrected, day, fold
):
    day = day or dates.today()
    if fold:  # the kept totals (funds.books) through the entries so far, and a receipt posted after them
        books.fold_books()
        receive(people, town_fund, 2_000_000, day, channel=Channel.BANK)
    client.force_login(people.town_office)
    ngay = f"{day:%d/%m/%Y}"
    page = shown(client.get(reverse("funds:fund_detail", args=[town_fund.pk]) + f"?ngay={ngay}").content.decode(),
                 fund=town_fund.pk)  # fmt: skip
    api_client = APIClient()
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=people.town_office, second_factor=True)[1]}")
    api = api_client.get(reverse("api:fund-detail", args=[town_fund.pk]), {"ngay": day.isoformat()}).json()["figures"]
    closings = {}
    for kind, name in (("tien-mat", "fund_cash_book_balance"), ("tien-gui", "fund_bank_book_balance")):
        url = reverse("funds:fund_book", args=[town_fund.pk, kind]) + f"?tu=01/01/2024&den={ngay}"
        pdf = re.search(r"Số dư cuối kỳ\s*([\d.]+)\s*đ", pdf_text(client.get(url).content))
        sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + "&dinh_dang=xlsx").content)).active
        excel = [row[-1] for row in sheet.iter_rows(values_only=True) if "Số dư cuối kỳ" in row]
        assert pdf is not None, kind
        closings[name] = {int(pdf.group(1).replace(".", "")), excel[0], page[name][0], api[name]}
    assert all(len(values) == 1 for values in closings.values()), closings
    held = closings["fund_cash_book_balance"].pop() + closings["fund_bank_book_balance"].pop()
    assert held == page["fund_held"][0] == api["fund_held"] == api["fund_unallocated"] + api["fund_allocated_unpaid"]
