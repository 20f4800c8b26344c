"""One reader for every table a user uploads: org units, approved household lists, bank statements.

Office spreadsheets are made for printing, not for machines: title and motto rows above the
table, a one- or two-row header with merged cells, a "(1) (2) (3)" numbering row, section rows
per commune, subtotals, a grand total and a signature block. Bank statements add account rows
above the header and a totals row below. `read_table` finds the header, labels every column and
classifies every row below it, so each importer only has to map columns to fields and read the
rows of kind "data". The user confirms (or corrects) the detected header in a mapping step, which
is why `header_row`/`header_depth` can override the detection.

Cell values are returned as read (text NFC-normalised and stripped, without the quote our own
exports put before a formula character); the `parse_*` helpers turn them into đồng, dates and
years and raise `CellError` with a Vietnamese message the import preview can show next to the cell.

Pure Python (no Django) so it can be tested without a database.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import math
import re
import unicodedata
import warnings
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from chungtay.core import cells
from chungtay.core.text import fold, nfc

__all__ = [
    "CellError",
    "Column",
    "Row",
    "Table",
    "TabularError",
    "column_letter",
    "is_marked",
    "parse_amount",
    "parse_date",
    "parse_datetime",
    "parse_int",
    "parse_year",
    "read_table",
    "suggest_mapping",
]

# An upload larger than this once unzipped is a zip bomb or not an office list.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COLUMNS = 500
# Title, motto, document number and account rows rarely take more than a dozen rows.
HEADER_SCAN_ROWS = 30
MAX_HEADER_DEPTH = 5

ROW_KINDS = ("data", "section", "subtotal", "total", "numbering", "blank", "signature")


class TabularError(Exception):
    """The file cannot be read as a table; the message is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class CellError(ValueError):
    """One cell cannot be read as the expected type; the message is shown next to the cell."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Column:
    index: int  # 0-based sheet column (A = 0), so `letter` matches what the user sees
    letter: str
    label: str  # header text over the header rows, parent first: "Loại hộ / Hộ nghèo"
    label_folded: str


@dataclass
class Row:
    number: int  # row number in Excel (1-based) or line number in the CSV file
    cells: list[Any]  # one value per column of the table, None for an empty cell
    kind: str  # one of ROW_KINDS
    # Name of the nearest section row above ("PHƯỜNG VĨNH ĐIỆN"), so a household row knows its unit.
    section: str | None = None

    def get(self, column_index: int) -> Any:
        if 0 <= column_index < len(self.cells):
            return self.cells[column_index]
        return None


@dataclass
class Table:
    sheet: str | None
    header_rows: list[int]
    columns: list[Column]
    rows: list[Row]
    # Rows above the header (titles, "Số tài khoản: …"), kind "preamble": bank imports read the
    # account number from there.
    preamble: list[Row] = field(default_factory=list)
    sheet_names: list[str] = field(default_factory=list)
    source: str = "xlsx"  # "xlsx" | "csv"
    encoding: str | None = None  # CSV only
    delimiter: str | None = None  # CSV only

    def data_rows(self) -> list[Row]:
        return [row for row in self.rows if row.kind == "data"]

    def column_labels(self) -> dict[int, str]:
        return {column.index: column.label for column in self.columns}


def column_letter(index: int) -> str:
    """0 → "A", 25 → "Z", 26 → "AA"."""
    letters = ""
    number = index + 1
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = chr(ord("A") + remainder) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# Cell helpers


def _describe(value: Any) -> str:
    if isinstance(value, str):
        return repr(nfc(value))
    return repr(value)


_SPACE_CHARS = "\u00a0\u2007\u2009\u202f "
_CURRENCY_PREFIX = re.compile(r"^(?:vnd|vnđ|₫)\s*", re.IGNORECASE)
_CURRENCY_SUFFIX = re.compile(r"\s*(?:đồng|đ|vnd|vnđ|₫|d)\.?$", re.IGNORECASE)
_NUMBER_CHARS = re.compile(r"[0-9.,' ]+")


def _integer_from_text(text: str) -> int:
    """Digits with "." / "," / space grouping and an optional all-zero decimal part.

    Vietnamese writes 60.000.000, bank exports write 60,000,000.00 or 60.000.000,00: a separator
    followed by exactly three digits is grouping, the last separator followed by any other number
    of digits is the decimal mark. Raises ValueError("fraction") for a non-zero decimal part and
    ValueError("format") for anything else.
    """
    text = re.sub(rf"(?<=\d)[{_SPACE_CHARS}]+(?=\d)", " ", text)
    if not text or not _NUMBER_CHARS.fullmatch(text) or not any(ch.isdigit() for ch in text):
        raise ValueError("format")
    decimal_mark: str | None = None
    has_dot, has_comma = "." in text, "," in text
    if has_dot and has_comma:
        decimal_mark = "." if text.rfind(".") > text.rfind(",") else ","
    elif has_dot or has_comma:
        mark = "." if has_dot else ","
        if text.count(mark) == 1 and len(text.rsplit(mark, 1)[1]) != 3:
            decimal_mark = mark
    whole, fraction = text, ""
    if decimal_mark:
        whole, fraction = text.rsplit(decimal_mark, 1)
        if not fraction.isdigit() and fraction != "":
            raise ValueError("format")
    groups = re.split(r"[.,' ]", whole)
    if not all(group.isdigit() for group in groups):
        raise ValueError("format")
    if len(groups) > 1 and (len(groups[0]) > 3 or any(len(group) != 3 for group in groups[1:])):
        raise ValueError("format")
    if len({sep for sep in whole if not sep.isdigit()}) > 1:
        raise ValueError("format")
    if fraction.strip("0"):
        raise ValueError("fraction")
    return int("".join(groups))


def _integral_float(value: float | Decimal) -> int | None:
    """An Excel number that is a whole number, allowing for binary floating point noise."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, Decimal) and not value.is_finite():
        return None
    rounded = round(value)
    # Excel stores every number as a double: 0.1 * 3 * 10**8 comes back as 30000000.000000004.
    if abs(float(value) - rounded) < 1e-6:
        return int(rounded)
    return None


def parse_amount(value: Any) -> int | None:
    """Whole đồng from a cell: 60000000, 6e7, "60.000.000 đ", "VND 1,500,000", "(1.500.000)"."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"không phải số tiền: {_describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        whole = _integral_float(value)
        if whole is None:
            if not math.isfinite(value):
                raise CellError(f"không phải số tiền: {_describe(value)}")
            raise CellError(f"số tiền có phần lẻ dưới 1 đồng: {_describe(value)}")
        return whole
    if not isinstance(value, str):
        raise CellError(f"không phải số tiền: {_describe(value)}")
    text = nfc(value)
    if not text:
        return None
    body = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", text)).strip()
    negative = False
    # Accounting shows negatives in parentheses: (1.500.000).
    if body.startswith("(") and body.endswith(")"):
        negative, body = True, body[1:-1].strip()
    if body[:1] in ("-", "−", "+"):
        negative, body = body[0] != "+", body[1:].strip()
    body = _CURRENCY_SUFFIX.sub("", _CURRENCY_PREFIX.sub("", body)).strip()
    try:
        amount = _integer_from_text(body)
    except ValueError as exc:
        if str(exc) == "fraction":
            raise CellError(f"số tiền có phần lẻ dưới 1 đồng: {_describe(value)}") from None
        raise CellError(f"không phải số tiền: {_describe(value)}") from None
    return -amount if negative else amount


def parse_int(value: Any) -> int | None:
    """A whole number from a cell: 3, 3.0, "3", "1.200" (grouping as in parse_amount)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise CellError(f"không phải số nguyên: {_describe(value)}")
    if isinstance(value, int):
        return value
    if isinstance(value, float | Decimal):
        whole = _integral_float(value)
        if whole is None:
            raise CellError(f"không phải số nguyên: {_describe(value)}")
        return whole
    if not isinstance(value, str):
        raise CellError(f"không phải số nguyên: {_describe(value)}")
    text = nfc(value)
    if not text:
        return None
    negative = text[0] in ("-", "−")
    body = text[1:].strip() if text[0] in ("-", "−", "+") else text
    try:
        number = _integer_from_text(body)
    except ValueError:
        raise CellError(f"không phải số nguyên: {_describe(value)}") from None
    return -number if negative else number


_YEAR_TEXT = re.compile(r"(?:nam\s*)?(\d{4})(?:[.,]0+)?")
YEAR_MIN, YEAR_MAX = 1900, 2100


def parse_year(value: Any) -> int | None:
    """2024 from 2024, 2024.0, "2024", " 2024 ", "Năm 2024"; must lie in 1900–2100."""
    if value is None:
        return None
    year: int | None
    if isinstance(value, dt.date):
        year = value.year  # a year column Excel auto-formatted as a date
    elif isinstance(value, str):
        text = fold(value)
        if not text:
            return None
        match = _YEAR_TEXT.fullmatch(text)
        if not match:
            raise CellError(f"không phải năm: {_describe(value)}")
        year = int(match.group(1))
    else:
        try:
            year = parse_int(value)
        except CellError:
            raise CellError(f"không phải năm: {_describe(value)}") from None
    if year is None:
        return None
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise CellError(f"năm phải trong khoảng {YEAR_MIN}–{YEAR_MAX}: {_describe(value)}")
    return year


# Day first, always: 03/04/2024 is the 3rd of April in Vietnam, never March 4th.
_DMY = re.compile(
    r"(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
    r"(?:[\sT,]+(\d{1,2})[:h](\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
)
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?")
_LONG_DATE = re.compile(r"(?:.*,\s*)?ngay\s+(\d{1,2})\s+thang\s+(\d{1,2})\s+nam\s+(\d{4})")
_EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_EXCEL_MAX_SERIAL = 2_958_465  # 31/12/9999


def _from_excel_serial(value: float, original: Any) -> dt.datetime:
    if not 1 <= value <= _EXCEL_MAX_SERIAL:
        raise CellError(f"không phải ngày (dd/mm/yyyy): {_describe(original)}")
    # Excel counts a 29/02/1900 that never existed; serials before it are one day off.
    days = value if value >= 61 else value + 1
    moment = _EXCEL_EPOCH + dt.timedelta(days=days)
    return moment.replace(microsecond=0) + dt.timedelta(seconds=round(moment.microsecond / 1e6))


def _datetime_from_text(value: str, original: Any) -> dt.datetime:
    text = nfc(value)
    groups: tuple[str | None, ...] | None = None
    match = _DMY.fullmatch(text)
    if match:
        day, month, year, *time = match.groups()
        groups = (year, month, day, *time)
    else:
        match = _YMD.fullmatch(text)
        if match:
            groups = match.groups()
        else:
            match = _LONG_DATE.fullmatch(fold(text))
            if match:
                day, month, year = match.groups()
                groups = (year, month, day, None, None, None)
    if groups is None:
        raise CellError(f"không phải ngày (dd/mm/yyyy): {_describe(original)}")
    numbers = [int(part) if part else 0 for part in groups]
    try:
        return dt.datetime(*numbers)  # type: ignore[arg-type]  # six ints, checked by the regexes
    except ValueError:
        raise CellError(f"ngày không hợp lệ: {_describe(original)}") from None


def parse_datetime(value: Any) -> dt.datetime | None:
    """A naive datetime from a cell: datetime/date, "dd/mm/yyyy HH:MM:SS", ISO, Excel serial."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, bool):
        raise CellError(f"không phải ngày (dd/mm/yyyy): {_describe(value)}")
    if isinstance(value, int | float | Decimal):
        if not math.isfinite(value):
            raise CellError(f"không phải ngày (dd/mm/yyyy): {_describe(value)}")
        return _from_excel_serial(float(value), value)
    if isinstance(value, str):
        if not value.strip():
            return None
        return _datetime_from_text(value, value)
    raise CellError(f"không phải ngày (dd/mm/yyyy): {_describe(value)}")


def parse_date(value: Any) -> dt.date | None:
    """A date from a cell: date/datetime, "dd/mm/yyyy", "d/m/yyyy", "dd-mm-yyyy", "yyyy-mm-dd",
    "dd/mm/yyyy HH:MM(:SS)", "…, ngày 20 tháng 12 năm 2023", an Excel serial. Never mm/dd."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    moment = parse_datetime(value)
    return moment.date() if moment else None


_MARKED = frozenset({"x", "✓", "✔", "☑", "☒", "v", "1", "co", "yes", "true", "dung", "ok"})
_UNMARKED = frozenset({"0", "khong", "no", "false", "-", "—", "–"})


def is_marked(value: Any) -> bool:
    """A tick under a sub-column ("x", "X", "✓", "1", "có") → True; empty → False.

    Anything else raises CellError rather than guessing: a stray "2" or a name in a tick column
    is a typing mistake the user should see.
    """
    if value is None:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float | Decimal):
        if value in (0, 1):
            return value == 1
        raise CellError(f"không hiểu dấu đánh dấu: {_describe(value)} (dùng x hoặc để trống)")
    if isinstance(value, str):
        text = fold(value).strip(" .")
        if not text or text in _UNMARKED:
            return False
        if text in _MARKED:
            return True
    raise CellError(f"không hiểu dấu đánh dấu: {_describe(value)} (dùng x hoặc để trống)")


# ---------------------------------------------------------------------------------------------
# Loading: bytes → a grid of cleaned values


@dataclass
class _Merge:
    min_row: int  # sheet row numbers, inclusive
    min_col: int  # 0-based columns, inclusive
    max_row: int
    max_col: int


@dataclass
class _Grid:
    name: str | None
    numbers: list[int]  # sheet row number of each entry of `rows`
    rows: list[list[Any]]  # padded to `width`
    merges: list[_Merge]
    width: int
    visible: bool = True
    active: bool = False  # the sheet Excel opens on: it wins ties when choosing a sheet


def _clean_text(value: str) -> str | None:
    # Zero-width spaces and stray BOMs come with text pasted from web pages and PDFs. The quote
    # our own exports put before a formula character (cells.neutralise) goes again, so that a
    # note "- đã khảo sát" exported as "'- đã khảo sát" imports back as it was.
    text = nfc(cells.restore(value.replace("\u200b", "").replace("\ufeff", "")))
    return text or None


_TIME_IN_FORMAT = re.compile(r"[hHsS]")
_QUOTED = re.compile(r'"[^"]*"|\\.')


def _clean_excel_value(value: Any, number_format: str) -> Any:
    if isinstance(value, str):
        return _clean_text(value)
    # A cell formatted dd/mm/yyyy is a date; openpyxl hands every date back as a datetime.
    if (
        isinstance(value, dt.datetime)
        and value.time() == dt.time(0)
        and not _TIME_IN_FORMAT.search(_QUOTED.sub("", number_format or ""))
    ):
        return value.date()
    return value


def _zip_kind(data: bytes) -> str:
    """Return "xlsx" for an Office Open XML workbook, "other" for another zip; refuses zip bombs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise TabularError("Không đọc được tệp: tệp Excel (.xlsx) bị hỏng hoặc chưa tải lên hết.") from None
    if sum(info.file_size for info in infos) > MAX_UNCOMPRESSED_BYTES or len(infos) > 10_000:
        raise TabularError(
            "Không đọc được tệp: nội dung giải nén quá lớn (trên 200 MB). "
            "Hãy chỉ giữ lại trang tính cần nhập rồi lưu lại."
        )
    names = {info.filename for info in infos}
    if "[Content_Types].xml" in names and any(
        name.startswith("xl/") and name.endswith("workbook.xml") for name in names
    ):
        return "xlsx"
    return "other"


def _load_xlsx(data: bytes) -> list[_Grid]:
    import openpyxl  # imported here so CSV-only callers don't pay for it

    try:
        with warnings.catch_warnings():
            # "Data Validation extension is not supported" and friends: harmless for reading.
            warnings.simplefilter("ignore")
            # Normal (not read-only) mode: only it exposes merged ranges. data_only gives the value
            # Excel last computed for a formula rather than the formula text.
            workbook = openpyxl.load_workbook(
                io.BytesIO(data), read_only=False, data_only=True, keep_links=False, rich_text=False
            )
    except TabularError:
        raise
    except Exception as exc:  # openpyxl raises anything from KeyError to XML errors on bad files
        raise TabularError(f"Không đọc được tệp Excel: {type(exc).__name__}. Tệp có thể bị hỏng.") from None
    try:
        grids = [_grid_from_worksheet(ws) for ws in workbook.worksheets]
    except TabularError:
        raise
    except Exception as exc:
        raise TabularError(f"Không đọc được tệp Excel: {type(exc).__name__}. Tệp có thể bị hỏng.") from None
    finally:
        workbook.close()
    if not grids:
        raise TabularError("Không đọc được tệp: tệp Excel không có trang tính nào.")
    active = getattr(workbook.active, "title", None)
    for grid in grids:
        grid.active = grid.name == active
    return grids


def _grid_from_worksheet(ws: Any) -> _Grid:
    values: dict[tuple[int, int], Any] = {}
    # ws._cells holds only the cells present in the file; ws.iter_rows would materialise the whole
    # max_row × max_column rectangle, which is a million rows when a column was formatted to the end.
    cells = getattr(ws, "_cells", None)
    items = cells.values() if isinstance(cells, dict) else (c for row in ws.iter_rows() for c in row)
    for cell in items:
        if cell.value is None:
            continue
        value = _clean_excel_value(cell.value, cell.number_format)
        if value is not None:
            values[(cell.row, cell.column - 1)] = value
    merges = [_Merge(rng.min_row, rng.min_col - 1, rng.max_row, rng.max_col - 1) for rng in ws.merged_cells.ranges]
    last_row = max((r for r, _ in values), default=0)
    width = max((c for _, c in values), default=-1) + 1
    _check_size(last_row, width)
    rows = [[None] * width for _ in range(last_row)]
    for (r, c), value in values.items():
        rows[r - 1][c] = value
    return _Grid(
        name=ws.title,
        numbers=list(range(1, last_row + 1)),
        rows=rows,
        merges=merges,
        width=width,
        visible=getattr(ws, "sheet_state", "visible") == "visible",
    )


def _check_size(rows: int, columns: int) -> None:
    if rows > MAX_ROWS:
        raise TabularError(f"Bảng quá lớn: hơn {MAX_ROWS:,} dòng.".replace(",", "."))
    if columns > MAX_COLUMNS:
        raise TabularError(
            f"Bảng quá rộng: có dữ liệu ở cột {column_letter(columns - 1)}. "
            "Hãy xoá các ô thừa ở bên phải bảng rồi lưu lại."
        )


def _decode_text(data: bytes) -> tuple[str, str]:
    """Text and the encoding it was read with."""
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError:
                raise TabularError(f"Không đọc được tệp: nội dung không đúng mã {encoding.upper()}.") from None
    # Excel's "Unicode text" without a BOM: every other byte of ASCII text is zero.
    if len(data) >= 4:
        half = len(data) // 2
        for encoding, zeros in (("utf-16-le", data[1::2]), ("utf-16-be", data[0::2])):
            if zeros.count(0) > 0.6 * half:
                try:
                    return data.decode(encoding), encoding
                except UnicodeDecodeError:
                    break
    # cp1258 (Windows Vietnamese) before cp1252: the same Latin range plus Ă, Ơ, Ư, đ and the
    # combining tone marks; the NFC step in _clean_text composes those marks.
    for encoding in ("utf-8", "cp1258", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _looks_binary(text: str) -> bool:
    sample = text[:20_000].rstrip("\x1a")  # DOS end-of-file marker in old exports
    if "\x00" in sample:
        return True
    controls = sum(1 for ch in sample if unicodedata.category(ch) == "Cc" and ch not in "\t\r\n")
    return controls > max(2, len(sample) // 200)


_DELIMITERS = ("\t", ";", ",", "|")


def _sniff_delimiter(text: str) -> str:
    """The delimiter that splits most lines into the same number (≥ 2) of fields.

    csv.Sniffer is thrown off by one-field account rows above a bank statement and by unquoted
    "1.500.000" amounts; counting consistent field counts over the first lines is steadier.
    """
    sample = "\n".join(text.splitlines()[:200])
    best, best_score = ",", (0, 0)
    for delimiter in _DELIMITERS:
        try:
            counts = Counter(
                len(record)
                for record in csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter)
                if len(record) > 1
            )
        except csv.Error:
            continue
        if not counts:
            continue
        width, frequency = max(counts.items(), key=lambda item: (item[1], item[0]))
        score = (frequency, width)
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _load_csv(data: bytes) -> tuple[_Grid, str, str]:
    text, encoding = _decode_text(data)
    text = text.lstrip("\ufeff")
    if _looks_binary(text):
        raise TabularError("Không đọc được tệp: đây không phải bảng tính Excel (.xlsx) hay tệp CSV.")
    stripped = text.lstrip().lower()
    if stripped.startswith(("<!doctype html", "<html", "<table", "<?xml")):
        raise TabularError(
            "Không đọc được tệp: đây là trang HTML/XML chứ không phải bảng tính "
            "(một số ngân hàng xuất tệp .xls dạng này). Hãy mở tệp bằng Excel rồi lưu lại "
            "dưới dạng .xlsx hoặc .csv."
        )
    delimiter = _sniff_delimiter(text)
    numbers: list[int] = []
    rows: list[list[Any]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 0
    try:
        for record in reader:
            numbers.append(line + 1)  # the line the record starts on (a quoted field may span lines)
            line = reader.line_num
            rows.append([_clean_text(cell) for cell in record])
            _check_size(len(rows), len(record))
    except csv.Error as exc:
        raise TabularError(f"Không đọc được tệp CSV ở dòng {line + 1}: {exc}.") from None
    width = max((i + 1 for row in rows for i, v in enumerate(row) if v is not None), default=0)
    rows = [(row + [None] * width)[:width] for row in rows]
    return _Grid(name=None, numbers=numbers, rows=rows, merges=[], width=width), encoding, delimiter


_REFUSED_EXTENSIONS = {
    "xls": "Tệp Excel 97-2003 (.xls) chưa được hỗ trợ: hãy mở bằng Excel và lưu lại dưới dạng .xlsx.",
    "ods": "Tệp LibreOffice (.ods) chưa được hỗ trợ: hãy lưu lại dưới dạng .xlsx.",
    "pdf": "Không đọc được bảng trong tệp PDF: hãy dùng tệp Excel (.xlsx) hoặc CSV.",
    "doc": "Không đọc được bảng trong tệp Word: hãy dùng tệp Excel (.xlsx) hoặc CSV.",
    "docx": "Không đọc được bảng trong tệp Word: hãy dùng tệp Excel (.xlsx) hoặc CSV.",
}
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _load(data: bytes, filename: str) -> tuple[list[_Grid], str, str | None, str | None]:
    """Grids, source kind, encoding, delimiter: by content, the extension only refines messages."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if not data:
        raise TabularError("Không đọc được tệp: tệp rỗng.")
    if data.startswith(b"PK\x03\x04"):
        if _zip_kind(data) == "xlsx":
            return _load_xlsx(data), "xlsx", None, None
        raise TabularError(
            _REFUSED_EXTENSIONS.get(extension) or "Không đọc được tệp: tệp nén này không phải bảng tính Excel (.xlsx)."
        )
    if data.startswith(_OLE_MAGIC):
        # Both .xls and password-protected .xlsx are OLE compound files.
        raise TabularError(
            "Không đọc được tệp: đây là tệp Excel 97-2003 (.xls) hoặc tệp Excel có mật khẩu. "
            "Hãy mở bằng Excel, bỏ mật khẩu nếu có, rồi lưu lại dưới dạng .xlsx."
        )
    if data.startswith(b"%PDF"):
        raise TabularError(_REFUSED_EXTENSIONS["pdf"])
    if extension in ("xlsx", "xlsm", "xltx"):
        raise TabularError("Không đọc được tệp: tệp có đuôi .xlsx nhưng nội dung không phải Excel.")
    if extension in _REFUSED_EXTENSIONS:
        raise TabularError(_REFUSED_EXTENSIONS[extension])
    grid, encoding, delimiter = _load_csv(data)
    return [grid], "csv", encoding, delimiter


# ---------------------------------------------------------------------------------------------
# Header detection


def _key(value: str) -> str:
    """Folded text with punctuation as spaces: "Số CCCD/CMND (đồng)" → "so cccd cmnd dong"."""
    return " ".join(re.sub(r"[^\w]+", " ", fold(value)).replace("_", " ").split())


def _contains_words(text: str, words: str) -> bool:
    return bool(words) and f" {words} " in f" {text} "


def _label_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


_NUMERIC_TEXT = re.compile(r"[\d\s.,/:()+\-%]+")


def _is_numberish(value: Any) -> bool:
    if value is None:
        return False
    if not isinstance(value, str):
        return True  # numbers, dates, booleans, times
    if _NUMERIC_TEXT.fullmatch(value):
        return True
    for parse in (parse_amount, parse_date):
        try:
            parse(value)
            return True
        except CellError:
            pass
    return False


def _is_mark(value: Any) -> bool:
    return isinstance(value, str) and fold(value).strip(" .") in _MARKED | _UNMARKED


def _is_label(value: Any) -> bool:
    return (
        isinstance(value, str)
        and any(ch.isalpha() for ch in value)
        and not _is_mark(value)
        and not _is_numberish(value)
    )


class _HeaderFinder:
    def __init__(self, grid: _Grid) -> None:
        self.grid = grid
        self.index_of = {number: i for i, number in enumerate(grid.numbers)}
        self._filled: dict[int, list[Any]] = {}

    def filled(self, i: int) -> list[Any]:
        """Row i with every merged range showing its top-left value across its whole span."""
        if i not in self._filled:
            row = list(self.grid.rows[i])
            number = self.grid.numbers[i]
            for merge in self.grid.merges:
                if merge.min_row <= number <= merge.max_row:
                    top = self.index_of.get(merge.min_row)
                    value = self.grid.rows[top][merge.min_col] if top is not None and merge.min_col < len(row) else None
                    for c in range(merge.min_col, min(merge.max_col, len(row) - 1) + 1):
                        row[c] = value
            self._filled[i] = row
        return self._filled[i]

    def merges_at(self, number: int) -> list[_Merge]:
        return [m for m in self.grid.merges if m.min_row <= number <= m.max_row]

    # -- the header's first row ---------------------------------------------------------------

    def by_keywords(self, keywords: Sequence[str]) -> int | None:
        keys = [k for k in dict.fromkeys(_key(k) for k in keywords) if k]
        if not keys:
            return None
        best, best_score = None, 0
        for i in range(min(len(self.grid.rows), HEADER_SCAN_ROWS)):
            texts = {_key(_label_text(v)) for v in self.filled(i) if v is not None}
            score = sum(1 for k in keys if any(_contains_words(t, k) for t in texts))
            if score > best_score:
                best, best_score = i, score
        return best

    def by_shape(self) -> int | None:
        """The row with the most text cells (≥ 2) followed by data within a few rows.

        Raw values, not merge-filled: a title merged across the page is one cell, not fourteen.
        """
        best, best_labels = None, 1
        limit = min(len(self.grid.rows), HEADER_SCAN_ROWS)
        for i in range(limit):
            labels = sum(1 for v in self.grid.rows[i] if _is_label(v))
            if labels > best_labels and self._data_follows(i):
                best, best_labels = i, labels
        if best is None:
            best = next((i for i in range(limit) if sum(1 for v in self.grid.rows[i] if _is_label(v)) >= 2), None)
        if best is None:
            best = next((i for i, row in enumerate(self.grid.rows) if any(v is not None for v in row)), None)
        return best

    def _data_follows(self, i: int) -> bool:
        for j in range(i + 1, min(i + 6, len(self.grid.rows))):
            row = self.grid.rows[j]
            present = [v for v in row if v is not None]
            if len(present) >= 2 and any(_is_numberish(v) or _is_mark(v) for v in present) and not _is_numbering(row):
                return True
        return False

    def extend_up(self, i: int) -> int:
        """Move the top up when the matched row is the lower row of a two-row header."""
        number = self.grid.numbers[i]
        floor = self.grid.numbers[max(0, i - (MAX_HEADER_DEPTH - 1))]
        tops = [m.min_row for m in self.merges_at(number) if floor <= m.min_row < number]
        vertical = [t for t in tops if t in self.index_of]
        if vertical:
            return self.index_of[min(vertical)]
        if i == 0:
            return i
        # An unmerged-in-height layout: a parent merged across some (not all) columns right above.
        above = self.grid.numbers[i - 1]
        row = self.grid.rows[i]
        first_label = next((c for c, v in enumerate(row) if _is_label(v)), None)
        label_count = sum(1 for v in row if _is_label(v))
        for merge in self.merges_at(above):
            if merge.min_row != above or merge.max_row != above or merge.max_col == merge.min_col:
                continue
            span = merge.max_col - merge.min_col + 1
            under = [row[c] for c in range(merge.min_col, min(merge.max_col + 1, len(row)))]
            if (
                first_label is not None
                and merge.min_col > first_label
                and span < label_count
                and sum(1 for v in under if _is_label(v)) >= 2
            ):
                return i - 1
        return i

    # -- the header's depth -------------------------------------------------------------------

    def depth_from(self, top: int, bottom: int) -> int:
        depth = bottom - top + 1
        while depth < 3 and top + depth < len(self.grid.rows) and self.is_subheader(top, top + depth - 1, top + depth):
            depth += 1
        return depth

    def is_subheader(self, top: int, bottom: int, s: int) -> bool:
        raw = self.grid.rows[s]
        own = [(c, v) for c, v in enumerate(raw) if v is not None]
        if not own or _is_numbering(raw):
            return False
        first = own[0][1]
        if isinstance(first, str) and (_SECTION_MARKER.fullmatch(first) or _SECTION_INLINE.fullmatch(first)):
            return False
        if _total_kind(_leading_texts(raw)) is not None:
            return False
        top_number, bottom_number, number = (
            self.grid.numbers[top],
            self.grid.numbers[bottom],
            self.grid.numbers[s],
        )
        # A header cell merged down into this row ("Họ và tên" over rows 6–7) makes it header.
        for merge in self.grid.merges:
            if top_number <= merge.min_row <= bottom_number and merge.max_row >= number:
                return True
        labels = [(c, v) for c, v in own if _is_label(v)]
        if not labels or len(labels) < math.ceil(0.6 * len(own)):
            return False
        # The row must sit entirely under parent groups of the last header row: a parent merged
        # across several columns ("Loại hộ" over G:I), or a parent typed once with the cells to its
        # right left empty. A data row always has something under a single column (STT, name), so
        # an all-text data row is not mistaken for sub-labels.
        groups = [
            (m.min_col, m.max_col)
            for m in self.merges_at(bottom_number)
            if m.max_row == bottom_number and m.max_col > m.min_col
        ]
        above = self.filled(bottom)
        c = 0
        while c < len(above):
            end = c
            while above[c] is not None and end + 1 < len(above) and above[end + 1] is None:
                end += 1
            if end > c:
                groups.append((c, end))
            c = end + 1

        def grouped(column: int) -> bool:
            return any(lo <= column <= hi for lo, hi in groups)

        return all(grouped(c) for c, _ in own) and any(grouped(c) for c, _ in labels)

    # -- labels -------------------------------------------------------------------------------

    def labels(self, header: list[int], width: int) -> list[str]:
        layers = [list(self.filled(i)) for i in header]
        # Forward-fill an unmerged parent over the sub-labels to its right (not for the last row).
        for upper, lower in itertools.pairwise(layers):
            for c in range(1, width):
                inside_group = upper[c - 1] is not None and lower[c - 1] is not None
                if upper[c] is None and lower[c] is not None and inside_group:
                    upper[c] = upper[c - 1]
        labels = []
        for c in range(width):
            parts: list[str] = []
            for layer in layers:
                text = nfc(_label_text(layer[c]))
                if text and (not parts or parts[-1] != text):
                    parts.append(text)
            labels.append(" / ".join(parts))
        return labels


# ---------------------------------------------------------------------------------------------
# Row classification

_SECTION_MARKER = re.compile(r"(?:(?=[IVXL])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})|[A-H])[.)]?")
_SECTION_INLINE = re.compile(r"(?:(?=[IVXL])(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})|[A-H])\s*[.)\-–:]\s*(\S.*)")
# Compared with diacritics (lower-cased NFC), because folding merges "Tổ" with the surname "Tô",
# "Quận" with "Quan", "Phường" with "Phương".
_UNIT_PREFIXES = (
    "phường", "xã", "thị trấn", "thôn", "khối phố", "khối", "tổ dân phố", "tổ", "ấp", "bản",
    "khu phố", "khu dân cư", "khu", "huyện", "quận", "thị xã", "thành phố", "tỉnh", "xóm", "làng",
    "buôn", "đơn vị", "chi hội", "ban công tác mặt trận",
)  # fmt: skip
_TOTAL_PREFIXES = (
    "tong cong", "tong so", "tong phat sinh", "cong phat sinh", "tong tien", "tong gia tri",
    "so du dau ky", "so du cuoi ky", "du dau ky", "du cuoi ky", "cong luy ke", "luy ke",
)  # fmt: skip
_SUMMARY_CELLS = frozenset(
    {"tong cong", "cong phat sinh", "tong phat sinh", "so du dau ky", "so du cuoi ky", "du dau ky",
     "du cuoi ky"}
)  # fmt: skip
_SUBTOTAL_FOLDED = re.compile(r"cong(?:\s+(?:[ivxlc]+|\d+|[a-h]))?")
_SIGNATURE_PREFIXES = (
    "nguoi lap", "lap bieu", "tm.", "tm ", "t/m", "t.m", "kt.", "kt ", "k/t", "chu tich", "pho chu tich",
    "ke toan", "thu truong", "xac nhan", "giam doc", "truong ban", "thu quy", "noi nhan",
    "nguoi duyet", "kiem soat", "giao dich vien",
)  # fmt: skip
_FOOTNOTE_PREFIXES = ("ghi chu", "luu y", "chu y")
_DATELINE = re.compile(r"\bngay\b.*\bthang\b.*\bnam\b")


def _leading_texts(cells: list[Any]) -> list[str]:
    """The texts that name the row: the first non-empty cell, or the second one when the first
    is only a section marker ("B | Tổng cộng")."""
    present = [v for v in cells if v is not None]
    if not present:
        return []
    first = present[0]
    if isinstance(first, str):
        if _SECTION_MARKER.fullmatch(first) and len(present) > 1 and isinstance(present[1], str):
            return [first, present[1]]
        return [first]
    return []


def _total_kind(texts: list[str]) -> str | None:
    for text in texts:
        key = _key(text)
        if key == "tong" or any(key == p or key.startswith(p + " ") for p in _TOTAL_PREFIXES):
            return "total"
        lowered = nfc(text).lower()
        if (lowered == "cộng" or lowered.startswith(("cộng ", "cộng:"))) and not lowered.startswith(
            ("cộng hòa", "cộng hoà")
        ):
            return "subtotal"
        # Text typed without diacritics: only the bare "Cong", "Cong I", "Cong 2" forms, since
        # "cong …" is also "Công ty", "Công đoàn".
        if _SUBTOTAL_FOLDED.fullmatch(key):
            return "subtotal"
    return None


def _is_numbering(cells: list[Any]) -> bool:
    """ "(1) (2) (3) …", "1 2 3 …", "A B 1 2 3", "(5)=(3)+(4)": the column numbers under a header."""
    present = [v for v in cells if v is not None]
    if len(present) < 2:
        return False
    numbers: list[int] = []
    parenthesised = 0
    for value in present:
        if isinstance(value, bool):
            return False
        if isinstance(value, int):
            numbers.append(value)
        elif isinstance(value, float) and value.is_integer():
            numbers.append(int(value))
        elif isinstance(value, str):
            match = _NUMBERING_TOKEN.fullmatch(value)
            if not match:
                return False
            parenthesised += value.startswith("(")
            if match.group(1).isdigit():
                numbers.append(int(match.group(1)))
        else:
            return False
    if any(b <= a for a, b in itertools.pairwise(numbers)):
        return False
    if parenthesised == len(present):
        return True
    return len(numbers) >= 3 and numbers[0] <= 5


_NUMBERING_TOKEN = re.compile(r"\(?\s*(\d{1,3}|[A-Z])\s*\)?(?:\s*[=+\-x*/:]\s*\(?\s*(?:\d{1,3}|[A-Z])\s*\)?)*")


def _unit_name(text: str) -> bool:
    lowered = nfc(text).lower()
    return any(lowered == p or lowered.startswith(p + " ") for p in _UNIT_PREFIXES)


def _section_name(cells: list[Any], first_col: int) -> str | None:
    present = [(c, v) for c, v in enumerate(cells) if v is not None]
    c0, v0 = present[0]
    if c0 > first_col + 1:
        return None
    second = present[1] if len(present) > 1 else None
    if isinstance(v0, str):
        inline = _SECTION_INLINE.fullmatch(v0)
        if inline:
            return inline.group(1)
        if _SECTION_MARKER.fullmatch(v0):
            # "I | PHƯỜNG VĨNH ĐIỆN | … | 600.000.000": a section may carry its own sums.
            if second and isinstance(second[1], str) and second[0] <= first_col + 2:
                return second[1]
            return v0
    rest_empty = all(v is None for c, v in present if c > first_col + 1)
    if not rest_empty:
        return None
    if len(present) == 1 and isinstance(v0, str) and not _is_numberish(v0):
        if v0 == v0.upper() or _unit_name(v0) or v0.endswith(":"):
            return v0.rstrip(":").strip() or v0
        return None
    # "1 | Khối phố 1" with nothing else: a sub-section inside a commune.
    if (
        len(present) == 2
        and second
        and isinstance(second[1], str)
        and (isinstance(v0, int) or (isinstance(v0, str) and v0.isdigit()))
        and _unit_name(second[1])
    ):
        return second[1]
    return None


class _Classifier:
    def __init__(self, first_col: int) -> None:
        self.first_col = first_col
        self.seen_data = False
        self.seen_total = False
        self.in_signature = False
        self.section: str | None = None

    def kind(self, cells: list[Any]) -> str:
        if all(v is None for v in cells):
            return "blank"
        if self.in_signature:
            return "signature"
        leading = _leading_texts(cells)
        keys = [_key(t) for t in leading]
        folded = [fold(t) for t in leading]
        if any(f.startswith(_SIGNATURE_PREFIXES) for f in folded) or (
            self.seen_total and any(k.startswith(_FOOTNOTE_PREFIXES) for k in keys)
        ):
            self.in_signature = True
            return "signature"
        if (self.seen_data or self.seen_total) and self._dateline(cells):
            self.in_signature = True
            return "signature"
        if not self.seen_data and not self.seen_total and _is_numbering(cells):
            return "numbering"
        total = _total_kind(leading) or self._summary_cell(cells)
        if total:
            if total == "total" and not self._opening_balance(cells):
                # A grand total closes the last section; an opening balance opens the statement.
                self.seen_total, self.section = True, None
            return total
        section = _section_name(cells, self.first_col)
        if section is not None:
            self.section = section
            return "section"
        self.seen_data = True
        return "data"

    @staticmethod
    def _summary_cell(cells: list[Any]) -> str | None:
        """Bank exports put "Số dư đầu kỳ" / "Tổng cộng" in the description column, after the
        amounts; a whole cell saying exactly that is never a transaction."""
        for value in cells:
            if isinstance(value, str) and _key(value) in _SUMMARY_CELLS:
                return "total"
        return None

    @staticmethod
    def _opening_balance(cells: list[Any]) -> bool:
        return any(isinstance(v, str) and _key(v).startswith(("so du dau ky", "du dau ky")) for v in cells)

    @staticmethod
    def _dateline(cells: list[Any]) -> bool:
        present = [v for v in cells if v is not None]
        return len(present) <= 3 and any(
            isinstance(v, str) and len(v) < 100 and _DATELINE.search(fold(v)) for v in present
        )


# ---------------------------------------------------------------------------------------------
# The public reader


def _choose_grid(grids: list[_Grid], sheet: str | None, keywords: Sequence[str]) -> _Grid:
    if sheet is not None:
        for grid in grids:
            if grid.name == sheet:
                return grid
        for grid in grids:
            if fold(grid.name) == fold(sheet):
                return grid
        names = ", ".join(str(g.name) for g in grids)
        raise TabularError(f"Không có trang tính “{nfc(sheet)}” trong tệp. Các trang tính: {names}.")
    candidates = [g for g in grids if g.visible and g.rows] or [g for g in grids if g.rows] or grids
    candidates.sort(key=lambda g: not g.active)  # stable: otherwise workbook order
    if keywords and len(candidates) > 1:
        keys = [k for k in (_key(k) for k in keywords) if k]

        def score(grid: _Grid) -> int:
            finder = _HeaderFinder(grid)
            best = 0
            for i in range(min(len(grid.rows), HEADER_SCAN_ROWS)):
                texts = {_key(_label_text(v)) for v in finder.filled(i) if v is not None}
                best = max(best, sum(1 for k in keys if any(_contains_words(t, k) for t in texts)))
            return best

        # max() keeps the first of equal scores, and the active sheet comes first.
        return max(candidates, key=score)
    return candidates[0]


def read_table(
    data: bytes,
    filename: str,
    *,
    header_keywords: Sequence[str] = (),
    sheet: str | None = None,
    header_row: int | None = None,
    header_depth: int | None = None,
) -> Table:
    """Read an uploaded .xlsx or .csv/.txt file into a classified Table.

    header_keywords: folded words expected in the header ("ho ten", "so tien"); the row matching
    most of them among the first rows is the header. header_row (sheet row number, top row of the
    header) and header_depth override the detection. Raises TabularError (Vietnamese message).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TabularError("Không đọc được tệp: dữ liệu tải lên không hợp lệ.")
    data = bytes(data)
    grids, source, encoding, delimiter = _load(data, filename or "")
    grid = _choose_grid(grids, sheet, header_keywords)
    if not any(v is not None for row in grid.rows for v in row):
        where = f" (trang tính “{grid.name}”)" if grid.name else ""
        raise TabularError(f"Không đọc được tệp: bảng không có dữ liệu{where}.")

    finder = _HeaderFinder(grid)
    if header_depth is not None and not 1 <= header_depth <= MAX_HEADER_DEPTH:
        raise TabularError(f"Số dòng tiêu đề phải từ 1 đến {MAX_HEADER_DEPTH}.")
    if header_row is not None:
        if header_row not in finder.index_of:
            last = grid.numbers[-1] if grid.numbers else 0
            raise TabularError(f"Dòng tiêu đề {header_row} không có trong bảng (bảng có {last} dòng).")
        top = finder.index_of[header_row]
        depth = header_depth or finder.depth_from(top, top)
    else:
        matched = finder.by_keywords(header_keywords)
        if matched is None:
            matched = finder.by_shape()
        if matched is None:  # unreachable: the grid has a non-empty row, checked above
            raise TabularError("Không tìm thấy dòng tiêu đề của bảng.")
        top = finder.extend_up(matched)
        depth = header_depth or finder.depth_from(top, matched)
    header = list(range(top, min(top + depth, len(grid.rows))))

    width = grid.width
    labels = finder.labels(header, width)
    columns = [Column(c, column_letter(c), labels[c], fold(labels[c])) for c in range(width)]
    first_col = next((c for c, label in enumerate(labels) if label), 0)

    classifier = _Classifier(first_col)
    rows: list[Row] = []
    for i in range(header[-1] + 1, len(grid.rows)):
        cells = grid.rows[i]
        kind = classifier.kind(cells)
        rows.append(Row(grid.numbers[i], list(cells), kind, classifier.section))
    preamble = [Row(grid.numbers[i], list(grid.rows[i]), "preamble") for i in range(top)]

    return Table(
        sheet=grid.name,
        header_rows=[grid.numbers[i] for i in header],
        columns=columns,
        rows=rows,
        preamble=preamble,
        sheet_names=[str(g.name) for g in grids if g.name is not None],
        source=source,
        encoding=encoding,
        delimiter=delimiter,
    )


# ---------------------------------------------------------------------------------------------
# Column mapping


def _match_score(label_key: str, synonym: str) -> float:
    if not label_key or not synonym:
        return 0.0
    if label_key == synonym:
        return 100.0
    parts = [_key(part) for part in label_key.split(" / ")] if " / " in label_key else []
    if parts and synonym == parts[-1]:
        return 95.0  # "Loại hộ / Hộ nghèo" is exactly the "ho ngheo" column
    if _contains_words(label_key, synonym):
        # Prefer the tightest label: "ho ten chu ho" fits "Họ tên chủ hộ" better than a long note.
        return 70.0 + 20.0 * len(synonym) / len(label_key)
    if _contains_words(synonym, label_key):
        return 55.0 + 20.0 * len(label_key) / len(synonym)
    ours, theirs = set(label_key.replace("/", " ").split()), set(synonym.split())
    return 60.0 * len(ours & theirs) / len(ours | theirs)


_MIN_MATCH = 30.0


def suggest_mapping(table: Table, fields: Mapping[str, Sequence[str]]) -> dict[str, int | None]:
    """Best column index for each field (None when nothing fits), each column used at most once.

    fields: field name → folded synonyms ({"head_name": ["ho ten chu ho", "ho va ten", "chu ho"]}).
    Assignment is greedy on the best score overall, so a strong match is never stolen by a weak
    one that happened to be listed first.
    """
    label_keys = {
        column.index: " / ".join(_key(part) for part in column.label.split(" / "))
        for column in table.columns
        if column.label
    }
    candidates: list[tuple[float, int, int, str]] = []
    for order, (name, synonyms) in enumerate(fields.items()):
        keys = [k for k in (_key(s) for s in synonyms) if k]
        for index, label_key in label_keys.items():
            score = max((_match_score(label_key, k) for k in keys), default=0.0)
            if score >= _MIN_MATCH:
                candidates.append((score, order, index, name))
    candidates.sort(key=lambda item: (-item[0], item[1], item[2]))
    mapping: dict[str, int | None] = dict.fromkeys(fields)
    used: set[int] = set()
    for _score, _order, index, name in candidates:
        if mapping[name] is None and index not in used:
            mapping[name] = index
            used.add(index)
    return mapping
