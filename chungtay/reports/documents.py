"""Word templates of the follow-up work, in the Decree 30/2020 layout (see chungtay.core.docgen).

`manage.py build_docx_templates` writes them under templates/docx/ once; staff may then edit the
wording in Word. The tags are docxtpl (Jinja): `{%p for %}` repeats paragraphs, `{%tr for %}` rows.
"""

from __future__ import annotations

from typing import Any

from chungtay.core.docgen import _para, _run, nd30_skeleton, paragraph

REVIEW_TEMPLATE = "bao-cao-so-ket-tong-ket.docx"
URGING_TEMPLATE = "cong-van-don-doc.docx"


def _cell(cell, text: str, *, bold: bool = False, align: str = "center") -> None:
    cell.paragraphs[0].text = ""

    _run(cell.paragraphs[0], text, bold=bold, size=12)
    cell.paragraphs[0].alignment = {"center": 1, "left": 0, "right": 2}[align]


def _loop_table(document, headers: list[str], loop: str, cells: list[str], total: list[str] | None = None,
                widths: list[int] | None = None) -> None:  # fmt: skip
    """A table whose body rows repeat with docxtpl's `{%tr for … %}`; an optional total row after."""
    from docx.shared import Mm

    n = len(headers)
    table = document.add_table(rows=0, cols=n)
    table.style = "Table Grid"
    table.autofit = False
    row = table.add_row().cells
    for i, text in enumerate(headers):
        _cell(row[i], text, bold=True)
    _cell(table.add_row().cells[0], f"{{%tr for {loop} %}}", align="left")
    row = table.add_row().cells
    for i, text in enumerate(cells):
        _cell(row[i], text, align="left" if i == 0 else "right")
    _cell(table.add_row().cells[0], "{%tr endfor %}", align="left")
    if total:
        row = table.add_row().cells
        for i, text in enumerate(total):
            _cell(row[i], text, bold=True, align="left" if i == 0 else "right")
    if widths:
        # Word reads the cell widths, LibreOffice the column widths: set both (as docgen does).
        for i, width in enumerate(widths):
            table.columns[i].width = Mm(width)
            for row in table.rows:
                row.cells[i].width = Mm(width)
    _para(document, "", space_after=6)


def build_review_report() -> Any:
    """Báo cáo sơ kết / tổng kết phong trào: every figure is a tag filled from data."""

    def body(document) -> None:
        p = paragraph
        p(document, "I. CÔNG TÁC TRIỂN KHAI, TỔ CHỨC THỰC HIỆN", bold=True)
        p(document, "Thực hiện Kế hoạch số {{ movement_symbol }} ngày {{ movement_issued }} của {{ issuer }} về "
          "{{ movement_title }}, tính đến {{ as_of }} toàn {{ unit_title }} có {{ participants }} đơn vị tham gia "
          "thi đua ({{ participants_commune }} xã, phường; {{ participants_area }} khu dân cư); "
          "{{ registered }} đơn vị "
          "đã đăng ký thi đua, trong đó {{ registered_late }} đơn vị đăng ký trễ hạn.")  # fmt: skip
        p(document, "Các đơn vị đã tổ chức {{ launches }} hội nghị phát động; {{ trainings }} hội nghị, lớp bồi dưỡng, "
          "tập huấn với {{ training_attendance }} lượt người tham dự; {{ propaganda }} hoạt động tuyên truyền qua tổ "
          "chức thành viên; {{ regulations }} đơn vị ban hành quy chế làm việc; {{ it_measures }} hoạt động ứng dụng "
          "công nghệ thông tin, chuyển đổi số.")  # fmt: skip
        p(document, "Việc thực hiện các mốc thời gian của Kế hoạch: {{ obligations_due }} việc đến hạn, "
          "{{ obligations_on_time }} việc hoàn thành đúng hạn, {{ obligations_done_late }} việc hoàn thành trễ hạn, "
          "{{ obligations_late }} việc quá hạn chưa thực hiện; tỷ lệ đúng hạn {{ on_time_rate }}.")  # fmt: skip
        p(document, "II. KẾT QUẢ THỰC HIỆN", bold=True)
        p(document, "1. Hỗ trợ xóa nhà tạm, nhà dột nát", bold=True)
        p(document, "Tổng số hộ được phê duyệt hỗ trợ: {{ houses_planned }} hộ, kinh phí Nhà nước hỗ trợ "
          "{{ houses_amount }}. Đã khởi công {{ houses_started }} nhà; hoàn thành {{ houses_completed }} nhà "
          "(đạt {{ houses_percent }}), trong đó đã bàn giao {{ houses_handed_over }} nhà. "
          "Kết quả theo phân kỳ:")  # fmt: skip
        _loop_table(
            document,
            ["Phân kỳ", "Số hộ", "Kinh phí hỗ trợ", "Khởi công", "Hoàn thành", "Bàn giao"],
            "r in phases",
            ["{{ r.year }}", "{{ r.planned }}", "{{ r.amount }}", "{{ r.started }}", "{{ r.completed }}",
             "{{ r.handed_over }}"],
            ["Cộng", "{{ houses_planned }}", "{{ houses_amount }}", "{{ houses_started }}", "{{ houses_completed }}",
             "{{ houses_handed_over }}"],
            widths=[24, 20, 45, 25, 26, 25],
        )  # fmt: skip
        p(document, "Kết quả theo từng đơn vị:")
        # The column headers are the catalogue's labels of the figures in the rows (unit_columns).
        _loop_table(
            document,
            ["Đơn vị"] + [f"{{{{ unit_columns[{i}] }}}}" for i in range(5)],
            "u in units",
            ["{{ u.title }}", "{{ u.planned }}", "{{ u.completed }}", "{{ u.percent }}", "{{ u.received }}",
             "{{ u.households_received }}"],
            widths=[44, 16, 22, 17, 33, 33],
        )  # fmt: skip
        p(document, "2. Vận động, quản lý nguồn lực", bold=True)
        p(document, "Tính đến {{ as_of }}:")
        p(document, "{%p for m in money %}")
        p(document, "- {{ m.label }}: {{ m.value }};")
        p(document, "{%p endfor %}")
        p(document, "3. Tiếp nhận, giải quyết đơn thư", bold=True)
        p(document, "Tiếp nhận {{ complaints_total }} đơn (khiếu nại, kiến nghị, tố cáo); đang xử lý "
          "{{ complaints_open }} đơn, trong đó {{ complaints_overdue }} đơn quá hạn; {{ complaints_escalated }} đơn "
          "đã chuyển cấp trên.")  # fmt: skip
        p(document, "4. Nhân tố mới, mô hình hay, cách làm hiệu quả", bold=True)
        p(document, "Các đơn vị đề xuất {{ good_models_total }} mô hình, {{ good_models_recognised }} mô hình "
          "được công "
          "nhận, nhân rộng tại {{ good_models_replications }} đơn vị:")  # fmt: skip
        p(document, "{%p for g in good_models %}")
        p(document, "- {{ g }};")
        p(document, "{%p endfor %}")
        p(document, "5. Tự đánh giá, chấm điểm, xếp loại", bold=True)
        p(document, "Tính đến {{ as_of }}: {{ units_self_assessed }} đơn vị đã tự đánh giá, chấm điểm; "
          "{{ units_scored }} đơn vị đã được thẩm định, chấm điểm; {{ units_approved }} đơn vị đã được phê duyệt "
          "kết quả.")  # fmt: skip
        p(document, "{%p if evaluation %}")
        _loop_table(
            document, ["Cấp", "Đơn vị", "Tổng điểm", "Xếp loại", "Thứ hạng"], "e in evaluation",
            ["{{ e.level }}", "{{ e.unit }}", "{{ e.total }}", "{{ e.band }}", "{{ e.rank }}"],
            widths=[22, 58, 28, 35, 22],
        )  # fmt: skip
        p(document, "{%p endif %}")
        p(document, "III. ĐÁNH GIÁ CHUNG", bold=True)
        p(document, "{{ assessment }}")
        p(document, "IV. {{ next_heading }}", bold=True)
        p(document, "{%p for t in next_tasks %}")
        p(document, "- {{ t }}")
        p(document, "{%p endfor %}")

    return nd30_skeleton(kind_title="BÁO CÁO", body=body)


def build_urging_notice() -> Any:
    """Công văn đôn đốc: the units addressed, then each unit's overdue items."""

    def body(document) -> None:
        p = paragraph
        _para(document, "Kính gửi: {{ addressees }}.", space_after=6)
        p(document, "Thực hiện {{ basis }}, qua theo dõi trên hệ thống Chung Tay đến {{ as_of }}, Ban Thường trực "
          "{{ issuer }} nhận thấy các đơn vị sau còn việc quá hạn chưa thực hiện:")  # fmt: skip
        p(document, "{%p for u in units %}")
        p(document, "{{ loop.index }}. {{ u.title }} ({{ u.count }} việc):", bold=True)
        p(document, "{%p for i in u.lines %}")
        p(document, "- {{ i }};")
        p(document, "{%p endfor %}")
        p(document, "{%p endfor %}")
        p(document, "Ban Thường trực đề nghị các đơn vị khẩn trương khắc phục, hoàn thành các việc nêu trên và báo cáo "
          "kết quả về Ban Thường trực (qua Văn phòng) trước ngày {{ deadline }}.")  # fmt: skip
        p(document, "Đề nghị các đơn vị quan tâm thực hiện./.")

    return nd30_skeleton(kind_title="CÔNG VĂN", body=body)


DOCX_TEMPLATES = {
    REVIEW_TEMPLATE: build_review_report,
    URGING_TEMPLATE: build_urging_notice,
}
