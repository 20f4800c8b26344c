"""The accountant's papers (issue 17): Phiếu thu C40-BB and Phiếu chi C41-BB of the accounting regime
for administrative units (Thông tư 107/2017/TT-BTC), and each fund's cash book and bank book (sổ quỹ
tiền mặt, sổ tiền gửi) with the opening balance, the running balance and the totals.

The books hold what moved money in or out of the fund's till or bank account: receipts (by their
channel), approved payments to households (by their channel), transfers between funds and bank fees
(bank). Allocations do not move money — it stays in the fund until it is paid. A reversal is a row of
its own day, on the opposite side, so a period already printed never changes. The lines are
`funds.books`'; the openings, totals and closings are the figures catalogue's, summed from the same
lines (`chungtay.figures.fund_books`): the closing of both books together is the fund's `fund_held`
on the fund page and in the API.

Account numbers (Nợ/Có) follow TT 107's chart: 111 tiền mặt, 112 tiền gửi ngân hàng, kho bạc; the
money the Front holds for households is carried on 3388 (phải trả khác) until it is paid.

The two papers keep the form's lines in its order: Đơn vị and Mã QHNS; Mẫu số and its legal basis;
the title and date beside Quyển số (one book per fund and year), Số, Nợ, Có; Họ và tên người nộp /
nhận tiền, Địa chỉ, Nội dung, Số tiền, (Viết bằng chữ), Kèm theo (how many original documents); the
three who approve and make it (thủ trưởng, kế toán trưởng, người lập), then "Đã nhận đủ số tiền" with
the two between whom the money changes hands (C40-BB: người nộp, thủ quỹ; C41-BB: thủ quỹ, người nhận
tiền), then the foreign-currency lines.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from chungtay.core import cells
from chungtay.core.words import amount_in_words
from chungtay.tallies import catalogue

from .books import BOOK_CHANNEL, BOOK_PREFIX, book_lines
from .models import Channel, Disbursement, EntryKind, Fund, JournalEntry, Receipt, Source

CASH_ACCOUNT: dict[str, str] = {Channel.CASH: "111", Channel.BANK: "112"}
HELD_FOR_HOUSEHOLDS = "3388"
LEGAL_BASIS = "Ban hành kèm theo Thông tư số 107/2017/TT-BTC ngày 10/10/2017 của Bộ Tài chính"
BOOKS: dict[str, tuple[str, str, str]] = {
    Channel.CASH: ("SỔ QUỸ TIỀN MẶT", "S07-H", "so-quy-tien-mat"),
    Channel.BANK: ("SỔ TIỀN GỬI NGÂN HÀNG, KHO BẠC", "S08-H", "so-tien-gui"),
}


def serial_text(kind: str, year: int | None, serial: int | None) -> str:
    """ "PT-2024-0001" (phiếu thu) / "PC-2024-0001" (phiếu chi); "" before a number is given."""
    return f"{kind}-{year}-{serial:04d}" if year and serial else ""


def book_text(origin: Fund | Source, year: int) -> str:
    """Quyển số: one book of receipts (vouchers) per fund — or outside source — and year, as the
    serials are numbered ("VNN-DB/2024"), so two funds' PT-2024-0001 are never in the same book."""
    code = origin.code.upper() if isinstance(origin, Fund) else f"NGUON{origin.pk}"
    return f"{code}/{year}"


# The five signatures of C40-BB and C41-BB (TT 107/2017/TT-BTC): three that approve and make the paper,
# then, under "Đã nhận đủ số tiền", the two between whom the money changes hands.
APPROVERS = [
    ("THỦ TRƯỞNG ĐƠN VỊ", "Ký, họ tên, đóng dấu"),
    ("KẾ TOÁN TRƯỞNG", "Ký, họ tên"),
    ("NGƯỜI LẬP", "Ký, họ tên"),
]
HANDS = {
    "C40-BB": [("NGƯỜI NỘP", "Ký, họ tên"), ("THỦ QUỸ", "Ký, họ tên")],
    "C41-BB": [("THỦ QUỸ", "Ký, họ tên"), ("NGƯỜI NHẬN TIỀN", "Ký, họ tên")],
}


def _paper(form: str, **fields: Any) -> dict[str, Any]:
    attached = [doc for doc in fields.pop("attached") if doc]
    return {
        "form": form,
        "title": "PHIẾU THU" if form == "C40-BB" else "PHIẾU CHI",
        "legal_basis": LEGAL_BASIS,
        "approvers": APPROVERS,
        "hands": HANDS[form],
        # "Kèm theo": how many original documents, and which (TT 107's instructions for the line).
        "attached": f"{len(attached):02d} chứng từ gốc ({'; '.join(attached)})" if attached else "",
        "words": amount_in_words(fields["amount"]),
        **fields,
    }


def receipt_paper(receipt: Receipt) -> dict[str, Any]:
    """What a Phiếu thu (C40-BB) says for one receipt."""
    unit = receipt.fund.unit
    reason = receipt.memo or str(receipt.get_designation_display())
    if receipt.designated_household_id:
        reason = f"{reason} (cho hộ {receipt.designated_household.code})"  # type: ignore[union-attr]
    return _paper(
        "C40-BB",
        unit_name=f"Ủy ban MTTQ Việt Nam {unit.title}",
        book=book_text(receipt.fund, receipt.serial_year or receipt.received_on.year),
        number=serial_text("PT", receipt.serial_year, receipt.serial),
        date=receipt.received_on,
        debit=CASH_ACCOUNT.get(receipt.channel, "111"),
        credit=HELD_FOR_HOUSEHOLDS,
        person_label="Họ và tên người nộp tiền",
        person=receipt.donor.name,
        address="",
        reason=f"Ủng hộ {receipt.fund.name}: {reason}",
        amount=receipt.amount,
        attached=[
            receipt.bank_ref and f"giấy báo Có, số tham chiếu {receipt.bank_ref}",
            receipt.receipt_number and f"biên lai số {receipt.receipt_number}",
        ],
        made_by=receipt.created_by.display_name if receipt.created_by else "",
    )


def voucher_paper(d: Disbursement) -> dict[str, Any]:
    """What a Phiếu chi (C41-BB) says for one payment to a household."""
    origin = d.fund or d.source
    assert origin is not None  # the database keeps exactly one (disbursement_one_origin)
    return _paper(
        "C41-BB",
        unit_name=f"Ủy ban MTTQ Việt Nam {origin.unit.title}",
        book=book_text(origin, d.serial_year or d.date.year),
        number=serial_text("PC", d.serial_year, d.serial) or f"{d.voucher_number} (chưa duyệt)",
        date=d.date,
        debit=HELD_FOR_HOUSEHOLDS,
        credit=CASH_ACCOUNT.get(d.channel, "111"),
        person_label="Họ và tên người nhận tiền",
        person=d.household.head_name,
        address=f"Hộ {d.household.code}, {d.household.area.full_title}",
        reason=f"Hỗ trợ xây dựng, sửa chữa nhà ở từ {origin} — đợt chi giai đoạn “{d.stage_label}”"
        + (f"; {d.note}" if d.note else ""),
        amount=d.amount,
        attached=[f"phiếu chi số {d.voucher_number}", f"biên bản xác nhận giai đoạn “{d.stage_label}”"],
        made_by=d.recorded_by.display_name,
    )


@dataclass
class BookRow:
    date: dt.date
    receipt_no: str
    payment_no: str
    text: str
    money_in: int
    money_out: int
    balance: int = 0


@dataclass
class Book:
    """One book for a period. The opening, the totals and the closing are the catalogue's figures
    (`fund_cash_book_*`, `fund_bank_book_*` as of the day before the period and its last day), never
    sums of the rows; the rows are the same ledger lines (`funds.books.book_lines`)."""

    fund: Fund
    channel: str
    date_from: dt.date
    date_to: dt.date
    opening: int
    total_in: int
    total_out: int
    closing: int
    rows: list[BookRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return BOOKS[self.channel][0]

    @property
    def form(self) -> str:
        return BOOKS[self.channel][1]


def _row_text(entry: JournalEntry, fund: Fund) -> tuple[str, str, str]:
    """(receipt number, payment number, what happened) for the entry behind a line of the book."""
    original: JournalEntry = entry.reverses if entry.kind == EntryKind.REVERSAL and entry.reverses else entry
    receipt = getattr(original, "receipt", None)
    payment = getattr(original, "disbursement", None)
    transfer = getattr(original, "transfer", None)
    if receipt is not None:
        numbers = (serial_text("PT", receipt.serial_year, receipt.serial), "")
        text = f"Thu ủng hộ của {receipt.donor.name}"
    elif payment is not None:
        numbers = ("", serial_text("PC", payment.serial_year, payment.serial))
        text = f"Chi hỗ trợ hộ {payment.household.code}, giai đoạn “{payment.stage_label}”"
    elif transfer is not None:
        numbers = ("", "")
        text = (
            f"Chuyển sang {transfer.to_fund.name}"
            if transfer.from_fund_id == fund.pk
            else f"Nhận từ {transfer.from_fund.name}"
        )
    else:
        numbers, text = ("", ""), original.memo
    if original is not entry:
        return "", "", f"Đảo bút toán #{original.seq} ({entry.reason or 'điều chỉnh'}): {text}"
    return numbers[0], numbers[1], text


def book(fund: Fund, channel: str, date_from: dt.date, date_to: dt.date) -> Book:
    """The book of one fund's cash (channel "tien_mat") or bank account for a period."""
    before = catalogue.for_items([fund], as_of=date_from - dt.timedelta(days=1))[fund.pk]
    until = catalogue.for_items([fund], as_of=date_to)[fund.pk]
    prefix = BOOK_PREFIX[channel]
    opening, closing = before[f"{prefix}_balance"], until[f"{prefix}_balance"]
    result = Book(
        fund=fund,
        channel=channel,
        date_from=date_from,
        date_to=date_to,
        opening=opening,
        total_in=until[f"{prefix}_in"] - before[f"{prefix}_in"],
        total_out=until[f"{prefix}_out"] - before[f"{prefix}_out"],
        closing=closing,
    )
    lines = (
        book_lines([fund.pk], None if until.params.is_today else date_to)
        .annotate(book_channel=BOOK_CHANNEL)
        .filter(book_channel=channel, entry__date__gte=date_from)
        .select_related(
            "entry__receipt__donor",
            "entry__disbursement__household",
            "entry__transfer__from_fund",
            "entry__transfer__to_fund",
            "entry__reverses__receipt__donor",
            "entry__reverses__disbursement__household",
            "entry__reverses__transfer__from_fund",
            "entry__reverses__transfer__to_fund",
        )
        .order_by("entry__date", "entry__seq", "pk")
    )
    balance = opening
    for line in lines:
        receipt_no, payment_no, text = _row_text(line.entry, fund)
        balance += line.debit - line.credit
        result.rows.append(BookRow(line.entry.date, receipt_no, payment_no, text, line.debit, line.credit, balance))
    return result


def book_xlsx(b: Book) -> bytes:
    out = io.BytesIO()
    wb = cells.workbook(out)
    ws = wb.add_worksheet(b.form)
    bold = wb.add_format({"bold": True})
    money = wb.add_format({"num_format": "#,##0"})
    bold_money = wb.add_format({"num_format": "#,##0", "bold": True})
    ws.write(0, 0, f"Ủy ban MTTQ Việt Nam {b.fund.unit.title}", bold)
    ws.write(0, 5, f"Mẫu số {b.form}")
    ws.write(2, 0, b.title, bold)
    ws.write(3, 0, f"{b.fund.name} — từ ngày {b.date_from:%d/%m/%Y} đến ngày {b.date_to:%d/%m/%Y}")
    headers = ["Ngày", "Số phiếu thu", "Số phiếu chi", "Diễn giải", "Thu (gửi vào)", "Chi (rút ra)", "Tồn"]
    for col, text in enumerate(headers):
        ws.write(5, col, text, bold)
    ws.write(6, 3, "Số dư đầu kỳ", bold)
    ws.write_number(6, 6, b.opening, bold_money)
    row_no = 7
    for r in b.rows:
        ws.write(row_no, 0, r.date.strftime("%d/%m/%Y"))
        ws.write(row_no, 1, r.receipt_no)
        ws.write(row_no, 2, r.payment_no)
        ws.write(row_no, 3, r.text)
        ws.write_number(row_no, 4, r.money_in, money)
        ws.write_number(row_no, 5, r.money_out, money)
        ws.write_number(row_no, 6, r.balance, money)
        row_no += 1
    ws.write(row_no, 3, "Cộng phát sinh trong kỳ", bold)
    ws.write_number(row_no, 4, b.total_in, bold_money)
    ws.write_number(row_no, 5, b.total_out, bold_money)
    ws.write(row_no + 1, 3, "Số dư cuối kỳ", bold)
    ws.write_number(row_no + 1, 6, b.closing, bold_money)
    ws.set_column(0, 2, 14)
    ws.set_column(3, 3, 48)
    ws.set_column(4, 6, 16)
    wb.close()
    return out.getvalue()
