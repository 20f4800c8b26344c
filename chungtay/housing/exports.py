"""The approved list back to Excel, laid out the way the office prints it.

Titles and national motto, a two-row merged header, the "(1) (2) (3)" numbering row, a section
per commune ("I  PHƯỜNG VĨNH ĐIỆN"), "Cộng I" subtotals, "TỔNG CỘNG" and a signature block. The
file reads back through the importer unchanged (tests/test_import.py checks the round trip).

Written row by row with xlsxwriter's constant_memory mode from rows read with `.iterator()`, so
a province's or the country's list takes the same memory as a commune's: nothing is kept but the
running subtotal of the current commune and the grand total.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.functions import Coalesce, Collate

from chungtay.core import cells, dates
from chungtay.core.text import mask_name
from chungtay.orgunits.models import OrgUnit

from .imports import note_column
from .models import Category, Gender, Household, SupportKind
from .selectors import PrivacyScope

# (label, sub-labels) per header group; None = a single column merged over both header rows.
HEADER: list[tuple[str, list[str] | None]] = [
    ("STT", None),
    ("Họ và tên chủ hộ", None),
    ("Năm sinh", None),
    ("Giới tính", None),
    ("Số CCCD", None),
    ("Khu dân cư (thôn, khối phố)", None),
    ("Loại hộ", ["Hộ nghèo", "Hộ cận nghèo", "Gia đình chính sách", "Thiên tai", "Khác"]),
    ("Hình thức hỗ trợ", ["Xây mới", "Sửa chữa"]),
    ("Năm thực hiện (phân kỳ)", None),
    ("Kinh phí hỗ trợ (đồng)", None),
    ("Mã hộ", None),
    ("Ghi chú", None),
]
CATEGORY_ORDER = [Category.POOR, Category.NEAR_POOR, Category.POLICY, Category.DISASTER, Category.OTHER]
KIND_ORDER = [SupportKind.NEW, SupportKind.REPAIR]
# Widths as stored in the file (the unit openpyxl used when this sheet was written with it).
WIDTHS = [6, 26, 8, 8, 15, 18, 8, 8, 10, 8, 8, 8, 8, 11, 15, 10, 22]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII", "XXIX",
         "XXX"]  # fmt: skip
NCOLS = sum(len(sub) if sub else 1 for _, sub in HEADER)
LAST = NCOLS - 1  # columns are 0-based below (xlsxwriter); column 0 is A
CITIZEN_ID_COL = 4  # E
AMOUNT_COL = 14  # O
SIGN_COL = 10  # K
CHUNK = 2000
FIELDS = ("commune_path", "commune_name", "commune_kind", "area__path", "area__name", "head_name", "birth_year",
          "gender", "citizen_id", "category", "support_kind", "phase_year", "state_support", "code", "note",
          "override_reason", "norm__amount")  # fmt: skip
# Names sort as Python sorts strings (byte order), whatever the database's collation.
BYTEWISE = {"postgresql": "C", "sqlite": "BINARY"}


def _roman(n: int) -> str:
    return ROMAN[n - 1] if n <= len(ROMAN) else str(n)


def _stored_width(width: float) -> float:
    """xlsxwriter takes the width Excel shows and stores 5 px (5/7 of a character) more; WIDTHS are stored."""
    return width - 5 / 7


def export_households(households: QuerySet[Household], out: str | Path | IO[bytes], *, unit: OrgUnit, user: Any) -> int:
    """Write the households (any filtered queryset; it is re-ordered here) to `out`, a path or a
    binary file. Returns the number of households written."""
    privacy = PrivacyScope(user)
    decisions = list(households.order_by().values_list("decision_number", "decision_date").distinct()[:2])

    wb = cells.workbook(out, {"constant_memory": True})
    ws = wb.add_worksheet("Danh sách")
    f = _Formats(wb)
    for i, width in enumerate(WIDTHS[:NCOLS]):
        ws.set_column(i, i, _stored_width(width))

    # Rows 1–5: who issues the list, the motto, the title. Rows are 0-based from here on.
    ws.merge_range(0, 0, 0, 5, "ỦY BAN MTTQ VIỆT NAM", f.title)
    ws.merge_range(0, 7, 0, LAST, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", f.title)
    ws.merge_range(1, 0, 1, 5, unit.title.upper(), f.title)
    ws.merge_range(1, 7, 1, LAST, "Độc lập - Tự do - Hạnh phúc", f.centered)
    ws.merge_range(3, 0, 3, LAST, "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ XÓA NHÀ TẠM, NHÀ DỘT NÁT", f.title)
    if len(decisions) == 1:
        number, day = decisions[0]
        subtitle = f"(Kèm theo Quyết định số {number} ngày {day:%d/%m/%Y})"
    else:
        subtitle = f"(Trích xuất ngày {dates.today():%d/%m/%Y})"
    ws.merge_range(4, 0, 4, LAST, subtitle, f.centered)

    # Rows 6–8: the two-row header and the numbering row.
    col = 0
    down: list[int] = []  # single columns, merged over both header rows
    for label, sub in HEADER:
        if sub:
            ws.merge_range(5, col, 5, col + len(sub) - 1, label, f.head)
            col += len(sub)
        else:
            ws.write_string(5, col, label, f.head)
            down.append(col)
            col += 1
    col = 0
    for _label, sub in HEADER:
        texts: list[str | None] = list(sub) if sub else [None]
        for text in texts:
            if text is None:
                ws.write_blank(6, col, None, f.head)
            else:
                ws.write_string(6, col, text, f.head)
            col += 1
    for c in down:
        _merge_written(ws, 5, c, 6, c)
    for c in range(NCOLS):
        ws.write_string(7, c, f"({c + 1})", f.head)

    row = 8
    grand = subtotal = section = order = n = 0
    commune_path = area_path = None
    private = False
    genders = dict(Gender.choices)
    for h in _rows(households):
        if h["commune_path"] != commune_path:
            if commune_path is not None:
                row = _subtotal(ws, f, row, _roman(section), subtotal)
            commune_path, section, subtotal, order = h["commune_path"], section + 1, 0, 0
            commune = OrgUnit(name=h["commune_name"], kind=h["commune_kind"])
            ws.write_string(row, 0, _roman(section), f.bold_cell)
            ws.write_string(row, 1, commune.title.upper(), f.bold_cell)
            for c in range(2, NCOLS):
                ws.write_blank(row, c, None, f.bold_cell)
            _merge_written(ws, row, 1, row, LAST)
            row += 1
        if h["area__path"] != area_path:
            area_path = h["area__path"]
            private = privacy.covers(OrgUnit(path=area_path))
        order += 1
        name = h["head_name"] if private else _masked(h["head_name"])
        citizen_id = h["citizen_id"] if private else ""
        gender = str(genders.get(h["gender"], h["gender"]))
        note = note_column(h["note"], h["override_reason"], h["state_support"], h["norm__amount"])
        ws.write_number(row, 0, order, f.cell)
        _text(ws, row, 1, name, f.cell)
        _text(ws, row, 2, str(h["birth_year"]) if h["birth_year"] else "", f.cell)
        _text(ws, row, 3, gender, f.cell)
        _text(ws, row, 4, citizen_id, f.id_cell)
        _text(ws, row, 5, h["area__name"], f.cell)
        col = 6
        for category in CATEGORY_ORDER:
            _text(ws, row, col, "x" if h["category"] == category else "", f.cell)
            col += 1
        for k in KIND_ORDER:
            _text(ws, row, col, "x" if h["support_kind"] == k else "", f.cell)
            col += 1
        ws.write_number(row, 13, h["phase_year"], f.cell)
        ws.write_number(row, AMOUNT_COL, h["state_support"], f.money)
        _text(ws, row, 15, h["code"], f.cell)
        _text(ws, row, 16, note, f.cell)
        subtotal += h["state_support"]
        grand += h["state_support"]
        n += 1
        row += 1
    if commune_path is not None:
        row = _subtotal(ws, f, row, _roman(section), subtotal)
    ws.merge_range(row, 0, row, 1, "TỔNG CỘNG", f.bold_cell)
    _blank_row(ws, f, row, start=2)
    ws.write_number(row, AMOUNT_COL, grand, f.bold_money)

    # The signature block, two rows under the table.
    place = _place(unit)
    row += 2
    ws.merge_range(row, SIGN_COL, row, LAST, dates.vn_long_date(dates.today(), place=place), f.centered)
    row += 1
    ws.write_string(row, 1, "NGƯỜI LẬP BIỂU", f.bold)
    ws.merge_range(row, SIGN_COL, row, LAST, "TM. BAN THƯỜNG TRỰC", f.bold_centered)
    row += 1
    ws.merge_range(row, SIGN_COL, row, LAST, "CHỦ TỊCH", f.bold_centered)

    ws.set_landscape()
    ws.fit_to_pages(1, 0)  # one page wide, as many pages down as the list needs
    ws.repeat_rows(5, 7)
    wb.close()
    return n


def _rows(households: QuerySet[Household]) -> Any:
    """Only the columns the sheet shows, in sheet order: commune, area, name (as the importer's
    duplicate check folds it), then id for a stable order between namesakes."""
    collation = BYTEWISE.get(connection.vendor)
    name = Collate("head_name_folded", collation) if collation else F("head_name_folded")
    return (
        households.annotate(
            commune_path=Coalesce("area__parent__path", "area__path"),
            commune_name=Coalesce("area__parent__name", "area__name"),
            commune_kind=Coalesce("area__parent__kind", "area__kind"),
        )
        .order_by("commune_path", "area__path", name, "pk")
        .values(*FIELDS)
        .iterator(chunk_size=CHUNK)
    )


class _Formats:
    def __init__(self, wb: Any) -> None:
        center = {"align": "center"}
        self.bold = wb.add_format({"bold": True})
        self.title = wb.add_format({"bold": True, **center})
        self.centered = wb.add_format(center)
        self.bold_centered = wb.add_format({"bold": True, **center})
        self.head = wb.add_format({"bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                   "text_wrap": True})  # fmt: skip
        self.cell = wb.add_format({"border": 1})
        self.id_cell = wb.add_format({"border": 1, "num_format": "@"})  # an ID: keep the leading zero
        self.money = wb.add_format({"border": 1, "num_format": "#,##0"})
        self.bold_cell = wb.add_format({"border": 1, "bold": True})
        self.bold_money = wb.add_format({"border": 1, "bold": True, "num_format": "#,##0"})


def _text(ws: Any, row: int, col: int, value: str, fmt: Any) -> None:
    """Text stays text (cells.workbook also guards a leading "=", "+", "-", "@" with a quote)."""
    if value:
        ws.write_string(row, col, value, fmt)
    else:
        ws.write_blank(row, col, None, fmt)


def _blank_row(ws: Any, f: _Formats, row: int, *, start: int = 0) -> None:
    for c in range(start, NCOLS):
        ws.write_blank(row, c, None, f.cell)


def _subtotal(ws: Any, f: _Formats, row: int, roman: str, amount: int) -> int:
    _blank_row(ws, f, row)
    ws.write_string(row, 1, f"Cộng {roman}", f.bold_cell)
    ws.write_number(row, AMOUNT_COL, amount, f.bold_money)
    return row + 1


def _merge_written(ws: Any, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    """Merge cells already written; the merge itself is only a record written after the rows.
    merge_range() does not fit two cases: over two rows in constant_memory mode it flushes the
    first row before the next column's label reaches it (and refuses rows already flushed); and
    it keeps a dict entry per merged cell for its overlap check, which for one heading per
    commune is 16 MB at the country's 10,600 communes, growing with the list."""
    ws.merge.append([first_row, first_col, last_row, last_col])


def _masked(name: str) -> str:
    return mask_name(name)


def _place(unit: OrgUnit) -> str:
    """The dateline's place: the unit's own name ("Điện Bàn", "Vĩnh Điện")."""
    return unit.name
