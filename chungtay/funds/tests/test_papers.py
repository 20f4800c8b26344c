"""Issue 17: the accountant's papers — Phiếu thu C40-BB, Phiếu chi C41-BB (Thông tư 107/2017/TT-BTC),
numbered per fund and year, and each fund's cash book and bank book in PDF and Excel."""

import datetime as dt
import io

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from chungtay.core.docgen import pdf_text
from chungtay.core.pdf import pdf_available
from chungtay.funds import papers
from chungtay.funds.models import Channel, Receipt
from chungtay.funds.services import (
    DonorRef,
    allocation_record,
    disbursement_approve,
    disbursement_record,
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


@needs_pdf
def test_the_receipt_paper_follows_form_c40_bb(client, people, town_fund):
    receipt = receive(people, town_fund, 15_000_000, dt.date(2024, 6, 3), channel=Channel.BANK)
    client.force_login(people.town_office)

    text = pdf_text(client.get(reverse("funds:receipt_c40", args=[receipt.pk])).content)

    for words in (
        "Mẫu số C40-BB", "Thông tư số 107/2017/TT-BTC", "Đơn vị: Ủy ban MTTQ Việt Nam thị xã Điện Bàn", "PHIẾU THU",
        "Quyển số: 2024", "Số: PT-2024-0001", "Nợ: 112", "Có: 3388", "Ngày 03 tháng 06 năm 2024",
        "Họ và tên người nộp tiền: Lê Văn Nộp", "Lý do nộp", "Số tiền: 15.000.000 đ",
        "(Viết bằng chữ): Mười lăm triệu đồng", "Kèm theo: Giấy báo Có", "chứng từ gốc",
        "THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI NỘP TIỀN", "NGƯỜI LẬP", "THỦ QUỸ",
    ):  # fmt: skip
        assert words in text, (words, text)


@needs_pdf
def test_the_payment_paper_follows_form_c41_bb_and_names_the_stage_in_vietnamese(client, people, paid):
    house, voucher = paid
    client.force_login(people.town_office)

    text = pdf_text(client.get(reverse("funds:voucher_c41", args=[voucher.pk])).content)
    old = pdf_text(client.get(reverse("funds:voucher_pdf", args=[voucher.pk])).content)

    for words in (
        "Mẫu số C41-BB", "PHIẾU CHI", "Quyển số: 2024", "Số: PC-2024-0001", "Nợ: 3388", "Có: 111",
        "Ngày 01 tháng 03 năm 2024", f"Họ và tên người nhận tiền: {house.head_name}", "giai đoạn “Xong móng”",
        "Số tiền: 4.000.000 đ", "Bốn triệu đồng", "THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI LẬP", "THỦ QUỸ",
        "NGƯỜI NHẬN TIỀN",
    ):  # fmt: skip
        assert words in text, (words, text)
    assert "foundation" not in text and "foundation" not in old and "Xong móng" in old


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
