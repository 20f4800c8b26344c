"""Regenerate the sample upload files next to this script.

    .venv/bin/python chungtay/core/tests/data/make_samples.py

ho-duoc-ho-tro-mau.xlsx — an approved list of households to receive housing support, laid out
the way a Fatherland Front committee prints it (motto, two-row merged header, numbering row,
sections per commune, subtotals, grand total, signature block).
sao-ke-mau.csv — a bank statement export (account rows, header, credits, a fee, totals).

Every name, ID number and account number is invented.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side

HERE = Path(__file__).resolve().parent
HOUSEHOLD_FILE = HERE / "ho-duoc-ho-tro-mau.xlsx"
STATEMENT_FILE = HERE / "sao-ke-mau.csv"

NEW, REPAIR = 60_000_000, 30_000_000

# (name, birth year, gender, area, household type, support, year, amount, note). Household type:
# N = hộ nghèo, CN = hộ cận nghèo, CS = gia đình chính sách; support: M = xây mới, S = sửa chữa.
# Years and amounts are sometimes typed as text, as they are in real files.
Household = tuple[str, int | str, str, str, str, str, int | str, int | str, str]
WARD: tuple[str, list[Household]] = (
    "PHƯỜNG VĨNH ĐIỆN",
    [
        ("Nguyễn Văn Mẫu", 1962, "Nam", "Khối phố 1", "N", "M", 2024, NEW, ""),
        ("Trần Thị Thử", "1958", "Nữ", "Khối phố 2", "CN", "S", "2024", "30.000.000", ""),
        ("Lê Văn Ví Dụ", 1975, "Nam", "Khối phố 3", "CS", "M", 2025, NEW, "Con liệt sĩ"),
        ("Phạm Thị Minh Họa", 1980, "Nữ", "Khối phố 5", "N", "S", 2025, "30,000,000 đ", ""),
        ("Hoàng Văn Giả Định", 1949, "Nam", "Khối phố 7", "N", "M", 2026, NEW, "Neo đơn"),
    ],
)
COMMUNE: tuple[str, list[Household]] = (
    "XÃ ĐIỆN HỒNG",
    [
        ("Võ Thị Tạm", 1968, "Nữ", "Thôn 1", "N", "M", 2024, NEW, ""),
        ("Đặng Văn Khảo", 1955, "Nam", "Thôn 2", "CN", "S", 2024, REPAIR, ""),
        ("Bùi Thị Mô Phỏng", 1971, "Nữ", "Thôn 4", "CS", "S", 2025, REPAIR, ""),
        ("Đỗ Văn Thí Nghiệm", 1966, "Nam", "Thôn 6", "N", "M", 2025, "60.000.000", ""),
        ("Ngô Thị Hư Cấu", 1990, "Nữ", "Thôn 7", "CN", "M", 2026, NEW, "Hộ khó khăn"),
    ],
)


def fake_card_number(born: int | str, female: bool, serial: int) -> str:
    """A 12-digit CCCD-shaped number: province 049, century/sex digit, birth year, then 000 and a
    serial, so it is obviously a placeholder."""
    century_sex = (1 if female else 0) + (0 if int(born) < 2000 else 2)
    return f"049{century_sex}{int(born) % 100:02d}000{serial:03d}"


HEADERS = [
    "STT",
    "Họ và tên chủ hộ",
    "Năm sinh",
    "Giới tính",
    "Số CCCD",
    "Khu dân cư (thôn/khối phố)",
    "Loại hộ",
    None,
    None,
    "Hình thức hỗ trợ",
    None,
    "Năm thực hiện (phân kỳ)",
    "Kinh phí hỗ trợ (đồng)",
    "Ghi chú",
]
SUBHEADERS = {7: "Hộ nghèo", 8: "Hộ cận nghèo", 9: "Gia đình chính sách", 10: "Xây mới", 11: "Sửa chữa"}
LAST_COLUMN = "N"


def _amount(value: int | str) -> int:
    return int(str(value).replace(".", "").replace(",", "").replace(" đ", ""))


def household_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Danh sách"
    bold = Font(bold=True)
    center = Alignment(horizontal="center", vertical="center", wrap_text=True)
    thin = Side(style="thin")

    ws["A1"] = "ỦY BAN MTTQ VIỆT NAM"
    ws["A2"] = "THỊ XÃ ĐIỆN BÀN"
    ws["G1"] = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    ws["G2"] = "Độc lập - Tự do - Hạnh phúc"
    for cells in ("A1:E1", "A2:E2", "G1:N1", "G2:N2"):
        ws.merge_cells(cells)
    ws["A4"] = "DANH SÁCH HỘ NGHÈO, HỘ CẬN NGHÈO, GIA ĐÌNH CHÍNH SÁCH ĐƯỢC HỖ TRỢ NHÀ Ở"
    ws["A5"] = "(Kèm theo Quyết định số 15/QĐ-MTTQ-BTT ngày 20/12/2023 của Ban Thường trực)"
    ws.merge_cells("A4:N4")
    ws.merge_cells("A5:N5")
    for row in (1, 2, 4):
        ws.cell(row, 1).font = bold
    ws["G1"].font = bold

    # Rows 6–7: the header. Single columns are merged down over both rows; "Loại hộ" and
    # "Hình thức hỗ trợ" are merged across their sub-columns.
    for col, text in enumerate(HEADERS, start=1):
        if text is not None:
            ws.cell(6, col, text)
        if col not in SUBHEADERS and text is not None:
            ws.merge_cells(start_row=6, start_column=col, end_row=7, end_column=col)
    ws.merge_cells("G6:I6")
    ws.merge_cells("J6:K6")
    for col, text in SUBHEADERS.items():
        ws.cell(7, col, text)
    # Row 8: the column numbering printed under every official table.
    for col in range(1, len(HEADERS) + 1):
        ws.cell(8, col, f"({col})")

    row = 9
    grand_total = 0
    for roman, (unit, households) in (("I", WARD), ("II", COMMUNE)):
        ws.cell(row, 1, roman)
        ws.cell(row, 2, unit)
        ws.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(HEADERS))
        ws.cell(row, 1).font = ws.cell(row, 2).font = bold
        row += 1
        subtotal = 0
        for number, (name, born, gender, area, kind, support, year, amount, note) in enumerate(households, start=1):
            card = fake_card_number(born, gender == "Nữ", row)
            values = [number, name, born, gender, card, area]
            values += ["x" if kind == k else None for k in ("N", "CN", "CS")]
            values += ["x" if support == s else None for s in ("M", "S")]
            values += [year, amount, note or None]
            for col, value in enumerate(values, start=1):
                ws.cell(row, col, value)
            ws.cell(row, 13).number_format = "#,##0"
            subtotal += _amount(amount)
            row += 1
        ws.cell(row, 2, f"Cộng {roman}")
        ws.cell(row, 13, subtotal).number_format = "#,##0"
        ws.cell(row, 2).font = bold
        grand_total += subtotal
        row += 1
    ws.cell(row, 1, "TỔNG CỘNG")
    ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    ws.cell(row, 13, grand_total).number_format = "#,##0"
    ws.cell(row, 1).font = bold
    last_table_row = row

    for r in range(6, last_table_row + 1):
        for c in range(1, len(HEADERS) + 1):
            ws.cell(r, c).border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for r in (6, 7, 8):
        for c in range(1, len(HEADERS) + 1):
            ws.cell(r, c).alignment = center
            ws.cell(r, c).font = bold

    row += 2
    ws.cell(row, 10, "Điện Bàn, ngày 20 tháng 12 năm 2023")
    ws.merge_cells(start_row=row, start_column=10, end_row=row, end_column=14)
    row += 1
    ws.cell(row, 2, "NGƯỜI LẬP BIỂU")
    ws.cell(row, 10, "TM. BAN THƯỜNG TRỰC")
    ws.merge_cells(start_row=row, start_column=10, end_row=row, end_column=14)
    row += 1
    ws.cell(row, 10, "CHỦ TỊCH")
    ws.merge_cells(start_row=row, start_column=10, end_row=row, end_column=14)
    row += 4
    ws.cell(row, 2, "Lý Thị Lập Biểu")
    ws.cell(row, 10, "Trương Văn Ký Tên")
    ws.merge_cells(start_row=row, start_column=10, end_row=row, end_column=14)

    widths = {"A": 6, "B": 26, "C": 9, "D": 9, "E": 15, "F": 18, "L": 12, "M": 16, "N": 16}
    for letter, width in widths.items():
        ws.column_dimensions[letter].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


STATEMENT_LINES = [
    ["NGÂN HÀNG TMCP MẪU - CHI NHÁNH QUẢNG NAM"],
    ["SAO KÊ TÀI KHOẢN"],
    ["Số tài khoản:", "0000123456789"],
    ["Chủ tài khoản:", "UY BAN MTTQ VIET NAM THI XA MAU"],
    ["Loại tiền:", "VND"],
    ["Từ ngày 01/12/2023 đến ngày 31/12/2023"],
    [],
    ["Ngày giao dịch", "Số tham chiếu", "Ghi nợ", "Ghi có", "Số dư", "Nội dung"],
    ["", "", "", "", "500,000,000", "Số dư đầu kỳ"],
    ["01/12/2023 08:15:22", "FT23335001", "", "60,000,000", "560,000,000", "CTY TNHH MAU UNG HO QUY VNN"],
    ["04/12/2023 10:02:45", "FT23338002", "", "5,000,000", "565,000,000", "NGUYEN VAN THU UNG HO NHA DDK"],
    ["05/12/2023 14:30:00", "FT23339003", "120,000,000", "", "445,000,000", "CHUYEN KP HO TRO XAY NHA DOT 1"],
    ["05/12/2023 14:30:00", "FEE2333901", "11,000", "", "444,989,000", "PHI CHUYEN TIEN"],
    ["18/12/2023 09:45:10", "FT23352004", "", "1,500,000", "446,489,000", "HOI CUU CHIEN BINH UNG HO"],
    ["Tổng cộng", "", "120,011,000", "66,500,000", "", ""],
    ["Số dư cuối kỳ", "", "", "", "446,489,000", ""],
]


def statement_csv() -> bytes:
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerows(STATEMENT_LINES)
    # Excel on Windows expects the BOM to recognise UTF-8.
    return out.getvalue().encode("utf-8-sig")


def main() -> None:
    HOUSEHOLD_FILE.write_bytes(household_workbook())
    STATEMENT_FILE.write_bytes(statement_csv())
    print(f"wrote {HOUSEHOLD_FILE.name}, {STATEMENT_FILE.name}")


if __name__ == "__main__":
    main()
