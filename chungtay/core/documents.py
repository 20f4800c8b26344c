"""The evidence store: upload (checked by content), attach to anything, list, serve to authorised users."""

from __future__ import annotations

import datetime as dt
from typing import IO

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils.translation import gettext as _

from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.models import Document, DocumentKind, DocumentLink
from chungtay.core.text import nfc
from chungtay.core.uploads import DOCUMENT_KINDS, check_upload, safe_filename


@transaction.atomic
def document_upload(
    *,
    actor,
    unit,
    upload: IO[bytes],
    name: str,
    kind: str,
    title: str,
    number: str = "",
    issued_on: dt.date | None = None,
    issuer: str = "",
    attach_to: Model | None = None,
    allowed: frozenset[str] = DOCUMENT_KINDS,
) -> Document:
    if kind not in DocumentKind.values:
        raise DomainError(_("Loại tài liệu không hợp lệ."), field="kind")
    title = nfc(title)
    if not title:
        raise DomainError(_("Cần ghi trích yếu (tên) tài liệu."), field="title")
    checked = check_upload(upload, name=name, allowed=allowed)
    document = Document(
        unit=unit, kind=kind, title=title, number=nfc(number), issued_on=issued_on, issuer=nfc(issuer),
        original_name=name[:255], content_type=checked.content_type, size=checked.size, sha256=checked.sha256,
        uploaded_by=actor,
    )  # fmt: skip
    with as_actor(actor):
        try:
            document.file.save(safe_filename(name, checked.extension), ContentFile(checked.data), save=False)
        except OSError as exc:
            # Disk full or unwritable: nothing is recorded, so no row points at a missing or half file.
            raise DomainError(
                _(
                    "Không lưu được tệp “%(name)s”: máy chủ hết chỗ hoặc không ghi được (%(reason)s). "
                    "Chưa có gì được ghi; hãy báo quản trị hệ thống."
                )
                % {"name": name, "reason": exc.strerror or exc},
                field="file",
            ) from exc
        document.save()
        if attach_to is not None:
            document_attach(actor=actor, document=document, target=attach_to)
    return document


@transaction.atomic
def document_attach(*, actor, document: Document, target: Model) -> DocumentLink:
    ct = ContentType.objects.get_for_model(target)
    with as_actor(actor):
        link, _created = DocumentLink.objects.get_or_create(
            document=document, content_type=ct, object_id=target.pk, defaults={"created_by": actor}
        )
    return link


@transaction.atomic
def document_detach(*, actor, document: Document, target: Model) -> None:
    ct = ContentType.objects.get_for_model(target)
    with as_actor(actor):
        for link in DocumentLink.objects.filter(document=document, content_type=ct, object_id=target.pk):
            link.delete()


def documents_for(target: Model) -> QuerySet[Document]:
    ct = ContentType.objects.get_for_model(target)
    # "unit": templates ask whether the viewer may open each document ({% can %}).
    return Document.objects.filter(links__content_type=ct, links__object_id=target.pk).select_related(
        "uploaded_by", "unit"
    )


def documents_for_many(targets: list[Model]) -> dict[int, list[Document]]:
    """Documents of many objects of one model in one query (for list pages)."""
    if not targets:
        return {}
    ct = ContentType.objects.get_for_model(targets[0])
    links = DocumentLink.objects.filter(content_type=ct, object_id__in=[t.pk for t in targets]).select_related(
        "document__unit"  # templates ask whether the viewer may open each one ({% can %})
    )
    grouped: dict[int, list[Document]] = {}
    for link in links:
        grouped.setdefault(link.object_id, []).append(link.document)
    return grouped
