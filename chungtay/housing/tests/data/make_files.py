"""Build approved-list workbooks the way communes keep them, for tests and for people to try.

    .venv/bin/python chungtay/housing/tests/data/make_files.py

danh-sach-dung.xlsx — a clean list for the test tree (Vĩnh Điện, Điện Hồng): imports as is.
danh-sach-loi.xlsx  — the same list with the mistakes real files have, one per row.
Every name and ID is invented.
"""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
NEW, REPAIR = 60_000_000, 30_000_000
# name, birth year, gender, CCCD, area, category (N/CN/CS), kind (M/S; "MS" = both marked), year, amount, note
Row = tuple[str, Any, str, Any, str, str, str, Any, Any, str]
GOOD: list[tuple[str, list[Row]]] = [
    ("PHƯỜNG VĨNH ĐIỆN", [
        ("Nguyễn Văn Mẫu", 1962, "Nam", "049062000101", "Khối phố 1", "N", "M", 2024, NEW, ""),
        ("Trần Thị Thử", "1958", "Nữ", "049158000102", "Khối phố 2", "CN", "S", "2024", "30.000.000", ""),
        ("Lê Văn Ví Dụ", 1975, "Nam", "049075000103", " Khối phố 1 ", "CS", "M", 2025, NEW, "Con liệt sĩ"),
        ("Phạm Thị Minh Họa", 1980, "Nữ", "", "Khối phố 2", "N", "S", 2025, "30,000,000 đ", ""),
    ]),
    ("XÃ ĐIỆN HỒNG", [
        ("Võ Thị Tạm", 1968, "Nữ", "049168000105", "Thôn 1", "N", "M", 2024, NEW, ""),
        ("Đặng Văn Khảo", 1955, "Nam", "049055000106", "Thôn 2", "CN", "S", 2025, REPAIR, ""),
        ("Bùi Thị Mô Phỏng", 1971, "Nữ", "049171000107", "Thôn 2", "CS", "M", 2025, 45_000_000, "Neo đơn"),
    ]),
]  # fmt: skip


def faulty() -> list[tuple[str, list[Row]]]:
    """One mistake per row (row numbers in the sheet: data starts at row 10)."""
    return [
        ("PHƯỜNG VĨNH ĐIỆN", [
            ("Nguyễn Văn Mẫu", 1962, "Nam", "049062000101", "Khối phố 1", "N", "M", 2024, NEW, ""),  # 10 ok
            ("Trần Thị Thử", 1958, "Nữ", "", "Khối phố 9", "CN", "S", 2024, REPAIR, ""),  # 11 unknown area
            ("Lê Văn Ví Dụ", 1975, "Nam", "", "Khối phố 1", "CS", "MS", 2025, NEW, ""),  # 12 both kinds
            ("Phạm Thị Minh Họa", 1980, "Nữ", "", "Khối phố 2", "N", "S", 2025, "ba mươi triệu", ""),  # 13
            ("Nguyễn Văn Mẫu", 1962, "Nam", "", "Khối phố 1", "N", "M", 2024, NEW, ""),  # 14 duplicate of 10
            ("", 1950, "Nam", "", "Khối phố 2", "N", "M", 2024, NEW, ""),  # 15 no name
        ]),
        ("XÃ ĐIỆN HỒNG", [
            ("Võ Thị Tạm", 1968, "Nữ", "", "Thôn 1", "N", "M", "", NEW, ""),  # 18 no year
        ]),
    ]  # fmt: skip


HEADERS = ["STT", "Họ và tên chủ hộ", "Năm sinh", "Giới tính", "Số CCCD", "Khu dân cư (thôn/khối phố)",
           "Loại hộ", None, None, "Hình thức hỗ trợ", None, "Năm thực hiện (phân kỳ)", "Kinh phí hỗ trợ (đồng)",
           "Ghi chú"]  # fmt: skip
SUBHEADERS = {7: "Hộ nghèo", 8: "Hộ cận nghèo", 9: "Gia đình chính sách", 10: "Xây mới", 11: "Sửa chữa"}


def _amount(value: Any) -> int:
    try:
        return int(str(value).replace(".", "").replace(",", "").replace(" đ", ""))
    except ValueError:
        return 0


def workbook(
    sections: list[tuple[str, list[Row]]] = GOOD,
    *,
    nfd: bool = False,
    subtotals: dict[int, int] | None = None,
    grand_total: int | None = None,
    decision: str = "(Kèm theo Quyết định số 8584/QĐ-UBND ngày 20/12/2023 của UBND thị xã Điện Bàn)",
) -> bytes:
    """subtotals / grand_total replace the computed sums (to make a file whose totals are wrong)."""

    def t(value: Any) -> Any:
        return unicodedata.normalize("NFD", value) if nfd and isinstance(value, str) else value

    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    bold = Font(bold=True)
    ws["A1"], ws["A2"] = t("ỦY BAN MTTQ VIỆT NAM"), t("THỊ XÃ ĐIỆN BÀN")
    ws["G1"], ws["G2"] = t("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"), t("Độc lập - Tự do - Hạnh phúc")
    for cells in ("A1:E1", "A2:E2", "G1:N1", "G2:N2"):
        ws.merge_cells(cells)
    ws["A4"] = t("DANH SÁCH HỘ ĐƯỢC HỖ TRỢ XÓA NHÀ TẠM, NHÀ DỘT NÁT GIAI ĐOẠN 2023–2025")
    ws["A5"] = t(decision)
    ws.merge_cells("A4:N4")
    ws.merge_cells("A5:N5")
    for col, text in enumerate(HEADERS, start=1):
        if text is not None:
            ws.cell(6, col, t(text))
        if col not in SUBHEADERS and text is not None:
            ws.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
    ws.merge_cells("G6:I6")
    ws.merge_cells("J6:K6")
    for col, text in SUBHEADERS.items():
        ws.cell(7, col, t(text))
    for col in range(1, len(HEADERS) + 1):
        ws.cell(8, col, f"({col})")
    row, grand = 9, 0
    for number, (roman, (unit, households)) in enumerate(zip(("I", "II", "III"), sections, strict=False), start=1):
        ws.cell(row, 1, roman)
        ws.cell(row, 2, t(unit))
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(HEADERS))
        row += 1
        subtotal = 0
        for order, (name, born, gender, card, area, cat, kind, year, amount, note) in enumerate(households, start=1):
            values = [order, t(name) or None, born, t(gender), card or None, t(area)]
            values += ["x" if cat == k else None for k in ("N", "CN", "CS")]
            values += ["x" if s in kind else None for s in ("M", "S")]
            values += [year if year != "" else None, t(amount) if isinstance(amount, str) else amount, t(note) or None]
            for col, value in enumerate(values, start=1):
                ws.cell(row, col, value)
            subtotal += _amount(amount)
            row += 1
        ws.cell(row, 2, f"Cộng {roman}").font = bold
        ws.cell(row, 13, (subtotals or {}).get(number, subtotal))
        grand += subtotal
        row += 1
    ws.cell(row, 1, t("TỔNG CỘNG")).font = bold
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.cell(row, 13, grand if grand_total is None else grand_total)
    row += 2
    ws.cell(row, 10, t("Điện Bàn, ngày 20 tháng 12 năm 2023"))
    row += 1
    ws.cell(row, 2, t("NGƯỜI LẬP BIỂU"))
    ws.cell(row, 10, t("TM. BAN THƯỜNG TRỰC"))
    row += 4
    ws.cell(row, 2, t("Lý Thị Lập Biểu"))
    for r in (6, 7, 8):
        for c in range(1, len(HEADERS) + 1):
            ws.cell(r, c).alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def main() -> None:
    (HERE / "danh-sach-dung.xlsx").write_bytes(workbook())
    (HERE / "danh-sach-loi.xlsx").write_bytes(workbook(faulty()))
    print("wrote danh-sach-dung.xlsx, danh-sach-loi.xlsx")


if __name__ == "__main__":
    main()
