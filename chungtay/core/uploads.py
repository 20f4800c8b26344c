"""Uploaded files: checked by content (never by extension), size-limited, hashed, served safely.

Only PDF, DOCX, XLSX, JPEG and PNG are accepted. Office files are zip containers: they are opened
and their uncompressed size bounded, so a zip bomb is refused before anything reads it. Files are
served only through views that check access, as downloads (images may be shown inline), with
`nosniff` and a sandboxing CSP so that nothing uploaded can run as a page.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.http import FileResponse

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
# Text that makes a file dangerous if a browser ever sniffs it as HTML or SVG.
_ACTIVE_MARKERS = (b"<script", b"<html", b"<svg", b"<!doctype html", b"javascript:")


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


def _check_zip(data: bytes, name: str) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        total = sum(info.file_size for info in archive.infolist())
        if total > MAX_UNZIPPED or total > MAX_RATIO * max(len(data), 1):
            raise DomainError(f"Tệp “{name}” giải nén quá lớn (nghi là tệp nén độc hại), không nhận.", field="file")
        if any(info.filename.startswith("/") or ".." in info.filename.split("/") for info in archive.infolist()):
            raise DomainError(f"Tệp “{name}” có cấu trúc không hợp lệ.", field="file")


def _check_image(data: bytes, name: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
    except Exception as exc:  # Pillow raises many types for broken images
        raise DomainError(f"Ảnh “{name}” bị hỏng hoặc không phải ảnh thật.", field="file") from exc
    lowered = data.lower()
    if any(marker in lowered for marker in _ACTIVE_MARKERS):
        raise DomainError(f"Ảnh “{name}” có chứa mã HTML/JavaScript, không nhận.", field="file")


def check_upload(
    upload: IO[bytes], *, name: str, allowed: frozenset[str] = DOCUMENT_KINDS, max_bytes: int | None = None
) -> CheckedUpload:
    """Read, identify and vet an upload; raise DomainError (Vietnamese, naming the file) if it is refused."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise DomainError(f"Tệp “{name}” lớn hơn {limit // (1024 * 1024)} MB, không nhận.", field="file")
    if not data:
        raise DomainError(f"Tệp “{name}” rỗng.", field="file")
    kind = sniff(data)
    if kind is None or kind not in allowed:
        accepted = ", ".join(sorted(k.upper() for k in allowed))
        raise DomainError(
            f"Tệp “{name}” không đúng định dạng cho phép ({accepted}); hệ thống kiểm tra nội dung tệp, "
            "không dựa vào phần đuôi tên.",
            field="file",
        )
    if kind in {"docx", "xlsx"}:
        _check_zip(data, name)
    if kind in IMAGE_KINDS:
        _check_image(data, name)
    content_type, extension = KINDS[kind]
    return CheckedUpload(kind, content_type, extension, len(data), hashlib.sha256(data).hexdigest(), data)


def safe_filename(name: str, extension: str) -> str:
    """Keep the person's file name readable but make its extension the real one."""
    stem = name.rsplit("/", 1)[-1].rsplit("\\", 1)[-1]
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = "".join(ch for ch in stem if ch.isalnum() or ch in " -_()")[:80].strip() or "tep"
    return stem + extension


def serve(file_field, *, filename: str, content_type: str, inline: bool = False) -> FileResponse:  # type: ignore[no-untyped-def]
    """Stream a stored file; only images may be inline, everything else is a download."""
    as_inline = inline and content_type in {KINDS["jpeg"][0], KINDS["png"][0]}
    response = FileResponse(
        file_field.open("rb"), as_attachment=not as_inline, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    response["Cache-Control"] = "private, max-age=0, no-store"
    return response
