"""Statements as the banks print them: the same transactions as the Excel exports, laid out in a PDF.

The PDFs are made here with WeasyPrint from the same layout descriptions as the Excel files
(test_statement_layouts.py): the header block as paragraphs above the table, the captions as the
table head (repeated at the top of every page), cells that wrap onto several lines, the page number
in the margin. Reading one must give what reading the Excel export gives.
"""

from __future__ import annotations

import datetime as dt
import html

import pypdfium2 as pdfium
import pytest
import weasyprint

from chungtay.funds.models import BankStatement, StatementLine
from chungtay.funds.statement_layouts import read_statement
from chungtay.funds.statement_pdf import SCANNED
from chungtay.funds.statements import commit_statement, plan_statement
from chungtay.funds.tests.test_statement_layouts import (
    BANK_NAMES,
    LAYOUTS,
    OPENING,
    SEPTEMBER,
    Txn,
    balance_before,
    month,
    statement,
    statement_parts,
    vn,
)
from chungtay.funds.tests.test_statements import batch_for

pytestmark = pytest.mark.pdf  # WeasyPrint prints the statements

STYLE = """
@page { size: A4 landscape; margin: 14mm 12mm;
        @bottom-center { content: "Trang " counter(page) "/" counter(pages); font-size: 8pt; } }
body { font-family: "DejaVu Sans", sans-serif; font-size: 8.5pt; }
table { border-collapse: collapse; width: 100%; }
th, td { border: 0.5pt solid #555; padding: 2pt 3pt; vertical-align: middle; }
td.n { text-align: right; white-space: nowrap; }
th { background: #eee; }
"""


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M:%S")
    if isinstance(value, int):
        return vn(value)
    return html.escape(str(value)).replace("\n", "<br>")


def _is_number(value: object) -> bool:
    return isinstance(value, int) or (
        isinstance(value, str) and value.strip(" +-").replace(".", "").replace(",", "").isdigit()
    )


def printed(
    bank: str, txns: list[Txn] = SEPTEMBER, *, opening: int = OPENING, period=(1, 15), ruled: bool = True
) -> bytes:
    """The statement `bank` would print for these transactions: a PDF with its text (fictional account).

    `ruled=False` prints the table without lines, as some banks do: columns then stand only in white.
    """
    block, header, body = statement_parts(bank, txns, opening=opening, period=period)
    width = max(len(row) for row in [*header, *body])
    paragraphs = "".join(f"<p>{' '.join(_cell(c) for c in row if c not in (None, ''))}</p>" for row in block)
    head = "".join("<tr>" + "".join(f"<th>{_cell(c)}</th>" for c in row) + "</tr>" for row in header)
    rows = "".join(
        "<tr>"
        + "".join(
            f'<td class="{"n" if _is_number(c) else ""}">{_cell(c)}</td>' for c in [*row, *[None] * (width - len(row))]
        )
        + "</tr>"
        for row in body
    )
    unruled = "" if ruled else "th, td { border: none; padding: 2pt 6pt; }"
    page = f"<style>{STYLE}{unruled}</style>{paragraphs}<table><thead>{head}</thead><tbody>{rows}</tbody></table>"
    return weasyprint.HTML(string=page).write_pdf()


@pytest.fixture
def fund_of(town_fund):
    def set_account(bank: str):
        town_fund.account_number = LAYOUTS[bank]["account"]
        town_fund.save()
        return town_fund

    return set_account


def _lines(read) -> list[tuple]:
    return [(x.txn_at, x.bank_ref, x.debit, x.credit, x.balance, x.memo) for x in read.lines]


@pytest.mark.parametrize("bank", list(LAYOUTS))
def test_each_banks_printed_statement_reads_as_its_excel_export(bank, fund_of):
    fund = fund_of(bank)
    plan = plan_statement(data=printed(bank), filename=f"{bank}.pdf", fund=fund)
    assert plan.ok, plan.errors
    assert (plan.layout, plan.bank) == (bank, BANK_NAMES[bank])
    assert (plan.period_from, plan.period_to) == (dt.date(2024, 9, 1), dt.date(2024, 9, 15))
    assert (plan.opening_balance, plan.closing_balance) == (OPENING, OPENING + 1_900_000 - 11_000)
    summary = plan.summary()
    assert (summary["rows"], summary["credits"], summary["credit_total"]) == (5, 4, 1_900_000)
    assert (summary["debits"], summary["debit_total"], summary["skipped"]) == (1, 11_000, 0)
    excel = read_statement(statement(bank), f"{bank}.xlsx")
    pdf = read_statement(printed(bank), f"{bank}.pdf")
    # Same lines: dates, references (or the identities made for running numbers), amounts, balances and
    # memos, a memo wrapped over several lines of its cell being one memo again.
    assert [line[:5] for line in _lines(pdf)] == [line[:5] for line in _lines(excel)]
    assert [line[5] for line in _lines(pdf)] == [line[5] for line in _lines(excel)]


@pytest.mark.parametrize("bank", ["vietcombank", "vietinbank", "agribank", "mb"])
def test_a_statement_printed_without_table_lines_reads_the_same(bank, fund_of):
    excel = read_statement(statement(bank), f"{bank}.xlsx")
    pdf = read_statement(printed(bank, ruled=False), f"{bank}.pdf")
    assert not pdf.errors, pdf.errors
    assert _lines(pdf) == _lines(excel)
    assert (pdf.opening_balance, pdf.closing_balance) == (excel.opening_balance, excel.closing_balance)


def test_a_long_printed_statement_over_many_pages_keeps_every_line_once(fund_of, people):
    txns = month(range(1, 31))
    data = printed("vietcombank", txns, period=(1, 30))
    assert len(pdfium.PdfDocument(data)) >= 3  # several pages, the table head repeated on each
    fund = fund_of("vietcombank")
    office = people.town_office
    plan, record = commit_statement(actor=office, batch=batch_for(data, "vcb.pdf", fund, office), fund=fund)
    assert plan.ok, plan.errors
    assert StatementLine.objects.filter(fund=fund).count() == len(txns)
    assert record.total_credit == sum(t.credit for t in txns)
    assert record.closing_balance == OPENING + sum(t.credit - t.debit for t in txns)


def test_a_printed_statement_and_the_excel_export_of_an_overlapping_period_add_each_line_once(fund_of, people):
    fund = fund_of("bidv")
    office = people.town_office
    first = printed("bidv", month(range(1, 16)), period=(1, 15))
    second = statement("bidv", month(range(10, 31)), opening=balance_before(10), period=(10, 30))
    commit_statement(actor=office, batch=batch_for(first, "1.pdf", fund, office), fund=fund)
    dry = plan_statement(data=second, filename="2.xlsx", fund=fund)
    assert dry.ok, dry.errors
    assert dry.counts()["skipped"] == len(month(range(10, 16)))
    commit_statement(actor=office, batch=batch_for(second, "2.xlsx", fund, office), fund=fund)
    assert StatementLine.objects.filter(fund=fund).count() == len(month(range(1, 31)))
    assert BankStatement.objects.filter(fund=fund).count() == 1


def test_a_scanned_statement_is_refused_in_vietnamese(town_fund):
    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    picture = weasyprint.HTML(string=f'<img src="data:image/png;base64,{pixel}" width="400">').write_pdf()
    plan = plan_statement(data=picture, filename="scan.pdf", fund=town_fund)
    assert not plan.ok
    assert plan.errors[0]["message"] == SCANNED


def test_a_broken_pdf_is_refused_in_vietnamese(town_fund):
    plan = plan_statement(data=b"%PDF-1.7\nnot really a pdf", filename="x.pdf", fund=town_fund)
    assert not plan.ok and "PDF" in plan.errors[0]["message"]


def test_the_commands_dry_run_of_a_pdf_agrees_with_the_page(fund_of, tmp_path):
    import io
    import json

    from django.core.management import call_command

    fund = fund_of("agribank")
    data = printed("agribank", month(range(1, 8)), period=(1, 7))
    path = tmp_path / "agribank.pdf"
    path.write_bytes(data)
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", fund.code, "--dry-run", "--json", stdout=out)
    printed_summary = json.loads(out.getvalue().strip())
    assert printed_summary == plan_statement(data=data, filename="agribank.pdf", fund=fund).summary()
    assert printed_summary["rows"] == len(month(range(1, 8))) and printed_summary["errors"] == []
    assert StatementLine.objects.count() == 0
