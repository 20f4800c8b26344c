"""A bank's printed (PDF) statement as the same grid of cells an Excel export gives.

PDFium (pypdfium2) gives the text of each page as runs with their boxes; it is a compiled library
that reads thousands of pages a minute, where the pure-Python readers take seconds a page. The
runs become a grid the layout reader (`statement_layouts.read_statement`) already understands:

- rows: runs whose vertical extents touch or nearly touch form one band — one table row, however
  many lines its cells wrap onto and however the cells are aligned vertically; a gap taller than
  a fraction of a text line starts the next row;
- columns: the first band that a bank's captions recognise is the table header; each of its
  cells (runs that overlap horizontally, a caption wrapped over several lines) is a column, and
  every later run goes to the column its middle falls in, the boundaries standing in the white
  strips between columns on that page (see `Columns`);
- a run across several columns (a paragraph such as "Số dư cuối kỳ: 11.689.000" under the table)
  goes to the column where it starts, so the reader sees it as a label with its amount.

Text in one cell on several lines keeps its line breaks, as a cell of an Excel export does:
"01/09/2024\n5213.0001" is how Vietcombank's date-and-reference cell reads, a caption wrapped over
lines is still recognised, and the reader makes a memo wrapped over four lines one line again.
A PDF without text (a scan) is refused with a Vietnamese message: there is nothing to read.
"""

from __future__ import annotations

import ctypes
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from statistics import median
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from .statement_layouts import GENERIC, LAYOUTS, StatementFileError, _map_columns

SCANNED = (
    "Tệp PDF này là ảnh quét, không có lớp chữ để đọc. Hãy tải sao kê dạng Excel/CSV, hoặc bản PDF "
    "do ngân hàng xuất trực tiếp từ dịch vụ ngân hàng điện tử."
)
UNREADABLE = "Không mở được tệp PDF (tệp hỏng hoặc có mật khẩu). Hãy tải lại tệp ngân hàng xuất."
ROW_GAP = 0.4  # a vertical gap above this share of a text line's height starts a new row
CELL_GAP = 0.4  # a horizontal gap wider than this share of the font size separates two runs (cells)
WORD_GAP = 0.2  # a gap wider than this between letters, with no space character, is a space


@dataclass(frozen=True)
class Run:
    left: float
    bottom: float
    right: float
    top: float
    text: str

    @property
    def middle(self) -> float:
        return (self.left + self.right) / 2


def _rules(page: Any) -> list[float]:
    """Where the page draws vertical lines (a table's column rules): thin, taller than a text line."""
    xs = set()
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    box = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
    for index in range(pdfium_c.FPDFPage_CountObjects(page)):
        obj = pdfium_c.FPDFPage_GetObject(page, index)
        if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
            continue
        if pdfium_c.FPDFPageObj_GetBounds(obj, *box) and right.value - left.value <= 2 <= top.value - bottom.value - 4:
            xs.add(round((left.value + right.value) / 2, 1))
    return sorted(xs)


def _runs(page: Any, rules: list[float] = ()) -> list[Run]:  # type: ignore[assignment]
    """The page's text as runs: characters on one line with no wider gap than a cell's padding
    and no vertical rule (`rules`, sorted) between them.

    One pass over the characters (their text in one call, a box each): asking PDFium for the text
    inside each of its rectangles searches the page's characters once per rectangle.
    """
    textpage = page.get_textpage()
    try:
        count = pdfium_c.FPDFText_CountChars(textpage)
        if count <= 0:
            return []
        buffer = (ctypes.c_ushort * (count + 1))()
        pdfium_c.FPDFText_GetText(textpage, 0, count, buffer)
        text = bytes(buffer)[: 2 * count].decode("utf-16-le", errors="replace")
        rect = pdfium_c.FS_RECTF()
        box = ctypes.byref(rect)
        char_box, font_size = pdfium_c.FPDFText_GetLooseCharBox, pdfium_c.FPDFText_GetFontSize
        runs: list[Run] = []
        chars: list[str] = []
        left = bottom = right = top = size = 0.0  # the run being read
        space = False
        for index, char in enumerate(text):
            if char in "\r\n":
                if chars:
                    runs.append(Run(left, bottom, right, top, "".join(chars)))
                    chars = []
                space = False
                continue
            if char.isspace():
                space = True
                continue
            char_box(textpage, index, box)  # the glyph's advance, not its ink
            x0, x1, y0, y1 = rect.left, rect.right, rect.bottom, rect.top
            if chars:
                gap = x0 - right
                if (
                    gap > CELL_GAP * size
                    or gap < -size
                    or y0 >= top
                    or y1 <= bottom
                    or (rules and bisect_left(rules, right - 0.5) < bisect_left(rules, x0 + 0.5))  # a rule between
                ):
                    runs.append(Run(left, bottom, right, top, "".join(chars)))
                    chars = []
                else:
                    if space or gap > WORD_GAP * size:
                        chars.append(" ")
                    bottom, top = min(bottom, y0), max(top, y1)
                    right = max(right, x1)
            if not chars:
                size = font_size(textpage, index) or (y1 - y0) or 8.0
                left, bottom, right, top = x0, y0, x1, y1
            chars.append(char)
            space = False
        if chars:
            runs.append(Run(left, bottom, right, top, "".join(chars)))
        return runs
    finally:
        textpage.close()


def _bands(runs: list[Run]) -> list[list[Run]]:
    """Runs grouped into rows, top of the page first (PDF y grows upwards)."""
    if not runs:
        return []
    gap = ROW_GAP * median(r.top - r.bottom for r in runs)
    bands: list[list[Run]] = []
    floor = None  # the lowest bottom of the band being filled
    for run in sorted(runs, key=lambda r: -r.top):
        if floor is not None and run.top >= floor - gap:
            bands[-1].append(run)
            floor = min(floor, run.bottom)
        else:
            bands.append([run])
            floor = run.bottom
    return bands


def _cells(band: list[Run]) -> list[list[Run]]:
    """Runs that overlap horizontally are one cell (a caption wrapped over lines); left to right."""
    cells: list[list[Run]] = []
    for run in sorted(band, key=lambda r: r.left):
        if cells and run.left < max(r.right for r in cells[-1]):
            cells[-1].append(run)
        else:
            cells.append([run])
    return cells


def _text(runs: list[Run]) -> str:
    """A cell's text, its lines joined by a line break and runs on one line by a space."""
    lines: list[list[Run]] = []
    for run in sorted(runs, key=lambda r: (-r.top, r.left)):
        if lines and run.top > min(r.bottom for r in lines[-1]):
            lines[-1].append(run)
        else:
            lines.append([run])
    return "\n".join(" ".join(r.text for r in sorted(line, key=lambda r: r.left)) for line in lines)


def _is_header(texts: list[str]) -> bool:
    return any(_map_columns(texts, layout) for layout in (*LAYOUTS, GENERIC))


class Columns:
    """The table's columns: the header's cells, and the boundaries between them on each page.

    Where the bank draws the table's rules, a boundary is the vertical rule between two captions.
    Without rules it lies in the last strip of white before the next caption, found from every run
    on the page below the header: numbers right-aligned under a short caption stay in their
    column. Where no strip is white (a run crosses it), it falls halfway between the two captions.
    """

    def __init__(self, cells: list[list[Run]]) -> None:
        self.spans = [(min(r.left for r in c), max(r.right for r in c)) for c in cells]
        self.middles = [(a + b) / 2 for a, b in self.spans]
        self.bounds = [(a[1] + b[0]) / 2 for a, b in pairwise(self.spans)]
        self.fallback = list(self.bounds)

    def spans_several(self, run: Run) -> bool:
        return sum(run.left < m < run.right for m in self.middles) >= 2

    def fit(self, runs: list[Run], rules: list[float]) -> None:
        """Boundaries for one page from its vertical rules, or from where its text stands."""
        covered = sorted([(r.left, r.right) for r in runs if not self.spans_several(r)] + list(self.spans))
        merged: list[list[float]] = []
        for left, right in covered:
            if merged and left <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], right)
            else:
                merged.append([left, right])
        gaps = [(a[1] + b[0]) / 2 for a, b in pairwise(merged)]
        self.bounds = []
        for i, default in enumerate(self.fallback):
            low, high = self.middles[i], self.middles[i + 1]
            ruled = [x for x in rules if low < x < high]
            white = [x for x in gaps if low < x <= self.spans[i + 1][0]]
            self.bounds.append(ruled[0] if len(ruled) == 1 else max(white) if white else default)

    def _at(self, x: float) -> int:
        return next((i for i, bound in enumerate(self.bounds) if x < bound), len(self.bounds))

    def row(self, band: list[Run]) -> list[Any]:
        cells: list[list[Run]] = [[] for _ in self.spans]
        for run in band:
            cells[self._at(run.left if self.spans_several(run) else run.middle)].append(run)
        return [_text(c) if c else None for c in cells]


def pages_grid(document: Any) -> Iterator[list[Any]]:
    columns: Columns | None = None
    for page_index in range(len(document)):
        page = document[page_index]
        try:
            rules = _rules(page)
            bands = _bands(_runs(page, rules))
        finally:
            page.close()
        table_from = 0
        if columns is None:
            for index, band in enumerate(bands):
                cells = _cells(band)
                texts = [_text(c) for c in cells]
                yield texts
                if _is_header(texts):
                    columns, table_from = Columns(cells), index + 1
                    break
            else:
                continue
        columns.fit([run for band in bands[table_from:] for run in band], rules)
        for band in bands[table_from:]:
            yield columns.row(band)


def pdf_grid(data: bytes) -> list[list[Any]]:
    """Rows of cell texts, in reading order, from a statement PDF that carries its text."""
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        raise StatementFileError(UNREADABLE) from None
    try:
        grid = list(pages_grid(document))
    finally:
        document.close()
    if not any(any(c not in (None, "") for c in row) for row in grid):
        raise StatementFileError(SCANNED)
    return grid
