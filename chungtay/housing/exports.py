"""The approved list back to Excel, laid out the way the office prints it.

Titles and national motto, a two-row merged header, the "(1) (2) (3)" numbering row, a section
per commune ("I  PHƯỜNG VĨNH ĐIỆN"), "Cộng I" subtotals, "TỔNG CỘNG" and a signature block. The
file reads back through the importer unchanged (tests/test_import.py checks the round trip).
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from itertools import groupby

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from chungtay.core import dates
from chungtay.orgunits.models import OrgUnit

from .imports import export_note
from .models import Category, Household, SupportKind
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
WIDTHS = [6, 26, 8, 8, 15, 18, 8, 8, 10, 8, 8, 8, 8, 11, 15, 10, 22]
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI",
         "XVII", "XVIII", "XIX", "XX", "XXI", "XXII", "XXIII", "XXIV", "XXV", "XXVI", "XXVII", "XXVIII", "XXIX",
         "XXX"]  # fmt: skip
NCOLS = sum(len(sub) if sub else 1 for _, sub in HEADER)
AMOUNT_COL = 15  # column O


def _roman(n: int) -> str:
    return ROMAN[n - 1] if n <= len(ROMAN) else str(n)


def _commune_of(household: Household) -> OrgUnit:
    return household.area.parent or household.area


def export_households(households: Iterable[Household], *, unit: OrgUnit, user) -> bytes:  # type: ignore[no-untyped-def]
    """households: ordered by area path, with area, area.parent and norm selected."""
    privacy = PrivacyScope(user)
    items = sorted(households, key=lambda h: (_commune_of(h).path, h.area.path, h.head_name_folded, h.pk))
    decisions = {(h.decision_number, h.decision_date) for h in items}

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")
    last = get_column_letter(NCOLS)

    ws["A1"] = "ỦY BAN MTTQ VIỆT NAM"
    ws["A2"] = unit.title.upper()
    ws["H1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["H2"] = "Độc lập - Tự do - Hạnh phúc"
    for cells in ("A1:F1", "A2:F2", f"H1:{last}1", f"H2:{last}2"):
        ws.merge_cells(cells)
    ws["A4"] = "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ XÓA NHÀ TẠM, NHÀ DỘT NÁT"
    if len(decisions) == 1:
        number, day = next(iter(decisions))
        ws["A5"] = f"(Kèm theo Quyết định số {number} ngày {day:%d/%m/%Y})"
    else:
        ws["A5"] = f"(Trích xuất ngày {dates.today():%d/%m/%Y})"
    ws.merge_cells(f"A4:{last}4")
    ws.merge_cells(f"A5:{last}5")
    for ref in ("A1", "A2", "H1", "A4"):
        ws[ref].font = bold
        ws[ref].alignment = Alignment(horizontal="center")
    ws["H2"].alignment = ws["A5"].alignment = Alignment(horizontal="center")

    col = 1
    for label, sub in HEADER:
        ws.cell(6, col, label)
        if sub:
            ws.merge_cells(start_row=6, start_column=col, end_row=6, end_column=col + len(sub) - 1)
            for i, text in enumerate(sub):
                ws.cell(7, col + i, text)
            col += len(sub)
        else:
            ws.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
            col += 1
    for c in range(1, NCOLS + 1):
        ws.cell(8, c, f"({c})")

    row = 9
    grand = 0
    groups = [(commune, list(rows)) for commune, rows in groupby(items, key=_commune_of)]
    for number, (commune, rows) in enumerate(groups, start=1):
        roman = _roman(number)
        ws.cell(row, 1, roman).font = bold
        ws.cell(row, 2, commune.title.upper()).font = bold
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=NCOLS)
        row += 1
        subtotal = 0
        for order, h in enumerate(rows, start=1):
            private = privacy.covers(h.area)
            values = [
                order,
                h.head_name if private else _masked(h.head_name),
                str(h.birth_year) if h.birth_year else None,
                h.get_gender_display() or None,
                (h.citizen_id or None) if private else None,
                h.area.name,
                *["x" if h.category == c else None for c in CATEGORY_ORDER],
                *["x" if h.support_kind == k else None for k in KIND_ORDER],
                h.phase_year,
                h.state_support,
                h.code,
                export_note(h) or None,
            ]
            for c, value in enumerate(values, start=1):
                ws.cell(row, c, value)
            ws.cell(row, 5).number_format = "@"  # an ID, not a number: keep the leading zero
            ws.cell(row, AMOUNT_COL).number_format = "#,##0"
            subtotal += h.state_support
            row += 1
        ws.cell(row, 2, f"Cộng {roman}").font = bold
        ws.cell(row, AMOUNT_COL, subtotal).number_format = "#,##0"
        ws.cell(row, AMOUNT_COL).font = bold
        grand += subtotal
        row += 1
    ws.cell(row, 1, "TỔNG CỘNG").font = bold
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.cell(row, AMOUNT_COL, grand).number_format = "#,##0"
    ws.cell(row, AMOUNT_COL).font = bold
    table_end = row

    for r in range(6, table_end + 1):
        for c in range(1, NCOLS + 1):
            ws.cell(r, c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r in (6, 7, 8):
        for c in range(1, NCOLS + 1):
            ws.cell(r, c).alignment = center
            ws.cell(r, c).font = bold
    for i, width in enumerate(WIDTHS[:NCOLS], start=1):
        ws.column_dimensions[get_column_letter(i)].width = width

    place = _place(unit)
    row += 2
    ws.cell(row, 11, dates.vn_long_date(dates.today(), place=place))
    ws.merge_cells(start_row=row, start_column=11, end_row=row, end_column=NCOLS)
    row += 1
    ws.cell(row, 2, "NGƯỜI LẬP BIỂU").font = bold
    ws.cell(row, 11, "TM. BAN THƯỜNG TRỰC").font = bold
    ws.merge_cells(start_row=row, start_column=11, end_row=row, end_column=NCOLS)
    row += 1
    ws.cell(row, 11, "CHỦ TỊCH").font = bold
    ws.merge_cells(start_row=row, start_column=11, end_row=row, end_column=NCOLS)
    for r in range(table_end + 2, row + 1):
        ws.cell(r, 11).alignment = Alignment(horizontal="center")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.print_title_rows = "6:8"

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _masked(name: str) -> str:
    from chungtay.core.text import mask_name

    return mask_name(name)


def _place(unit: OrgUnit) -> str:
    """The dateline's place: the unit's own name ("Điện Bàn", "Vĩnh Điện")."""
    return unit.name
