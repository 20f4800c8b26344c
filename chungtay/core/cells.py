"""Every CSV and Excel file the system writes goes through here, so that text typed into a form
(a donor called `=HYPERLINK("http://…","click")`, a note starting `=cmd|' /C calc'!A0`) reaches a
spreadsheet as text and never as a formula: OWASP's "CSV Injection".

A text cell that starts with one of OWASP's characters (= + - @, a tab, a carriage return), or
with one of them after leading white space or a line break, or with the full-width = + - @ an
IME types, gets a single quote in front. Only `str` values are touched: an amount written as a
number stays a number, negative or not, so totals still add up in Excel.

The tabular reader takes the quote off again (`restore`), so the files we write import back
unchanged. JSON is not a spreadsheet and is not touched.

Use `csv_writer()` instead of `csv.writer()` and `workbook()` instead of `xlsxwriter.Workbook()`;
chungtay/core/tests/test_cells.py fails when a module writes either without them.
"""

from __future__ import annotations

import csv
import datetime as dt
import functools
from collections.abc import Iterable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import IO, Any

__all__ = ["TRIGGERS", "csv_cell", "csv_writer", "is_risky", "neutralise", "restore", "workbook"]

# OWASP's list, plus the full-width forms (cheap, and Japanese/Chinese IMEs type them).
TRIGGERS = frozenset("=+-@\t\r") | frozenset("\uff1d\uff0b\uff0d\uff20")
GUARD = "'"
_NUMBERS = (bool, int, float, Decimal, Fraction)


def is_risky(text: str) -> bool:
    """True if a spreadsheet could read `text` as the start of a formula."""
    if not text:
        return False
    if text[0] in TRIGGERS:
        return True
    # " =1" and "\n=1": some spreadsheet programs trim before they look.
    rest = text.lstrip()
    return bool(rest) and rest[0] in TRIGGERS


def _needs_guard(text: str) -> bool:
    # Quotes already in front count as part of the text: "'=1" is written "''=1" so it reads back whole.
    return is_risky(text.lstrip(GUARD))


def neutralise(value: Any) -> Any:
    """The value to put in a cell: risky text with a leading quote, anything else unchanged."""
    if isinstance(value, str) and _needs_guard(value):
        return GUARD + value
    return value


def restore(text: str) -> str:
    """Undo `neutralise` on text read back from a cell: only a quote that guards a risky value goes,
    so a bank's "'0041000123456" (quoted to keep the leading zero) is read as it was."""
    if text.startswith(GUARD) and _needs_guard(text[1:]):
        return text[1:]
    return text


def csv_cell(value: Any) -> Any:
    """A CSV cell is text whatever it was: numbers go out as they are, everything else as safe text."""
    if value is None or isinstance(value, _NUMBERS):
        return value
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(value if isinstance(value, str) else str(value))


class CsvWriter:
    """csv.writer with every cell passed through `csv_cell`."""

    def __init__(self, out: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(out, **fmtparams)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([csv_cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(out: IO[str], **fmtparams: Any) -> CsvWriter:
    return CsvWriter(out, **fmtparams)


@functools.cache
def _workbook_class() -> type:
    import xlsxwriter  # imported here so CSV-only callers don't pay for it
    from xlsxwriter.worksheet import Worksheet

    class SafeWorksheet(Worksheet):
        # write(), write_string(), write_row(), write_column() and merge_range() all end here.
        def _write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> Any:
            return super()._write_string(row, col, neutralise(string), cell_format)

    class SafeWorkbook(xlsxwriter.Workbook):
        worksheet_class = SafeWorksheet

    return SafeWorkbook


def workbook(target: str | Path | IO[bytes], options: dict[str, Any] | None = None) -> Any:
    """An xlsxwriter Workbook whose sheets write text as text: strings never become formulas or
    links, and risky text gets its quote. `write_formula()` still writes a formula on purpose."""
    settings = {**(options or {}), "strings_to_formulas": False, "strings_to_urls": False}
    return _workbook_class()(str(target) if isinstance(target, Path) else target, settings)
