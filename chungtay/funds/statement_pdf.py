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
import io
import multiprocessing
import os
import re
from array import array
from bisect import bisect_left, bisect_right
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
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
WORD_WIDTH = 0.7  # a word wider than this share of its letters' height, each, may hide a gap: read by letter
_WORD = re.compile(r"\S+")


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


class Rules:
    """Where the page draws vertical lines (a table's column rules): thin, taller than a text line.

    `xs` are their places, left to right; a rule parts two letters only beside it, not the page
    number printed under the table across the line's place (`between`).
    """

    def __init__(self, page: Any) -> None:
        extents: dict[float, list[tuple[float, float]]] = {}
        left, bottom, right, top = (ctypes.c_float() for _ in range(4))
        box = (ctypes.byref(left), ctypes.byref(bottom), ctypes.byref(right), ctypes.byref(top))
        for index in range(pdfium_c.FPDFPage_CountObjects(page)):
            obj = pdfium_c.FPDFPage_GetObject(page, index)
            if pdfium_c.FPDFPageObj_GetType(obj) != pdfium_c.FPDF_PAGEOBJ_PATH:
                continue
            if (
                pdfium_c.FPDFPageObj_GetBounds(obj, *box)
                and right.value - left.value <= 2 <= top.value - bottom.value - 4
            ):
                extents.setdefault(round((left.value + right.value) / 2, 1), []).append((bottom.value, top.value))
        self.xs = sorted(extents)
        self.extents = extents

    def between(self, left: float, right: float, bottom: float, top: float) -> bool:
        """A rule at left ≤ x < right whose line passes beside bottom…top."""
        first, last = bisect_left(self.xs, left), bisect_left(self.xs, right)
        return any(low < top and bottom < high for x in self.xs[first:last] for low, high in self.extents[x])


def _runs(page: Any, rules: Rules | None = None) -> list[Run]:
    """The page's text as runs: words on one line with no wider gap than a cell's padding and no
    vertical rule (`rules`) between them.

    The page's text comes in one call; PDFium puts a space or a line break wherever letters stand
    apart, so a word's box is its first letter's box joined to its last one's: two calls a word
    instead of one a letter. A word that could hold a gap or a rule (wider than its letters would
    be, a rule inside it, its ends on different lines) is read letter by letter, as every word was.
    """
    textpage = pdfium_c.FPDFText_LoadPage(page)
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

        def pieces() -> Iterator[tuple[int, float, float, float, float, str, bool]]:
            """(index, left, bottom, right, top, text, after a space) of each word, or of each letter
            of a word that may hide a gap; a line break ends the run being read."""
            nonlocal chars
            end = 0
            for word in _WORD.finditer(text):
                start, stop = word.span()
                between, end = text[end:start], stop
                if chars and ("\n" in between or "\r" in between):
                    runs.append(Run(left, bottom, right, top, "".join(chars)))
                    chars = []
                char_box(textpage, start, box)  # the glyph's advance, not its ink
                x0, y0, x1, y1 = rect.left, rect.bottom, rect.right, rect.top
                if stop - start == 1:
                    yield start, x0, y0, x1, y1, word.group(), bool(between)
                    continue
                char_box(textpage, stop - 1, box)
                if (
                    rect.right - x0 > WORD_WIDTH * (stop - start) * (y1 - y0)
                    or rect.bottom >= y1
                    or rect.top <= y0
                    or (rules and rules.between(x0 + 0.5, rect.right - 0.5, y0, y1))
                ):
                    for index in range(start, stop):
                        char_box(textpage, index, box)
                        yield (
                            index,
                            rect.left,
                            rect.bottom,
                            rect.right,
                            rect.top,
                            text[index],
                            index == start and bool(between),
                        )
                    continue
                yield start, x0, min(y0, rect.bottom), rect.right, max(y1, rect.top), word.group(), bool(between)

        for index, x0, y0, x1, y1, piece, space in pieces():
            if chars:
                gap = x0 - right
                if (
                    gap > CELL_GAP * size
                    or gap < -size
                    or y0 >= top
                    or y1 <= bottom
                    or (rules and rules.between(right - 0.5, x0 + 0.5, y0, y1))  # a rule between
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
            chars.append(piece)
        if chars:
            runs.append(Run(left, bottom, right, top, "".join(chars)))
        return runs
    finally:
        pdfium_c.FPDFText_ClosePage(textpage)


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
    if len(runs) == 1:
        return runs[0].text
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

    def __init__(self, spans: list[tuple[float, float]]) -> None:
        self.spans = spans  # left to right, apart (`_cells`): their middles are in order
        self.middles = [(a + b) / 2 for a, b in self.spans]
        self.bounds = [(a[1] + b[0]) / 2 for a, b in pairwise(self.spans)]
        self.fallback = list(self.bounds)
        self.ordered = self.bounds == sorted(self.bounds)

    def spans_several(self, run: Run) -> bool:
        """The run crosses the middles of two columns or more."""
        return bisect_left(self.middles, run.right) - bisect_right(self.middles, run.left) >= 2

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
        self.ordered = self.bounds == sorted(self.bounds)

    def _at(self, x: float) -> int:
        """The column x falls in: before the first boundary right of it."""
        if self.ordered:
            return bisect_right(self.bounds, x)
        return next((i for i, bound in enumerate(self.bounds) if x < bound), len(self.bounds))

    def row(self, band: list[Run]) -> list[Any]:
        cells: list[list[Run]] = [[] for _ in self.spans]
        for run in band:
            cells[self._at(run.left if self.spans_several(run) else run.middle)].append(run)
        return [_text(c) if c else None for c in cells]


class _Pages:
    """Rows of cell texts, page by page: until the table's header is found, each band's cells as they
    stand (the header block); from the header on, the header's columns. A page is loaded, read and
    closed before the next: nothing of it is kept but its rows."""

    def __init__(self, spans: list[tuple[float, float]] | None = None) -> None:
        self.columns = Columns(spans) if spans else None

    def read(self, document: Any, index: int) -> list[list[Any]]:
        page = pdfium_c.FPDF_LoadPage(document, index)
        if not page:
            raise StatementFileError(UNREADABLE)
        try:
            rules = Rules(page)
            bands = _bands(_runs(page, rules))
        finally:
            pdfium_c.FPDF_ClosePage(page)
        rows: list[list[Any]] = []
        table_from = 0
        if self.columns is None:
            for number, band in enumerate(bands):
                cells = _cells(band)
                texts = [_text(c) for c in cells]
                rows.append(texts)
                if _is_header(texts):
                    spans = [(min(r.left for r in c), max(r.right for r in c)) for c in cells]
                    self.columns, table_from = Columns(spans), number + 1
                    break
            else:
                return rows
        assert self.columns is not None
        self.columns.fit([run for band in bands[table_from:] for run in band], rules.xs)
        rows.extend(self.columns.row(band) for band in bands[table_from:])
        return rows


def pages_grid(document: Any) -> Iterator[list[Any]]:
    pages = _Pages()
    for index in range(len(document)):
        yield from pages.read(document, index)


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


# --- big files -----------------------------------------------------------------------------------
REOPEN_PAGES = 500  # PDFium keeps what it parsed of a document until it is closed
CHUNK_PAGES = 50  # pages a worker process reads at a time


def _open(path: str) -> Any:
    try:
        return pdfium.PdfDocument(path)
    except (pdfium.PdfiumError, OSError):
        raise StatementFileError(UNREADABLE) from None


def _release() -> None:
    """Hand the C heap's free pages back: PDFium frees a closed document's objects, but glibc keeps
    the memory they held, and the process's peak would grow with the pages read."""
    if _MALLOC_TRIM is not None:
        _MALLOC_TRIM(0)


try:
    _MALLOC_TRIM: Any = getattr(ctypes.CDLL("libc.so.6"), "malloc_trim", None)
except OSError:  # not glibc: nothing to trim
    _MALLOC_TRIM = None


def _read_chunk(
    path: str, start: int, stop: int, spans: list[tuple[float, float]], tree: PageTree | None = None
) -> list[list[list[Any]]]:
    """A worker process's part: pages start…stop-1 of the table, each its rows (`tree`: those pages only)."""
    document, window = _open_window(path, tree, 0, stop - start)
    try:
        pages = _Pages(spans)
        first = 0 if window is None else start
        return [pages.read(document, index - first) for index in range(start, stop)]
    finally:
        document.close()
        if window is not None:
            window.close()
        _release()


def _open_window(path: str, tree: PageTree | None, start: int, stop: int) -> tuple[Any, _Window | None]:
    """The document for pages start…stop-1: the file itself, or (with its page tree) a window on them."""
    if tree is None:
        return _open(path), None
    window = _Window(path, tree, tree.refs[start:stop])
    try:
        document = pdfium.PdfDocument(window)
    except pdfium.PdfiumError:
        window.close()
        raise StatementFileError(UNREADABLE) from None
    return document, window


class _Xref:
    """A PDF's classic cross-reference tables, read where they lie in the file (nothing of them kept but
    where each section starts): enough to find the page tree's objects without PDFium."""

    def __init__(self, handle: Any, size: int) -> None:
        self.handle, self.size = handle, size
        handle.seek(max(0, size - 1024))
        tail = handle.read()
        found = list(re.finditer(rb"startxref\s+(\d+)", tail))
        if not found:
            raise ValueError("no startxref")
        self.startxref = int(found[-1].group(1))
        self.sections: list[tuple[int, int, int]] = []  # (first object, count, where its entries start)
        self.trailer = b""
        offset: int | None = self.startxref
        seen: set[int] = set()
        while offset is not None and offset not in seen and len(seen) < 64:
            seen.add(offset)
            offset = self._table(offset)

    def _table(self, offset: int) -> int | None:
        self.handle.seek(offset)
        head = self.handle.read(4)
        if head != b"xref":
            raise ValueError("a cross-reference stream")  # PDF 1.5 compression: PDFium's own way only
        position = offset + 4
        while True:
            self.handle.seek(position)
            chunk = self.handle.read(64)
            line = re.match(rb"\s*(\d+)\s+(\d+)\s*?(\r\n|\r|\n| \r| \n)", chunk)
            if not line:
                break
            first, count = int(line.group(1)), int(line.group(2))
            self.sections.append((first, count, position + line.end()))
            position += line.end() + 20 * count
        self.handle.seek(position)
        trailer = self.handle.read(4096)
        if not re.match(rb"\s*trailer", trailer):
            raise ValueError("no trailer")
        if not self.trailer:
            self.trailer = trailer
        if re.search(rb"/(Encrypt|XRefStm)\b", trailer.split(b"startxref")[0]):
            raise ValueError("encrypted, or a hybrid file")
        previous = re.search(rb"/Prev\s+(\d+)", trailer.split(b"startxref")[0])
        return int(previous.group(1)) if previous else None

    def offset(self, number: int) -> int:
        for first, count, start in self.sections:  # the newest table first
            if first <= number < first + count:
                self.handle.seek(start + 20 * (number - first))
                entry = self.handle.read(20)
                if entry[17:18] != b"n":
                    raise ValueError(f"object {number} is free")
                return int(entry[:10])
        raise ValueError(f"object {number} not found")

    def body(self, number: int) -> bytes:
        """Object `number`'s text, from `n g obj` to `endobj` (a stream's dictionary only)."""
        offset = self.offset(number)
        self.handle.seek(offset)
        text = b""
        while len(text) < 4 * 1024 * 1024:
            piece = self.handle.read(65536)
            if not piece:
                break
            text += piece
            end = re.search(rb"endobj|stream\r?\n", text)
            if end:
                return text[: end.start()]
        raise ValueError(f"object {number} has no end")


_REF = re.compile(rb"(\d+)\s+(\d+)\s+R")


@dataclass(frozen=True)
class PageTree:
    refs: array[int]  # the page objects in reading order, each number << 16 | generation (8 bytes a page)
    size: int  # the trailer's /Size: the next free object number
    startxref: int  # where the last cross-reference table starts


def page_tree(path: str) -> PageTree | None:
    """The pages of a PDF with classic cross-reference tables, from its page tree; None for a file this
    does not read (compressed tables, encryption, anything unexpected): PDFium alone reads those."""
    try:
        with open(path, "rb") as handle:
            xref = _Xref(handle, os.fstat(handle.fileno()).st_size)
            root = re.search(rb"/Root\s+(\d+)\s+\d+\s+R", xref.trailer)
            pages = re.search(rb"/Pages\s+(\d+)\s+\d+\s+R", xref.body(int(root.group(1)))) if root else None
            if pages is None:
                return None
            refs = array("Q")

            def walk(number: int, depth: int) -> None:
                node = xref.body(number)
                kids = re.search(rb"/Kids\s*\[([^\]]*)\]", node)
                if kids is None or depth > 32:
                    raise ValueError("a page tree node without its kids")
                count = re.search(rb"/Count\s+(\d+)", node)
                if count and int(count.group(1)) == kids.group(1).count(b"R"):
                    refs.extend(int(m.group(1)) << 16 | int(m.group(2)) for m in _REF.finditer(kids.group(1)))
                    return  # every kid a page (a node counts its pages: none counts 0 here)
                for n, g in _REF.findall(kids.group(1)):
                    if re.search(rb"/Type\s*/Pages\b", xref.body(int(n))):
                        walk(int(n), depth + 1)
                    else:
                        refs.append(int(n) << 16 | int(g))

            walk(int(pages.group(1)), 0)
            size = re.search(rb"/Size\s+(\d+)", xref.trailer)
            return PageTree(refs, int(size.group(1)), xref.startxref) if size and refs else None
    except (ValueError, OSError):
        return None


class _Window(io.RawIOBase):
    """The file as PDFium reads it, with an update appended whose page tree is `pages` only (a few hundred
    of the file's): PDFium finds page i of the window without parsing every page before it, as it must
    in the file's own tree (about 1.5 KB kept for each page passed, until the document is closed)."""

    def __init__(self, path: str, tree: PageTree, pages: array[int]) -> None:
        self.handle = open(path, "rb")  # noqa: SIM115 (closed with the window)
        first, startxref = tree.size, tree.startxref  # new objects after the file's last
        kids = b" ".join(b"%d %d R" % (ref >> 16, ref & 0xFFFF) for ref in pages)
        node = b"%d 0 obj\n<</Type/Pages/Kids[%s]/Count %d>>\nendobj\n" % (first, kids, len(pages))
        catalog = b"%d 0 obj\n<</Type/Catalog/Pages %d 0 R>>\nendobj\n" % (first + 1, first)
        self.length = os.fstat(self.handle.fileno()).st_size
        start = self.length + 1
        table = b"xref\n0 1\n0000000000 65535 f \n%d 2\n%010d 00000 n \n%010d 00000 n \n" % (
            first,
            start,
            start + len(node),
        )
        trailer = b"trailer\n<</Size %d/Root %d 0 R/Prev %d>>\nstartxref\n%d\n%%EOF\n" % (
            first + 2,
            first + 1,
            startxref,
            start + len(node) + len(catalog),
        )
        self.tail = b"\n" + node + catalog + table + trailer
        self.position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        end = self.length + len(self.tail)
        self.position = {io.SEEK_SET: offset, io.SEEK_CUR: self.position + offset, io.SEEK_END: end + offset}[whence]
        return self.position

    def tell(self) -> int:
        return self.position

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        done = 0
        if self.position < self.length:
            self.handle.seek(self.position)
            done = self.handle.readinto(view[: self.length - self.position]) or 0
        if done < len(view) and self.position + done >= self.length:
            at = self.position + done - self.length
            piece = self.tail[at : at + len(view) - done]
            view[done : done + len(piece)] = piece
            done += len(piece)
        self.position += done
        return done

    def close(self) -> None:
        self.handle.close()
        super().close()


class PdfPages:
    """A statement PDF on disk, its rows read a page at a time (`import_statement` for big files).

    Iterating gives the same rows as `pdf_grid`, without holding the file, the pages or the rows:
    PDFium reads the file as it needs it, each page is closed once read, and the document is opened
    again every `REOPEN_PAGES` pages so what PDFium keeps of it does not grow. With `workers` > 1 the
    pages after the table's header are read by that many processes, `CHUNK_PAGES` at a time, and
    their rows come back in page order, at most two chunks ahead per process. `done` counts the
    pages read, for a progress bar.
    """

    def __init__(self, path: str | Path, *, workers: int = 0) -> None:
        self.path = str(path)
        document = _open(self.path)
        try:
            self.count = len(document)
        finally:
            document.close()
        self.workers = workers
        self.done = 0
        self.tree: PageTree | None = None

    def __iter__(self) -> Iterator[list[Any]]:
        self.done = 0
        text = False
        for rows in self._pages():
            self.done += 1
            text = text or any(any(c not in (None, "") for c in row) for row in rows)
            yield from rows
        if not text:
            raise StatementFileError(SCANNED)

    def _pages(self) -> Iterator[list[list[Any]]]:
        pages = _Pages()
        index = start = 0
        # Past page i of the file's own page tree PDFium keeps every page's dictionary before it (about
        # 1.5 KB each) until the document is closed, however late it was opened: read through windows
        # on REOPEN_PAGES pages at a time instead when the tree can be read (`page_tree`).
        tree = page_tree(self.path) if self.count > REOPEN_PAGES else None
        self.tree = tree if tree is not None and len(tree.refs) == self.count else None
        document, window = _open_window(self.path, self.tree, 0, REOPEN_PAGES)
        try:
            while index < self.count and (pages.columns is None or self.workers < 2):
                if index and index % REOPEN_PAGES == 0:
                    document.close()
                    if window is not None:
                        window.close()
                    _release()
                    document, window = _open_window(self.path, self.tree, index, index + REOPEN_PAGES)
                    start = index if window is not None else 0
                yield pages.read(document, index - start)
                index += 1
        finally:
            document.close()
            if window is not None:
                window.close()
        if index < self.count:
            assert pages.columns is not None
            yield from self._in_workers(index, pages.columns.spans)

    def _in_workers(self, start: int, spans: list[tuple[float, float]]) -> Iterator[list[list[Any]]]:
        # Spawned, not forked: a worker needs only PDFium and this module, not the parent's database
        # connection or PDFium's state.
        context = multiprocessing.get_context("spawn")
        with context.Pool(self.workers) as pool:
            waiting: deque[Any] = deque()
            for first in range(start, self.count, CHUNK_PAGES):
                stop = min(first + CHUNK_PAGES, self.count)
                tree = self.tree and PageTree(self.tree.refs[first:stop], self.tree.size, self.tree.startxref)
                waiting.append(pool.apply_async(_read_chunk, (self.path, first, stop, spans, tree)))
                if len(waiting) >= 2 * self.workers:
                    yield from waiting.popleft().get()
            while waiting:
                yield from waiting.popleft().get()
