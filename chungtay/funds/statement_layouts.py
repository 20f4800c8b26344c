"""How each bank lays out a statement, as data, and the reader that turns any of them into lines.

A `Layout` names a bank's column captions (Vietnamese and English, folded) and its habits: the date
and the reference in one cell (Vietcombank), a running number instead of a reference (BIDV,
VietinBank), one signed amount column (VietinBank), the counterparty in its own column. The reader
finds the header row by those captions, takes bank, account, period, opening and closing balance
and the file's own totals from the rows around the table, skips page headers, footers and page
subtotals inside it, and joins memos continued on the following rows (Agribank, and wrapped PDF
text). Anything no layout recognises falls back to the caption synonyms of the mapping step
(`GENERIC`), so a statement from another bank still reads when its captions are ordinary.

Adding a bank is adding a `Layout` here and a layout description in tests/test_statement_layouts.py.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from chungtay.core.tabular import CellError, parse_amount, parse_datetime
from chungtay.core.text import fold, nfc

LABELS = {
    "txn_at": "Ngày giao dịch",
    "bank_ref": "Số tham chiếu",
    "debit": "Ghi nợ",
    "credit": "Ghi có",
    "amount": "Số tiền",
    "balance": "Số dư",
    "memo": "Nội dung",
    "counterparty": "Đối tác",
    "seq": "STT",
}


@dataclass(frozen=True)
class Layout:
    key: str
    bank: str  # shown to the person: "Vietcombank"
    names: tuple[str, ...]  # folded words that name the bank in the header block
    columns: dict[str, tuple[str, ...]]  # field → folded captions, any of which names the column
    date_ref_in_one_cell: bool = False  # "01/09/2024\n5213.12345"

    @property
    def signed_amount(self) -> bool:
        return "amount" in self.columns

    @property
    def has_reference(self) -> bool:
        return "bank_ref" in self.columns or self.date_ref_in_one_cell


BALANCE = ("so du", "balance", "so du cuoi", "so du tai khoan")
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "vietcombank",
        "Vietcombank",
        ("vietcombank", "ngoai thuong"),
        {
            "txn_at": ("ngay giao dich", "transaction date", "ngay gd", "tnx date", "doc no", "so ct"),
            "debit": ("so tien ghi no", "debit"),
            "credit": ("so tien ghi co", "credit"),
            "balance": BALANCE,
            "memo": ("noi dung chi tiet", "transactions in detail"),
        },
        date_ref_in_one_cell=True,
    ),
    Layout(
        "bidv",
        "BIDV",
        ("bidv", "dau tu va phat trien"),
        {
            "txn_at": ("ngay hieu luc", "effective date"),
            "debit": ("ghi no", "debit"),
            "credit": ("ghi co", "credit"),
            "balance": BALANCE,
            "memo": ("mo ta", "description"),
        },
    ),
    Layout(
        "vietinbank",
        "VietinBank",
        ("vietinbank", "cong thuong"),
        {
            "txn_at": ("ngay giao dich", "transaction date"),
            "memo": ("mo ta giao dich", "transaction description"),
            "amount": ("so tien giao dich", "amount"),
            "balance": BALANCE,
            "counterparty": ("ten doi ung", "corresponding name", "ten tai khoan doi ung"),
        },
    ),
    Layout(
        "agribank",
        "Agribank",
        ("agribank", "nong nghiep va phat trien nong thon"),
        {
            "txn_at": ("ngay gd", "trans date"),
            "bank_ref": ("so tham chieu", "reference no", "ref no"),
            "debit": ("ghi no", "debit"),
            "credit": ("ghi co", "credit"),
            "balance": BALANCE,
            "memo": ("noi dung", "description"),
        },
    ),
    Layout(
        "techcombank",
        "Techcombank",
        ("techcombank", "ky thuong"),
        {
            "txn_at": ("ngay giao dich", "transaction date"),
            "counterparty": ("doi tac", "remitter", "remitter bank"),
            "memo": ("dien giai", "details"),
            "bank_ref": ("so but toan", "transaction no", "transaction no."),
            "debit": ("no tktt", "debit"),
            "credit": ("co tktt", "credit"),
            "balance": BALANCE,
        },
    ),
    Layout(
        "mb",
        "MB",
        ("mb bank", "mbbank", "quan doi", "military commercial"),
        {
            "txn_at": ("ngay giao dich", "transaction date"),
            "bank_ref": ("so but toan", "reference", "so tham chieu"),
            "debit": ("so tien ghi no", "debit amount"),
            "credit": ("so tien ghi co", "credit amount"),
            "balance": BALANCE,
            "memo": ("noi dung", "description"),
        },
    ),
)
# The mapping step's synonyms, for statements no layout recognises.
GENERIC = Layout(
    "generic",
    "",
    (),
    {
        "txn_at": ("ngay giao dich", "ngay gd", "ngay hach toan", "ngay", "thoi gian", "transaction date", "date"),
        "bank_ref": ("so tham chieu", "so but toan", "ma giao dich", "so ct", "so chung tu", "reference", "ref"),
        "debit": ("ghi no", "no", "so tien ghi no", "phat sinh no", "rut ra", "debit", "tien ra"),
        "credit": ("ghi co", "co", "so tien ghi co", "phat sinh co", "gui vao", "credit", "tien vao"),
        "balance": ("so du", "balance"),
        "memo": ("noi dung", "dien giai", "mo ta", "noi dung giao dich", "description", "chi tiet"),
    },
)
BY_KEY = {layout.key: layout for layout in (*LAYOUTS, GENERIC)}

OPENING = ("so du dau ky", "opening balance", "so du dau", "beginning balance")
CLOSING = ("so du cuoi ky", "closing balance", "so du cuoi", "ending balance")
TOTALS = ("tong cong", "tong so", "tong phat sinh", "cong phat sinh", "total", "tong")
PAGE_NOISE = ("cong trang", "cong chuyen trang", "chuyen sang trang", "page total", "subtotal", "sub total",
              "trang", "page", "so phu", "ngay in", "printed", "ky ten", "nguoi lap", "ke toan")  # fmt: skip
_DATE = r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}"
_DATE_AND_REF = re.compile(rf"^\s*({_DATE}(?:\s+\d{{1,2}}:\d{{2}}(?::\d{{2}})?)?)\s*(.*?)\s*$", re.DOTALL)
_ACCOUNT = re.compile(
    r"(?:so tai khoan|tai khoan|account number|account no|so tk|stk)\b[^0-9*x]*([0-9][0-9*x .-]{4,}[0-9*x])"
)
_PERIOD = re.compile(rf"({_DATE})\D+?({_DATE})")
_AMOUNT_IN_TEXT = re.compile(r"\(?-?\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{1,2})?\)?|\(?-?\d{4,}\)?")


@dataclass
class RawLine:
    row: int
    txn_at: dt.datetime
    bank_ref: str
    debit: int
    credit: int
    balance: int | None
    memo: str


@dataclass
class ReadStatement:
    """What the reader found; `errors` name the row and the field, in Vietnamese."""

    layout: Layout | None = None
    header_row: int | None = None
    mapping: dict[str, int] = field(default_factory=dict)
    bank: str = ""
    account_number: str = ""  # digits, with * where the bank masks them
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None
    total_debit: int | None = None
    total_credit: int | None = None
    lines: list[RawLine] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)
    unreadable: bool = False  # the file itself could not be read (its error says why)

    def error(self, row: int | None, key: str | None, message: str) -> None:
        self.errors.append({"row": row, "field": LABELS.get(key or "", ""), "message": message})

    @property
    def needs_identities(self) -> bool:
        """Lines with no bank reference (running numbers): they are told apart by `assign_identities`."""
        return self.layout is not None and "bank_ref" not in self.mapping and not self.layout.date_ref_in_one_cell


# --- the grid ------------------------------------------------------------------------------------
def load_grid(data: bytes, filename: str) -> list[list[Any]]:
    """Rows of cell values (1-based row n is grid[n-1]) from an Excel or CSV file."""
    if data[:4] == b"PK\x03\x04":
        import openpyxl

        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        ws = wb.worksheets[0]
        return [list(row) for row in ws.iter_rows(values_only=True)]
    if data[:5] == b"%PDF-":
        try:
            from .statement_pdf import pdf_grid  # read only when needed: the PDF library is heavy
        except ImportError:
            raise StatementFileError(
                "Chưa đọc được sao kê PDF: hãy tải tệp Excel hoặc CSV mà ngân hàng xuất."
            ) from None
        return pdf_grid(data)
    for encoding in ("utf-8-sig", "cp1258", "latin-1"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    sample = "\n".join(text.splitlines()[:40])
    delimiter = max(",;\t", key=sample.count)
    return [
        [cell if cell.strip() else None for cell in row] for row in csv.reader(io.StringIO(text), delimiter=delimiter)
    ]


def _parts(value: Any) -> list[str]:
    """A header cell's captions: "Ngày giao dịch / Transaction Date" → ["ngay giao dich", "transaction date"]."""
    if not isinstance(value, str):
        return []
    folded = fold(value.replace("\n", " / "))
    parts = [p.strip(" .:") for p in re.split(r"[/()\n]", folded)]
    # A caption wrapped onto lines in a printed statement ("Ngày giao\ndịch /\nTransaction\nDate"):
    # its lines joined by spaces, then split at the slashes, are its captions too.
    joined = " ".join(fold(value).split())
    wrapped = [p.strip(" .:") for p in re.split(r"[/()]", joined)] if "\n" in value else []
    return [p for p in (folded.strip(" .:"), *parts, *wrapped) if p]


def _map_columns(row: list[Any], layout: Layout) -> dict[str, int] | None:
    """Column of each of the layout's fields in this row, or None when one is missing."""
    cells = [_parts(value) for value in row]
    found: dict[str, int] = {}
    for key, captions in layout.columns.items():
        for caption in captions:  # captions in order of preference
            index = next((i for i, parts in enumerate(cells) if i not in found.values() and caption in parts), None)
            if index is not None:
                found[key] = index
                break
    required = {k for k in layout.columns if k not in ("balance", "counterparty")}
    if layout is GENERIC:
        required = {"txn_at", "debit", "credit", "memo"}
    return found if required <= found.keys() else None


def _row_text(row: list[Any]) -> str:
    return fold(" ".join(str(c) for c in row if c not in (None, "")))


def recognise(grid: list[list[Any]]) -> tuple[Layout, int, dict[str, int]] | None:
    """The bank layout, its header row (0-based) and columns; GENERIC when only the synonyms fit."""
    for i, row in enumerate(grid[:80]):
        candidates = [(layout, m) for layout in LAYOUTS if (m := _map_columns(row, layout))]
        if candidates:
            above = " ".join(_row_text(r) for r in grid[:i])
            named = [c for c in candidates if any(re.search(rf"\b{n}\b", above) for n in c[0].names)]
            layout, mapping = max(named or candidates, key=lambda c: len(c[1]))
            return layout, i, mapping
    for i, row in enumerate(grid[:80]):
        if columns := _map_columns(row, GENERIC):
            return GENERIC, i, columns
    return None


# --- the header block ----------------------------------------------------------------------------
def _last_amount(row: list[Any]) -> int | None:
    for value in reversed(row):
        if isinstance(value, int | float) and not isinstance(value, bool):
            return parse_amount(value)
        if isinstance(value, str):
            for found in reversed(_AMOUNT_IN_TEXT.findall(value)):
                try:
                    return parse_amount(found)
                except CellError:
                    continue
    return None


def _read_block_row(row: list[Any], read: ReadStatement) -> bool:
    """Bank, account, period, balances or totals written around the table; True when the row held one."""
    text = _row_text(row)
    if not text:
        return False
    if not read.account_number and (found := _ACCOUNT.search(text)):
        read.account_number = re.sub(r"[ .-]", "", found.group(1)).replace("x", "*")
        return True
    if any(word in text for word in OPENING):
        read.opening_balance = _last_amount(row)
        return True
    if any(word in text for word in CLOSING):
        read.closing_balance = _last_amount(row)
        return True
    if (
        read.period_from is None
        and re.search(r"\b(tu ngay|from|ky sao ke|period)\b", text)
        and (found := _PERIOD.search(text))
    ):
        try:
            read.period_from = parse_datetime(found.group(1).replace(".", "/").replace("-", "/")).date()  # type: ignore[union-attr]
            read.period_to = parse_datetime(found.group(2).replace(".", "/").replace("-", "/")).date()  # type: ignore[union-attr]
        except CellError:
            read.period_from = read.period_to = None
        return True
    if "tong ghi no" in text or "total debit" in text:
        read.total_debit = _last_amount(row)
        return True
    if "tong ghi co" in text or "total credit" in text:
        read.total_credit = _last_amount(row)
        return True
    return False


# --- the table -----------------------------------------------------------------------------------
def _amount(row: list[Any], index: int | None) -> int | None:
    value = row[index] if index is not None and index < len(row) else None
    if isinstance(value, str) and _PLAIN_AMOUNT.match(value):
        return int(value.replace(".", "").replace(",", ""))  # "1.500.000": what parse_amount reads, sooner
    return parse_amount(value)


# Digits, grouped by threes with one kind of separator, or not at all: parse_amount's commonest case.
_PLAIN_AMOUNT = re.compile(r"\d{1,3}(?:([.,])\d{3})(?:\1\d{3})*\Z|\d+\Z", re.ASCII)


def _cell(row: list[Any], index: int | None) -> Any:
    return row[index] if index is not None and index < len(row) else None


def _label_of(row: list[Any], mapping: dict[str, int]) -> str:
    """Folded text of the row's non-amount cells: where "Tổng cộng", "Trang 2/5" or "Số dư cuối kỳ" stand."""
    amounts = {mapping.get(k) for k in ("debit", "credit", "amount", "balance")}
    words = (c for i, c in enumerate(row) if isinstance(c, str) and (i not in amounts or not _is_amount(c)))
    return fold(" ".join(words))


def _is_amount(text: str) -> bool:
    """A cell that is only an amount; a printed page number under an amount column is not one."""
    return bool(_AMOUNT_IN_TEXT.fullmatch(text.strip().lstrip("+-")))


def read_statement(
    data: bytes, filename: str, *, mapping: dict[str, int] | None = None, header_row: int | None = None
) -> ReadStatement:
    """Read a statement file into lines and its header block; never raises for a bad file or row.

    `mapping` (field → 0-based column) and `header_row` (1-based) are the mapping step's answer for
    a file no layout recognises.
    """
    read = ReadStatement()
    try:
        grid = load_grid(data, filename)
    except StatementFileError as exc:
        read.error(None, None, exc.message)
        return read
    except Exception:
        read.error(None, None, UNREADABLE_FILE)
        return read
    read.lines.extend(read_rows(grid, read, mapping=mapping, header_row=header_row))
    if read.needs_identities:
        assign_identities(read.lines)
    return read


UNREADABLE_FILE = "Không đọc được tệp: hãy tải đúng tệp Excel (.xlsx), CSV hoặc PDF mà ngân hàng xuất."
HEADER_SEARCH = 80  # rows in which the table's header is looked for


def read_rows(
    rows: Iterable[list[Any]],
    read: ReadStatement,
    *,
    mapping: dict[str, int] | None = None,
    header_row: int | None = None,
) -> Iterator[RawLine]:
    """The statement's lines as they are read from its rows, one at a time; the header block, the
    file's totals and every problem go to `read` (its `lines` stay empty).

    Only the first `HEADER_SEARCH` rows are held, to find the header; after it a line is handed on
    as soon as the next row shows that its memo does not continue. A line without the bank's
    reference gets no identity here (`assign_identities` or `DayIdentities` give it one).
    A row source that fails (a PDF found scanned) is recorded as the file's error.
    """
    rows = _guarded(rows, read)
    head = list(itertools.islice(rows, max(HEADER_SEARCH, header_row or 0)))
    if read.unreadable and not head:
        return
    if mapping:
        layout, top, columns = GENERIC, (header_row or 1) - 1, dict(mapping)
    elif found := recognise(head):
        layout, top, columns = found
    else:
        if not read.unreadable:
            read.error(None, None, "Không nhận ra mẫu sao kê và không tìm thấy các cột: Ngày giao dịch, Ghi nợ, "
                                   "Ghi có, Nội dung. Hãy chọn cột ở bước ánh xạ.")  # fmt: skip
        return
    read.layout, read.header_row, read.mapping = layout, top + 1, columns
    above = " ".join(_row_text(r) for r in head[:top])
    read.bank = next((x.bank for x in LAYOUTS if any(re.search(rf"\b{n}\b", above) for n in x.names)), layout.bank)
    for row in head[:top]:
        _read_block_row(row, read)

    i_date, i_memo = columns["txn_at"], columns.get("memo")
    last: RawLine | None = None
    ended = False  # after the closing balance or the grand total, what follows is the footer
    captions = _all_captions(layout)
    for number, row in enumerate(itertools.chain(head[top + 1 :], rows), start=top + 2):
        if not any(c not in (None, "") for c in row):
            continue
        if ended:
            _read_block_row(row, read)
            continue  # the footer
        raw_date = _cell(row, i_date)
        ref = ""
        if layout.date_ref_in_one_cell and isinstance(raw_date, str) and (m := _DATE_AND_REF.match(raw_date)):
            raw_date, ref = m.group(1), re.sub(r"\s+", "", m.group(2))
        try:
            txn_at = parse_datetime(raw_date.replace(".", "/") if isinstance(raw_date, str) else raw_date)
            date_error = None
        except CellError as exc:
            txn_at, date_error = None, exc.message
        if txn_at is None:
            if _map_columns(row, layout) or sum(bool(set(_parts(c)) & captions) for c in row) >= 2:
                continue  # the header repeated at the top of a page
            label = _label_of(row, columns)
            if any(word in label for word in (*OPENING, *CLOSING)):
                _read_block_row([label, _cell(row, columns.get("balance")) or _last_amount(row)], read)
                ended = ended or any(word in label for word in CLOSING)
                continue
            if label.startswith(PAGE_NOISE) or any(w in label for w in PAGE_NOISE[:6]):
                continue  # "Cộng trang", "Trang 2/5": the bank's page furniture
            if any(w in label for w in ("tong ghi no", "tong ghi co", "total debit", "total credit")):
                _read_block_row([label, _last_amount(row)], read)
                continue
            if label.startswith(TOTALS):
                try:
                    if layout.signed_amount:
                        pass  # a signed column's total says nothing about each side
                    else:
                        read.total_debit = _amount(row, columns.get("debit"))
                        read.total_credit = _amount(row, columns.get("credit"))
                except CellError as exc:
                    read.error(number, None, f"Dòng tổng: {exc.message}")
                continue
            memo_more = _one_line(_cell(row, i_memo))
            others = [c for i, c in enumerate(row) if i != i_memo and c not in (None, "")]
            if last is not None and memo_more and not others and date_error is None:
                last.memo = f"{last.memo} {memo_more}"  # the memo continues on this row
                continue
            if date_error is None and _read_block_row(row, read):
                continue
            read.error(number, "txn_at", date_error or "Thiếu ngày giao dịch.")
            continue
        try:
            if layout.signed_amount:
                signed = _amount(row, columns["amount"]) or 0
                debit, credit = max(-signed, 0), max(signed, 0)
                if not signed:
                    read.error(number, "amount", "Thiếu số tiền giao dịch.")
                    continue
            else:
                debit, credit = _amount(row, columns["debit"]) or 0, _amount(row, columns["credit"]) or 0
        except CellError as exc:
            read.error(number, "amount" if layout.signed_amount else _bad_side(row, columns), exc.message)
            continue
        try:
            balance = _amount(row, columns.get("balance"))
        except CellError as exc:
            read.error(number, "balance", exc.message)
            continue
        if debit < 0 or credit < 0:
            read.error(number, "debit", "Số tiền ghi nợ/ghi có không được âm.")
            continue
        if bool(debit) == bool(credit):
            read.error(number, "credit", "Mỗi dòng phải có đúng một trong hai: ghi nợ hoặc ghi có.")
            continue
        if "bank_ref" in columns:
            ref = nfc(str(_cell(row, columns["bank_ref"]) or "")).replace(" ", "")
        if ("bank_ref" in columns or layout.date_ref_in_one_cell) and not ref:
            read.error(number, "bank_ref", "Thiếu số tham chiếu giao dịch.")
            continue
        memo = _one_line(_cell(row, i_memo))
        if counterparty := _one_line(_cell(row, columns.get("counterparty"))):
            memo = memo if fold(counterparty) in fold(memo) else f"{counterparty} - {memo}"
        if last is not None:
            yield last  # its memo ends here: a row with a date is a line of its own
        last = RawLine(number, txn_at, ref, debit, credit, balance, memo)
    if last is not None:
        yield last


def _guarded(rows: Iterable[list[Any]], read: ReadStatement) -> Iterator[list[Any]]:
    """The rows, until the source fails: its failure is the file's error, in the person's words."""
    try:
        yield from rows
    except StatementFileError as exc:
        read.unreadable = True
        read.error(None, None, exc.message)
    except Exception:
        read.unreadable = True
        read.error(None, None, UNREADABLE_FILE)


def _one_line(value: Any) -> str:
    """A memo or a name as one line: a cell wrapped onto several lines reads as one text."""
    return " ".join(nfc(str(value or "")).split())


def _bad_side(row: list[Any], columns: dict[str, int]) -> str:
    for key in ("debit", "credit"):
        try:
            _amount(row, columns.get(key))
        except CellError:
            return key
    return "credit"


def _all_captions(layout: Layout) -> set[str]:
    return {c for captions in layout.columns.values() for c in captions if len(c) > 4}


def assign_identities(lines: list[RawLine]) -> None:
    """Give lines without a bank reference a stable identity, for de-duplication.

    BIDV and VietinBank number the rows of each export 1, 2, 3…, so the number says nothing across
    files. The identity is built from what every export of the same account repeats: the date, the
    signed amount, the folded memo, and the line's position within that day among the lines that
    share date, amount and memo (the 1st, 2nd… identical transfer that day). Counting only among
    identical lines keeps the identity stable when an export starts or ends in the middle of a day
    or lists the day's lines in another order: importing 1–15 September and then 10–30 September
    adds every line once. Two truly identical transfers on one day stay two lines.
    The identity is "#" + date + 16 hex digits, so it never collides with a bank's own reference.
    """
    seen: Counter[tuple[dt.date, int, str]] = Counter()
    for line in lines:
        key = _identity_key(line)
        seen[key] += 1
        line.bank_ref = _identity(key, seen[key])


def _identity_key(line: RawLine) -> tuple[dt.date, int, str]:
    return line.txn_at.date(), line.credit - line.debit, " ".join(re.sub(r"[^a-z0-9]", " ", fold(line.memo)).split())


def _identity(key: tuple[dt.date, int, str], nth: int) -> str:
    digest = hashlib.sha256(f"{key[0]:%Y%m%d}|{key[1]}|{key[2]}|{nth}".encode()).hexdigest()[:16]
    return f"#{key[0]:%Y%m%d}-{digest}"


class DayIdentities:
    """`assign_identities` for lines read one at a time, holding the counts of one day only.

    Every bank lists a day's lines together (oldest or newest day first), so when the day changes
    its counts are done with. A day that comes back after another one means a file not in the
    order of days: `OutOfDayOrder` is raised, and the caller reads the file whole instead.
    """

    def __init__(self) -> None:
        self.day: dt.date | None = None
        self.seen: Counter[tuple[dt.date, int, str]] = Counter()
        self.past: set[dt.date] = set()  # a few hundred dates at most

    def __call__(self, line: RawLine) -> RawLine:
        day = line.txn_at.date()
        if day != self.day:
            if day in self.past:
                raise OutOfDayOrder(line.row)
            if self.day is not None:
                self.past.add(self.day)
            self.day, self.seen = day, Counter()
        key = _identity_key(line)
        self.seen[key] += 1
        line.bank_ref = _identity(key, self.seen[key])
        return line


class StatementFileError(Exception):
    """A file that cannot be read as a statement (a scanned PDF, say); the message is for the person."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class OutOfDayOrder(Exception):
    """A statement without references whose days are not listed together (`DayIdentities`)."""

    def __init__(self, row: int) -> None:
        super().__init__(f"row {row}: a day listed again after another day")
        self.row = row


def account_matches(seen: str, full: str) -> bool:
    """'0071***789' (as a bank masks it) matches '0071000123789'; unmasked numbers must be equal."""
    full = re.sub(r"\D", "", full)
    if "*" not in seen:
        return seen == full
    prefix, suffix = re.match(r"^(\d*)\**.*?(\d*)$", seen).groups()  # type: ignore[union-attr]
    return full.startswith(prefix) and full.endswith(suffix) and len(prefix) + len(suffix) < len(full)
