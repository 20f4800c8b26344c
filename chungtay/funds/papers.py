"""The accountant's papers (issue 17): Phiếu thu C40-BB and Phiếu chi C41-BB of the accounting regime
for administrative units (Thông tư 107/2017/TT-BTC), and each fund's cash book and bank book (sổ quỹ
tiền mặt, sổ tiền gửi) with the opening balance, the running balance and the totals.

The books hold what moved money in or out of the fund's till or bank account: receipts (by their
channel), approved payments to households (by their channel), transfers between funds and bank fees
(bank). Allocations do not move money — it stays in the fund until it is paid. Reversed receipts,
payments and transfers are left out (the reversal cancels them), so a balance is never edited.

Account numbers (Nợ/Có) follow TT 107's chart: 111 tiền mặt, 112 tiền gửi ngân hàng, kho bạc; the
money the Front holds for households is carried on 3388 (phải trả khác) until it is paid.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from chungtay.core import cells
from chungtay.core.words import amount_in_words

from .models import Channel, Disbursement, DisbursementStatus, Fund, JournalEntry, Receipt, StatementLine, Transfer

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


def receipt_paper(receipt: Receipt) -> dict[str, Any]:
    """What a Phiếu thu (C40-BB) says for one receipt."""
    unit = receipt.fund.unit
    reason = receipt.memo or str(receipt.get_designation_display())
    if receipt.designated_household_id:
        reason = f"{reason} (cho hộ {receipt.designated_household.code})"  # type: ignore[union-attr]
    return {
        "form": "C40-BB",
        "title": "PHIẾU THU",
        "legal_basis": LEGAL_BASIS,
        "unit_name": f"Ủy ban MTTQ Việt Nam {unit.title}",
        "fund": receipt.fund.name,
        "book": receipt.serial_year or receipt.received_on.year,
        "number": serial_text("PT", receipt.serial_year, receipt.serial),
        "date": receipt.received_on,
        "debit": CASH_ACCOUNT.get(receipt.channel, "111"),
        "credit": HELD_FOR_HOUSEHOLDS,
        "person_label": "Họ và tên người nộp tiền",
        "person": receipt.donor.name,
        "address": "",
        "reason_label": "Lý do nộp",
        "reason": f"Ủng hộ {receipt.fund.name}: {reason}",
        "amount": receipt.amount,
        "words": amount_in_words(receipt.amount),
        "attached": (receipt.bank_ref and f"Giấy báo Có, số tham chiếu {receipt.bank_ref}") or receipt.receipt_number,
        "signers": ["THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI NỘP TIỀN", "NGƯỜI LẬP", "THỦ QUỸ"],
        "received_line": "Đã nhận đủ số tiền",
        "made_by": receipt.created_by.display_name if receipt.created_by else "",
    }


def voucher_paper(d: Disbursement) -> dict[str, Any]:
    """What a Phiếu chi (C41-BB) says for one payment to a household."""
    origin = d.fund or d.source
    unit = origin.unit  # type: ignore[union-attr]
    return {
        "form": "C41-BB",
        "title": "PHIẾU CHI",
        "legal_basis": LEGAL_BASIS,
        "unit_name": f"Ủy ban MTTQ Việt Nam {unit.title}",
        "fund": str(origin),
        "book": d.serial_year or d.date.year,
        "number": serial_text("PC", d.serial_year, d.serial) or f"{d.voucher_number} (chưa duyệt)",
        "date": d.date,
        "debit": HELD_FOR_HOUSEHOLDS,
        "credit": CASH_ACCOUNT.get(d.channel, "111"),
        "person_label": "Họ và tên người nhận tiền",
        "person": d.household.head_name,
        "address": f"Hộ {d.household.code}, {d.household.area.title}",
        "reason_label": "Nội dung",
        "reason": f"Hỗ trợ xây dựng, sửa chữa nhà ở — đợt chi giai đoạn “{d.stage_label}”"
        + (f"; {d.note}" if d.note else ""),
        "amount": d.amount,
        "words": amount_in_words(d.amount),
        "attached": f"Phiếu chi số {d.voucher_number}; biên bản xác nhận giai đoạn “{d.stage_label}”",
        "signers": ["THỦ TRƯỞNG ĐƠN VỊ", "KẾ TOÁN TRƯỞNG", "NGƯỜI LẬP", "THỦ QUỸ", "NGƯỜI NHẬN TIỀN"],
        "received_line": "Đã nhận đủ số tiền",
        "made_by": d.recorded_by.display_name,
    }


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
    fund: Fund
    channel: str
    date_from: dt.date
    date_to: dt.date
    opening: int
    rows: list[BookRow] = field(default_factory=list)

    @property
    def title(self) -> str:
        return BOOKS[self.channel][0]

    @property
    def form(self) -> str:
        return BOOKS[self.channel][1]

    @property
    def total_in(self) -> int:
        return sum(r.money_in for r in self.rows)

    @property
    def total_out(self) -> int:
        return sum(r.money_out for r in self.rows)

    @property
    def closing(self) -> int:
        return self.opening + self.total_in - self.total_out


def _movements(fund: Fund, channel: str, until: dt.date) -> list[BookRow]:
    """Every movement of the fund's till (cash) or account (bank) up to `until`, in date order."""
    reversed_entries = JournalEntry.objects.filter(reverses__isnull=False).values("reverses_id")
    rows: list[tuple[dt.date, int, BookRow]] = []
    receipts = Receipt.objects.filter(fund=fund, channel=channel, received_on__lte=until).exclude(
        entry_id__in=reversed_entries
    )
    for r in receipts.select_related("donor", "entry").order_by("received_on", "entry__seq"):
        number = serial_text("PT", r.serial_year, r.serial)
        rows.append((r.received_on, r.entry.seq, BookRow(r.received_on, number, "", f"Thu ủng hộ của {r.donor.name}",
                                                         r.amount, 0)))  # fmt: skip
    paid = Disbursement.objects.filter(
        fund=fund, channel=channel, status=DisbursementStatus.APPROVED, date__lte=until
    ).exclude(entry_id__in=reversed_entries)
    for d in paid.select_related("household", "entry").order_by("date", "entry__seq"):
        text = f"Chi hỗ trợ hộ {d.household.code}, giai đoạn “{d.stage_label}”"
        number = serial_text("PC", d.serial_year, d.serial)
        rows.append((d.date, d.entry.seq, BookRow(d.date, "", number, text, 0, d.amount)))  # type: ignore[union-attr]
    if channel == Channel.BANK:
        for t in (
            Transfer.objects.filter(date__lte=until)
            .filter(from_fund=fund)
            .exclude(entry_id__in=reversed_entries)
            .select_related("to_fund", "entry")
        ):
            rows.append((t.date, t.entry.seq, BookRow(t.date, "", "", f"Chuyển sang {t.to_fund.name}", 0, t.amount)))
        for t in (
            Transfer.objects.filter(date__lte=until)
            .filter(to_fund=fund)
            .exclude(entry_id__in=reversed_entries)
            .select_related("from_fund", "entry")
        ):
            rows.append((t.date, t.entry.seq, BookRow(t.date, "", "", f"Nhận từ {t.from_fund.name}", t.amount, 0)))
        fees = StatementLine.objects.filter(fund=fund, fee_entry__isnull=False, fee_entry__date__lte=until)
        for line in fees.select_related("fee_entry"):
            entry = line.fee_entry
            rows.append((entry.date, entry.seq, BookRow(entry.date, "", "", f"Phí ngân hàng: {line.memo}", 0,  # type: ignore[union-attr]
                                                        line.debit)))  # fmt: skip
    rows.sort(key=lambda item: (item[0], item[1]))
    return [row for _, _, row in rows]


def book(fund: Fund, channel: str, date_from: dt.date, date_to: dt.date) -> Book:
    """The book of one fund's cash (channel "tien_mat") or bank account for a period."""
    result = Book(fund=fund, channel=channel, date_from=date_from, date_to=date_to, opening=0)
    balance = 0
    for row in _movements(fund, channel, date_to):
        balance += row.money_in - row.money_out
        row.balance = balance
        if row.date < date_from:
            result.opening = balance
        else:
            result.rows.append(row)
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
