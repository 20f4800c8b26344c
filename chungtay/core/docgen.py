"""Word documents in the Decree 30/2020 layout, filled from data, and their PDF.

Templates are ordinary .docx files under templates/docx/, with docxtpl (Jinja) tags, so office
staff can open one in Word, change the wording or the layout, and save it back: the next document
uses their version. The first version of each template is built in code (`build_*` functions in
the app that owns it, using `nd30_skeleton` below), so a fresh checkout can always regenerate it
with `manage.py build_docx_templates` — that never overwrites a template that already exists
unless asked to.

PDF conversion uses LibreOffice headless (`soffice`), as offices do; `libreoffice_available()`
lets tests skip with a reason where it is not installed.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings

DOCX_DIR = Path(settings.BASE_DIR) / "templates" / "docx"
FONT = "Times New Roman"
NBSP = "\u00a0"
QUOC_HIEU = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
TIEU_NGU = "Độc lập - Tự do - Hạnh phúc"

# Vietnamese writes a word's syllables apart ("ỦY BAN"), so a line may only break between words:
# these are glued with no-break spaces, and so is the place at the end ("THỊ XÃ ĐIỆN BÀN").
_WORDS = ("BAN THƯỜNG TRỰC", "ỦY BAN", "MẶT TRẬN", "TỔ QUỐC", "VIỆT NAM", "VĂN PHÒNG", "THƯỜNG TRỰC",
          "CỘNG HÒA", "XÃ HỘI", "CHỦ NGHĨA", "HỘI ĐỒNG", "THI ĐUA", "KHEN THƯỞNG", "CÔNG ĐOÀN", "THANH NIÊN",
          "PHỤ NỮ", "NÔNG DÂN", "CỰU CHIẾN BINH", "NGƯỜI CAO TUỔI", "KHỐI PHỐ", "TỔ DÂN PHỐ")  # fmt: skip
_PLACE = re.compile(r"(?<!\S)(TỈNH|THÀNH PHỐ|THỊ XÃ|THỊ TRẤN|HUYỆN|QUẬN|PHƯỜNG|XÃ)\s+(?!HỘI\b)\S.*$")


def heading_line(text: str) -> str:
    """A line of a document's heading, upper case, that may break only between words.

    "Ủy ban MTTQ Việt Nam thị xã Điện Bàn" → "ỦY BAN MTTQ VIỆT NAM THỊ XÃ ĐIỆN BÀN" with no-break
    spaces inside "ỦY BAN", "VIỆT NAM" and "THỊ XÃ ĐIỆN BÀN": Word, LibreOffice and WeasyPrint wrap
    it in two lines at a space between words, never "ỦY / BAN" or "THỊ / XÃ".
    """
    line = " ".join(str(text or "").upper().split())
    place = _PLACE.search(line)
    if place:
        line = line[: place.start()] + place.group(0).replace(" ", NBSP)
    for word in _WORDS:
        line = re.sub(rf"(?<!\S){word}(?!\S)", word.replace(" ", NBSP), line)
    return line


def unbreakable(text: str) -> str:
    """Text that must stay on one line (the Quốc hiệu and the Tiêu ngữ)."""
    return str(text).replace(" ", NBSP)


def template_path(name: str) -> Path:
    return DOCX_DIR / name


def render_docx(name: str, context: dict[str, Any]) -> bytes:
    from docxtpl import DocxTemplate
    from jinja2 import Environment

    document = DocxTemplate(str(template_path(name)))
    environment = Environment(autoescape=True)
    environment.filters["heading"] = heading_line
    document.render(context, environment, autoescape=True)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@cache
def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def libreoffice_available() -> bool:
    return soffice_path() is not None


def docx_to_pdf(data: bytes, *, timeout: int = 120) -> bytes:
    """Convert with LibreOffice in a private profile, so parallel conversions do not collide."""
    binary = soffice_path()
    if binary is None:
        raise RuntimeError("LibreOffice (soffice) is not installed: apt-get install libreoffice-writer-nogui")
    with tempfile.TemporaryDirectory(prefix="chungtay-docx-") as tmp:
        source = Path(tmp) / "document.docx"
        source.write_bytes(data)
        profile = Path(tmp) / "profile"
        subprocess.run(  # noqa: S603 - fixed arguments, our own temp files
            [binary, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore", "--convert-to", "pdf",
             "--outdir", tmp, str(source)],
            check=True, capture_output=True, timeout=timeout,
        )  # fmt: skip
        return (Path(tmp) / "document.pdf").read_bytes()


def pdf_text(data: bytes) -> str:
    """All the text of a PDF, white space folded (tests check that every figure reached the page)."""
    import re

    from pypdf import PdfReader

    text = " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


# --- Building templates ------------------------------------------------------------------------
def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, size: float | None = None):
    from docx.shared import Pt

    run = paragraph.add_run(text)
    run.bold, run.italic = bold, italic
    run.font.name = FONT
    if size:
        run.font.size = Pt(size)
    return run


def _para(container, text: str = "", *, align: str = "center", bold: bool = False, italic: bool = False,
          size: float | None = None, space_after: float = 0):  # fmt: skip
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    paragraph = container.add_paragraph()
    paragraph.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "left": WD_ALIGN_PARAGRAPH.LEFT,
                           "right": WD_ALIGN_PARAGRAPH.RIGHT, "justify": WD_ALIGN_PARAGRAPH.JUSTIFY}[align]  # fmt: skip
    paragraph.paragraph_format.space_after = Pt(space_after)
    if text:
        _run(paragraph, text, bold=bold, italic=italic, size=size)
    return paragraph


def nd30_skeleton(*, kind_title: str, summary_tag: str = "{{ summary }}", body: Callable[[Any], None],
                  signer_block: bool = True, recipients: bool = True, minutes: bool = False):  # fmt: skip
    """A new Document with the Decree 30/2020 heading, body and signature/distribution blocks.

    Context the template expects: org_parent, org_name, doc_number, dateline, summary, signer_title
    ("TM. BAN THƯỜNG TRỰC"), signer_role ("CHỦ TỊCH"), signer_name, recipients (list of str).
    `minutes`: a biên bản (appendix III, form 08), signed by the secretary on the left (secretary_title,
    secretary_name) and the chair on the right, with the recipients under the two signatures.
    """
    from docx import Document
    from docx.shared import Mm, Pt

    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Mm(297), Mm(210)
    section.top_margin, section.bottom_margin = Mm(20), Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)

    head = document.add_table(rows=1, cols=2)
    head.autofit = False  # fixed layout: the widths below hold whatever the text
    _narrow_cell_margins(head)
    left, right = head.rows[0].cells
    # The Quốc hiệu (12 pt bold, about 88 mm) must fit the right column on one line; the issuing body's
    # lines break at a space between words in the left (see heading_line). Word reads the cell widths,
    # LibreOffice the column widths: set both.
    for column, cell, width in ((head.columns[0], left, Mm(71)), (head.columns[1], right, Mm(94))):
        column.width = cell.width = width
    left.paragraphs[0].text = ""
    _run(left.paragraphs[0], "{{ org_parent|heading }}", size=12)
    left.paragraphs[0].alignment = 1
    _para(left, "{{ org_name|heading }}", bold=True, size=12)
    _para(left, "——————", size=9)
    _para(left, "Số: {{ doc_number }}", size=13)
    right.paragraphs[0].text = ""
    _run(right.paragraphs[0], unbreakable(QUOC_HIEU), bold=True, size=12)
    right.paragraphs[0].alignment = 1
    _para(right, unbreakable(TIEU_NGU), bold=True, size=13)
    _para(right, "———————————————", size=9)
    _para(right, "{{ dateline }}", italic=True, size=13, align="right")

    _para(document, "")
    _para(document, kind_title, bold=True, size=14)
    _para(document, summary_tag, bold=True, size=14, space_after=12)
    body(document)

    if minutes:
        _minutes_signatures(document)
        if recipients:
            _para(document, "")
            _recipients(document, document.add_paragraph())
        return document
    if signer_block or recipients:
        table = document.add_table(rows=1, cols=2)
        left, right = table.rows[0].cells
        if recipients:
            _recipients(left, left.paragraphs[0])
        if signer_block:
            right.paragraphs[0].text = ""
            _run(right.paragraphs[0], "{{ signer_title }}", bold=True, size=14)
            right.paragraphs[0].alignment = 1
            _para(right, "{{ signer_role }}", bold=True, size=14)
            for _ in range(3):
                _para(right, "")
            _para(right, "{{ signer_name }}", bold=True, size=14)
    return document


def _recipients(container, first) -> None:
    """The "Nơi nhận:" heading in `first` (a paragraph of `container`), then one line a recipient."""
    first.text = ""
    _run(first, "Nơi nhận:", bold=True, italic=True, size=12)
    first.alignment = 0
    _para(container, "{%p for r in recipients %}", align="left", size=11)
    _para(container, "- {{ r }};", align="left", size=11)
    _para(container, "{%p endfor %}", align="left", size=11)


def _minutes_signatures(document) -> None:
    """Secretary left, chair right, each with room to sign above the name."""
    table = document.add_table(rows=1, cols=2)
    for cell, title, role, name in (
        (table.rows[0].cells[0], "{{ secretary_title }}", "", "{{ secretary_name }}"),
        (table.rows[0].cells[1], "{{ signer_title }}", "{{ signer_role }}", "{{ signer_name }}"),
    ):
        cell.paragraphs[0].text = ""
        _run(cell.paragraphs[0], title, bold=True, size=14)
        cell.paragraphs[0].alignment = 1
        if role:
            _para(cell, role, bold=True, size=14)
        for _ in range(3):
            _para(cell, "")
        _para(cell, name, bold=True, size=14)


def _narrow_cell_margins(table) -> None:
    """0.5 mm left and right inside the cells instead of 1.9 mm, so the Quốc hiệu keeps its room."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        element = OxmlElement(f"w:{side}")
        element.set(qn("w:w"), "28")  # twentieths of a point: 1.4 pt ≈ 0.5 mm
        element.set(qn("w:type"), "dxa")
        margins.append(element)
    table._tbl.tblPr.append(margins)


def save_template(document, name: str, *, overwrite: bool = False) -> Path:
    path = template_path(name)
    if path.exists() and not overwrite:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(str(path))
    return path


def paragraph(document, text: str, **kwargs):
    """Public alias of _para for template builders in other apps (justified body text by default)."""
    kwargs.setdefault("align", "justify")
    return _para(document, text, **kwargs)
