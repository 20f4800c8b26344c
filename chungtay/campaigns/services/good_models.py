"""Good models: proposed by a unit, recognised by the standing board, replicated by others."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.db import transaction
from django.utils.translation import gettext as _

from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.documents import document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import Document, DocumentKind
from chungtay.core.text import nfc
from chungtay.core.uploads import IMAGE_KINDS
from chungtay.orgunits.models import OrgUnit

from ..models import (
    GoodModel,
    GoodModelStatus,
    Participation,
    Replication,
)
from .base import _now
from .participation import _require_running


# --- Good models ---------------------------------------------------------------------------------
@transaction.atomic
def good_model_propose(
    *,
    actor: Any,
    participation: Participation,
    title: str,
    field: str,
    description: str,
    photo: IO[bytes] | None = None,
    photo_name: str = "",
) -> GoodModel:
    check_actor(actor, "movement.participate", participation.unit)
    _require_running(participation.movement)
    title, description = nfc(title), description.strip()
    if not title:
        raise DomainError(_("Cần ghi tên mô hình, cách làm."), field="title")
    if not description:
        raise DomainError(_("Cần mô tả mô hình và hiệu quả đạt được."), field="description")
    with as_actor(actor):
        model = GoodModel.objects.create(
            movement=participation.movement, unit=participation.unit, title=title, field=field,
            description=description, proposed_by=actor,
        )  # fmt: skip
    if photo is not None:
        good_model_add_photo(actor=actor, good_model=model, upload=photo, name=photo_name)
    return model


@transaction.atomic
def good_model_add_photo(
    *, actor: Any, good_model: GoodModel, upload: IO[bytes], name: str, title: str = ""
) -> Document:
    check_actor(actor, "movement.participate", good_model.unit)
    return document_upload(
        actor=actor, unit=good_model.unit, upload=upload, name=name, kind=DocumentKind.PHOTO,
        title=title or f"Hình ảnh: {good_model.title}", attach_to=good_model, allowed=IMAGE_KINDS,
    )  # fmt: skip


@transaction.atomic
def good_model_decide(*, actor: Any, good_model: GoodModel, recognise: bool, note: str = "") -> GoodModel:
    check_actor(actor, "movement.approve", good_model.unit)
    if good_model.status != GoodModelStatus.PROPOSED:
        raise DomainError(_("Mô hình này đã được xem xét."))
    if not recognise and not note.strip():
        raise DomainError(_("Cần ghi ý kiến khi chưa công nhận."), field="note")
    good_model.status = GoodModelStatus.RECOGNISED if recognise else GoodModelStatus.REJECTED
    good_model.decided_by, good_model.decided_at, good_model.decision_note = actor, _now(), nfc(note)
    with as_actor(actor):
        good_model.save()
    return good_model


@transaction.atomic
def good_model_replicate(
    *, actor: Any, good_model: GoodModel, unit: OrgUnit, since: dt.date, note: str = ""
) -> Replication:
    check_actor(actor, "movement.participate", unit)
    if good_model.status != GoodModelStatus.RECOGNISED:
        raise DomainError(_("Chỉ nhân rộng mô hình đã được công nhận."))
    if unit.pk == good_model.unit_id:
        raise DomainError(_("Đơn vị đề xuất mô hình không cần ghi nhận nhân rộng."), field="unit")
    if not good_model.movement.participations.filter(unit=unit).exists():
        raise DomainError(_("%(unit)s không tham gia phong trào này.") % {"unit": unit.title}, field="unit")
    if good_model.replications.filter(unit=unit).exists():
        raise DomainError(_("%(unit)s đã ghi nhận nhân rộng mô hình này.") % {"unit": unit.title}, field="unit")
    with as_actor(actor):
        return Replication.objects.create(
            good_model=good_model, unit=unit, since=since, note=nfc(note), created_by=actor
        )
