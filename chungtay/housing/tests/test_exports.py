"""The official-layout export, streamed with xlsxwriter: every cell of the office's layout, read
back with openpyxl and through the importer. The expected sheet is built from PEOPLE below."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.core.tabular import read_table
from chungtay.core.text import mask_name
from chungtay.housing.exports import export_households
from chungtay.housing.imports import ImportSettings, detect_decision, plan_household_import, suggest
from chungtay.housing.models import Category, Gender, Household, SupportKind

POOR, NEAR_POOR, POLICY = Category.POOR, Category.NEAR_POOR, Category.POLICY
NEW, REPAIR = SupportKind.NEW, SupportKind.REPAIR
MALE, FEMALE = Gender.MALE, Gender.FEMALE
# The sheet is dated on the day of extraction: extract on 02/12/2024, whatever day the suite runs on.
pytestmark = pytest.mark.time_machine(dt.datetime(2024, 12, 2, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))))
NORM = {NEW: 60_000_000, REPAIR: 30_000_000}  # the norms fixture (NQ 13/2023)
DECISION = ("8584/QĐ-UBND", dt.date(2023, 12, 20))  # make_household's decision
# Sheet order: commune, area, folded name. code, name, area, birth year, gender, CCCD, category, kind,
# phase, amount (None = the norm), override reason, note.
PEOPLE = [
    ("PHƯỜNG VĨNH ĐIỆN", [
        ("HT00101", "Hồ Văn Bé", "a1", None, "", "", POLICY, REPAIR, 2025, None, "", "=1+1 xem http://chungtay.vn"),
        ("HT00102", "Lê Văn Ví Dụ", "a1", 1975, MALE, "049075000103", POLICY, NEW, 2025, None, "", "Con liệt sĩ"),
        ("HT00103", "Nguyễn Văn Mẫu", "a1", 1962, MALE, "049062000101", POOR, NEW, 2024, None, "", ""),
        ("HT00104", "Phạm Thị Minh Họa", "a2", 1980, FEMALE, "", POOR, REPAIR, 2025, None, "", ""),
        ("HT00105", "Trần Thị Thử", "a2", 1958, FEMALE, "049158000102", NEAR_POOR, REPAIR, 2024, None, "", ""),
    ]),
    ("XÃ ĐIỆN HỒNG", [
        ("HT00106", "Võ Thị Tạm", "b1", 1968, FEMALE, "049168000105", POOR, NEW, 2024, None, "", ""),
        ("HT00107", "Bùi Thị Mô Phỏng", "b2", 1971, FEMALE, "049171000107", POLICY, NEW, 2025, 45_000_000,
         "Neo đơn", ""),
        ("HT00108", "Đặng Văn Khảo", "b2", 1955, MALE, "049055000106", NEAR_POOR, REPAIR, 2025, None, "", ""),
    ]),
]  # fmt: skip
AREA_NAMES = {"a1": "Khối phố 1", "a2": "Khối phố 2", "b1": "Thôn 1", "b2": "Thôn 2"}
ROMAN = ["I", "II"]
NCOLS = 17


@pytest.fixture
def listed(areas, make_household):
    """PEOPLE, created in reverse so the sheet's order comes from the export, not from the ids."""
    for _commune, people in reversed(PEOPLE):
        for code, name, area, year, gender, cid, category, kind, phase, amount, reason, note in reversed(people):
            make_household(
                areas[area], name, code=code, birth_year=year, gender=gender, citizen_id=cid, category=category,
                support_kind=kind, phase_year=phase, state_support=amount, override_reason=reason, note=note,
            )  # fmt: skip


def export(user, unit, households=None) -> bytes:
    out = io.BytesIO()
    export_households(Household.objects.all() if households is None else households, out, unit=unit, user=user)
    return out.getvalue()


def guarded(text: str) -> str:
    """A note starting with "=" is written with a quote in front, so Excel shows it as text."""
    return "'" + text if text.startswith("=") else text


def expected_rows(*, private_sections: set[str], subtitle: str) -> list[list]:
    """The whole sheet, row by row, as openpyxl reads it back."""

    def line(**cells) -> list:
        row = [None] * NCOLS
        for letter, value in cells.items():
            row[ord(letter) - ord("A")] = value
        return row

    rows = [
        line(A="ỦY BAN MTTQ VIỆT NAM", H="CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
        line(A="THỊ XÃ ĐIỆN BÀN", H="Độc lập - Tự do - Hạnh phúc"),
        line(),
        line(A="DANH SÁCH HỘ ĐƯỢC HỖ TRỢ XÓA NHÀ TẠM, NHÀ DỘT NÁT"),
        line(A=subtitle),
        ["STT", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Khu dân cư (thôn, khối phố)", "Loại hộ",
         None, None, None, None, "Hình thức hỗ trợ", None, "Năm thực hiện (phân kỳ)", "Kinh phí hỗ trợ (đồng)",
         "Mã hộ", "Ghi chú"],
        [None] * 6 + ["Hộ nghèo", "Hộ cận nghèo", "Gia đình chính sách", "Thiên tai", "Khác", "Xây mới", "Sửa chữa"]
        + [None] * 4,
        [f"({i})" for i in range(1, NCOLS + 1)],
    ]  # fmt: skip
    genders = dict(Gender.choices)
    categories = [POOR, NEAR_POOR, POLICY, Category.DISASTER, Category.OTHER]
    grand = 0
    for roman, (commune, people) in zip(ROMAN, PEOPLE, strict=True):
        rows.append(line(A=roman, B=commune))
        subtotal = 0
        for order, (code, name, area, year, gender, cid, category, kind, phase, amount, reason, note) in enumerate(
            people, start=1
        ):
            private = commune in private_sections
            amount = NORM[kind] if amount is None else amount
            rows.append([
                order, name if private else mask_name(name), str(year) if year else None,
                str(genders[gender]) if gender else None, (cid or None) if private else None, AREA_NAMES[area],
                *["x" if category == c else None for c in categories],
                *["x" if kind == k else None for k in (NEW, REPAIR)],
                phase, amount, code, guarded(note or reason) or None,
            ])  # fmt: skip
            subtotal += amount
        rows.append(line(B=f"Cộng {roman}", O=subtotal))
        grand += subtotal
    rows += [
        line(A="TỔNG CỘNG", O=grand),
        line(),
        line(K="Điện Bàn, ngày 02 tháng 12 năm 2024"),
        line(B="NGƯỜI LẬP BIỂU", K="TM. BAN THƯỜNG TRỰC"),
        line(K="CHỦ TỊCH"),
    ]
    return rows


def test_every_cell_of_the_sheet_comes_from_the_households_in_order(people, tree, listed):
    # Commune A's staff see their own households in full, the other commune's masked.
    data = export(people.commune_a_staff, tree.town)
    ws = openpyxl.load_workbook(io.BytesIO(data)).active
    assert ws.title == "Danh sách"
    number, day = DECISION
    expected = expected_rows(private_sections={"PHƯỜNG VĨNH ĐIỆN"},
                             subtitle=f"(Kèm theo Quyết định số {number} ngày {day:%d/%m/%Y})")  # fmt: skip
    assert [list(r) for r in ws.iter_rows(values_only=True)] == expected


def test_a_second_decision_makes_the_subtitle_the_day_of_extraction(people, tree, listed, areas, make_household):
    make_household(areas["b2"], "Ngô Văn Mới", code="HT00109", decision_number="99/QĐ-UBND", citizen_id="",
                   decision_date=dt.date(2024, 3, 1))  # fmt: skip
    others = Household.objects.exclude(code="HT00109")
    ws = openpyxl.load_workbook(io.BytesIO(export(people.town_office, tree.town))).active
    assert ws["A5"].value == "(Trích xuất ngày 02/12/2024)"
    # The decision is read over the households given, not over the table.
    ws = openpyxl.load_workbook(io.BytesIO(export(people.town_office, tree.town, others))).active
    assert ws["A5"].value == "(Kèm theo Quyết định số 8584/QĐ-UBND ngày 20/12/2023)"


def test_merges_formats_widths_and_page_setup_are_the_office_layout(people, tree, listed):
    ws = openpyxl.load_workbook(io.BytesIO(export(people.town_office, tree.town))).active
    total = 8 + sum(1 + len(p) + 1 for _, p in PEOPLE) + 1  # 8 title rows, per commune: heading, rows, subtotal
    sign = total + 2
    assert ws.cell(total, 1).value == "TỔNG CỘNG" and ws.cell(sign, 11).value.startswith("Điện Bàn, ngày")
    assert sorted(str(r) for r in ws.merged_cells.ranges) == sorted([
        "A1:F1", "H1:Q1", "A2:F2", "H2:Q2", "A4:Q4", "A5:Q5",
        *[f"{c}6:{c}7" for c in "ABCDEFNOPQ"], "G6:K6", "L6:M6",
        "B9:Q9", "B16:Q16", f"A{total}:B{total}",
        f"K{sign}:Q{sign}", f"K{sign + 1}:Q{sign + 1}", f"K{sign + 2}:Q{sign + 2}",
    ])  # fmt: skip
    widths = {i: d.width for d in ws.column_dimensions.values() for i in range(d.min, d.max + 1)}
    assert [widths[i] for i in range(1, NCOLS + 1)] == [6, 26, 8, 8, 15, 18, 8, 8, 10, 8, 8, 8, 8, 11, 15, 10, 22]
    assert ws["E11"].number_format == "@" and ws["E11"].value == "049075000103"  # text: the leading zero stays
    assert ws["O10"].number_format == "#,##0" and ws["O15"].font.b and ws[f"O{total}"].font.b

    # Every cell of the table is framed (openpyxl shows a merged range's frame on its edges only).
    def framed(r: int, c: int) -> bool:
        b = ws.cell(r, c).border
        return "thin" in (b.left.style, b.right.style, b.top.style, b.bottom.style)

    assert all(framed(r, c) for r in range(6, total + 1) for c in range(1, NCOLS + 1))
    assert not any(framed(total + 1, c) for c in range(1, NCOLS + 1))
    assert ws["A6"].font.b and ws["A6"].alignment.wrap_text and ws["A6"].alignment.vertical == "center"
    assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$6:$8"


def test_the_file_reads_back_through_the_importer_unchanged(people, tree, listed):
    data = export(people.town_office, tree.town)
    table = read_table(data, "xuat.xlsx")
    assert detect_decision(table) == DECISION
    settings = ImportSettings(columns=suggest(table), decision_number=DECISION[0], decision_date=DECISION[1])
    result = plan_household_import(data=data, filename="xuat.xlsx", user=people.town_office, settings=settings)
    assert result.errors == [] and result.counts()["unchanged"] == sum(len(p) for _, p in PEOPLE)
    assert all(t["ok"] for t in result.totals)


def test_the_export_reads_the_households_in_the_same_few_queries_however_many(people, tree, areas, make_household):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            export(people.town_office, tree.town)
        return len(ctx.captured_queries)

    make_household(areas["a1"], "Lê Văn Một", citizen_id="")
    queries()  # the first call also fills per-process caches
    few = queries()
    for i in range(40):
        make_household(areas["a2" if i % 2 else "b1"], f"Lê Văn Số {i}", citizen_id="")
    assert queries() == few <= 4


def test_the_list_page_sends_the_file_as_an_attachment(client, people, listed):
    client.force_login(people.town_office)
    response = client.get(reverse("housing:export"))
    assert response.status_code == 200 and response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="danh-sach-ho-ho-tro-20241202.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert ws["B10"].value == "Hồ Văn Bé" and ws["A5"].value.startswith("(Kèm theo Quyết định số 8584/QĐ-UBND")
