"""Statements laid out as each bank's internet banking exports them, made here from small descriptions.

Accounts, names and references are fictional; only the shape imitates the banks: captions, the
header block, where the reference stands, how amounts are written, page furniture inside the table.
"""

from __future__ import annotations

import datetime as dt
import io
import textwrap
from dataclasses import dataclass

import openpyxl
import pytest

from chungtay.funds.models import BankStatement, StatementLine
from chungtay.funds.statement_layouts import account_matches, read_statement
from chungtay.funds.statements import commit_statement, plan_statement
from chungtay.funds.tests.test_statements import batch_for

OPENING = 10_000_000


@dataclass
class Txn:
    day: int
    ref: str
    debit: int
    credit: int
    memo: str
    who: str = ""


SEPTEMBER = [
    Txn(1, "0001", 0, 500_000, "NGUYEN VAN AN chuyen tien ung ho dong bao bi anh huong bao so 3", "NGUYEN VAN AN"),
    Txn(1, "0002", 0, 200_000, "ung ho mien bac"),
    Txn(2, "0003", 0, 1_000_000, "CONG TY TNHH AN PHAT UNG HO", "CONG TY TNHH AN PHAT"),
    Txn(2, "0004", 11_000, 0, "PHI SMS BANKING"),
    Txn(3, "0005", 0, 200_000, "ung ho mien bac"),
]


def vn(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def en(n: int) -> str:
    return f"{n:,}"


def xlsx(rows: list[list]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def statement_parts(
    bank: str, txns: list[Txn] = SEPTEMBER, *, opening: int = OPENING, period=(1, 15), page_every=0
) -> tuple[list[list], list[list], list[list]]:
    """The header block, the table's caption rows and the rows below them, as `bank` lays them out."""
    layout = LAYOUTS[bank]
    closing = opening + sum(t.credit - t.debit for t in txns)
    start, end = (f"{d:02d}/09/2024" for d in period)
    block = [
        [c.format(start=start, end=end, opening=vn(opening)) if isinstance(c, str) else c for c in line]
        for line in layout["block"]
    ]
    body: list[list] = list(layout.get("before", lambda o: [])(opening))
    balance = opening
    for i, t in enumerate(txns, 1):
        balance += t.credit - t.debit
        body.extend(layout["row"](i, t, balance))
        if page_every and i % page_every == 0 and i < len(txns):
            body.append([f"Trang {i // page_every}/{len(txns) // page_every + 1}"])
            body.extend(layout["header"])
    body.extend(layout["footer"](sum(t.debit for t in txns), sum(t.credit for t in txns), closing))
    return block, layout["header"], body


def statement(bank: str, txns: list[Txn] = SEPTEMBER, *, opening: int = OPENING, period=(1, 15), page_every=0) -> bytes:
    """The file `bank`'s internet banking would give for these transactions (fictional account)."""
    block, header, body = statement_parts(bank, txns, opening=opening, period=period, page_every=page_every)
    return xlsx([*block, *header, *body])


def _when(t: Txn) -> str:
    return f"{t.day:02d}/09/2024"


LAYOUTS = {
    "vietcombank": {
        "account": "0071000123789",
        "block": [
            ["NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM"],
            ["SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT"],
            ["Số tài khoản / Account number:", "0071****789"],
            ["Từ ngày / From: {start}   Đến ngày / To: {end}"],
            ["Số dư đầu kỳ / Opening balance:", None, "{opening}"],
        ],
        "header": [
            [
                "STT / No.",
                "Ngày giao dịch / Transaction Date",
                "Số tiền ghi nợ / Debit",
                "Số tiền ghi có / Credit",
                "Số dư / Balance",
                "Nội dung chi tiết / Transactions in detail",
            ],
        ],
        "row": lambda i, t, bal: [
            [
                i,
                f"{_when(t)}\n5213.{t.ref}",
                vn(t.debit) if t.debit else None,
                vn(t.credit) if t.credit else None,
                vn(bal),
                t.memo,
            ]
        ],
        "footer": lambda d, c, closing: [
            ["Tổng số / Total", None, vn(d), vn(c)],
            ["Số dư cuối kỳ / Closing balance", None, None, None, vn(closing)],
            ["Ngày in / Printed: 07/12/2026"],
        ],
    },
    "bidv": {
        "account": "12345678901",
        "block": [
            ["NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM - BIDV"],
            ["Số tài khoản: 1234 5678 901"],
            ["Từ ngày {start} đến ngày {end}"],
            ["Số dư đầu kỳ: {opening}"],
        ],
        "header": [
            ["STT", "Ngày hiệu lực", "Ghi nợ", "Ghi có", "Số dư", "Mô tả"],
            ["No.", "Effective date", "Debit", "Credit", "Balance", "Description"],
        ],
        "row": lambda i, t, bal: [
            [
                i,
                f"{_when(t)} 10:{i % 60:02d}:00",
                en(t.debit) if t.debit else "",
                en(t.credit) if t.credit else "",
                en(bal),
                t.memo,
            ]
        ],
        "footer": lambda d, c, closing: [
            ["Cộng phát sinh", None, en(d), en(c)],
            ["Số dư cuối kỳ", None, None, None, en(closing)],
        ],
    },
    "vietinbank": {
        "account": "108000654321",
        "block": [
            ["VietinBank - NGÂN HÀNG TMCP CÔNG THƯƠNG VIỆT NAM"],
            ["Tài khoản / Account: 1080****4321"],
            ["Kỳ sao kê / Period: {start} - {end}"],
            ["Số dư đầu kỳ / Opening balance: {opening}"],
        ],
        "header": [
            [
                "STT / No",
                "Ngày giao dịch / Transaction date",
                "Mô tả giao dịch / Transaction description",
                "Số tiền giao dịch / Amount",
                "Số dư / Balance",
                "Tên đối ứng / Corresponding name",
            ],
        ],
        "row": lambda i, t, bal: [
            [
                i,
                dt.datetime(2024, 9, t.day, 9, i % 60),
                t.memo,
                f"+{vn(t.credit)}" if t.credit else f"-{vn(t.debit)}",
                bal,
                t.who,
            ]
        ],
        "footer": lambda d, c, closing: [["Số dư cuối kỳ / Closing balance: " + vn(closing)]],
    },
    "agribank": {
        "account": "3400205123456",
        "block": [
            ["NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM - AGRIBANK"],
            ["Số tài khoản: 3400205123456"],
            ["Từ ngày: {start}  Đến ngày: {end}"],
        ],
        "header": [
            [
                "Ngày GD / Trans Date",
                "Số tham chiếu / Reference No",
                "Ghi nợ / Debit",
                "Ghi có / Credit",
                "Số dư / Balance",
                "Nội dung / Description",
            ],
        ],
        "before": lambda opening: [[None, None, None, None, vn(opening) + ",00", "Số dư đầu kỳ"]],
        # The memo goes on for as many rows as it needs, wrapped at 24 characters.
        "row": lambda i, t, bal: [
            [
                _when(t),
                f"AGR{t.ref}",
                vn(t.debit) + ",00" if t.debit else None,
                vn(t.credit) + ",00" if t.credit else None,
                vn(bal) + ",00",
                textwrap.wrap(t.memo, 24)[0],
            ],
            *([None, None, None, None, None, more] for more in textwrap.wrap(t.memo, 24)[1:]),
        ],
        "footer": lambda d, c, closing: [
            ["Tổng cộng", None, vn(d) + ",00", vn(c) + ",00"],
            [None, None, None, None, vn(closing) + ",00", "Số dư cuối kỳ"],
        ],
    },
    "techcombank": {
        "account": "19031234565678",
        "block": [
            ["TECHCOMBANK - Ngân hàng TMCP Kỹ Thương Việt Nam"],
            ["Số tài khoản / Account no: 1903****5678"],
            ["Từ ngày / From {start} đến ngày / To {end}"],
            ["Số dư đầu kỳ / Opening balance", "{opening}"],
        ],
        "header": [
            [
                "Ngày giao dịch / Transaction Date",
                "Đối tác / Remitter",
                "Diễn giải / Details",
                "Số bút toán / Transaction No.",
                "Nợ TKTT / Debit",
                "Có TKTT / Credit",
                "Số dư / Balance",
            ],
        ],
        "row": lambda i, t, bal: [[_when(t), t.who, t.memo, f"FT24{t.ref}", t.debit or None, t.credit or None, bal]],
        "footer": lambda d, c, closing: [
            ["Tổng / Total", None, None, None, d, c],
            ["Số dư cuối kỳ / Closing balance", closing],
        ],
    },
    "mb": {
        "account": "0801234567890",
        "block": [
            ["NGÂN HÀNG TMCP QUÂN ĐỘI - MB Bank"],
            ["Số tài khoản: 0801234567890"],
            ["Từ ngày {start} đến ngày {end}"],
            ["Số dư đầu kỳ", None, None, "{opening}"],
        ],
        "header": [
            [
                "STT",
                "Ngày giao dịch\nTransaction date",
                "Số bút toán\nReference",
                "Số tiền ghi nợ\nDebit amount",
                "Số tiền ghi có\nCredit amount",
                "Số dư\nBalance",
                "Nội dung\nDescription",
            ],
        ],
        "row": lambda i, t, bal: [
            [
                i,
                f"{_when(t)} 08:30:{i:02d}",
                f"FT24MB{t.ref}",
                en(t.debit) if t.debit else None,
                en(t.credit) if t.credit else None,
                en(bal),
                t.memo,
            ]
        ],
        "footer": lambda d, c, closing: [
            ["Tổng ghi nợ / Total debit", None, None, en(d)],
            ["Tổng ghi có / Total credit", None, None, en(c)],
            ["Số dư cuối kỳ", None, None, en(closing)],
        ],
    },
}
BANK_NAMES = {
    "vietcombank": "Vietcombank",
    "bidv": "BIDV",
    "vietinbank": "VietinBank",
    "agribank": "Agribank",
    "techcombank": "Techcombank",
    "mb": "MB",
}


@pytest.fixture
def fund_of(town_fund):
    def set_account(bank: str):
        town_fund.account_number = LAYOUTS[bank]["account"]
        town_fund.save()
        return town_fund

    return set_account


@pytest.mark.parametrize("bank", list(LAYOUTS))
def test_each_banks_export_is_recognised_with_its_header_block(bank, fund_of):
    fund = fund_of(bank)
    plan = plan_statement(data=statement(bank), filename=f"{bank}.xlsx", fund=fund)
    assert plan.ok, plan.errors
    assert (plan.layout, plan.bank) == (bank, BANK_NAMES[bank])
    assert account_matches(plan.account_number, LAYOUTS[bank]["account"])
    assert (plan.period_from, plan.period_to) == (dt.date(2024, 9, 1), dt.date(2024, 9, 15))
    assert (plan.opening_balance, plan.closing_balance) == (OPENING, OPENING + 1_900_000 - 11_000)
    summary = plan.summary()
    assert (summary["rows"], summary["credits"], summary["credit_total"]) == (5, 4, 1_900_000)
    assert (summary["debits"], summary["debit_total"], summary["skipped"]) == (1, 11_000, 0)
    assert plan.lines[0].memo == SEPTEMBER[0].memo  # a memo continued on the next rows is one memo again


def test_vietcombank_date_and_reference_in_one_cell_give_the_reference(fund_of):
    plan = plan_statement(data=statement("vietcombank"), filename="vcb.xlsx", fund=fund_of("vietcombank"))
    assert [line.bank_ref for line in plan.lines][:2] == ["5213.0001", "5213.0002"]
    assert plan.lines[0].txn_at == dt.datetime(2024, 9, 1)


def test_vietinbanks_signed_amount_and_counterparty_become_sides_and_memo(fund_of):
    plan = plan_statement(data=statement("vietinbank"), filename="vtb.xlsx", fund=fund_of("vietinbank"))
    fee = next(line for line in plan.lines if "PHI" in line.memo)
    assert (fee.debit, fee.credit) == (11_000, 0)
    company = plan.lines[2]
    assert company.memo == "CONG TY TNHH AN PHAT UNG HO"  # the name already in the memo is not repeated


def test_page_headers_footers_and_page_subtotals_inside_the_table_are_skipped(fund_of):
    data = statement("vietcombank", page_every=2)
    plan = plan_statement(data=data, filename="vcb.xlsx", fund=fund_of("vietcombank"))
    assert plan.ok, plan.errors
    assert plan.counts()["rows"] == 5


def test_a_page_subtotal_row_does_not_count_as_the_files_total(fund_of):
    rows = [
        ["NGÂN HÀNG TMCP QUÂN ĐỘI - MB Bank"],
        ["STT", "Ngày giao dịch", "Số bút toán", "Số tiền ghi nợ", "Số tiền ghi có", "Số dư", "Nội dung"],
        [1, "01/09/2024", "FT1", None, "1,000,000", "11,000,000", "ung ho"],
        ["Cộng trang", None, None, "0", "1,000,000"],
        [2, "02/09/2024", "FT2", None, "2,000,000", "13,000,000", "ung ho"],
        ["Tổng cộng", None, None, "0", "3,000,000"],
    ]
    plan = plan_statement(data=xlsx(rows), filename="mb.xlsx", fund=fund_of("mb"))
    assert plan.ok, plan.errors
    assert plan.opening_balance == 10_000_000 and plan.closing_balance == 13_000_000


def test_a_break_in_the_running_balance_names_the_row(fund_of):
    data = statement("bidv")
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    row = next(r for r in ws.iter_rows() if r[0].value == 3)  # the third line
    row[4].value = "99,999"
    buffer = io.BytesIO()
    wb.save(buffer)
    plan = plan_statement(data=buffer.getvalue(), filename="bidv.xlsx", fund=fund_of("bidv"))
    broken = [e for e in plan.errors if e["field"] == "Số dư"]
    assert broken and broken[0]["row"] == row[0].row
    assert f"Số dư bị đứt ở dòng {row[0].row}" in broken[0]["message"]


def test_closing_balance_that_does_not_follow_from_the_lines_is_reported(fund_of):
    txns = [Txn(1, "1", 0, 500_000, "ung ho")]
    data = statement("techcombank", txns)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.active
    for r in ws.iter_rows():
        if r[0].value and "Closing" in str(r[0].value):
            r[1].value = 1
    buffer = io.BytesIO()
    wb.save(buffer)
    plan = plan_statement(data=buffer.getvalue(), filename="t.xlsx", fund=fund_of("techcombank"))
    assert any("khác số dư cuối kỳ" in e["message"] for e in plan.errors)


def test_a_masked_account_of_another_account_is_refused(fund_of):
    fund = fund_of("vietcombank")
    fund.account_number = "0071000555000"
    plan = plan_statement(data=statement("vietcombank"), filename="vcb.xlsx", fund=fund)
    assert any("không phải tài khoản của quỹ" in e["message"] for e in plan.errors)


def test_account_masks():
    assert account_matches("0071****789", "0071000123789")
    assert not account_matches("0071****789", "0071000123788")
    assert account_matches("0801234567890", "0801234567890")


def month(days: range) -> list[Txn]:
    """A busy September: on every day two identical small transfers, one named donor, a fee some days."""
    txns = []
    for day in days:
        txns += [
            Txn(day, f"{day}a", 0, 200_000, "ung ho mien bac"),
            Txn(day, f"{day}b", 0, 200_000, "ung ho mien bac"),  # identical, same day: still two lines
            Txn(day, f"{day}c", 0, 100_000 * day, f"TRAN THI BICH {day} ung ho"),
        ]
        if day % 5 == 0:
            txns.append(Txn(day, f"{day}d", 5_500, 0, "PHI SMS"))
    return txns


def balance_before(day: int) -> int:
    return OPENING + sum(t.credit - t.debit for t in month(range(1, day)))


@pytest.mark.parametrize("bank", ["bidv", "vietinbank"])
def test_running_numbers_overlapping_periods_add_each_line_once_and_one_record(bank, fund_of, people):
    fund = fund_of(bank)
    first = statement(bank, month(range(1, 16)), period=(1, 15))
    second = statement(bank, month(range(10, 31)), opening=balance_before(10), period=(10, 30))
    office = people.town_office
    commit_statement(actor=office, batch=batch_for(first, "1.xlsx", fund, office), fund=fund)
    dry = plan_statement(data=second, filename="2.xlsx", fund=fund)
    assert dry.ok, dry.errors
    assert dry.counts()["skipped"] == len(month(range(10, 16)))
    _plan, record = commit_statement(actor=office, batch=batch_for(second, "2.xlsx", fund, office), fund=fund)
    everything = month(range(1, 31))
    assert StatementLine.objects.filter(fund=fund).count() == len(everything)
    assert BankStatement.objects.filter(fund=fund).count() == 1
    record.refresh_from_db()
    assert (record.period_from, record.period_to) == (dt.date(2024, 9, 1), dt.date(2024, 9, 30))
    assert record.total_credit == sum(t.credit for t in everything)
    assert record.opening_balance == OPENING
    assert record.closing_balance == OPENING + sum(t.credit - t.debit for t in everything)
    # The same file once more: no line, no record.
    commit_statement(actor=office, batch=batch_for(second, "3.xlsx", fund, office), fund=fund)
    assert StatementLine.objects.filter(fund=fund).count() == len(everything)
    assert BankStatement.objects.filter(fund=fund).count() == 1


def test_identity_of_lines_without_reference_is_stable_across_exports():
    a = read_statement(statement("bidv", month(range(1, 16))), "a.xlsx")
    b = read_statement(statement("bidv", month(range(10, 31)), opening=balance_before(10), period=(10, 30)), "b.xlsx")
    in_a = {line.bank_ref for line in a.lines if line.txn_at.day >= 10}
    in_b = {line.bank_ref for line in b.lines if line.txn_at.day <= 15}
    assert in_a == in_b and len(in_a) == len(month(range(10, 16)))


def test_an_unknown_layout_with_ordinary_captions_falls_back_to_the_mapping_step(town_fund):
    rows = [["Ngày", "Diễn giải", "Tiền vào", "Tiền ra"], ["05/09/2024", "ung ho", "300000", None]]
    plan = plan_statement(data=xlsx(rows), filename="x.xlsx", fund=town_fund)
    assert plan.ok, plan.errors
    assert plan.layout == "generic" and plan.lines[0].credit == 300_000


def test_an_unreadable_table_asks_for_the_mapping_step(town_fund):
    plan = plan_statement(data=xlsx([["a", "b"], [1, 2]]), filename="x.xlsx", fund=town_fund)
    assert "bước ánh xạ" in plan.errors[0]["message"]


def test_the_commands_dry_run_counts_equal_the_pages(fund_of, people, client, tmp_path):
    import json

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from django.urls import reverse

    fund = fund_of("agribank")
    data = statement("agribank", month(range(1, 8)), period=(1, 7))
    client.force_login(people.town_office)
    page = client.post(
        reverse("funds:statement_import", args=[fund.pk]), {"file": SimpleUploadedFile("agribank.xlsx", data)}
    )
    assert page.status_code == 200
    assert "Agribank" in page.content.decode() and "số dư cuối kỳ" in page.content.decode()
    path = tmp_path / "agribank.xlsx"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", fund.code, "--dry-run", "--json", stdout=out)
    printed = json.loads(out.getvalue().strip())
    assert printed == page.context["plan"].summary()
    assert set(printed) == {"rows", "credits", "credit_total", "debits", "debit_total", "skipped", "errors"}
    assert StatementLine.objects.count() == 0


def test_the_command_imports_and_a_second_run_skips_everything(fund_of, people, tmp_path):
    import json

    from django.core.management import call_command

    fund = fund_of("mb")
    path = tmp_path / "mb.xlsx"
    path.write_bytes(statement("mb"))
    call_command(
        "import_statement", str(path), "--fund", fund.code, "--user", people.town_office.username, stdout=io.StringIO()
    )
    assert StatementLine.objects.filter(fund=fund).count() == 5
    assert BankStatement.objects.get(fund=fund).closing_balance == OPENING + 1_900_000 - 11_000
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", fund.code, "--json", stdout=out)
    assert json.loads(out.getvalue())["skipped"] == 5
    assert BankStatement.objects.filter(fund=fund).count() == 1


def test_the_command_reports_bad_rows_in_vietnamese_and_fails(fund_of, tmp_path):
    import json

    from django.core.management import call_command

    fund = fund_of("bidv")
    rows = [
        ["BIDV"],
        ["STT", "Ngày hiệu lực", "Ghi nợ", "Ghi có", "Số dư", "Mô tả"],
        [1, "31/02/2024", None, "1,000", None, "ung ho"],
    ]
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx(rows))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_statement", str(path), "--fund", fund.code, "--json", stdout=out)
    errors = json.loads(out.getvalue())["errors"]
    assert errors[0]["row"] == 3 and errors[0]["field"] == "Ngày giao dịch" and "ngày" in errors[0]["message"]
