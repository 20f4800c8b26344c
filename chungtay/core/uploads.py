"""Uploaded files: checked by content (never by extension), size-limited, hashed, served safely.

Only PDF, DOCX, XLSX, JPEG and PNG are accepted. Office files are zip containers: they are opened
and their uncompressed size bounded, so a zip bomb is refused before anything reads it.

A file can be valid as its own kind and also be another kind (a "polyglot"): a photo that a zip
tool opens as an archive or a PDF reader as a PDF, a PDF that runs JavaScript or carries attached
files, a Word or Excel file with macros or with bytes hidden before, between or after its parts.
These are refused with the reason: whoever opens the download with the other program would get
what these checks never saw.

Files are served only through views that check access, as downloads (only images the server
re-encoded itself may be shown inline), with `nosniff` and a sandboxing CSP so that nothing
uploaded can run as a page.
"""

from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungtay.core.errors import DomainError

KINDS: dict[str, tuple[str, str]] = {
    "pdf": ("application/pdf", ".pdf"),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
    "jpeg": ("image/jpeg", ".jpg"),
    "png": ("image/png", ".png"),
}
DOCUMENT_KINDS = frozenset(KINDS)
IMAGE_KINDS = frozenset({"jpeg", "png"})
MAX_UNZIPPED = 200 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed; real Office files are far below this
# Text that makes a file dangerous if a browser ever sniffs it as HTML or SVG. A bare "<svg" is
# too short: one photo in a hundred carries those four bytes somewhere in its compressed pixels.
_ACTIVE_MARKERS = re.compile(rb"<script|<html|<svg[\s/>:]|<!doctype html|javascript:", re.IGNORECASE)
# Signatures other programs look for anywhere in a file; none has a place in a photo or a PDF.
_FOREIGN_SIGNATURES = (
    (b"%PDF-", gettext_lazy("một tệp PDF")),
    (b"Rar!\x1a\x07", gettext_lazy("một tệp nén RAR")),
    (b"7z\xbc\xaf\x27\x1c", gettext_lazy("một tệp nén 7z")),
)
# PDF readers look for the header anywhere in the first kilobyte.
_PDF_HEADER_WINDOW = 1024
# PDF names that run code or carry other files. "/JS" alone is too short to look for in binary
# streams, but every JavaScript action also names its type "/JavaScript".
_PDF_ACTIVE_NAMES = {
    b"JavaScript": gettext_lazy("mã JavaScript"),
    b"Launch": gettext_lazy("lệnh mở chương trình khác (/Launch)"),
    b"EmbeddedFile": gettext_lazy("tệp đính kèm giấu bên trong"),
    b"EmbeddedFiles": gettext_lazy("tệp đính kèm giấu bên trong"),
    b"RichMedia": gettext_lazy("nội dung đa phương tiện có thể chạy mã (/RichMedia)"),
}
_PDF_NAME = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")  # "/J#61vaScript" is "/JavaScript"
_PDF_STREAM = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
# Parts of an Office file that hold macros (VBA, Excel 4.0 macro sheets) or ActiveX controls.
_OFFICE_ACTIVE_PARTS = re.compile(
    r"(^|/)(vbaProject\.bin|vbaProjectSignature\.bin|vbaData\.xml)$|(^|/)(macrosheets|activeX)/", re.IGNORECASE
)


@dataclass(frozen=True)
class CheckedUpload:
    kind: str
    content_type: str
    extension: str
    size: int
    sha256: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """The real kind of a file from its first bytes and, for zips, its parts."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
    return None


def _polyglot(name: str, label: str, what: str) -> DomainError:
    return DomainError(
        _(
            "%(label)s “%(name)s” có giấu %(what)s bên trong (tệp lồng hai định dạng), không nhận. Hãy "
            "mở tệp gốc và lưu hoặc xuất lại rồi tải lên."
        )
        % {"label": label, "name": name, "what": what},
        field="file",
    )


def _opens_as_zip(data: bytes) -> bool:
    """Whether a zip tool would open this and find something in it (it reads from the end)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return bool(archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError):
        return False


def _refuse_foreign_formats(data: bytes, name: str, label: str, *, skip: bytes = b"") -> None:
    for signature, what in _FOREIGN_SIGNATURES:
        if signature != skip and signature in data:
            raise _polyglot(name, label, str(what))
    if _opens_as_zip(data):
        raise _polyglot(name, label, _("một tệp nén ZIP"))


def _check_office(data: bytes, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > MAX_UNZIPPED or total > MAX_RATIO * max(len(data), 1):
            raise DomainError(
                _("Tệp “%(name)s” giải nén quá lớn (nghi là tệp nén độc hại), không nhận.") % {"name": name},
                field="file",
            )
        if any(info.filename.startswith("/") or ".." in info.filename.split("/") for info in infos):
            raise DomainError(_("Tệp “%(name)s” có cấu trúc không hợp lệ.") % {"name": name}, field="file")
        try:
            content_types = archive.read("[Content_Types].xml").lower()
        except (
            zipfile.BadZipFile,
            RuntimeError,
            NotImplementedError,
            EOFError,
            zlib.error,
        ) as exc:  # encrypted, broken
            raise DomainError(_("Tệp “%(name)s” có cấu trúc không hợp lệ.") % {"name": name}, field="file") from exc
        if any(_OFFICE_ACTIVE_PARTS.search(info.filename) for info in infos) or (
            b"macroenabled" in content_types or b"vbaproject" in content_types
        ):
            raise DomainError(
                _(
                    "Tệp “%(name)s” có chứa macro (mã VBA) hoặc điều khiển ActiveX, không nhận. Hãy lưu lại "
                    "thành tệp .docx hoặc .xlsx thường (không có macro) rồi tải lên."
                )
                % {"name": name},
                field="file",
            )
        if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
            raise _polyglot(name, _("Tệp"), _("một tệp PDF"))
        if _zip_has_slack(data, archive):
            raise DomainError(
                _(
                    "Tệp “%(name)s” có dữ liệu lạ nằm ngoài các phần của tài liệu (nghi là tệp lồng hai định "
                    "dạng), không nhận. Hãy mở bằng Word hoặc Excel, lưu lại rồi tải lên."
                )
                % {"name": name},
                field="file",
            )


def _zip_has_slack(data: bytes, archive: zipfile.ZipFile) -> bool:
    """Whether some bytes belong to no part: a payload hidden before, between or after the parts.

    Word, Excel and LibreOffice write the parts back to back, then the central directory, then the
    end record without a comment; anything else is room for another file's bytes.
    """
    infos = sorted(archive.infolist(), key=lambda info: info.header_offset)
    position = 0
    for index, info in enumerate(infos):
        header = data[position : position + 30]
        if info.header_offset != position or len(header) < 30 or not header.startswith(b"PK\x03\x04"):
            return True
        name_length, extra_length = struct.unpack("<HH", header[26:30])
        position += 30 + name_length + extra_length + info.compress_size
        if info.flag_bits & 0x08:  # sizes follow the data in a descriptor (12 to 24 bytes)
            following = infos[index + 1].header_offset if index + 1 < len(infos) else archive.start_dir
            if following - position not in (12, 16, 20, 24):
                return True
            position = following
    if position != archive.start_dir or data[-22:-18] != b"PK\x05\x06" or data[-2:] != b"\0\0":
        return True
    (directory_size,) = struct.unpack("<I", data[-10:-6])
    between = data[archive.start_dir + directory_size : -22]  # nothing, or the zip64 end record and locator
    if not between:
        return False
    if not between.startswith(b"PK\x06\x06") or len(between) < 32:
        return True
    (record_size,) = struct.unpack("<Q", between[4:12])
    return len(between) != 12 + record_size + 20 or not between[-20:].startswith(b"PK\x06\x07")


def _check_image(data: bytes, name: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # Pillow raises many types for broken images
        raise DomainError(_("Ảnh “%(name)s” bị hỏng hoặc không phải ảnh thật.") % {"name": name}, field="file") from exc
    if _ACTIVE_MARKERS.search(data):
        raise DomainError(_("Ảnh “%(name)s” có chứa mã HTML/JavaScript, không nhận.") % {"name": name}, field="file")
    _refuse_foreign_formats(data, name, _("Ảnh"))


def _pdf_name(raw: bytes) -> bytes:
    return _PDF_NAME_ESCAPE.sub(lambda m: bytes([int(m[1], 16)]), raw) if b"#" in raw else raw


def _pdf_names(text: bytes) -> set[bytes]:
    return {_pdf_name(match[1]) for match in _PDF_NAME.finditer(text)}


def _pdf_object_streams(data: bytes, name: str) -> Iterator[bytes]:
    """The inflated content of every object stream: PDF 1.5 packs dictionaries into compressed streams."""
    budget = MAX_UNZIPPED
    unreadable = DomainError(
        _(
            "Tệp PDF “%(name)s” có phần nén không đọc được để kiểm tra, không nhận. Hãy in lại thành "
            "PDF (chọn “In ra PDF”) rồi tải lên."
        )
        % {"name": name},
        field="file",
    )
    for match in _PDF_NAME.finditer(data):
        if _pdf_name(match[1]) != b"ObjStm":
            continue
        start = _PDF_STREAM.search(data, match.end())
        if start is None:
            continue
        end = data.find(b"endstream", start.end())
        try:
            content = zlib.decompressobj().decompress(data[start.end() : end if end >= 0 else len(data)], budget + 1)
        except zlib.error as exc:
            raise unreadable from exc
        if len(content) > budget:
            raise DomainError(
                _("Tệp “%(name)s” giải nén quá lớn (nghi là tệp nén độc hại), không nhận.") % {"name": name},
                field="file",
            )
        # An object stream starts with pairs of numbers; anything else is a filter we did not undo.
        if not content.lstrip()[:1].isdigit():
            raise unreadable
        budget -= len(content)
        yield content


def _check_pdf(data: bytes, name: str) -> None:
    _refuse_foreign_formats(data, name, _("Tệp PDF"), skip=b"%PDF-")
    found = _pdf_names(data)
    for content in _pdf_object_streams(data, name):
        packed = _pdf_names(content)
        if b"JS" in packed:  # safe to look for here: an object stream holds only dictionaries, no binary
            packed.add(b"JavaScript")
        found |= packed
    for key, what in _PDF_ACTIVE_NAMES.items():
        if key in found:
            raise DomainError(
                _(
                    "Tệp PDF “%(name)s” có chứa %(what)s, không nhận. Hãy in lại thành PDF (chọn “In ra PDF”) "
                    "rồi tải lên."
                )
                % {"name": name, "what": what},
                field="file",
            )


def check_upload(
    upload: IO[bytes], *, name: str, allowed: frozenset[str] = DOCUMENT_KINDS, max_bytes: int | None = None
) -> CheckedUpload:
    """Read, identify and vet an upload; raise DomainError (Vietnamese, naming the file) if it is refused."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(
            _("Tệp “%(name)s” lớn hơn %(megabytes)s MB, không nhận.")
            % {"name": name, "megabytes": limit // (1024 * 1024)},
            field="file",
        )
    if not data:
        raise DomainError(_("Tệp “%(name)s” rỗng.") % {"name": name}, field="file")
    kind = sniff(data)
    if kind is None or kind not in allowed:
        accepted = ", ".join(sorted(k.upper() for k in allowed))
        raise DomainError(
            _(
                "Tệp “%(name)s” không đúng định dạng cho phép (%(accepted)s); hệ thống kiểm tra nội dung "
                "tệp, không dựa vào phần đuôi tên."
            )
            % {"name": name, "accepted": accepted},
            field="file",
        )
    if kind in {"docx", "xlsx"}:
        _check_office(data, name)
    elif kind in IMAGE_KINDS:
        _check_image(data, name)
    else:
        _check_pdf(data, name)
    content_type, extension = KINDS[kind]
    return CheckedUpload(kind, content_type, extension, len(data), hashlib.sha256(data).hexdigest(), data)


def safe_filename(name: str, extension: str) -> str:
    """Keep the person's file name readable but make its extension the real one."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " -_()")[:80].strip() or "tep"
    return stem + extension


def serve(file_field, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:
    """Stream a stored file as a download.

    `inline=True` is only for images the server re-encoded itself (housing photos): their bytes are
    pixels Pillow wrote, nothing an uploader chose. An uploaded file, image or not, is always a download.
    """
    as_inline = inline and content_type in {KINDS["jpeg"][0], KINDS["png"][0]}
    response = FileResponse(
        file_field.open("rb"), as_attachment=not as_inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response
