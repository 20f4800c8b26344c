"""Polyglots: files valid as their own kind that are also another kind are refused, naming the file.

Every file here is built in code. Where it matters the test first shows that the other program
really opens it (zipfile lists the hidden archive, pypdf finds the hidden JavaScript), so a refusal
is a refusal of a working polyglot, not of a broken file.
"""

import io
import random
import struct
import zipfile
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from chungtay.core.errors import DomainError
from chungtay.core.uploads import IMAGE_KINDS, check_upload

# --- Builders ---------------------------------------------------------------------------------


def image_bytes(kind: str = "png", size: tuple[int, int] = (40, 30), seed: int = 0, quality: int = 85) -> bytes:
    pixels = random.Random(seed).randbytes(size[0] * size[1] * 3)
    buffer = io.BytesIO()
    image = Image.frombytes("RGB", size, pixels)
    if kind == "png":
        image.save(buffer, "PNG")
    else:
        image.save(buffer, "JPEG", quality=quality)
    return buffer.getvalue()


def png_with_chunk(png: bytes, payload: bytes, chunk: bytes = b"tEXt") -> bytes:
    """A valid PNG with `payload` in an ancillary chunk just before IEND (correct CRC)."""
    body = chunk + payload
    block = struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))
    end = png.rindex(b"IEND") - 4
    return png[:end] + block + png[end:]


def jpeg_with_comment(jpeg: bytes, payload: bytes) -> bytes:
    """A valid JPEG with `payload` in a comment segment right after the start marker."""
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


def zip_bytes(parts: dict[str, bytes], *, comment: bytes = b"", compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        archive.comment = comment
    return buffer.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
XLSX_PARTS = {"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}
EVIL_ZIP = zip_bytes({"index.html": b"<html><script>alert(1)</script></html>"})
RAR = b"Rar!\x1a\x07\x01\x00" + bytes(range(64))
SEVEN_ZIP = b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(range(64))


def pdf_bytes(catalog: bytes = b"", *extra: bytes, packed: bytes | None = None) -> bytes:
    """A real PDF: catalog, pages, one page, `extra` objects (4, 5, ...).

    With `packed`, one more object is stored inside a compressed object stream and found through a
    cross-reference stream, as PDF 1.5 writers (Word, Chrome, WeasyPrint) do.
    """
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R " + catalog + b" >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        *extra,
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}

    def write(number: int, body: bytes) -> None:
        offsets[number] = len(out)
        out.extend(b"%d 0 obj\n%s\nendobj\n" % (number, body))

    for number, body in enumerate(objects, 1):
        write(number, body)
    count = len(objects)
    if packed is None:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % (count + 1)
        out += b"".join(b"%010d 00000 n \n" % offsets[n] for n in range(1, count + 1))
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count + 1, xref)
        return bytes(out)
    header = b"%d 0 " % (count + 1)
    content = zlib.compress(header + packed)
    write(count + 2, b"<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
          % (len(header), len(content), content))  # fmt: skip
    xref_number, xref = count + 3, len(out)
    offsets[xref_number] = xref
    rows = [b"\x00\x00\x00\x00\x00\xff\xff"]
    for number in range(1, count + 4):
        if number == count + 1:  # type 2: the packed object, index 0 of the object stream
            rows.append(b"\x02" + (count + 2).to_bytes(4, "big") + b"\x00\x00")
        else:
            rows.append(b"\x01" + offsets[number].to_bytes(4, "big") + b"\x00\x00")
    table = b"".join(rows)
    xref_dict = b"<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>" % (count + 4, len(table))
    out += b"%d 0 obj\n%s\nstream\n%s\nendstream\nendobj\n" % (xref_number, xref_dict, table)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def refused(data: bytes, name: str, allowed=None) -> str:
    with pytest.raises(DomainError) as info:
        check_upload(io.BytesIO(data), name=name, **({"allowed": allowed} if allowed else {}))
    assert name in info.value.message
    return info.value.message


def accepted(data: bytes, name: str) -> str:
    return check_upload(io.BytesIO(data), name=name).kind


def pypdf_catalog(data: bytes):
    pypdf = pytest.importorskip("pypdf")
    return pypdf.PdfReader(io.BytesIO(data)).trailer["/Root"]


# --- Images -----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["png", "jpeg"])
def test_a_photo_that_a_zip_tool_opens_as_an_archive_is_refused(kind):
    data = image_bytes(kind) + EVIL_ZIP  # the "GIFAR" / JPEG+ZIP trick
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["index.html"]
    Image.open(io.BytesIO(data)).verify()
    assert "tệp nén ZIP" in refused(data, "anh.jpg")


def test_a_zip_hidden_in_a_png_chunk_before_its_end_is_refused():
    data = png_with_chunk(image_bytes("png"), EVIL_ZIP, chunk=b"ziPp")
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["index.html"]
    assert "tệp nén ZIP" in refused(data, "anh.png")


@pytest.mark.parametrize(
    ("build", "what"),
    [
        (lambda: jpeg_with_comment(image_bytes("jpeg"), pdf_bytes()), "tệp PDF"),  # header in the first kilobyte
        (lambda: png_with_chunk(image_bytes("png"), pdf_bytes()), "tệp PDF"),
        (lambda: image_bytes("png") + pdf_bytes(), "tệp PDF"),
        (lambda: image_bytes("jpeg") + RAR, "tệp nén RAR"),
        (lambda: image_bytes("png") + SEVEN_ZIP, "tệp nén 7z"),
    ],
    ids=["pdf-in-jpeg-comment", "pdf-in-png-chunk", "pdf-after-png", "rar-after-jpeg", "7z-after-png"],
)
def test_a_photo_carrying_another_format_is_refused_naming_what_it_hides(build, what):
    data = build()
    Image.open(io.BytesIO(data)).verify()
    message = refused(data, "anh-hien-truong.jpg")
    assert what in message and "lồng hai định dạng" in message


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
    ],
)
def test_an_svg_with_script_is_refused_whatever_its_name(svg):
    for name in ("logo.svg", "logo.png", "logo.pdf"):
        assert "không đúng định dạng" in refused(svg, name)
    assert "không đúng định dạng" in refused(svg, "logo.png", allowed=IMAGE_KINDS)
    assert "HTML/JavaScript" in refused(png_with_chunk(image_bytes("png"), svg), "logo.png")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["png", "jpeg"]),
    size=st.tuples(st.integers(1, 64), st.integers(1, 64)),
    seed=st.integers(0, 2**32),
    quality=st.integers(30, 95),
)
def test_any_plain_photo_is_accepted(kind, size, seed, quality):
    assert accepted(image_bytes(kind, size, seed, quality), "anh.jpg") == kind


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    kind=st.sampled_from(["png", "jpeg"]),
    size=st.tuples(st.integers(1, 48), st.integers(1, 48)),
    seed=st.integers(0, 2**32),
    payload=st.sampled_from(["zip", "pdf", "rar", "7z"]),
    inside=st.booleans(),
    padding=st.binary(max_size=64),
)
def test_any_photo_with_another_format_inside_or_after_it_is_refused(kind, size, seed, payload, inside, padding):
    hidden = {"zip": EVIL_ZIP, "pdf": pdf_bytes(), "rar": RAR, "7z": SEVEN_ZIP}[payload]
    image = image_bytes(kind, size, seed)
    if not inside or (payload == "zip" and kind == "jpeg"):  # a zip is read from the end of the file
        data = image + padding + hidden
    elif kind == "png":
        data = png_with_chunk(image, padding + hidden, chunk=b"prVt")
    else:
        data = jpeg_with_comment(image, padding + hidden)
    with pytest.raises(DomainError, match="lồng hai định dạng"):
        check_upload(io.BytesIO(data), name="anh.jpg")


# --- PDF --------------------------------------------------------------------------------------


def test_a_plain_pdf_with_links_and_an_object_stream_is_accepted():
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://example.vn) >> >>"
    assert accepted(pdf_bytes(b"/OpenAction [3 0 R /Fit]", link), "bien-ban.pdf") == "pdf"
    assert accepted(pdf_bytes(b"/Outlines 4 0 R", packed=b"<< /Type /Outlines /Count 0 >>"), "bien-ban.pdf") == "pdf"


def test_a_pdf_made_by_the_app_itself_is_accepted():
    from chungtay.core.pdf import pdf_available

    if not pdf_available():
        pytest.skip("WeasyPrint cannot load Pango here")
    from weasyprint import HTML

    data = HTML(string="<h1>Biên bản họp</h1><p><a href='https://example.vn'>Liên kết</a></p>").write_pdf()
    assert b"/ObjStm" in data  # WeasyPrint packs its dictionaries into object streams
    assert accepted(data, "bien-ban.pdf") == "pdf"


JS_ACTION = b"<< /S /JavaScript /JS (app.alert(1)) >>"


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (pdf_bytes(b"/OpenAction 4 0 R", JS_ACTION), "JavaScript"),
        (pdf_bytes(b"/Names << /JavaScript << /Names [(a) 4 0 R] >> >>", JS_ACTION), "JavaScript"),
        (pdf_bytes(b"/AA << /WC 4 0 R >>", JS_ACTION), "JavaScript"),
        (pdf_bytes(b"/OpenAction << /S /J#61vaScr#69pt /JS (app.alert(1)) >>"), "JavaScript"),
        (pdf_bytes(b"/OpenAction 4 0 R", packed=JS_ACTION), "JavaScript"),
        (pdf_bytes(b"/OpenAction 4 0 R", packed=b"<< /S /J#61vaScript /JS 5 0 R >>"), "JavaScript"),
        (pdf_bytes(b"/OpenAction << /S /Launch /F (cmd.exe) >>"), "/Launch"),
        (
            pdf_bytes(b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>", b"<< /Type /Filespec /F (a.exe) >>"),
            "tệp đính kèm",
        ),
    ],
    ids=[
        "open-action",
        "document-level",
        "additional-action",
        "escaped-name",
        "in-object-stream",
        "escaped-in-object-stream",
        "launch",
        "embedded-file",
    ],
)
def test_a_pdf_that_runs_code_or_carries_files_is_refused(data, what):
    message = refused(data, "ke-hoach.pdf")
    assert what in message and "In ra PDF" in message


def test_the_hidden_javascript_is_really_there_for_a_pdf_reader():
    catalog = pypdf_catalog(pdf_bytes(b"/OpenAction << /S /J#61vaScr#69pt /JS (app.alert(1)) >>"))
    assert catalog["/OpenAction"]["/S"] == "/JavaScript"
    catalog = pypdf_catalog(pdf_bytes(b"/OpenAction 4 0 R", packed=JS_ACTION))
    assert catalog["/OpenAction"].get_object()["/S"] == "/JavaScript"


def test_a_pdf_whose_object_stream_cannot_be_read_is_refused():
    readable = pdf_bytes(b"/OpenAction 4 0 R", packed=b"<< /S /URI /URI (https://example.vn) >>")
    start = readable.index(b"stream\n", readable.index(b"/ObjStm")) + len(b"stream\n")
    end = readable.index(b"\nendstream", start)
    hexed = readable[start:end].hex().encode()  # an ASCIIHex layer the check does not undo
    data = readable[:start] + hexed + readable[end:]
    assert "không đọc được để kiểm tra" in refused(data, "ke-hoach.pdf")


def test_a_pdf_that_is_also_a_zip_is_refused():
    data = pdf_bytes() + EVIL_ZIP
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["index.html"]
    assert "tệp nén ZIP" in refused(data, "bao-cao.pdf")


@settings(max_examples=80, deadline=None)
@given(escaped=st.lists(st.booleans(), min_size=10, max_size=10), upper=st.booleans(), packed=st.booleans())
def test_javascript_is_found_however_its_name_is_escaped(escaped, upper, packed):
    name = b"".join(
        (b"#%02X" if upper else b"#%02x") % ch if flag else bytes([ch])
        for ch, flag in zip(b"JavaScript", escaped, strict=True)
    )
    action = b"<< /S /" + name + b" /JS (app.alert(1)) >>"
    data = pdf_bytes(b"/OpenAction 4 0 R", packed=action) if packed else pdf_bytes(b"/OpenAction 4 0 R", action)
    with pytest.raises(DomainError, match="JavaScript"):
        check_upload(io.BytesIO(data), name="a.pdf")


# --- Word and Excel ---------------------------------------------------------------------------


def test_office_files_from_the_usual_writers_are_accepted():
    import docx
    import openpyxl
    import xlsxwriter

    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "Hộ được hỗ trợ"
    workbook.save(buffer)
    assert accepted(buffer.getvalue(), "ds.xlsx") == "xlsx"
    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        book.add_worksheet().write(0, 0, "Hộ được hỗ trợ")
    assert accepted(buffer.getvalue(), "ds.xlsx") == "xlsx"
    buffer = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Biên bản họp")
    document.save(buffer)
    assert accepted(buffer.getvalue(), "bien-ban.docx") == "docx"


def test_a_docx_written_by_a_streaming_tool_with_data_descriptors_is_accepted():
    class Unseekable(io.BytesIO):  # like a network stream: zipfile then puts sizes after each part
        def seek(self, *args):  # type: ignore[no-untyped-def]
            raise OSError("not seekable")

    buffer = Unseekable()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in DOCX_PARTS.items():
            archive.writestr(name, data)
    data = buffer.getvalue()
    assert all(info.flag_bits & 0x08 for info in zipfile.ZipFile(io.BytesIO(data)).infolist())
    assert accepted(data, "quy-che.docx") == "docx"


@pytest.mark.parametrize(
    ("parts", "name"),
    [
        ({**DOCX_PARTS, "word/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, "quy-che.docx"),
        ({**XLSX_PARTS, "xl/vbaProject.bin": b"\xd0\xcf\x11\xe0macro"}, "ds.xlsx"),
        ({**XLSX_PARTS, "xl/macrosheets/sheet1.xml": b"<xm:macrosheet/>"}, "ds.xlsx"),  # Excel 4.0 macros
        ({**DOCX_PARTS, "word/activeX/activeX1.bin": b"\xd0\xcf\x11\xe0"}, "quy-che.docx"),
        (
            {
                **DOCX_PARTS,
                "[Content_Types].xml": b"<Types><Override ContentType="
                b'"application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>',
            },
            "quy-che.docx",
        ),
    ],
    ids=["word-vba", "excel-vba", "excel-4-macro-sheet", "activex", "macro-enabled-content-type"],
)
def test_an_office_file_with_macros_is_refused(parts, name):
    assert "macro" in refused(zip_bytes(parts), name)


def hidden_between_parts(parts: dict[str, bytes], payload: bytes, after: int) -> bytes:
    """A zip whose parts are back to back except for `payload`, written but left out of the directory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for index, (name, data) in enumerate(parts.items()):
            archive.writestr(name, data)
            if index == after:
                archive.writestr("hidden", payload)
                archive.filelist.pop()
                del archive.NameToInfo["hidden"]
    return buffer.getvalue()


@pytest.mark.parametrize(
    "build",
    [
        lambda: b"PK\x03\x04" + RAR + zip_bytes(DOCX_PARTS),  # a leading payload
        lambda: hidden_between_parts(DOCX_PARTS, EVIL_ZIP, after=0),
        lambda: zip_bytes(DOCX_PARTS) + SEVEN_ZIP,  # after the end record
        lambda: zip_bytes(DOCX_PARTS, comment=b"<html><script>alert(1)</script>"),  # in the archive comment
    ],
    ids=["leading", "between-parts", "trailing", "comment"],
)
def test_an_office_file_with_bytes_outside_its_parts_is_refused(build):
    data = build()
    assert zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml") == b"<w:document/>"  # Word still opens it
    assert "dữ liệu lạ" in refused(data, "quy-che.docx")


def test_an_office_file_with_a_pdf_header_in_its_first_kilobyte_is_refused():
    # PDF readers look for the header anywhere in the first kilobyte: a first part stored uncompressed
    # can put it there while every byte still belongs to a part.
    data = zip_bytes({"customXml/a.xml": b"%PDF-1.7\n" + b"x" * 50, **DOCX_PARTS}, compression=zipfile.ZIP_STORED)
    assert "một tệp PDF" in refused(data, "quy-che.docx")


def test_an_encrypted_office_file_is_refused():
    data = bytearray(zip_bytes(DOCX_PARTS))
    for offset in (6, data.index(b"PK\x01\x02") + 8):  # set the "encrypted" flag in the local and central headers
        data[offset] |= 0x01
    assert "cấu trúc không hợp lệ" in refused(bytes(data), "quy-che.docx")


@settings(max_examples=60, deadline=None)
@given(
    extra=st.dictionaries(
        st.from_regex(r"word/media/[a-z]{1,8}\.(png|xml)", fullmatch=True), st.binary(max_size=300), max_size=4
    ),
    where=st.sampled_from(["none", "before", "between", "after"]),
    # no zip or PDF signature in the payload: those are refused for their own reasons (tested above)
    payload=st.binary(min_size=1, max_size=200).filter(lambda b: b"PK" not in b and b"%PDF-" not in b),
    seed=st.integers(0, 10),
)
def test_any_office_file_is_accepted_unless_something_is_hidden_outside_its_parts(extra, where, payload, seed):
    parts = {**DOCX_PARTS, **extra}
    if where == "none":
        assert accepted(zip_bytes(parts), "quy-che.docx") == "docx"
        return
    if where == "before":
        data = b"PK\x03\x04" + payload + zip_bytes(parts)
    elif where == "between":
        data = hidden_between_parts(parts, payload, after=seed % len(parts))
    else:
        data = zip_bytes(parts) + payload
    with pytest.raises(DomainError, match="dữ liệu lạ"):
        check_upload(io.BytesIO(data), name="quy-che.docx")
