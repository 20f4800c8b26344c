"""Large CSV statements: the page's dry run and confirm, streamed (`import_statement` for big CSV files).

The page reads the whole table into memory (`statement_layouts.read_statement`). A year of a busy
account exported as CSV can hold a million lines, so a plain CSV export — one header row of ordinary
captions (the mapping step's synonyms), then the lines — also has a path that never holds the lines:

1. rows are parsed one by one into a staging table (COPY on PostgreSQL, inserts on SQLite);
2. the checks the page makes are made there, in SQL where they are set-based: references repeated
   inside the file, lines the fund already has (skipped), counts, totals and the period; the running
   balance is checked reading the staging table back in the order of time, with the page's function;
3. the confirm hands the new lines to the page's own reconciliation, in the page's order (time, then
   row) and in runs of `CSV_BATCH`: `statements.reconcile_credits` for each run's credits, then, once
   every credit is in, `statements.post_fees` for the fee debits, as `reconcile_new_lines` does for
   the page. Donors, entries (the hash chain in the same order), receipts and their numbers, every
   audit record, the statement record and the figures are those the page's confirm leaves
   (tests/test_statement_stream.py compares them); only the lines' ids come in another order.
   That is SQLite's path. On PostgreSQL the same outcome is written set-based from the staging table
   (`statement_sql.post_staged`: `INSERT … SELECT`, the hash chain computed over a server-side
   cursor), without a model instance per line; the same test compares it with the page's confirm.

Not read from a CSV file, as the page reads them: a bank's own layout (signed amounts, date and
reference in one cell, running numbers, memos continued on the next row) and the header block (bank,
account, stated period and balances). Such CSV files go through the page's path (`import_statement`
takes this one only for CSV files of more than `STREAM_BYTES`).

A big PDF (`PdfStatement`, more than `STREAM_PDF_PAGES` pages) comes the same way, with the page's
reader: its pages are read one at a time (`statement_pdf.PdfPages`), the layout reader hands each
line on as it is recognised (`statement_layouts.read_rows`), and the header block's account, stated
period, balances and totals join the same checks. The page's upload takes this path for such a PDF
as the command does (`big_pdf`, `funds.import_adapter`).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, NamedTuple, cast

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from chungtay.core.audit import as_actor
from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.core.tabular import CellError, parse_amount, parse_datetime
from chungtay.core.text import fold, nfc

from .bulk import bulk_create_audited, concrete
from .models import BankStatement, Fund, StatementLine
from .statement_layouts import (
    GENERIC,
    LABELS,
    TOTALS,
    DayIdentities,
    ReadStatement,
    StatementFileError,
    account_matches,
    read_rows,
)
from .statement_sql import post_staged
from .statements import (
    PlanSummary,
    _matcher_context,
    _vnd,
    is_fee,
    post_fees,
    reconcile_credits,
    running_balance,
    statement_for,
)

CSV_BATCH = 5_000
PREVIEW_LINES = 300  # the first lines kept for the check page (it shows 300, as the page's path)
STREAM_BYTES = 8 * 1024 * 1024  # about 100,000 lines: below it the page's reader is quick enough
MAX_REPORTED_ERRORS = 200
REQUIRED = ("txn_at", "bank_ref", "debit", "credit", "memo")
STAGE = "funds_statement_stage"  # a temporary table: each connection its own
_PLAIN_DATETIME = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: (\d{1,2}):(\d{2})(?::(\d{2}))?)?$")


@dataclass
class StreamedStatement:
    """What a streamed dry run or commit found; the lines themselves are never all in memory."""

    rows: int = 0
    new: int = 0
    skipped: int = 0
    credits: int = 0
    credit: int = 0
    debits: int = 0
    debit: int = 0
    errors: list[dict[str, object]] = field(default_factory=list)
    error_count: int = 0
    mapping: dict[str, int | None] = field(default_factory=dict)
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None
    file_total_debit: int | None = None
    file_total_credit: int | None = None
    statement: BankStatement | None = None
    preview: list[StagedLine] = field(default_factory=list)  # the first PREVIEW_LINES lines, in the file's order
    preview_known: set[str] = field(default_factory=set)  # their references the fund already has
    bank: str = ""  # what a PDF's header block names (a CSV export names none)
    layout: str = ""
    account_number: str = ""
    sha256: str = ""  # of the whole file, read as it streamed by (the page's batch keeps the same)
    file_size: int = 0

    @property
    def ok(self) -> bool:
        return not self.error_count

    @property
    def counts(self) -> dict[str, int]:
        """As `StatementPlan.counts()`: what the import batch keeps."""
        return {"rows": self.rows, "new": self.new, "skipped": self.skipped, "credit": self.credit,
                "debit": self.debit, "errors": self.error_count}  # fmt: skip

    def summary(self) -> PlanSummary:
        """As `StatementPlan.summary()`: what `import_statement --json` prints."""
        errors = [dict(e) for e in self.errors]
        return {"rows": self.rows, "credits": self.credits, "credit_total": self.credit, "debits": self.debits,
                "debit_total": self.debit, "skipped": self.skipped, "errors": errors}  # fmt: skip

    def error(self, row: int | None, key: str | None, message: str) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append({"row": row, "field": LABELS.get(key or "", ""), "message": message})


class StagedLine(NamedTuple):
    row: int
    txn_at: str  # "YYYY-MM-DD HH:MM:SS", naive, as the bank prints it: sorts as the time does
    bank_ref: str
    debit: int
    credit: int
    balance: int | None
    memo: str


def _map(labels: list[str]) -> dict[str, int | None]:
    """Column of each field by the mapping step's synonyms (`GENERIC`); exact captions before containment."""
    folded = [fold(label) for label in labels]
    mapping: dict[str, int | None] = {}
    used: set[int] = set()
    for key, synonyms in GENERIC.columns.items():
        best = None
        for synonym in synonyms:  # in order of preference
            best = next((i for i, label in enumerate(folded) if i not in used and label == synonym), None)
            if best is not None:
                break
        if best is None:
            best = next(
                (i for i, label in enumerate(folded) for s in synonyms if i not in used and len(s) > 3 and s in label),
                None,
            )
        mapping[key] = best
        if best is not None:
            used.add(best)
    return mapping


def _fast_amount(value: str) -> int | None:
    value = value.strip()
    if value.isdigit():
        return int(value)
    return parse_amount(value) if value else None


def _fast_datetime(value: str) -> dt.datetime | None:
    found = _PLAIN_DATETIME.match(value.strip())
    if found:
        d, m, y, hh, mm, ss = found.groups()
        try:
            return dt.datetime(int(y), int(m), int(d), int(hh or 0), int(mm or 0), int(ss or 0))
        except ValueError:
            pass
    return parse_datetime(value)


def _required(idx: dict[str, int | None], key: str) -> int:
    """A required column: the header search keeps a mapping only once it names every required column."""
    column = idx[key]
    assert column is not None
    return column


class _Hashed(io.RawIOBase):
    """The bytes of `inner` as they are read, hashed on the way: one pass over a file of any length."""

    def __init__(self, inner: IO[bytes]) -> None:
        self.inner, self.digest, self.size = inner, hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        n = len(data)
        buffer[:n] = data
        self.digest.update(data)
        self.size += n
        return n


def _csv_rows(
    handle: IO[bytes], mapping: dict[str, int | None] | None, summary: StreamedStatement
) -> Iterator[StagedLine]:
    """Each good data row of a CSV statement, as the page's reader reads it; problems go to `summary`."""
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    first = text.readline()
    delimiter = max(",;\t", key=first.count)
    reader = csv.reader(itertools.chain([first], text), delimiter=delimiter)
    number = 0
    for cells in reader:  # the header: the first row that names every required column
        number += 1
        candidate = mapping or _map(cells)
        if all(candidate.get(k) is not None for k in REQUIRED):
            summary.mapping = candidate
            break
        if number >= 30:
            break
    if not summary.mapping:
        needed = ", ".join(LABELS[k] for k in REQUIRED)
        summary.error(None, None, f"Không tìm thấy dòng tiêu đề có đủ các cột: {needed}")
        return
    idx = summary.mapping
    i_txn, i_ref, i_debit, i_credit, i_memo = (_required(idx, k) for k in REQUIRED)
    i_balance = idx.get("balance")
    width = max(i for i in idx.values() if i is not None) + 1
    for cells in reader:
        number += 1
        if len(cells) < width:
            if not any(c.strip() for c in cells):
                continue
            cells = cells + [""] * (width - len(cells))
        if not cells[i_txn][:1].isdigit():
            label = fold(cells[i_txn])
            if label.startswith(TOTALS):  # the file's own totals, checked against the lines
                try:
                    summary.file_total_debit = _fast_amount(cells[i_debit])
                    summary.file_total_credit = _fast_amount(cells[i_credit])
                except CellError as exc:
                    summary.error(number, None, f"Dòng tổng: {exc.message}")
                continue
            if label.startswith(("cong", "so du")):
                continue  # a page subtotal or a balance line at the end of the export
        try:
            txn_at = _fast_datetime(cells[i_txn])
        except CellError as exc:
            summary.error(number, "txn_at", exc.message)
            continue
        if txn_at is None:
            summary.error(number, "txn_at", "Thiếu ngày giao dịch.")
            continue
        try:
            debit = _fast_amount(cells[i_debit]) or 0
            credit = _fast_amount(cells[i_credit]) or 0
            balance = _fast_amount(cells[i_balance]) if i_balance is not None else None
        except CellError as exc:
            summary.error(number, "credit", exc.message)
            continue
        if debit < 0 or credit < 0:
            summary.error(number, "debit", "Số tiền ghi nợ/ghi có không được âm.")
            continue
        if bool(debit) == bool(credit):
            summary.error(number, "credit", "Mỗi dòng phải có đúng một trong hai: ghi nợ hoặc ghi có.")
            continue
        ref = cells[i_ref].replace(" ", "")
        if not ref.isascii():
            ref = nfc(ref).replace(" ", "")
        if not ref:
            summary.error(number, "bank_ref", "Thiếu số tham chiếu giao dịch.")
            continue
        memo = cells[i_memo]
        memo = " ".join((memo if memo.isascii() else nfc(memo)).split())  # as the page's reader: one line
        yield StagedLine(number, f"{txn_at:%Y-%m-%d %H:%M:%S}", ref, debit, credit, balance, memo)


def _copy_value(value: object) -> str:
    if value is None:
        return r"\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def _write_stage(cursor, lines: list[StagedLine]) -> None:
    if connection.vendor == "postgresql":
        with cursor.connection.cursor().copy(f"COPY {STAGE} FROM STDIN") as copy:
            copy.write("".join("\t".join(_copy_value(v) for v in line) + "\n" for line in lines))
    else:
        cursor.executemany(f"INSERT INTO {STAGE} VALUES (%s, %s, %s, %s, %s, %s, %s)", lines)  # noqa: S608


def _stage(
    handle: IO[bytes] | PdfStatement,
    *,
    fund: Fund,
    mapping: dict[str, int | None] | None,
    summary: StreamedStatement,
    progress: Callable[[int, int], None] | None = None,
    size: int = 0,
) -> None:
    """Read the file into the staging table and make the page's checks; `summary` gets what they found."""
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {STAGE}")
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGE} (row_number integer NOT NULL, txn_at varchar(19) NOT NULL, "
            "bank_ref varchar(80) NOT NULL, debit bigint NOT NULL, credit bigint NOT NULL, balance bigint, "
            "memo text NOT NULL)"
        )
        batch: list[StagedLine] = []
        hashed = None if isinstance(handle, PdfStatement) else _Hashed(handle)
        if hashed is not None:
            rows = _csv_rows(io.BufferedReader(hashed), mapping, summary)
        else:
            rows = cast(PdfStatement, handle).rows(summary)
        for line in rows:
            batch.append(line)
            if len(summary.preview) < PREVIEW_LINES:
                summary.preview.append(line)
            if len(batch) >= CSV_BATCH:
                _write_stage(cursor, batch)
                batch.clear()
                if progress is not None and size:
                    progress(min(handle.tell(), size), size)
        if batch:
            _write_stage(cursor, batch)
        if hashed is not None:
            summary.sha256, summary.file_size = hashed.digest.hexdigest(), hashed.size
        else:
            summary.sha256, summary.file_size = cast(PdfStatement, handle).digest()
        if progress is not None and size:
            progress(size, size)
        # The running balance reads the table in the file's order, a run at a time from where the last
        # run ended (the confirm indexes the order of time for itself). PostgreSQL groups and joins the
        # references by hashing; SQLite needs an index on them.
        cursor.execute(f"CREATE INDEX {STAGE}_row ON {STAGE} (row_number)")
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {STAGE}")
        else:
            cursor.execute(f"CREATE INDEX {STAGE}_ref ON {STAGE} (bank_ref)")

        # A reference twice in the file: the later rows are refused, naming the first (as the page).
        cursor.execute(
            f"SELECT s.row_number, s.bank_ref, f.first FROM {STAGE} s JOIN (SELECT bank_ref, MIN(row_number) AS first "  # noqa: S608
            f"FROM {STAGE} GROUP BY bank_ref HAVING COUNT(*) > 1) f ON f.bank_ref = s.bank_ref "
            "WHERE s.row_number > f.first ORDER BY s.row_number"
        )
        repeated = cursor.fetchall()
        for row, ref, first in repeated:
            summary.error(row, "bank_ref", f"Số tham chiếu {ref} trùng với dòng {first}.")
        if repeated:
            cursor.execute(
                f"DELETE FROM {STAGE} WHERE EXISTS (SELECT 1 FROM {STAGE} e WHERE e.bank_ref = {STAGE}.bank_ref "  # noqa: S608
                f"AND e.row_number < {STAGE}.row_number)"
            )
        cursor.execute(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN credit > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(credit), 0), "  # noqa: S608
            f"COALESCE(SUM(CASE WHEN debit > 0 THEN 1 ELSE 0 END), 0), COALESCE(SUM(debit), 0), MIN(txn_at), "
            f"MAX(txn_at) FROM {STAGE}"
        )
        rows, credits, credit, debits, debit, first_at, last_at = cursor.fetchone()
        summary.rows, summary.credits, summary.credit = int(rows), int(credits), int(credit)
        summary.debits, summary.debit = int(debits), int(debit)
        if rows:
            summary.period_from = dt.date.fromisoformat(first_at[:10])
            summary.period_to = dt.date.fromisoformat(last_at[:10])
        cursor.execute(
            f"SELECT COUNT(*) FROM {STAGE} s WHERE EXISTS (SELECT 1 FROM {StatementLine._meta.db_table} x "  # noqa: S608
            "WHERE x.fund_id = %s AND x.bank_ref = s.bank_ref)",
            [fund.pk],
        )
        summary.skipped = int(cursor.fetchone()[0])
        summary.new = summary.rows - summary.skipped
    if summary.skipped and summary.preview:
        refs = [line.bank_ref for line in summary.preview]
        summary.preview_known = set(
            StatementLine.objects.filter(fund=fund, bank_ref__in=refs).values_list("bank_ref", flat=True)
        )
    if isinstance(handle, PdfStatement):
        handle.finish(summary, fund=fund)

    if not summary.rows and summary.ok:
        summary.error(None, None, "Sao kê không có giao dịch nào.")
    if summary.file_total_credit is not None and summary.file_total_credit != summary.credit:
        summary.error(None, "credit", f"Tổng ghi có trong tệp ({_vnd(summary.file_total_credit)}) khác tổng các "
                                      f"dòng đã đọc ({_vnd(summary.credit)}).")  # fmt: skip
    if summary.file_total_debit is not None and summary.file_total_debit != summary.debit:
        summary.error(None, "debit", f"Tổng ghi nợ trong tệp ({_vnd(summary.file_total_debit)}) khác tổng các "
                                     f"dòng đã đọc ({_vnd(summary.debit)}).")  # fmt: skip
    if summary.rows:
        errors: list[dict[str, object]] = []
        summary.opening_balance, summary.closing_balance = running_balance(
            _in_time_order(), opening=summary.opening_balance, closing=summary.closing_balance, errors=errors
        )
        for error in errors:
            summary.error(error["row"], "balance", str(error["message"]))  # type: ignore[arg-type]


def _staged(where: str = "", params: tuple = (), order: str = "row_number") -> Iterator[StagedLine]:
    """The staging table's lines in `order`, a run of CSV_BATCH at a time (keyset: no offset to skip)."""
    keys = [k.strip() for k in order.replace(" DESC", "").split(",")]
    descending = order.endswith("DESC")
    after: tuple | None = None
    while True:
        clause = where
        args: list = list(params)
        if after is not None:
            compare = "<" if descending else ">"
            bound = f"({', '.join(keys)}) {compare} ({', '.join(['%s'] * len(keys))})"
            clause = f"{clause} AND {bound}" if clause else bound
            args += list(after)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT row_number, txn_at, bank_ref, debit, credit, balance, memo FROM {STAGE} "  # noqa: S608
                f"{'WHERE ' + clause if clause else ''} ORDER BY {order} LIMIT {CSV_BATCH}",
                args,
            )
            chunk = [StagedLine(*row) for row in cursor.fetchall()]
        if not chunk:
            return
        yield from chunk
        last = chunk[-1]
        after = tuple(getattr(last, "row" if k == "row_number" else k) for k in keys)


def _in_time_order() -> Iterator[StagedLine]:
    """The lines in the order of time for the running balance: a bank that lists the newest first, backwards."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT txn_at FROM {STAGE} ORDER BY row_number LIMIT 1")  # noqa: S608
        first = cursor.fetchone()
        cursor.execute(f"SELECT txn_at FROM {STAGE} ORDER BY row_number DESC LIMIT 1")  # noqa: S608
        last = cursor.fetchone()
    newest_first = first is not None and last is not None and first[0] > last[0]
    return _staged(order="row_number DESC" if newest_first else "row_number")


def plan_statement_csv(
    handle: IO[bytes] | PdfStatement,
    *,
    fund: Fund,
    mapping: dict[str, int | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    size: int = 0,
) -> StreamedStatement:
    """Dry run of a CSV statement of any length: what the page's dry run says, writing nothing."""
    summary = StreamedStatement()
    with transaction.atomic():
        _stage(handle, fund=fund, mapping=mapping, summary=summary, progress=progress, size=size)
        transaction.set_rollback(True)  # the staging table goes with it
    return summary


@transaction.atomic
def commit_statement_csv(
    handle: IO[bytes] | PdfStatement,
    *,
    fund: Fund,
    actor,
    batch: ImportBatch | None = None,
    file_name: str = "",
    mapping: dict[str, int | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
    size: int = 0,
) -> StreamedStatement:
    """Import a CSV statement all-or-nothing, streaming: the page's confirm, run by run."""
    summary = StreamedStatement()
    _stage(handle, fund=fund, mapping=mapping, summary=summary, progress=progress, size=size)
    if not summary.ok:
        transaction.set_rollback(True)
        return summary
    if batch is None:
        batch = ImportBatch.objects.create(kind="bank_statement", unit=fund.unit, file_name=file_name or "sao-ke.csv",
                                           sha256=summary.sha256, size=summary.file_size,
                                           status=ImportStatus.CHECKED, created_by=actor)  # fmt: skip
    assert summary.period_from is not None and summary.period_to is not None  # a clean file has lines
    with connection.cursor() as cursor:  # the lines the fund already has are skipped
        if connection.vendor != "postgresql":  # PostgreSQL sorts them once, in statement_sql
            cursor.execute(f"CREATE INDEX {STAGE}_order ON {STAGE} (txn_at, row_number)")
        cursor.execute(
            f"DELETE FROM {STAGE} WHERE EXISTS (SELECT 1 FROM {StatementLine._meta.db_table} x "  # noqa: S608
            f"WHERE x.fund_id = %s AND x.bank_ref = {STAGE}.bank_ref)",
            [fund.pk],
        )
    actor = concrete(actor)
    tz = timezone.get_current_timezone()
    with as_actor(actor):
        period = (summary.period_from, summary.period_to)
        statement = statement_for(fund=fund, batch=batch, opening=summary.opening_balance,
                                  closing=summary.closing_balance, period=period)  # fmt: skip
        if connection.vendor == "postgresql":  # set-based: no model instance per line
            post_staged(stage=STAGE, fund=fund, actor=actor, statement=statement)
        else:
            _post_by_runs(fund=fund, actor=actor, statement=statement, tz=tz)
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE {STAGE}")

        totals = statement.lines.aggregate(debit=Sum("debit", default=0), credit=Sum("credit", default=0))
        statement.total_debit, statement.total_credit = totals["debit"], totals["credit"]
        statement.lines_added += summary.new
        statement.lines_skipped += summary.skipped
        statement.save()
        batch.move_to(ImportStatus.COMMITTED, actor=actor)
        batch.errors, batch.counts = [], summary.counts
        batch.save()
    summary.statement = statement
    return summary


def _post_by_runs(*, fund: Fund, actor, statement: BankStatement, tz: dt.tzinfo) -> None:
    """The staged lines through the page's reconciliation, CSV_BATCH lines at a time (SQLite)."""
    context = _matcher_context(fund)
    fees: list[StatementLine] = []  # posted once every credit is in, as the page posts them
    run: list[StatementLine] = []

    def flush() -> None:
        reconcile_credits(actor=actor, fund=fund, credits=[x for x in run if x.credit > 0], context=context)
        bulk_create_audited(StatementLine, [x for x in run if not (x.debit > 0 and is_fee(x.memo))])
        fees.extend(x for x in run if x.debit > 0 and is_fee(x.memo))
        run.clear()

    for staged in _staged(order="txn_at, row_number"):
        when = timezone.make_aware(dt.datetime.fromisoformat(staged.txn_at), tz)
        run.append(StatementLine(statement=statement, fund=fund, row_number=staged.row, bank_ref=staged.bank_ref,
                                 txn_at=when, debit=staged.debit, credit=staged.credit, balance=staged.balance,
                                 memo=staged.memo, memo_folded=fold(staged.memo)))  # fmt: skip
        if len(run) >= CSV_BATCH:
            flush()
    flush()
    post_fees(actor=actor, fund=fund, fees=fees)
    bulk_create_audited(StatementLine, fees)


# --- Big PDF statements --------------------------------------------------------------------------
STREAM_PDF_PAGES = 200  # about 4,000 lines: below it the page's reader holds them without trouble
PDF_WORKERS = 2 if (os.cpu_count() or 1) >= 2 else 0  # processes reading a big PDF's table pages


class _ReadInto(ReadStatement):
    """The layout reader's findings, its problems counted in the streamed summary (the first few kept)."""

    def __init__(self, summary: StreamedStatement) -> None:
        super().__init__()
        self.summary = summary

    def error(self, row: int | None, key: str | None, message: str) -> None:
        self.summary.error(row, key, message)


class PdfStatement:
    """A bank's printed statement on disk, read into the staging table like a big CSV export.

    The lines are the page's (`read_statement` on the same file gives the same rows, references,
    identities, amounts, balances and memos); what the page reads from the header block — bank,
    account, stated period, opening and closing balance, the file's totals — is checked as the page
    checks it (`finish`). Lines without a bank reference get their identity as they come, holding one
    day's counts (`DayIdentities`); a file whose days are not listed together raises `OutOfDayOrder`
    and is read by the page's path instead.
    """

    def __init__(self, path: str | Path, *, workers: int | None = None) -> None:
        from .statement_pdf import PdfPages  # read only when needed: the PDF library is heavy

        self.path = Path(path)
        self.pages = PdfPages(path, workers=PDF_WORKERS if workers is None else workers)
        self.read: ReadStatement = ReadStatement()

    def digest(self) -> tuple[str, int]:
        """The file's sha256 and size, as the page's batch records them."""
        with self.path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest(), self.path.stat().st_size

    @property
    def size(self) -> int:
        return self.pages.count

    def tell(self) -> int:
        """Pages read so far (the progress bar's measure, as bytes are for a CSV file)."""
        return self.pages.done

    def rows(self, summary: StreamedStatement) -> Iterator[StagedLine]:
        self.read = read = _ReadInto(summary)
        identities = DayIdentities()
        for line in read_rows(self.pages, read):
            if read.needs_identities:
                identities(line)
            yield StagedLine(line.row, f"{line.txn_at:%Y-%m-%d %H:%M:%S}", line.bank_ref, line.debit, line.credit,
                             line.balance, line.memo)  # fmt: skip

    def finish(self, summary: StreamedStatement, *, fund: Fund) -> None:
        """What the page's dry run takes from the header block, once every line is staged."""
        read = self.read
        summary.bank, summary.layout, summary.account_number = (
            read.bank,
            read.layout.key if read.layout else "",
            read.account_number,
        )
        summary.mapping = dict(read.mapping)
        summary.file_total_debit, summary.file_total_credit = read.total_debit, read.total_credit
        summary.opening_balance, summary.closing_balance = read.opening_balance, read.closing_balance
        if summary.period_from and summary.period_to:  # the stated period widens the lines' (StatementPlan.period)
            summary.period_from = min(filter(None, (summary.period_from, read.period_from)))
            summary.period_to = max(filter(None, (summary.period_to, read.period_to)))
        if (
            read.account_number
            and fund.account_number
            and not account_matches(read.account_number, fund.account_number)
        ):
            # as plan_statement words it
            summary.error(None, None, f"Sao kê của tài khoản {read.account_number}, không phải tài khoản của quỹ "
                                      f"({fund.account_number}).")  # fmt: skip


def plan_statement_pdf(
    path: str | Path, *, fund: Fund, progress: Callable[[int, int], None] | None = None, workers: int | None = None
) -> StreamedStatement:
    """Dry run of a statement PDF of any length, page by page: what the page's dry run says."""
    source = PdfStatement(path, workers=workers)
    return plan_statement_csv(source, fund=fund, progress=progress, size=source.size)


def commit_statement_pdf(
    path: str | Path,
    *,
    fund: Fund,
    actor,
    batch: ImportBatch | None = None,
    file_name: str = "",
    progress: Callable[[int, int], None] | None = None,
    workers: int | None = None,
) -> StreamedStatement:
    """Import a statement PDF all-or-nothing, page by page: the page's confirm."""
    source = PdfStatement(path, workers=workers)
    return commit_statement_csv(source, fund=fund, actor=actor, batch=batch, file_name=file_name or Path(path).name,
                                progress=progress, size=source.size)  # fmt: skip


def big_pdf(path: str | Path) -> PdfStatement | None:
    """The page-at-a-time reader for a PDF of more than `STREAM_PDF_PAGES` pages, or None when the page's
    path reads the file whole: a short file, or one PDFium cannot open (the page's path says why)."""
    if not str(path).lower().endswith(".pdf"):
        return None
    try:
        source = PdfStatement(path)
    except StatementFileError:
        return None
    return source if source.size > STREAM_PDF_PAGES else None
