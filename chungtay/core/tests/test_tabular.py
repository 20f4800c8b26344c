"""The generic table reader against the shapes of real office files (no database needed)."""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from chungtay.core import tabular
from chungtay.core.tabular import (
    CellError,
    TabularError,
    column_letter,
    is_marked,
    parse_amount,
    parse_date,
    parse_datetime,
    parse_int,
    parse_year,
    read_table,
    suggest_mapping,
)
from chungtay.core.tests.data import make_samples

DATA = Path(__file__).parent / "data"
HOUSEHOLD_KEYWORDS = ["ho va ten chu ho", "nam sinh", "so cccd", "kinh phi ho tro"]
BANK_KEYWORDS = ["ngay giao dich", "so tham chieu", "ghi no", "ghi co", "so du", "noi dung"]
HOUSEHOLD_FIELDS = {
    "order": ["stt", "so thu tu"],
    "head_name": ["ho ten chu ho", "ho va ten chu ho", "ho va ten", "chu ho"],
    "birth_year": ["nam sinh"],
    "gender": ["gioi tinh"],
    "id_number": ["so cccd", "cccd", "cmnd"],
    "area": ["khu dan cu", "thon", "khoi pho"],
    "poor": ["ho ngheo"],
    "near_poor": ["ho can ngheo"],
    "policy": ["gia dinh chinh sach"],
    "build": ["xay moi"],
    "repair": ["sua chua"],
    "year": ["nam thuc hien", "phan ky"],
    "amount": ["kinh phi ho tro", "so tien", "kinh phi"],
    "note": ["ghi chu"],
    "phone": ["so dien thoai"],
}


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def xlsx(rows: list[list[Any]], merges: tuple[str, ...] = (), title: str = "Sheet1") -> bytes:
    """A workbook whose first sheet holds `rows` from A1, with the given merged ranges."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            if value is not None:
                ws.cell(r, c, value)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def household_list() -> bytes:
    """An approved household list in the usual printed layout, with the usual mess: NFD text,
    stray spaces, amounts and years as text, "x" marks, a section without a roman numeral."""
    _ = None
    rows: list[list[Any]] = [
        ["ỦY BAN MTTQ VIỆT NAM", _, _, _, _, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
        ["THỊ XÃ ĐIỆN BÀN", _, _, _, _, "Độc lập - Tự do - Hạnh phúc"],
        [],
        ["DANH SÁCH HỘ ĐƯỢC HỖ TRỢ NHÀ Ở NĂM 2024"],
        [],
        # 6–7: two-row header, merged
        ["STT", nfd("Họ và tên chủ hộ"), "Năm sinh", "Khu dân cư", "Loại hộ", _, _, "Kinh phí hỗ trợ (đồng)"],
        [_, _, _, _, "Hộ nghèo", "Hộ cận nghèo", nfd("Gia đình chính sách"), _],
        ["(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)"],
        ["I", "PHƯỜNG VĨNH ĐIỆN"],
        [1, nfd("  Nguyễn   Văn Mẫu "), 1962, "Khối phố 1", "x", _, _, 60_000_000],
        [2, "Trần Thị Thử", "1958", "Khối phố 2", _, "X", _, "30.000.000"],
        [_, "Cộng I", _, _, _, _, _, 90_000_000],
        ["II", "XÃ ĐIỆN HỒNG"],
        [1, "Võ Thị Tạm", 1968, "Thôn 1", _, _, "x", "60.000.000 đ"],
        [_, "Cộng II", _, _, _, _, _, 60_000_000],
        ["Thị trấn Mẫu"],
        [1, "Lê Văn Ví Dụ", " 1975 ", "Tổ 3", "x", _, _, "60,000,000"],
        ["TỔNG CỘNG", _, _, _, _, _, _, 210_000_000],
        [],
        [_, _, _, _, "Điện Bàn, ngày 20 tháng 12 năm 2023"],
        [_, "NGƯỜI LẬP BIỂU", _, _, "TM. BAN THƯỜNG TRỰC"],
        [_, _, _, _, "CHỦ TỊCH"],
        [],
        [_, "Lý Thị Lập Biểu", _, _, "Trương Văn Ký Tên"],
    ]
    merges = ("A1:E1", "F1:H1", "A4:H4", "A6:A7", "B6:B7", "C6:C7", "D6:D7", "E6:G6", "H6:H7", "B9:H9")
    return xlsx(rows, merges, title="Danh sách")


@pytest.fixture(scope="module")
def households() -> tabular.Table:
    return read_table(household_list(), "danh-sach.xlsx", header_keywords=HOUSEHOLD_KEYWORDS)


def kinds(table: tabular.Table) -> dict[int, str]:
    return {row.number: row.kind for row in table.rows}


# --- header detection and labels ---------------------------------------------------------------


def test_header_is_found_below_the_title_and_motto_rows(households: tabular.Table) -> None:
    assert households.header_rows == [6, 7]
    assert households.sheet == "Danh sách"


def test_merged_parent_label_is_joined_over_its_sub_columns(households: tabular.Table) -> None:
    labels = [column.label for column in households.columns]
    assert labels == [
        "STT",
        "Họ và tên chủ hộ",
        "Năm sinh",
        "Khu dân cư",
        "Loại hộ / Hộ nghèo",
        "Loại hộ / Hộ cận nghèo",
        "Loại hộ / Gia đình chính sách",
        "Kinh phí hỗ trợ (đồng)",
    ]


def test_column_labels_are_nfc_and_folded_labels_have_no_diacritics(households: tabular.Table) -> None:
    name = households.columns[1]
    assert name.label == unicodedata.normalize("NFC", name.label)
    assert name.label_folded == "ho va ten chu ho"
    assert (name.index, name.letter) == (1, "B")


def test_header_is_found_without_keywords_by_its_shape() -> None:
    table = read_table(household_list(), "danh-sach.xlsx")
    assert table.header_rows == [6, 7]


def test_rows_above_the_header_are_kept_as_preamble(households: tabular.Table) -> None:
    assert [row.number for row in households.preamble] == [1, 2, 3, 4, 5]
    assert households.preamble[3].cells[0] == "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ NHÀ Ở NĂM 2024"


def test_header_row_override_wins_over_detection() -> None:
    table = read_table(household_list(), "x.xlsx", header_keywords=HOUSEHOLD_KEYWORDS, header_row=7)
    assert table.header_rows == [7]
    assert table.columns[4].label == "Hộ nghèo"


def test_header_depth_override_sets_the_header_block() -> None:
    table = read_table(household_list(), "x.xlsx", header_keywords=HOUSEHOLD_KEYWORDS, header_depth=1)
    assert table.header_rows == [6]
    assert table.columns[4].label == "Loại hộ"
    assert table.rows[0].number == 7


def test_header_row_outside_the_table_is_refused_in_vietnamese() -> None:
    with pytest.raises(TabularError, match="Dòng tiêu đề 99 không có trong bảng"):
        read_table(household_list(), "x.xlsx", header_row=99)


def test_sub_header_row_matched_by_keywords_pulls_in_its_merged_parent_row() -> None:
    table = read_table(household_list(), "x.xlsx", header_keywords=["ho ngheo", "ho can ngheo"])
    assert table.header_rows == [6, 7]


def test_unmerged_parent_label_is_carried_over_its_sub_labels_in_csv() -> None:
    text = "STT,Họ tên,Loại hộ,,\n,,Hộ nghèo,Hộ cận nghèo,Gia đình chính sách\n1,Nguyễn Văn Mẫu,x,,\n"
    table = read_table(text.encode(), "ds.csv")
    assert table.header_rows == [1, 2]
    assert [c.label for c in table.columns][2:] == [
        "Loại hộ / Hộ nghèo",
        "Loại hộ / Hộ cận nghèo",
        "Loại hộ / Gia đình chính sách",
    ]


def test_all_text_data_rows_are_not_taken_for_a_sub_header() -> None:
    text = "Tên đơn vị,Loại,Thuộc\nPhường Vĩnh Điện,Phường,Thị xã Điện Bàn\nXã Điện Hồng,Xã,Thị xã Điện Bàn\n"
    table = read_table(text.encode(), "don-vi.csv", header_keywords=["ten don vi", "loai"])
    assert table.header_rows == [1]
    assert [row.kind for row in table.rows] == ["data", "data"]


def test_all_text_data_row_under_an_unlabelled_column_is_not_a_sub_header() -> None:
    text = "Tên đơn vị,Loại,\nPhường Vĩnh Điện,Phường,Ghi chú thêm\nXã Điện Hồng,Xã,\n"
    table = read_table(text.encode(), "don-vi.csv", header_keywords=["ten don vi", "loai"])
    assert table.header_rows == [1]
    assert [row.get(0) for row in table.data_rows()] == ["Phường Vĩnh Điện", "Xã Điện Hồng"]


def test_two_row_bank_header_with_amount_parent_is_read() -> None:
    rows = [
        ["SAO KÊ TÀI KHOẢN"],
        ["Ngày", "Số tiền", None, "Nội dung"],
        [None, "Nợ", "Có", None],
        [dt.datetime(2023, 12, 1, 8, 15), None, 60_000_000, "UNG HO"],
    ]
    table = read_table(xlsx(rows, ("A2:A3", "B2:C2", "D2:D3")), "x.xlsx", header_keywords=["ngay", "so tien"])
    assert table.header_rows == [2, 3]
    assert [c.label for c in table.columns] == ["Ngày", "Số tiền / Nợ", "Số tiền / Có", "Nội dung"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title_rows=st.integers(min_value=0, max_value=8),
    forms=st.lists(st.sampled_from(["NFC", "NFD"]), min_size=4, max_size=4),
    upper=st.booleans(),
)
def test_header_detection_is_insensitive_to_unicode_form_and_case(
    title_rows: int, forms: list[str], upper: bool
) -> None:
    headers = ["Họ và tên chủ hộ", "Năm sinh", "Số CCCD", "Kinh phí hỗ trợ"]
    written = [unicodedata.normalize(form, h.upper() if upper else h) for form, h in zip(forms, headers, strict=True)]
    rows: list[list[Any]] = [["DANH SÁCH HỘ ĐƯỢC HỖ TRỢ"]] * title_rows
    rows += [written, ["Nguyễn Văn Mẫu", 1960, "049060000001", 60_000_000]]
    table = read_table(xlsx(rows), "x.xlsx", header_keywords=HOUSEHOLD_KEYWORDS)
    assert table.header_rows == [title_rows + 1]
    assert [c.label_folded for c in table.columns] == [tabular.fold(h) for h in headers]
    assert all(c.label == unicodedata.normalize("NFC", c.label) for c in table.columns)


# --- row classification ------------------------------------------------------------------------


def test_numbering_row_under_the_header_is_not_data(households: tabular.Table) -> None:
    assert kinds(households)[8] == "numbering"


def test_plain_number_numbering_row_is_recognised() -> None:
    rows = [["STT", "Họ tên", "Số tiền", "Ghi chú"], [1, 2, 3, 4], [1, "Nguyễn Văn Mẫu", 5_000_000, None]]
    table = read_table(xlsx(rows), "x.xlsx")
    assert [row.kind for row in table.rows] == ["numbering", "data"]


def test_section_rows_are_not_data_and_name_the_following_rows(households: tabular.Table) -> None:
    by_number = {row.number: row for row in households.rows}
    assert by_number[9].kind == "section"
    assert by_number[9].section == "PHƯỜNG VĨNH ĐIỆN"
    assert by_number[10].section == "PHƯỜNG VĨNH ĐIỆN"
    assert by_number[14].section == "XÃ ĐIỆN HỒNG"


def test_a_unit_name_alone_on_its_row_is_a_section(households: tabular.Table) -> None:
    by_number = {row.number: row for row in households.rows}
    assert by_number[16].kind == "section"
    assert by_number[17].section == "Thị trấn Mẫu"


def test_subtotal_rows_are_not_data(households: tabular.Table) -> None:
    assert kinds(households)[12] == "subtotal"
    assert kinds(households)[15] == "subtotal"


def test_grand_total_row_is_a_total(households: tabular.Table) -> None:
    assert kinds(households)[18] == "total"


def test_signature_block_and_everything_after_it_is_signature(households: tabular.Table) -> None:
    found = kinds(households)
    assert found[19] == "blank"
    assert [found[n] for n in (20, 21, 22, 24)] == ["signature"] * 4


def test_data_rows_are_exactly_the_households(households: tabular.Table) -> None:
    names = [row.get(1) for row in households.data_rows()]
    assert names == ["Nguyễn Văn Mẫu", "Trần Thị Thử", "Võ Thị Tạm", "Lê Văn Ví Dụ"]


def test_text_cells_are_nfc_and_stray_spaces_are_squeezed(households: tabular.Table) -> None:
    first = households.data_rows()[0]
    assert first.get(1) == "Nguyễn Văn Mẫu"
    assert unicodedata.is_normalized("NFC", first.get(1))


def test_row_numbers_are_the_excel_row_numbers(households: tabular.Table) -> None:
    assert [row.number for row in households.data_rows()] == [10, 11, 14, 17]


def test_every_row_has_one_cell_per_column(households: tabular.Table) -> None:
    assert {len(row.cells) for row in households.rows} == {len(households.columns)}
    assert households.rows[0].get(999) is None


def test_amounts_and_marks_in_data_rows_parse(households: tabular.Table) -> None:
    rows = households.data_rows()
    assert [parse_amount(row.get(7)) for row in rows] == [60_000_000, 30_000_000, 60_000_000, 60_000_000]
    assert [parse_year(row.get(2)) for row in rows] == [1962, 1958, 1968, 1975]
    assert [is_marked(row.get(4)) for row in rows] == [True, False, False, True]
    assert [is_marked(row.get(5)) for row in rows] == [False, True, False, False]


def test_cong_hoa_is_not_a_subtotal() -> None:
    rows = [["Họ tên", "Số tiền"], ["Nguyễn Văn Mẫu", 100], ["Cộng hòa xã hội chủ nghĩa", None]]
    table = read_table(xlsx(rows), "x.xlsx")
    assert table.rows[-1].kind != "subtotal"


def test_company_names_without_diacritics_are_not_subtotals() -> None:
    rows = [["Nội dung", "Số tiền"], ["Cong ty TNHH Mau", 100], ["Cong", 100], ["Cong II", 100]]
    table = read_table(xlsx(rows), "x.xlsx")
    assert [row.kind for row in table.rows] == ["data", "subtotal", "subtotal"]


def test_dateline_before_any_data_does_not_start_the_signature() -> None:
    rows = [["Họ tên", "Số tiền"], ["Điện Bàn, ngày 20 tháng 12 năm 2023"], ["Nguyễn Văn Mẫu", 100]]
    table = read_table(xlsx(rows), "x.xlsx")
    assert table.rows[-1].kind == "data"


def test_section_with_roman_numeral_may_carry_its_sums() -> None:
    rows = [["STT", "Họ tên", "Số tiền"], ["I", "PHƯỜNG VĨNH ĐIỆN", 90_000_000], [1, "Nguyễn Văn Mẫu", 90_000_000]]
    table = read_table(xlsx(rows), "x.xlsx")
    assert [row.kind for row in table.rows] == ["section", "data"]


def test_a_household_row_with_only_a_number_and_name_stays_data() -> None:
    rows = [["STT", "Họ tên", "Số tiền"], [1, "Tô Văn Mẫu", None], [2, "Nguyễn Văn Mẫu", 100]]
    table = read_table(xlsx(rows), "x.xlsx")
    assert [row.kind for row in table.rows] == ["data", "data"]


def test_date_formatted_cells_come_back_as_dates_and_datetimes_keep_their_time() -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["Ngày", "Thời điểm", "Số tiền"])
    ws.append([dt.datetime(2024, 3, 4), dt.datetime(2024, 3, 4, 9, 30), 100])
    ws["A2"].number_format = "dd/mm/yyyy"
    ws["B2"].number_format = "dd/mm/yyyy hh:mm"
    out = io.BytesIO()
    wb.save(out)
    row = read_table(out.getvalue(), "x.xlsx").data_rows()[0]
    assert row.get(0) == dt.date(2024, 3, 4)
    assert row.get(1) == dt.datetime(2024, 3, 4, 9, 30)


def test_sheet_is_chosen_by_header_keywords_when_not_named() -> None:
    wb = Workbook()
    wb.active.title = "Hướng dẫn"
    wb.active.append(["Điền danh sách vào trang bên cạnh"])
    other = wb.create_sheet("Danh sách")
    other.append(["Họ và tên chủ hộ", "Kinh phí hỗ trợ"])
    other.append(["Nguyễn Văn Mẫu", 60_000_000])
    out = io.BytesIO()
    wb.save(out)
    table = read_table(out.getvalue(), "x.xlsx", header_keywords=HOUSEHOLD_KEYWORDS)
    assert table.sheet == "Danh sách"
    assert table.sheet_names == ["Hướng dẫn", "Danh sách"]
    assert read_table(out.getvalue(), "x.xlsx", sheet="danh sach").sheet == "Danh sách"


def test_unknown_sheet_name_is_refused_listing_the_sheets() -> None:
    with pytest.raises(TabularError, match=r"Không có trang tính.*Danh sách"):
        read_table(household_list(), "x.xlsx", sheet="Trang 2")


# --- CSV ---------------------------------------------------------------------------------------

STATEMENT_ROWS = [
    ["Số tài khoản:", "0000123456789"],
    ["Từ ngày 01/12/2023 đến ngày 31/12/2023"],
    [],
    ["Ngày giao dịch", "Số tham chiếu", "Nợ", "Có", "Số dư", "Nội dung"],
    ["01/12/2023 08:15:22", "FT001", "", "60.000.000", "560.000.000", "UNG HO QUY"],
    ["05/12/2023", "FEE01", "11.000", "", "559.989.000", "PHI CHUYEN TIEN"],
    ["Cộng phát sinh", "", "11.000", "60.000.000", "", ""],
]


_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def windows_1258(text: str) -> bytes:
    """Encode as legacy Windows Vietnamese does: vowels with circumflex/breve/horn are precomposed
    characters of the code page, tone marks are separate combining characters after them."""
    out = []
    for ch in text:
        parts = unicodedata.normalize("NFD", ch)
        tones = "".join(p for p in parts if p in _TONE_MARKS)
        base = unicodedata.normalize("NFC", "".join(p for p in parts if p not in _TONE_MARKS))
        out.append(base + tones)
    return "".join(out).encode("cp1258")


def csv_bytes(rows: list[list[str]], delimiter: str, encoding: str) -> bytes:
    text = "\r\n".join(delimiter.join(cells) for cells in rows) + "\r\n"
    return windows_1258(text) if encoding == "cp1258" else text.encode(encoding)


@pytest.mark.parametrize(
    ("delimiter", "encoding"),
    [
        (",", "utf-8"),
        (";", "utf-8-sig"),
        ("\t", "utf-16"),  # Excel "Unicode text": UTF-16 with BOM, tab separated
        ("\t", "utf-16-le"),
        (";", "cp1258"),  # legacy Windows Vietnamese
    ],
)
def test_bank_statement_csv_is_read_in_any_common_encoding_and_delimiter(delimiter: str, encoding: str) -> None:
    data = csv_bytes(STATEMENT_ROWS, delimiter, encoding)
    table = read_table(data, "sao-ke.csv", header_keywords=BANK_KEYWORDS)
    assert table.source == "csv"
    assert table.delimiter == delimiter
    assert table.header_rows == [4]
    assert [c.label for c in table.columns] == STATEMENT_ROWS[3]
    assert [row.kind for row in table.rows] == ["data", "data", "total"]
    assert table.preamble[0].cells[:2] == ["Số tài khoản:", "0000123456789"]
    first, fee = table.data_rows()
    assert parse_datetime(first.get(0)) == dt.datetime(2023, 12, 1, 8, 15, 22)
    assert parse_amount(first.get(3)) == 60_000_000
    assert parse_amount(fee.get(2)) == 11_000


def test_opening_balance_row_does_not_end_the_transactions() -> None:
    text = (
        "Ngày giao dịch;Có;Số dư;Nội dung\n"
        ";;500.000.000;Số dư đầu kỳ\n"
        "01/12/2023;500.000;;UH ngay 1 thang 12 nam 2023\n"
        "02/12/2023;700.000;501.200.000;UNG HO\n"
    )
    table = read_table(text.encode(), "x.csv", header_keywords=BANK_KEYWORDS)
    assert [row.kind for row in table.rows] == ["total", "data", "data"]


def test_csv_nfd_text_is_returned_as_nfc() -> None:
    data = nfd("Họ tên,Số tiền\nNguyễn Văn Mẫu,100\n").encode()
    row = read_table(data, "x.csv").data_rows()[0]
    assert row.get(0) == "Nguyễn Văn Mẫu"


def test_csv_row_numbers_are_line_numbers_even_with_multiline_fields() -> None:
    data = 'Họ tên,Ghi chú\nNguyễn Văn Mẫu,"dòng 1\ndòng 2"\nTrần Thị Thử,\n'.encode()
    table = read_table(data, "x.csv")
    assert [row.number for row in table.data_rows()] == [2, 4]
    assert table.data_rows()[0].get(1) == "dòng 1 dòng 2"


# --- refusals ----------------------------------------------------------------------------------


def test_old_xls_file_is_refused_in_vietnamese() -> None:
    with pytest.raises(TabularError, match=r"\.xls"):
        read_table(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 500, "danh-sach.xls")


def test_word_document_is_refused_even_though_it_is_a_zip() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    with pytest.raises(TabularError, match="Word"):
        read_table(out.getvalue(), "bao-cao.docx")


def test_xlsx_extension_with_text_content_is_refused() -> None:
    with pytest.raises(TabularError, match="không phải Excel"):
        read_table(b"Ho ten,So tien\n", "danh-sach.xlsx")


def test_xlsx_content_is_read_whatever_the_extension() -> None:
    table = read_table(xlsx([["Họ tên", "Số tiền"], ["Nguyễn Văn Mẫu", 100]]), "upload.bin")
    assert table.source == "xlsx"


def test_pdf_and_empty_files_are_refused() -> None:
    with pytest.raises(TabularError, match="PDF"):
        read_table(b"%PDF-1.7\n...", "x.pdf")
    with pytest.raises(TabularError, match="tệp rỗng"):
        read_table(b"", "x.csv")


def test_html_disguised_as_a_spreadsheet_is_refused_with_advice() -> None:
    with pytest.raises(TabularError, match="HTML"):
        read_table(b"<html><table><tr><td>1</td></tr></table></html>", "sao-ke.csv")


def test_workbook_that_unzips_to_an_absurd_size_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tabular, "MAX_UNCOMPRESSED_BYTES", 1000)
    with pytest.raises(TabularError, match="quá lớn"):
        read_table(household_list(), "x.xlsx")


def test_truncated_workbook_is_refused_in_vietnamese() -> None:
    data = household_list()
    with pytest.raises(TabularError, match="Không đọc được tệp"):
        read_table(data[: len(data) // 2], "x.xlsx")


def test_sheet_without_any_value_is_refused() -> None:
    with pytest.raises(TabularError, match="không có dữ liệu"):
        read_table(xlsx([]), "x.xlsx")


@settings(max_examples=300, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=3000),
        st.binary(max_size=3000).map(lambda b: b"PK\x03\x04" + b),
        st.binary(max_size=3000).map(lambda b: b"\xef\xbb\xbf" + b),
        st.binary(max_size=3000).map(lambda b: b"\xff\xfe" + b),
        st.text(max_size=500).map(lambda t: t.encode("utf-8")),
    ),
    filename=st.sampled_from(["x.csv", "x.xlsx", "x.txt", "x", "x.xls"]),
    keywords=st.sampled_from([(), ("ho ten", "so tien")]),
)
def test_read_table_raises_nothing_but_tabular_error_on_arbitrary_bytes(
    data: bytes, filename: str, keywords: tuple[str, ...]
) -> None:
    try:
        table = read_table(data, filename, header_keywords=keywords)
    except TabularError as exc:
        assert exc.message
    else:
        assert all(row.kind in tabular.ROW_KINDS for row in table.rows)


CELL_VALUES = st.one_of(
    st.none(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.sampled_from(["x", "I", "II", "Cộng", "Cộng I", "TỔNG CỘNG", "(1)", "(2)", "STT", "Họ và tên", "Số tiền"]),
    st.sampled_from(["CHỦ TỊCH", "Điện Bàn, ngày 20 tháng 12 năm 2023", "60.000.000 đ", "01/12/2023", "Thôn 1"]),
    st.text(alphabet="aăâbcdđeêghiklmnoôơuưxyàảãáạỳĐĂ IVX0123456789.,()/:-", max_size=12),
)
GRIDS = st.lists(st.lists(CELL_VALUES, max_size=7), min_size=1, max_size=14)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(grid=GRIDS, keywords=st.sampled_from([(), ("ho va ten", "so tien")]), as_csv=st.booleans())
def test_any_grid_reads_into_a_consistent_table_or_a_tabular_error(
    grid: list[list[Any]], keywords: tuple[str, ...], as_csv: bool
) -> None:
    if as_csv:
        lines = [";".join("" if v is None else str(v).replace(";", " ") for v in row) for row in grid]
        data, name = ("\n".join(lines) + "\n").encode("utf-8"), "x.csv"
    else:
        data, name = xlsx(grid), "x.xlsx"
    try:
        table = read_table(data, name, header_keywords=keywords)
    except TabularError as exc:
        assert exc.message
        return
    numbers = [row.number for row in table.preamble] + table.header_rows + [row.number for row in table.rows]
    assert numbers == sorted(set(numbers))
    assert all(len(row.cells) == len(table.columns) for row in table.rows)
    assert all(row.kind in tabular.ROW_KINDS for row in table.rows)
    assert all(column.label == tabular.nfc(column.label) for column in table.columns)


def test_corrupted_bytes_inside_a_real_workbook_raise_tabular_error() -> None:
    data = bytearray(household_list())
    for offset in range(200, len(data), 97):
        data[offset] ^= 0x5A
    with pytest.raises(TabularError):
        read_table(bytes(data), "x.xlsx")


# --- sample files ------------------------------------------------------------------------------


def test_sample_household_list_reads_as_ten_households_in_two_sections() -> None:
    table = read_table((DATA / "ho-duoc-ho-tro-mau.xlsx").read_bytes(), "ho-duoc-ho-tro-mau.xlsx")
    households = table.data_rows()
    assert table.header_rows == [6, 7]
    assert len(households) == 10
    assert {row.section for row in households} == {"PHƯỜNG VĨNH ĐIỆN", "XÃ ĐIỆN HỒNG"}
    mapping = suggest_mapping(table, HOUSEHOLD_FIELDS)
    amount = mapping["amount"]
    assert amount is not None
    total = next(row for row in table.rows if row.kind == "total")
    assert sum(parse_amount(row.get(amount)) or 0 for row in households) == parse_amount(total.get(amount))
    assert [row.kind for row in table.rows].count("subtotal") == 2
    assert table.rows[-1].kind == "signature"


def test_sample_bank_statement_reads_transactions_fee_and_totals() -> None:
    table = read_table((DATA / "sao-ke-mau.csv").read_bytes(), "sao-ke-mau.csv", header_keywords=BANK_KEYWORDS)
    assert table.encoding == "utf-8-sig"
    assert len(table.data_rows()) == 5
    assert [row.kind for row in table.rows].count("total") == 3  # opening balance, totals, closing balance
    debits = [parse_amount(row.get(2)) or 0 for row in table.data_rows()]
    credits = [parse_amount(row.get(3)) or 0 for row in table.data_rows()]
    totals = next(row for row in table.rows if row.get(0) == "Tổng cộng")
    assert (sum(debits), sum(credits)) == (parse_amount(totals.get(2)), parse_amount(totals.get(3)))
    account = next(row for row in table.preamble if row.get(0) == "Số tài khoản:")
    assert account.get(1) == "0000123456789"


def test_committed_samples_match_the_generator() -> None:
    def snapshot(data: bytes, name: str) -> list[tuple[int, str, list[Any]]]:
        return [(row.number, row.kind, row.cells) for row in read_table(data, name).rows]

    generated_xlsx = make_samples.household_workbook()
    committed_xlsx = (DATA / "ho-duoc-ho-tro-mau.xlsx").read_bytes()
    assert snapshot(generated_xlsx, "a.xlsx") == snapshot(committed_xlsx, "a.xlsx")
    assert make_samples.statement_csv() == (DATA / "sao-ke-mau.csv").read_bytes()


# --- column mapping ----------------------------------------------------------------------------


def test_suggest_mapping_picks_each_household_column() -> None:
    table = read_table((DATA / "ho-duoc-ho-tro-mau.xlsx").read_bytes(), "x.xlsx")
    mapping = suggest_mapping(table, HOUSEHOLD_FIELDS)
    letters = {name: column_letter(index) if index is not None else None for name, index in mapping.items()}
    assert letters == {
        "order": "A",
        "head_name": "B",
        "birth_year": "C",
        "gender": "D",
        "id_number": "E",
        "area": "F",
        "poor": "G",
        "near_poor": "H",
        "policy": "I",
        "build": "J",
        "repair": "K",
        "year": "L",
        "amount": "M",
        "note": "N",
        "phone": None,
    }


def test_suggest_mapping_uses_each_column_at_most_once() -> None:
    rows = [["Họ và tên", "Số tiền"], ["Nguyễn Văn Mẫu", 100]]
    table = read_table(xlsx(rows), "x.xlsx")
    mapping = suggest_mapping(table, {"head_name": ["ho va ten"], "full_name": ["ho va ten", "ho ten"]})
    assert mapping == {"head_name": 0, "full_name": None}


def test_suggest_mapping_prefers_the_strongest_match_over_field_order() -> None:
    rows = [["Số tiền ủng hộ", "Số tiền"], ["a", 1]]
    table = read_table(xlsx(rows), "x.xlsx")
    mapping = suggest_mapping(table, {"donation": ["so tien ung ho"], "amount": ["so tien"]})
    assert mapping == {"donation": 0, "amount": 1}


# --- cell helpers ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (60_000_000, 60_000_000),
        (60_000_000.0, 60_000_000),
        (0.1 * 3 * 10**8, 30_000_000),  # floating point noise from Excel arithmetic
        ("60.000.000", 60_000_000),
        ("60,000,000", 60_000_000),
        ("60 000 000", 60_000_000),
        ("60\u00a0000\u00a0000", 60_000_000),
        ("60.000.000 đ", 60_000_000),
        ("60.000.000đ", 60_000_000),
        ("60.000.000 đồng", 60_000_000),
        ("VND 1,500,000", 1_500_000),
        ("1.500.000 VNĐ", 1_500_000),
        ("1.500.000,00", 1_500_000),
        ("1,500,000.00", 1_500_000),
        ("1500000", 1_500_000),
        ("1.500", 1_500),
        ("(1.500.000)", -1_500_000),
        ("-1.500.000", -1_500_000),
        ("", None),
        ("   ", None),
        (None, None),
    ],
)
def test_parse_amount_reads_the_ways_offices_write_money(value: Any, expected: int | None) -> None:
    assert parse_amount(value) == expected


def test_parse_amount_rejects_words_with_the_value_in_the_message() -> None:
    with pytest.raises(CellError) as caught:
        parse_amount("sáu triệu")
    assert caught.value.message == "không phải số tiền: 'sáu triệu'"


@pytest.mark.parametrize("value", ["1.500.000,50", "1,500,000.50", 1.5, "0,5"])
def test_parse_amount_rejects_fractions_of_a_dong(value: Any) -> None:
    with pytest.raises(CellError, match="phần lẻ"):
        parse_amount(value)


@pytest.mark.parametrize("value", ["12.34.567", "1.500,000.00", "60tr", True, "--5", dt.date(2024, 1, 1)])
def test_parse_amount_rejects_malformed_numbers(value: Any) -> None:
    with pytest.raises(CellError, match="không phải số tiền"):
        parse_amount(value)


@given(
    amount=st.integers(min_value=-(10**15), max_value=10**15),
    separator=st.sampled_from([".", ",", " "]),
    suffix=st.sampled_from(["", " đ", "đ"]),
)
def test_parse_amount_round_trips_grouped_integers(amount: int, separator: str, suffix: str) -> None:
    grouped = f"{abs(amount):,}".replace(",", separator)
    text = ("-" if amount < 0 else "") + grouped + suffix
    assert parse_amount(text) == amount


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("03/04/2024", dt.date(2024, 4, 3)),  # day first: 3 April, never 4 March
        ("3/4/2024", dt.date(2024, 4, 3)),
        ("03-04-2024", dt.date(2024, 4, 3)),
        ("03.04.2024", dt.date(2024, 4, 3)),
        ("2024-04-03", dt.date(2024, 4, 3)),
        ("03/04/2024 14:05", dt.date(2024, 4, 3)),
        ("03/04/2024 14:05:59", dt.date(2024, 4, 3)),
        ("Điện Bàn, ngày 20 tháng 12 năm 2023", dt.date(2023, 12, 20)),
        (dt.datetime(2024, 4, 3, 10, 0), dt.date(2024, 4, 3)),
        (dt.date(2024, 4, 3), dt.date(2024, 4, 3)),
        (45291, dt.date(2023, 12, 31)),  # Excel serial
        (45291.75, dt.date(2023, 12, 31)),
        ("", None),
        (None, None),
    ],
)
def test_parse_date_reads_vietnamese_and_excel_dates(value: Any, expected: dt.date | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["13/25/2024", "31/02/2024", "2024/13/01", "hôm qua", "12/2024", True, -5])
def test_parse_date_rejects_impossible_and_unreadable_dates(value: Any) -> None:
    with pytest.raises(CellError):
        parse_date(value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_date_round_trips_dd_mm_yyyy(day: dt.date) -> None:
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(f"{day.day}/{day.month}/{day.year:04d}") == day


def test_parse_datetime_keeps_the_time_of_day() -> None:
    assert parse_datetime("01/12/2023 08:15:22") == dt.datetime(2023, 12, 1, 8, 15, 22)
    assert parse_datetime("2023-12-01T08:15") == dt.datetime(2023, 12, 1, 8, 15)
    assert parse_datetime(45291.75) == dt.datetime(2023, 12, 31, 18, 0)
    assert parse_datetime(dt.date(2023, 12, 1)) == dt.datetime(2023, 12, 1)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(2024, 2024), ("2024", 2024), (" 2024 ", 2024), (2024.0, 2024), ("Năm 2024", 2024), ("", None), (None, None)],
)
def test_parse_year_accepts_numbers_and_text(value: Any, expected: int | None) -> None:
    assert parse_year(value) == expected


@pytest.mark.parametrize("value", [1800, "2200", "24", "hai nghìn", 2024.5])
def test_parse_year_rejects_years_outside_1900_to_2100_and_non_years(value: Any) -> None:
    with pytest.raises(CellError):
        parse_year(value)


def test_parse_year_message_names_the_allowed_range() -> None:
    with pytest.raises(CellError, match="1900–2100"):
        parse_year(1800)


@pytest.mark.parametrize(("value", "expected"), [(3, 3), (3.0, 3), ("3", 3), ("1.200", 1200), ("-2", -2), ("", None)])
def test_parse_int_reads_whole_numbers(value: Any, expected: int | None) -> None:
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", ["2,5", 2.5, "ba", True])
def test_parse_int_rejects_non_integers(value: Any) -> None:
    with pytest.raises(CellError, match="không phải số nguyên"):
        parse_int(value)


@pytest.mark.parametrize("value", ["x", "X", " x ", "✓", "1", 1, "có", "Có", nfd("có"), True])
def test_is_marked_recognises_ticks(value: Any) -> None:
    assert is_marked(value) is True


@pytest.mark.parametrize("value", [None, "", "  ", 0, "0", "không", False])
def test_is_marked_treats_empty_and_no_as_unmarked(value: Any) -> None:
    assert is_marked(value) is False


def test_is_marked_refuses_to_guess_at_other_text() -> None:
    with pytest.raises(CellError, match="không hiểu dấu đánh dấu"):
        is_marked("Nguyễn Văn Mẫu")


def test_column_letters_follow_excel() -> None:
    assert [column_letter(i) for i in (0, 25, 26, 27, 51, 52, 701, 702)] == [
        "A",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
        "ZZ",
        "AAA",
    ]
