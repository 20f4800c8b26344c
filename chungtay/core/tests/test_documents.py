"""The evidence store accepts only real PDF/DOCX/XLSX/JPEG/PNG and serves them only to their subtree."""

import io
import zipfile

import pytest
from django.urls import reverse
from PIL import Image

from chungtay.core.documents import document_upload, documents_for
from chungtay.core.errors import DomainError
from chungtay.core.models import Document


def png_bytes(color="red", size=(40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def upload(people, tree, data: bytes, name: str, **extra):
    return document_upload(
        actor=people.commune_a_staff, unit=tree.commune_a, upload=io.BytesIO(data), name=name,
        kind=extra.pop("kind", "minutes"), title=extra.pop("title", "Biên bản hội nghị phát động"), **extra,
    )  # fmt: skip


def test_a_real_pdf_is_stored_with_its_hash_and_attached(people, tree):
    doc = upload(people, tree, b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF", "bien-ban.pdf", attach_to=tree.commune_a)
    assert doc.content_type == "application/pdf" and len(doc.sha256) == 64
    assert list(documents_for(tree.commune_a)) == [doc]


def test_a_docx_and_a_png_are_accepted(people, tree):
    assert upload(people, tree, docx_bytes(), "quy-che.docx").content_type.endswith("document")
    assert upload(people, tree, png_bytes(), "anh.png", kind="photo").is_image


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"<html><script>alert(1)</script></html>", "bien-ban.pdf", "không đúng định dạng"),
        (b"MZ\x90\x00 windows program", "anh.jpg", "không đúng định dạng"),
        (
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            "logo.png",
            "không đúng định dạng",
        ),
        (b"", "rong.pdf", "rỗng"),
        (b"\xff\xd8\xff\xe0 not really a jpeg", "anh.jpg", "bị hỏng"),
    ],
)
def test_bad_uploads_are_refused_with_a_vietnamese_reason_naming_the_file(people, tree, data, name, message):
    with pytest.raises(DomainError, match=message) as info:
        upload(people, tree, data, name)
    assert name in info.value.message
    assert Document.objects.count() == 0


def test_an_image_carrying_script_is_refused(people, tree):
    with pytest.raises(DomainError, match="HTML/JavaScript"):
        upload(people, tree, png_bytes() + b"<script>alert(1)</script>", "anh.png")


def test_an_oversized_file_is_refused(people, tree, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(DomainError, match="lớn hơn"):
        upload(people, tree, b"%PDF-1.4" + b"0" * 2048, "to.pdf")


def test_a_zip_bomb_dressed_as_docx_is_refused(people, tree):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("word/media/big.bin", b"\0" * (50 * 1024 * 1024))
    with pytest.raises(DomainError, match="giải nén quá lớn"):
        upload(people, tree, buffer.getvalue(), "bom.docx")


def test_documents_download_only_inside_the_subtree_and_never_inline_html(client, people, tree):
    doc = upload(people, tree, b"%PDF-1.7\n%%EOF", "bien-ban.pdf")
    url = reverse("core:document_download", args=[doc.pk])
    client.force_login(people.commune_b_staff)
    assert client.get(url).status_code == 404
    client.force_login(people.inspector)
    response = client.get(url + "?xem=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_an_uploaded_image_is_a_download_too_even_when_asked_to_be_shown(client, people, tree):
    doc = upload(people, tree, png_bytes(), "anh.png", kind="photo")
    client.force_login(people.area_board)  # area board of Khối phố 1 cannot see the commune's own documents
    assert client.get(reverse("core:document_download", args=[doc.pk])).status_code == 404
    client.force_login(people.commune_a_staff)
    response = client.get(reverse("core:document_download", args=[doc.pk]) + "?xem=1")
    assert response["Content-Disposition"].startswith("attachment") and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("content_type", ["application/pdf", "text/html", "image/svg+xml", "image/png"])
def test_serve_gives_a_download_with_nosniff_unless_asked_for_an_inline_jpeg_or_png(content_type):
    from django.core.files.base import ContentFile

    from chungtay.core.uploads import serve

    download = serve(ContentFile(b"x"), filename="f", content_type=content_type)
    shown = serve(ContentFile(b"x"), filename="f", content_type=content_type, inline=True)
    assert download["Content-Disposition"].startswith("attachment")
    expected = "inline" if content_type == "image/png" else "attachment"
    assert shown["Content-Disposition"].startswith(expected)
    for response in (download, shown):
        assert response["X-Content-Type-Options"] == "nosniff" and "sandbox" in response["Content-Security-Policy"]
