"""PDFs must carry Vietnamese as written: a missing font is named, not found by unrelated failures."""

import unicodedata

import pytest

from chungtay.core import docgen, fonts, pdf

# A line of an official document, and every Vietnamese letter with every tone.
HEADING = "ỦY BAN MẶT TRẬN TỔ QUỐC VIỆT NAM THỊ XÃ ĐIỆN BÀN"
SENTENCE = "Số: 85/MTTQ-BTT về việc đôn đốc thực hiện phong trào “Chung tay xóa nhà tạm, nhà dột nát”"
LETTERS = " ".join(fonts.vietnamese_letters()[i : i + 12] for i in range(0, len(fonts.vietnamese_letters()), 12))

needs_fontconfig = pytest.mark.skipif(
    fonts.font_file_for("serif") is None, reason="fontconfig (fc-match) is not installed, so no PDF tool is either"
)
needs_libreoffice = pytest.mark.skipif(
    not docgen.libreoffice_available(), reason="LibreOffice is not installed (apt-get install libreoffice-writer-nogui)"
)
needs_weasyprint = pytest.mark.skipif(not pdf.pdf_available(), reason="WeasyPrint needs Pango (libpango-1.0-0)")


def test_the_alphabet_has_every_vowel_with_every_tone_and_d_with_stroke():
    letters = fonts.vietnamese_letters()
    assert len(letters) == 2 * (12 * 6 + 1)
    for letter in "ủệốườỹĐẶ":
        assert unicodedata.normalize("NFC", letter) in letters


@needs_fontconfig
@pytest.mark.parametrize("family", fonts.DOCUMENT_FAMILIES)
def test_the_font_documents_ask_for_covers_every_vietnamese_letter(family):
    path = fonts.font_file_for(family)
    missing = fonts.missing_letters(path)
    assert missing == "", (
        f"fontconfig gives {path} for {family!r}; it has no glyph for {missing!r}: "
        f"install {fonts.FONT_PACKAGE} (see README, What needs what)"
    )


def test_the_deploy_check_names_the_font_and_the_package_to_install(monkeypatch):
    monkeypatch.setattr(fonts, "font_file_for", lambda family: "/usr/share/fonts/old/LiberationSerif-Regular.ttf")
    monkeypatch.setattr(fonts, "missing_letters", lambda path: "ỦỆố")
    [warning] = fonts.check_vietnamese_fonts()
    assert warning.id == "chungtay.W001"
    assert "LiberationSerif-Regular.ttf" in warning.msg and fonts.FONT_PACKAGE in warning.msg


@needs_libreoffice
def test_a_word_document_converted_by_libreoffice_keeps_vietnamese_text_exactly(tmp_path, monkeypatch):
    monkeypatch.setattr(docgen, "DOCX_DIR", tmp_path)

    def body(document):
        for line in (HEADING, SENTENCE, LETTERS):
            docgen.paragraph(document, line, align="left")

    docgen.save_template(docgen.nd30_skeleton(kind_title="CÔNG VĂN", body=body), "chu.docx")
    context = {"org_parent": "Ủy ban MTTQ Việt Nam tỉnh Quảng Nam", "org_name": "Ban Thường trực",
               "doc_number": "85/MTTQ-BTT", "dateline": "Điện Bàn, ngày 05 tháng 12 năm 2024",
               "summary": "V/v đôn đốc", "signer_title": "TM. BAN THƯỜNG TRỰC", "signer_role": "CHỦ TỊCH",
               "signer_name": "Nguyễn Thị Hường", "recipients": ["Lưu VT"]}  # fmt: skip
    text = docgen.pdf_text(docgen.docx_to_pdf(docgen.render_docx("chu.docx", context)))
    for line in (HEADING, SENTENCE, LETTERS, "ỦY BAN MTTQ VIỆT NAM TỈNH QUẢNG NAM", "Nguyễn Thị Hường"):
        assert line in text, f"{line!r} not in the PDF text (a font without Vietnamese letters?): {text[:300]!r}"


@needs_weasyprint
def test_a_pdf_written_by_weasyprint_keeps_vietnamese_text_exactly(tmp_path):
    from django.template import engines

    template = engines["django"].from_string(
        '{% extends "documents/_base_pdf.html" %}{% block body %}'
        "<p>{{ a }}</p><p>{{ b }}</p><p>{{ c }}</p>{% endblock %}"
    )
    from weasyprint import HTML

    html = template.render({"a": HEADING, "b": SENTENCE, "c": LETTERS})
    text = docgen.pdf_text(HTML(string=html, base_url=str(pdf.settings.BASE_DIR / "static")).write_pdf())
    for line in (HEADING, SENTENCE, LETTERS):
        assert line in text, f"{line!r} not in the PDF text: {text[:300]!r}"
