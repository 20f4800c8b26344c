import pytest

from chungtay.core import docgen


@pytest.fixture
def sample_template(settings, tmp_path, monkeypatch):
    monkeypatch.setattr(docgen, "DOCX_DIR", tmp_path)

    def body(document):
        docgen.paragraph(document, "Tổng số hộ đã hoàn thành: {{ done }} hộ, kinh phí {{ money }}.")

    docgen.save_template(docgen.nd30_skeleton(kind_title="BÁO CÁO", body=body), "mau.docx")
    return "mau.docx"


CONTEXT = {
    "org_parent": "Ủy ban MTTQ Việt Nam thị xã Điện Bàn", "org_name": "Ban Thường trực", "doc_number": "12/BC-MTTQ-BTT",
    "dateline": "Điện Bàn, ngày 05 tháng 12 năm 2024", "summary": "Tổng kết phong trào thi đua năm 2024",
    "done": 57, "money": "3.420.000.000 đ", "signer_title": "TM. BAN THƯỜNG TRỰC", "signer_role": "CHỦ TỊCH",
    "signer_name": "Lê Văn Khánh", "recipients": ["BTT UBMTTQ tỉnh (b/c)", "Lưu VT"],
}  # fmt: skip


def test_a_template_is_filled_with_data_in_the_decree_30_layout(sample_template):
    import io

    from docx import Document

    data = docgen.render_docx(sample_template, CONTEXT)
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "Tổng số hộ đã hoàn thành: 57 hộ, kinh phí 3.420.000.000 đ." in text
    assert "{{" not in text and "{%" not in text


@pytest.mark.skipif(
    not docgen.libreoffice_available(), reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
)
def test_the_filled_document_converts_to_pdf_with_every_figure(sample_template):
    pdf = docgen.docx_to_pdf(docgen.render_docx(sample_template, CONTEXT))
    text = docgen.pdf_text(pdf)
    for expected in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Số: 12/BC-MTTQ-BTT", "57 hộ", "3.420.000.000 đ",
                     "Lê Văn Khánh", "Lưu VT", "Điện Bàn, ngày 05 tháng 12 năm 2024"]:  # fmt: skip
        assert expected in text, expected


def test_a_heading_line_breaks_only_between_words_and_numbers_read_the_vietnamese_way():
    from chungtay.core.money import format_decimal_vn

    nb = docgen.NBSP
    assert docgen.heading_line("Ủy ban MTTQ Việt Nam thị xã Điện Bàn") == (
        f"ỦY{nb}BAN MTTQ VIỆT{nb}NAM THỊ{nb}XÃ{nb}ĐIỆN{nb}BÀN"
    )
    assert docgen.heading_line("Văn phòng") == f"VĂN{nb}PHÒNG"
    assert [format_decimal_vn(v) for v in ("95.96", "90.00", "1234.5", None)] == ["95,96", "90", "1.234,5", ""]
