"""The movement itself: create, edit, legal bases, launch, lifecycle, copy for next year."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any, overload

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.documents import document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import Document, DocumentKind
from chungtay.core.text import nfc
from chungtay.orgunits.models import OrgUnit
from chungtay.orgunits.selectors import active_on

from ..models import (
    TRANSITIONS,
    CriteriaSet,
    Criterion,
    LegalReference,
    Milestone,
    Movement,
    MovementStatus,
)
from .base import _now
from .criteria import _copy_tree, latest_set
from .participation import obligations_generate, participants_add


# --- The movement --------------------------------------------------------------------------------
def _check_movement_fields(
    *, issuing_unit: OrgUnit, symbol: str, title: str, starts_on: dt.date, ends_on: dt.date,
    review_month: dt.date, registration_deadline: dt.date | None, exclude_pk: int | None = None,
) -> None:  # fmt: skip
    if not symbol:
        raise DomainError(_("Cần ghi số, ký hiệu kế hoạch (ví dụ 199/KH-MTTQ-BTT)."), field="symbol")
    if not title:
        raise DomainError(_("Cần ghi tên phong trào."), field="title")
    if ends_on < starts_on:
        raise DomainError(_("Ngày kết thúc phải sau ngày bắt đầu triển khai."), field="ends_on")
    if review_month < starts_on.replace(day=1):
        raise DomainError(_("Tháng tổng kết phải sau khi bắt đầu triển khai."), field="review_month")
    if registration_deadline and not (starts_on <= registration_deadline <= ends_on):
        raise DomainError(_("Hạn đăng ký phải nằm trong thời gian triển khai."), field="registration_deadline")
    clash = Movement.objects.filter(issuing_unit=issuing_unit, symbol=symbol)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(
            _("%(issuing_unit)s đã có kế hoạch số %(symbol)s.")
            % {"issuing_unit": issuing_unit.title, "symbol": symbol},
            field="symbol",
        )


@transaction.atomic
def movement_create(
    *,
    actor: Any,
    issuing_unit: OrgUnit,
    symbol: str,
    issued_on: dt.date,
    title: str,
    starts_on: dt.date,
    ends_on: dt.date,
    review_month: dt.date,
    theme: str = "",
    purposes: str = "",
    requirements: str = "",
    content: str = "",
    registration_deadline: dt.date | None = None,
    signer: str = "",
) -> Movement:
    check_actor(actor, "movement.manage", issuing_unit)
    symbol, title = nfc(symbol), nfc(title)
    review_month = review_month.replace(day=1)
    _check_movement_fields(
        issuing_unit=issuing_unit, symbol=symbol, title=title, starts_on=starts_on, ends_on=ends_on,
        review_month=review_month, registration_deadline=registration_deadline,
    )  # fmt: skip
    with as_actor(actor):
        return Movement.objects.create(
            issuing_unit=issuing_unit, symbol=symbol, issued_on=issued_on, title=title, theme=theme.strip(),
            purposes=purposes.strip(), requirements=requirements.strip(), content=content.strip(),
            starts_on=starts_on, ends_on=ends_on, review_month=review_month,
            registration_deadline=registration_deadline, signer=nfc(signer), created_by=actor,
        )  # fmt: skip


@transaction.atomic
def movement_update(*, actor: Any, movement: Movement, **fields: Any) -> Movement:
    check_actor(actor, "movement.manage", movement.issuing_unit)
    if movement.status == MovementStatus.CLOSED:
        raise DomainError(_("Phong trào đã kết thúc, không sửa được nữa."))
    for name in ("symbol", "title", "signer"):
        if name in fields:
            fields[name] = nfc(fields[name])
    for name in ("theme", "purposes", "requirements", "content"):
        if name in fields:
            fields[name] = (fields[name] or "").strip()
    if "review_month" in fields:
        fields["review_month"] = fields["review_month"].replace(day=1)
    merged = {f: fields.get(f, getattr(movement, f)) for f in (
        "symbol", "title", "starts_on", "ends_on", "review_month", "registration_deadline",
    )}  # fmt: skip
    _check_movement_fields(issuing_unit=movement.issuing_unit, exclude_pk=movement.pk, **merged)
    for name, value in fields.items():
        setattr(movement, name, value)
    with as_actor(actor):
        movement.save()
    return movement


@transaction.atomic
def movement_attach_plan(*, actor: Any, movement: Movement, upload: IO[bytes], name: str, title: str = "") -> Document:
    """The signed plan (scan or file) as the movement's own document."""
    check_actor(actor, "movement.manage", movement.issuing_unit)
    document = document_upload(
        actor=actor, unit=movement.issuing_unit, upload=upload, name=name, kind=DocumentKind.PLAN,
        title=title or f"Kế hoạch {movement.title}", number=movement.symbol, issued_on=movement.issued_on,
        issuer=f"Ban Thường trực {movement.issuing_unit.committee_title}", attach_to=movement,
    )  # fmt: skip
    movement.plan_document = document
    with as_actor(actor):
        movement.save(update_fields=["plan_document"])
    return document


@transaction.atomic
def legal_reference_add(
    *, actor: Any, movement: Movement, kind: str, number: str, issued_on: dt.date | None, issuer: str, summary: str
) -> LegalReference:
    check_actor(actor, "movement.manage", movement.issuing_unit)
    summary = nfc(summary)
    if not summary:
        raise DomainError(_("Cần ghi trích yếu văn bản căn cứ."), field="summary")
    number = nfc(number)
    if number and movement.legal_references.filter(number=number, kind=kind).exists():
        raise DomainError(_("Văn bản số %(number)s đã có trong danh sách căn cứ.") % {"number": number}, field="number")
    order = (movement.legal_references.aggregate(m=Max("order"))["m"] or 0) + 1
    with as_actor(actor):
        return LegalReference.objects.create(
            movement=movement, kind=kind, number=number, issued_on=issued_on, issuer=nfc(issuer), summary=summary,
            order=order,
        )  # fmt: skip


@transaction.atomic
def legal_reference_remove(*, actor: Any, reference: LegalReference) -> None:
    check_actor(actor, "movement.manage", reference.movement.issuing_unit)
    with as_actor(actor):
        reference.delete()


@transaction.atomic
def movement_launch(*, actor: Any, movement: Movement) -> int:
    """Draft → launched: freezes every criteria set and creates each participant's obligations."""
    check_actor(actor, "movement.manage", movement.issuing_unit)
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    if movement.status != MovementStatus.DRAFT:
        raise DomainError(_("Chỉ phát động được phong trào đang ở trạng thái dự thảo."))
    if not movement.participations.exists():
        raise DomainError(_("Chưa có đơn vị tham gia: thêm đối tượng thi đua trước khi phát động."))
    if not Criterion.objects.filter(criteria_set__movement=movement).exists():
        raise DomainError(_("Chưa có tiêu chí thi đua nào: xây dựng bộ tiêu chí trước khi phát động."))
    if not movement.milestones.exists():
        raise DomainError(_("Chưa có mốc thời gian nào: thêm các việc phải làm trước khi phát động."))
    now = _now()
    with as_actor(actor):
        for criteria_set in CriteriaSet.objects.filter(movement=movement, frozen_at__isnull=True):
            criteria_set.frozen_at = now
            criteria_set.save(update_fields=["frozen_at"])
        movement.status = MovementStatus.LAUNCHED
        movement.launched_at = now
        movement.save(update_fields=["status", "launched_at"])
    return obligations_generate(movement=movement)


@transaction.atomic
def movement_transition(*, actor: Any, movement: Movement, to: str) -> Movement:
    check_actor(actor, "movement.manage", movement.issuing_unit)
    if to == MovementStatus.LAUNCHED:
        movement_launch(actor=actor, movement=movement)
        movement.refresh_from_db()
        return movement
    if to not in TRANSITIONS.get(movement.status, ()):
        raise DomainError(
            _("Không thể chuyển từ “%(status)s” sang “%(target)s”.")
            % {
                "status": MovementStatus(movement.status).label,
                "target": MovementStatus(to).label if to in MovementStatus.values else to,
            },
            field="status",
        )
    movement.status = to
    with as_actor(actor):
        movement.save(update_fields=["status"])
    return movement


@overload
def _shift_year(day: dt.date, years: int) -> dt.date: ...
@overload
def _shift_year(day: None, years: int) -> None: ...
@overload
def _shift_year(day: dt.date | None, years: int) -> dt.date | None: ...
def _shift_year(day: dt.date | None, years: int) -> dt.date | None:
    if day is None:
        return None
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


@transaction.atomic
def movement_copy(*, actor: Any, movement: Movement, symbol: str, issued_on: dt.date, years: int = 1) -> Movement:
    """Next year's movement from this one: texts, legal bases, participants, current criteria, milestones.

    Activities, registrations, contests and good models belong to the year they happened in.
    """
    check_actor(actor, "movement.manage", movement.issuing_unit)
    copy = movement_create(
        actor=actor, issuing_unit=movement.issuing_unit, symbol=symbol, issued_on=issued_on,
        title=movement.title.replace(str(movement.starts_on.year), str(movement.starts_on.year + years)),
        starts_on=_shift_year(movement.starts_on, years), ends_on=_shift_year(movement.ends_on, years),
        review_month=_shift_year(movement.review_month, years),
        theme=movement.theme, purposes=movement.purposes, requirements=movement.requirements,
        content=movement.content, registration_deadline=_shift_year(movement.registration_deadline, years),
        signer=movement.signer,
    )  # fmt: skip
    with as_actor(actor):
        copy.copied_from = movement
        copy.save(update_fields=["copied_from"])
        for ref in movement.legal_references.all():
            LegalReference.objects.create(
                movement=copy, kind=ref.kind, number=ref.number, issued_on=ref.issued_on, issuer=ref.issuer,
                summary=ref.summary, order=ref.order,
            )  # fmt: skip
        for level in movement.criteria_sets.values_list("level", flat=True).distinct():
            source = latest_set(movement, level)
            if source is not None:
                target = CriteriaSet.objects.create(movement=copy, level=level, version=1)
                _copy_tree(source, target)
        for ms in movement.milestones.all():
            Milestone.objects.create(
                movement=copy, kind=ms.kind, title=ms.title, level=ms.level, due_on=_shift_year(ms.due_on, years),
                recurrence=ms.recurrence, until=_shift_year(ms.until, years),
            )  # fmt: skip
    # Units closed by a reorganisation before next year's start do not carry over.
    still_valid = active_on(OrgUnit.objects.filter(participations__movement=movement), copy.starts_on)
    participants_add(actor=actor, movement=copy, units=list(still_valid.order_by("path")))
    return copy
