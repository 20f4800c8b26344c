"""Big printed statements page by page (issue 19): the streaming path gives what the page's path gives.

A statement PDF of more than `statement_stream.STREAM_PDF_PAGES` pages goes, in `import_statement`,
through the staging table a big CSV export goes through, its pages read one at a time
(`statement_pdf.PdfPages`) and its lines handed on as the layout reader recognises them
(`statement_layouts.read_rows`). Here the same printed statements go both ways: the same lines,
counts, totals, balances, errors, statement record; the rows are the same read in two processes;
and what the reader holds does not grow with the pages.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import hashlib
import io
import json
import tracemalloc
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from chungtay.core.imports import adapter_for, batch_upload, read_file
from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.funds import statement_stream, statements
from chungtay.funds.models import BankStatement, StatementLine
from chungtay.funds.statement_layouts import (
    DayIdentities,
    OutOfDayOrder,
    RawLine,
    ReadStatement,
    assign_identities,
    read_rows,
    read_statement,
)
from chungtay.funds.statement_pdf import PdfPages, _Window, page_tree, pdf_grid
from chungtay.funds.statements import commit_statement, plan_statement
from chungtay.funds.tests.test_statement_layouts import LAYOUTS, OPENING, month
from chungtay.funds.tests.test_statement_pdf import printed
from chungtay.funds.tests.test_statements import batch_for

pytestmark = pytest.mark.pdf  # WeasyPrint prints the statements


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def fund_of(town_fund):
    def set_account(bank: str):
        town_fund.account_number = LAYOUTS[bank]["account"]
        town_fund.save()
        return town_fund

    return set_account


def _file(tmp_path, data: bytes, name: str = "sao-ke.pdf"):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _lines() -> list[tuple]:
    return list(
        StatementLine.objects.order_by("row_number").values_list(
            "row_number", "bank_ref", "txn_at", "debit", "credit", "balance", "memo", "status"
        )
    )


def _record(fund) -> list[dict]:
    return list(BankStatement.objects.filter(fund=fund).values(
        "period_from", "period_to", "opening_balance", "closing_balance", "total_debit", "total_credit",
        "lines_added", "lines_skipped"))  # fmt: skip


@pytest.mark.parametrize("bank", list(LAYOUTS))
def test_a_streamed_printed_statement_gives_the_pages_counts_totals_and_balances(bank, fund_of, tmp_path):
    fund = fund_of(bank)
    data = printed(bank, month(range(1, 17)), period=(1, 16))  # MB's times count the lines' seconds: under 60
    assert len(pdfium.PdfDocument(data)) >= 2  # the table head repeated, a page total, the page number
    page = plan_statement(data=data, filename="x.pdf", fund=fund)
    assert page.ok, page.errors
    streamed = statement_stream.plan_statement_pdf(_file(tmp_path, data), fund=fund, workers=0)
    assert streamed.ok, streamed.errors
    assert streamed.summary() == page.summary()
    assert (streamed.opening_balance, streamed.closing_balance) == (page.opening_balance, page.closing_balance)
    assert (streamed.bank, streamed.layout, streamed.account_number) == (page.bank, page.layout, page.account_number)
    assert (streamed.period_from, streamed.period_to) == page.period()


@pytest.mark.parametrize("bank", ["vietcombank", "bidv", "agribank"])
def test_a_streamed_confirm_of_a_printed_statement_leaves_the_pages_lines_and_record(bank, fund_of, people, tmp_path):
    # Vietcombank: date and reference in one cell; BIDV: running numbers (identities); Agribank: memos
    # continued on the next row.
    fund = fund_of(bank)
    office = people.town_office
    data = printed(bank, month(range(1, 31)), period=(1, 30))
    with transaction.atomic():
        commit_statement(actor=office, batch=batch_for(data, "x.pdf", fund, office), fund=fund)
        page_lines, page_record = _lines(), _record(fund)
        transaction.set_rollback(True)
    assert StatementLine.objects.count() == 0 and len(page_lines) == len(month(range(1, 31)))

    done = statement_stream.commit_statement_pdf(_file(tmp_path, data), fund=fund, actor=office, workers=0)
    assert done.ok, done.errors
    assert _lines() == page_lines
    assert _record(fund) == page_record
    again = statement_stream.plan_statement_pdf(_file(tmp_path, data), fund=fund, workers=0)
    assert again.summary()["skipped"] == len(page_lines)


def test_a_streamed_printed_statement_reports_what_the_page_reports(fund_of, tmp_path, monkeypatch):
    fund = fund_of("vietcombank")
    fund.account_number = "0071999999999"  # another account
    fund.save()
    row = LAYOUTS["vietcombank"]["row"]  # the bank prints a wrong balance on the ninth line
    monkeypatch.setitem(LAYOUTS["vietcombank"], "row", lambda i, t, balance: row(i, t, balance + 500 * (i == 9)))
    data = printed("vietcombank", month(range(1, 11)), period=(1, 10))
    page = plan_statement(data=data, filename="x.pdf", fund=fund)
    streamed = statement_stream.plan_statement_pdf(_file(tmp_path, data), fund=fund, workers=0)
    assert not page.ok and not streamed.ok
    assert sorted(map(str, streamed.summary()["errors"])) == sorted(map(str, page.summary()["errors"]))
    assert any("không phải tài khoản của quỹ" in e["message"] for e in streamed.errors)
    assert any(e["field"] == "Số dư" and "Số dư bị đứt ở dòng" in e["message"] for e in streamed.errors)


def test_a_scanned_statement_streamed_is_refused_in_vietnamese(town_fund, tmp_path):
    import weasyprint

    from chungtay.funds.statement_pdf import SCANNED

    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    picture = weasyprint.HTML(string=f'<img src="data:image/png;base64,{pixel}" width="400">').write_pdf()
    streamed = statement_stream.plan_statement_pdf(_file(tmp_path, picture), fund=town_fund, workers=0)
    assert [e["message"] for e in streamed.errors] == [SCANNED]


def _repeated(data: bytes, pages: int, path) -> None:
    """The statement's first page, its middle pages repeated up to `pages`, its last page (as the bench)."""
    seed = pdfium.PdfDocument(data)
    last = len(seed) - 1
    body = list(range(1, last))
    out = pdfium.PdfDocument.new()
    out.import_pages(seed, [0])
    while len(out) < pages - 1:
        out.import_pages(seed, body[: pages - 1 - len(out)])
    out.import_pages(seed, [last])
    out.save(path)


def test_the_pages_read_in_two_processes_come_back_in_page_order(tmp_path, monkeypatch):
    data = printed("vietcombank", month(range(1, 31)), period=(1, 30))
    path = tmp_path / "x.pdf"
    _repeated(data, 9, path)
    monkeypatch.setattr("chungtay.funds.statement_pdf.CHUNK_PAGES", 2)  # five chunks for two processes
    one = list(PdfPages(path, workers=0))
    assert list(PdfPages(path, workers=2)) == one
    assert one == pdf_grid(path.read_bytes())


def _peak_reading(path) -> tuple[int, int]:
    """Lines read and the peak of Python memory while reading them, the way the streaming path does."""
    tracemalloc.start()
    try:
        lines = sum(1 for _ in read_rows(PdfPages(path, workers=0), ReadStatement()))
        return lines, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_what_the_streaming_reader_holds_does_not_grow_with_the_pages(tmp_path):
    data = printed("vietcombank", month(range(1, 31)), period=(1, 30))
    small, big = tmp_path / "20.pdf", tmp_path / "200.pdf"
    _repeated(data, 20, small)
    _repeated(data, 200, big)
    small_lines, small_peak = _peak_reading(small)
    big_lines, big_peak = _peak_reading(big)
    assert big_lines > 9 * small_lines  # ten times the lines…
    assert big_peak < 2 * small_peak  # …in about the same memory (holding them would take ten times)


def _raw(day: int, memo: str, row: int) -> RawLine:
    return RawLine(row, dt.datetime(2024, 9, day, 8), "", 0, 200_000, None, memo)


def test_identities_given_a_day_at_a_time_are_those_of_the_whole_file():
    days = [1, 1, 1, 2, 2, 3, 3, 3]
    whole = [_raw(d, "ung ho" if i % 2 else "TRAN A ung ho", i) for i, d in enumerate(days)]
    streamed = [_raw(d, "ung ho" if i % 2 else "TRAN A ung ho", i) for i, d in enumerate(days)]
    assign_identities(whole)
    identities = DayIdentities()
    assert [identities(line).bank_ref for line in streamed] == [line.bank_ref for line in whole]
    newest_first = list(reversed(whole))
    assign_identities(newest_first)
    backwards = DayIdentities()
    assert [backwards(line).bank_ref for line in reversed(streamed)] == [line.bank_ref for line in newest_first]
    with pytest.raises(OutOfDayOrder):
        identities(_raw(1, "ung ho", 9))  # day 1 again after days 2 and 3


def test_the_command_streams_a_big_pdf_and_agrees_with_the_page(fund_of, people, tmp_path, monkeypatch):
    fund = fund_of("bidv")
    data = printed("bidv", month(range(1, 11)), period=(1, 10))
    path = _file(tmp_path, data, "bidv.pdf")
    monkeypatch.setattr(statement_stream, "STREAM_PDF_PAGES", 1)  # this file counts as big
    monkeypatch.setattr(statement_stream, "PDF_WORKERS", 0)
    called = []
    real = statement_stream.PdfStatement.rows
    monkeypatch.setattr(statement_stream.PdfStatement, "rows", lambda self, s: called.append(1) or real(self, s))
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", fund.code, "--dry-run", "--json", stdout=out)
    assert called, "the streaming path read the file"
    assert json.loads(out.getvalue()) == plan_statement(data=data, filename="bidv.pdf", fund=fund).summary()
    assert StatementLine.objects.count() == 0
    call_command("import_statement", str(path), "--fund", fund.code, "--user", people.town_office.username,
                 stdout=io.StringIO())  # fmt: skip
    assert StatementLine.objects.filter(fund=fund).count() == len(month(range(1, 11)))
    record = BankStatement.objects.get(fund=fund)
    assert record.closing_balance == OPENING + sum(t.credit - t.debit for t in month(range(1, 11)))
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", fund.code, "--json", stdout=out)
    assert json.loads(out.getvalue())["skipped"] == len(month(range(1, 11)))
    assert BankStatement.objects.count() == 1


def test_a_printed_statement_read_whole_or_row_by_row_gives_the_same_lines(fund_of):
    data = printed("agribank", month(range(1, 8)), period=(1, 7))
    whole = read_statement(data, "x.pdf")
    read = ReadStatement()
    one_by_one = list(read_rows(pdf_grid(data), read))
    assert not read.needs_identities  # Agribank prints its references
    assert one_by_one == whole.lines
    assert (read.opening_balance, read.closing_balance) == (whole.opening_balance, whole.closing_balance)


class _NoWholeRead(File):
    """An upload that refuses to be read whole: only a chunk at a time."""

    def read(self, size: int = -1) -> bytes:
        assert size and size > 0, "the upload was read whole"
        return self.file.read(size)


@pytest.fixture
def streamed_page(monkeypatch):
    """This file counts as big (more than STREAM_PDF_PAGES pages), read in this process; the page's
    whole-file reader refuses to run, so a test passes only if the streaming path read it."""
    monkeypatch.setattr(statement_stream, "STREAM_PDF_PAGES", 1)
    monkeypatch.setattr(statement_stream, "PDF_WORKERS", 0)

    def whole(**kwargs):
        raise AssertionError("the page read the PDF whole")

    monkeypatch.setattr(statements, "plan_statement", whole)


def test_a_big_pdf_uploaded_is_kept_a_chunk_at_a_time(town_fund, people, tmp_path):
    data = printed("vietcombank", month(range(1, 6)), period=(1, 5))
    adapter = adapter_for("bank_statement")
    target = adapter.target(people.town_office, pk=town_fund.pk)
    with _file(tmp_path, data, "in.pdf").open("rb") as handle:
        batch = batch_upload(actor=people.town_office, adapter=adapter, target=target,
                             file=_NoWholeRead(handle, name="sao-ke.pdf"), filename="sao-ke.pdf")  # fmt: skip
    assert (batch.size, batch.sha256) == (len(data), hashlib.sha256(data).hexdigest())
    assert read_file(batch) == data


def test_the_page_streams_a_big_pdf_and_agrees_with_the_command(fund_of, people, client, tmp_path, streamed_page):
    fund = fund_of("bidv")
    days = month(range(1, 11))
    data = printed("bidv", days, period=(1, 10))
    path = _file(tmp_path, data, "bidv.pdf")
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", fund.code, "--dry-run", "--json", stdout=out)
    command = json.loads(out.getvalue())

    client.force_login(people.town_office)
    page = client.post(reverse("funds:statement_import", args=[fund.pk]),
                       {"file": SimpleUploadedFile("bidv.pdf", data)})  # fmt: skip
    assert page.status_code == 200
    batch = ImportBatch.objects.get(kind="bank_statement")
    assert batch.status == ImportStatus.CHECKED
    rows, credit, debit = command["rows"], command["credit_total"], command["debit_total"]
    assert batch.counts == {"rows": rows, "new": rows, "skipped": 0, "credit": credit, "debit": debit, "errors": 0}
    text = page.content.decode()
    assert f"<b>{command['rows']}</b>" in text and days[0].memo.split()[0] in text  # the counts, the first lines
    assert client.post(reverse("funds:statement_confirm", args=[fund.pk, batch.pk])).status_code == 302
    batch.refresh_from_db()
    assert batch.status == ImportStatus.COMMITTED
    assert StatementLine.objects.filter(fund=fund).count() == len(days) == command["rows"]
    record = BankStatement.objects.get(fund=fund)
    assert record.closing_balance == OPENING + sum(t.credit - t.debit for t in days)

    out = io.StringIO()  # the page's lines are those the command finds already imported
    call_command("import_statement", str(path), "--fund", fund.code, "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {**command, "skipped": command["rows"]}


def test_the_page_reports_a_big_pdfs_errors_as_the_command(fund_of, people, client, tmp_path, monkeypatch,
                                                           streamed_page):  # fmt: skip
    fund = fund_of("vietcombank")
    row = LAYOUTS["vietcombank"]["row"]  # the bank prints a wrong balance on the ninth line
    monkeypatch.setitem(LAYOUTS["vietcombank"], "row", lambda i, t, balance: row(i, t, balance + 500 * (i == 9)))
    data = printed("vietcombank", month(range(1, 11)), period=(1, 10))
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("import_statement", str(_file(tmp_path, data)), "--fund", fund.code, "--dry-run", "--json",
                     stdout=out)  # fmt: skip
    command = json.loads(out.getvalue())
    client.force_login(people.town_office)
    page = client.post(reverse("funds:statement_import", args=[fund.pk]),
                       {"file": SimpleUploadedFile("vcb.pdf", data)})  # fmt: skip
    batch = ImportBatch.objects.get(kind="bank_statement")
    assert batch.status == ImportStatus.FAILED
    assert batch.errors == command["errors"] and command["errors"]
    assert "Số dư bị đứt ở dòng" in page.content.decode()


def test_a_big_scanned_pdf_on_the_page_gets_the_vietnamese_message(town_fund, people, client, streamed_page,
                                                                    monkeypatch):  # fmt: skip
    import weasyprint

    from chungtay.funds.statement_pdf import SCANNED

    pixel = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8/5+hHgAHggJ/PchI7wAAAABJRU5ErkJggg=="
    picture = weasyprint.HTML(string=f'<img src="data:image/png;base64,{pixel}" width="400">').write_pdf()
    monkeypatch.setattr(statement_stream, "STREAM_PDF_PAGES", 0)  # its one page counts as big
    client.force_login(people.town_office)
    page = client.post(reverse("funds:statement_import", args=[town_fund.pk]),
                       {"file": SimpleUploadedFile("scan.pdf", picture)})  # fmt: skip
    assert ImportBatch.objects.get(kind="bank_statement").status == ImportStatus.FAILED
    assert SCANNED in page.content.decode()


@pytest.fixture(scope="module")
def a_month():
    """A month of Vietcombank's printed statement (three pages), printed once for the tests below."""
    return printed("vietcombank", month(range(1, 31)), period=(1, 30))


def test_a_big_pdf_read_through_windows_on_its_page_tree_gives_the_same_rows(a_month, tmp_path, monkeypatch):
    data = a_month
    path = tmp_path / "x.pdf"
    _repeated(data, 9, path)
    tree = page_tree(str(path))
    assert tree is not None and len(tree.refs) == 9
    monkeypatch.setattr("chungtay.funds.statement_pdf.REOPEN_PAGES", 4)  # three windows
    monkeypatch.setattr("chungtay.funds.statement_pdf.CHUNK_PAGES", 2)
    pages = PdfPages(path, workers=0)
    rows = list(pages)
    assert pages.tree is not None, "read through windows"
    assert rows == pdf_grid(path.read_bytes())
    assert list(PdfPages(path, workers=2)) == rows


def test_a_pdf_whose_tables_this_cannot_read_is_read_by_pdfium_alone(a_month, tmp_path, monkeypatch):
    data = a_month
    path = tmp_path / "x.pdf"
    _repeated(data, 5, path)
    cut = path.read_bytes()
    path.write_bytes(cut[: cut.rindex(b"startxref")])  # no pointer to its table: PDFium rebuilds it
    assert page_tree(str(path)) is None
    monkeypatch.setattr("chungtay.funds.statement_pdf.REOPEN_PAGES", 2)
    pages = PdfPages(path, workers=0)
    assert list(pages) == pdf_grid(cut) and pages.tree is None


class _Mallinfo(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in ("arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks",
                     "keepcost")
    ]  # fmt: skip


def _mallinfo() -> Any:
    try:
        mallinfo2 = ctypes.CDLL("libc.so.6").mallinfo2
    except (OSError, AttributeError):
        return None
    mallinfo2.restype = _Mallinfo
    return mallinfo2


def _cost_of_page(document, index: int) -> int:
    """What PDFium keeps (KB of the C heap in use) once page `index` of a newly opened document is loaded."""
    mallinfo = _mallinfo()

    def used() -> int:
        info = mallinfo()
        return (info.uordblks + info.hblkhd) // 1024

    before = used()
    page = pdfium_c.FPDF_LoadPage(document, index)
    pdfium_c.FPDF_ClosePage(page)
    return used() - before


@pytest.mark.skipif(_mallinfo() is None, reason="counts the C heap with glibc's mallinfo2")
def test_a_late_page_costs_no_more_through_a_window_than_an_early_one(a_month, tmp_path):
    # PDFium walks a file's page tree from its first page, keeping each page dictionary it passes (about
    # 1.5 KB) until the document is closed: a late page of a big file costs ~1.5 MB a thousand pages in.
    data = a_month
    path = tmp_path / "x.pdf"
    _repeated(data, 1_200, path)
    tree = page_tree(str(path))
    assert tree is not None
    costs = []
    for index in (0, 1_199):  # the first page, then the last, each of a newly opened document
        whole = pdfium.PdfDocument(path)
        try:
            costs.append(_cost_of_page(whole, index))
        finally:
            whole.close()
    first, walked = costs
    window = _Window(str(path), tree, tree.refs[1_100:])
    document = pdfium.PdfDocument(window)
    try:
        windowed = _cost_of_page(document, 99)  # the last page again
    finally:
        document.close()
        window.close()
    assert walked - first > 1_500, costs  # the walk is seen (~1.7 KB a page passed)…
    assert windowed - first < (walked - first) / 4, (windowed, costs)  # …and not paid through the window
