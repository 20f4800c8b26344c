"""Participants, milestones, obligations, and what units record: registration, plans, reports, activities."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.documents import document_attach, document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import Document, DocumentKind
from chungtay.core.text import nfc
from chungtay.orgunits.models import MemberOrganisation, OrgUnit
from chungtay.orgunits.selectors import active_on

from ..models import (
    Activity,
    ActivityKind,
    Criterion,
    Milestone,
    MilestoneKind,
    Movement,
    MovementStatus,
    Obligation,
    Participation,
    Recurrence,
)
from .base import PARTICIPANT_LEVELS, RUNNING, _now


# --- Participants and obligations ----------------------------------------------------------------
@transaction.atomic
def participants_add(*, actor: Any, movement: Movement, units: list[OrgUnit]) -> int:
    """Add units (idempotent). They must lie in the issuing unit's subtree; after launch they get obligations."""
    check_actor(actor, "movement.manage", movement.issuing_unit)
    if movement.status in (MovementStatus.EVALUATING, MovementStatus.CLOSED):
        raise DomainError(_("Phong trào đã sang giai đoạn bình xét, không thêm đơn vị được nữa."))
    existing = set(movement.participations.values_list("unit_id", flat=True))
    created = 0
    with as_actor(actor):
        for unit in units:
            if not unit.path.startswith(movement.issuing_unit.path):
                raise DomainError(
                    _("%(unit)s không thuộc %(issuing_unit)s.")
                    % {"unit": unit.title, "issuing_unit": movement.issuing_unit.title},
                    field="units",
                )
            if unit.level not in PARTICIPANT_LEVELS:
                raise DomainError(
                    _("%(unit)s: chỉ cấp huyện, xã và khu dân cư tham gia được.") % {"unit": unit.title}, field="units"
                )
            if unit.pk in existing:
                continue
            Participation.objects.create(movement=movement, unit=unit, level=unit.level)
            existing.add(unit.pk)
            created += 1
    if created and movement.status in RUNNING:
        obligations_generate(movement=movement)
    return created


@transaction.atomic
def participants_add_level(*, actor: Any, movement: Movement, level: int) -> int:
    check_actor(actor, "movement.manage", movement.issuing_unit)
    if level not in PARTICIPANT_LEVELS:
        raise DomainError(_("Cấp không hợp lệ."), field="level")
    day = movement.starts_on
    units = active_on(OrgUnit.objects.filter(path__startswith=movement.issuing_unit.path, level=level), day)
    return participants_add(actor=actor, movement=movement, units=list(units.order_by("path")))


@transaction.atomic
def participant_remove(*, actor: Any, participation: Participation) -> None:
    check_actor(actor, "movement.manage", participation.movement.issuing_unit)
    if participation.registered_at:
        raise DomainError(
            _("%(unit)s đã đăng ký thi đua, không bỏ khỏi danh sách được.") % {"unit": participation.unit.title}
        )
    with as_actor(actor):
        Obligation.objects.filter(
            milestone__movement=participation.movement, unit=participation.unit, fulfilled_at__isnull=True
        ).delete()
        participation.delete()


@transaction.atomic
def milestone_add(
    *,
    actor: Any,
    movement: Movement,
    kind: str,
    level: int,
    due_on: dt.date,
    title: str = "",
    recurrence: str = Recurrence.ONCE,
    until: dt.date | None = None,
) -> Milestone:
    check_actor(actor, "movement.manage", movement.issuing_unit)
    if kind not in MilestoneKind.values:
        raise DomainError(_("Loại việc không hợp lệ."), field="kind")
    if level not in PARTICIPANT_LEVELS:
        raise DomainError(_("Cấp áp dụng không hợp lệ."), field="level")
    if recurrence != Recurrence.ONCE and until is None:
        raise DomainError(_("Việc lặp lại cần ngày lặp đến."), field="until")
    if until and until < due_on:
        raise DomainError(_("Ngày lặp đến phải sau hạn lần đầu."), field="until")
    if due_on < movement.issued_on:
        raise DomainError(_("Hạn phải sau ngày ban hành kế hoạch."), field="due_on")
    with as_actor(actor):
        milestone = Milestone.objects.create(
            movement=movement, kind=kind, level=level, due_on=due_on, title=nfc(title),
            recurrence=recurrence, until=until if recurrence != Recurrence.ONCE else None,
        )  # fmt: skip
    if movement.status in RUNNING:
        obligations_generate(movement=movement)
    return milestone


@transaction.atomic
def milestone_remove(*, actor: Any, milestone: Milestone) -> None:
    check_actor(actor, "movement.manage", milestone.movement.issuing_unit)
    if milestone.obligations.filter(fulfilled_at__isnull=False).exists():
        raise DomainError(_("Đã có đơn vị hoàn thành việc này; không xóa được mốc."))
    with as_actor(actor):
        milestone.delete()


@transaction.atomic
def obligations_generate(*, movement: Movement) -> int:
    """Every (milestone, participant of its level, due date) as an obligation. Idempotent.

    Rows are written in bulk (a town has ~1,000 of them): they are derived from the milestones,
    whose own changes are audited, so skipping per-row audit entries here loses nothing.
    """
    units_by_level: dict[int, list[int]] = {}
    for unit_id, level in movement.participations.values_list("unit_id", "level"):
        units_by_level.setdefault(level, []).append(unit_id)
    existing = set(
        Obligation.objects.filter(milestone__movement=movement).values_list("milestone_id", "unit_id", "due_on")
    )
    new = []
    for milestone in movement.milestones.all():
        for due in milestone.due_dates():
            for unit_id in units_by_level.get(milestone.level, []):
                if (milestone.pk, unit_id, due) not in existing:
                    new.append(Obligation(milestone=milestone, unit_id=unit_id, due_on=due))
    Obligation.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def obligation_fulfil(
    *,
    actor: Any,
    movement: Movement,
    unit: OrgUnit,
    kind: str,
    document: Document | None = None,
    activity: Activity | None = None,
    when: dt.datetime | None = None,
) -> Obligation | None:
    """Mark the earliest open obligation of this kind done (catching up on the oldest first)."""
    obligation = (
        Obligation.objects.select_for_update()
        .filter(milestone__movement=movement, milestone__kind=kind, unit=unit, fulfilled_at__isnull=True)
        .order_by("due_on", "pk")
        .first()
    )
    if obligation is None:
        return None
    obligation.fulfilled_at = when or _now()
    obligation.fulfilled_by = actor
    obligation.document = document
    obligation.activity = activity
    with as_actor(actor):
        obligation.save(update_fields=["fulfilled_at", "fulfilled_by", "document", "activity"])
    return obligation


@transaction.atomic
def obligation_excuse(*, actor: Any, obligation: Obligation, reason: str) -> Obligation:
    check_actor(actor, "movement.manage", obligation.milestone.movement.issuing_unit)
    reason = nfc(reason)
    if not reason:
        raise DomainError(_("Cần ghi lý do miễn."), field="reason")
    if obligation.fulfilled_at:
        raise DomainError(_("Việc này đã hoàn thành."))
    obligation.excused_reason = reason
    with as_actor(actor):
        obligation.save(update_fields=["excused_reason"])
    return obligation


def _require_running(movement: Movement) -> None:
    if movement.status not in RUNNING:
        raise DomainError(
            _("Phong trào đang ở trạng thái “%(status)s”: chỉ ghi nhận khi phong trào đã phát động và đang triển khai.")
            % {"status": MovementStatus(movement.status).label}
        )


@transaction.atomic
def participation_register(
    *, actor: Any, participation: Participation, commitments: str, individuals: str = "", now: dt.datetime | None = None
) -> Participation:
    """Đăng ký thi đua. A late registration is accepted and flagged (and its obligation counts as late):
    the Front wants every unit in the movement, and the office sees who was late."""
    check_actor(actor, "movement.participate", participation.unit)
    movement = participation.movement
    _require_running(movement)
    commitments = commitments.strip()
    if not commitments:
        raise DomainError(_("Cần ghi nội dung đăng ký, cam kết thi đua."), field="commitments")
    now = now or _now()
    first_time = participation.registered_at is None
    participation.commitments = commitments
    participation.individuals = individuals.strip()
    if first_time:
        participation.registered_at = now
        participation.registered_by = actor
        deadline = registration_deadline(participation)
        participation.registered_late = deadline is not None and timezone.localdate(now) > deadline
    with as_actor(actor):
        participation.save()
    if first_time:
        obligation_fulfil(
            actor=actor, movement=movement, unit=participation.unit, kind=MilestoneKind.REGISTRATION, when=now
        )
    return participation


def registration_deadline(participation: Participation) -> dt.date | None:
    milestone = participation.movement.milestones.filter(
        kind=MilestoneKind.REGISTRATION, level=participation.level
    ).first()
    return milestone.due_on if milestone else participation.movement.registration_deadline


@transaction.atomic
def own_plan_upload(
    *,
    actor: Any,
    participation: Participation,
    upload: IO[bytes],
    name: str,
    title: str,
    number: str = "",
    issued_on: dt.date | None = None,
) -> Document:
    check_actor(actor, "movement.participate", participation.unit)
    _require_running(participation.movement)
    unit = participation.unit
    document = document_upload(
        actor=actor, unit=unit, upload=upload, name=name, kind=DocumentKind.PLAN, title=title, number=number,
        issued_on=issued_on, issuer=f"Ban Thường trực {unit.committee_title}", attach_to=participation,
    )  # fmt: skip
    obligation_fulfil(
        actor=actor, movement=participation.movement, unit=unit, kind=MilestoneKind.OWN_PLAN, document=document
    )
    return document


REPORT_KINDS = (MilestoneKind.PROGRESS_REPORT, MilestoneKind.SELF_ASSESSMENT, MilestoneKind.FINAL_REVIEW)


@transaction.atomic
def report_submit(
    *,
    actor: Any,
    participation: Participation,
    kind: str,
    upload: IO[bytes],
    name: str,
    title: str,
    number: str = "",
    issued_on: dt.date | None = None,
) -> Obligation:
    """A periodic report, the self-assessment or the final review report: fulfils the oldest open one."""
    check_actor(actor, "movement.participate", participation.unit)
    _require_running(participation.movement)
    if kind not in REPORT_KINDS:
        raise DomainError(_("Loại báo cáo không hợp lệ."), field="kind")
    open_ = Obligation.objects.filter(
        milestone__movement=participation.movement, milestone__kind=kind, unit=participation.unit,
        fulfilled_at__isnull=True,
    )  # fmt: skip
    if not open_.exists():
        raise DomainError(
            _("Đơn vị không còn kỳ “%(kind)s” nào phải nộp.") % {"kind": MilestoneKind(kind).label}, field="kind"
        )
    document = document_upload(
        actor=actor, unit=participation.unit, upload=upload, name=name, kind=DocumentKind.REPORT, title=title,
        number=number, issued_on=issued_on, issuer=f"Ban Thường trực {participation.unit.committee_title}",
        attach_to=participation,
    )  # fmt: skip
    obligation = obligation_fulfil(
        actor=actor, movement=participation.movement, unit=participation.unit, kind=kind, document=document
    )
    assert obligation is not None
    return obligation


# Which obligation an activity of each kind fulfils when recorded.
ACTIVITY_FULFILS: dict[str, MilestoneKind] = {ActivityKind.LAUNCH_CONFERENCE: MilestoneKind.LAUNCH}


@transaction.atomic
def activity_record(
    *,
    actor: Any,
    participation: Participation,
    kind: str,
    title: str,
    held_on: dt.date,
    place: str = "",
    attendance: int | None = None,
    participants: str = "",
    level: str = "",
    training_kind: str = "",
    note: str = "",
    upload: IO[bytes] | None = None,
    file_name: str = "",
    document_kind: str = DocumentKind.MINUTES,
    document_title: str = "",
    document_number: str = "",
    criteria: list[Criterion] | None = None,
    member_org: MemberOrganisation | None = None,
) -> Activity:
    """Record an activity and, in the same transaction, its evidence file: a bad file saves nothing.
    `member_org`: the unit's member organisation that held it (its own activity in the movement)."""
    check_actor(actor, "movement.participate", participation.unit)
    movement = participation.movement
    _require_running(movement)
    if kind not in ActivityKind.values:
        raise DomainError(_("Loại hoạt động không hợp lệ."), field="kind")
    title = nfc(title)
    if not title:
        raise DomainError(_("Cần ghi tên hoạt động."), field="title")
    if held_on < movement.issued_on:
        raise DomainError(_("Ngày tổ chức phải sau ngày ban hành kế hoạch phong trào."), field="held_on")
    if held_on > timezone.localdate():
        raise DomainError(_("Chưa đến ngày này: chỉ ghi nhận hoạt động đã diễn ra."), field="held_on")
    if member_org is not None and member_org.unit_id != participation.unit_id:
        raise DomainError(
            _("%(member_org)s không phải tổ chức thành viên của %(unit)s.")
            % {"member_org": member_org.name, "unit": participation.unit.title},
            field="member_org",
        )
    if kind in (ActivityKind.TRAINING, ActivityKind.STUDY_TOUR) and not training_kind:
        raise DomainError(
            _("Chọn hình thức bồi dưỡng (hội nghị, tọa đàm, học tập kinh nghiệm…)."), field="training_kind"
        )
    with as_actor(actor):
        activity = Activity.objects.create(
            movement=movement, unit=participation.unit, kind=kind, title=title, held_on=held_on, place=nfc(place),
            attendance=attendance, participants=participants.strip(), level=level, training_kind=training_kind,
            note=note.strip(), member_org=member_org, created_by=actor,
        )  # fmt: skip
    document = None
    if upload is not None:
        document = activity_add_document(
            actor=actor, activity=activity, upload=upload, name=file_name, kind=document_kind,
            title=document_title or title, number=document_number, issued_on=held_on, criteria=criteria,
        )  # fmt: skip
    fulfils = ACTIVITY_FULFILS.get(kind)
    if fulfils:
        obligation_fulfil(
            actor=actor, movement=movement, unit=participation.unit, kind=fulfils, activity=activity, document=document
        )
    return activity


@transaction.atomic
def activity_add_document(
    *,
    actor: Any,
    activity: Activity,
    upload: IO[bytes],
    name: str,
    kind: str,
    title: str,
    number: str = "",
    issued_on: dt.date | None = None,
    criteria: list[Criterion] | None = None,
) -> Document:
    check_actor(actor, "movement.participate", activity.unit)
    document = document_upload(
        actor=actor, unit=activity.unit, upload=upload, name=name, kind=kind, title=title, number=number,
        issued_on=issued_on, issuer=activity.unit.committee_title, attach_to=activity,
    )  # fmt: skip
    for criterion in criteria or []:
        _check_criterion_of(activity.movement, criterion)
        document_attach(actor=actor, document=document, target=criterion)
    return document


def _check_criterion_of(movement: Movement, criterion: Criterion) -> None:
    if criterion.criteria_set.movement_id != movement.pk or criterion.is_group:
        raise DomainError(_("Tiêu chí không thuộc phong trào này."), field="criteria")


@transaction.atomic
def evidence_upload(
    *,
    actor: Any,
    participation: Participation,
    criterion: Criterion,
    upload: IO[bytes],
    name: str,
    kind: str,
    title: str,
    number: str = "",
    issued_on: dt.date | None = None,
) -> Document:
    """Evidence (minh chứng) a unit files against one criterion of its level."""
    check_actor(actor, "movement.participate", participation.unit)
    _check_criterion_of(participation.movement, criterion)
    if criterion.criteria_set.level != participation.level:
        raise DomainError(_("Tiêu chí này không áp dụng cho cấp của đơn vị."), field="criterion")
    document = document_upload(
        actor=actor, unit=participation.unit, upload=upload, name=name, kind=kind, title=title, number=number,
        issued_on=issued_on, attach_to=criterion,
    )  # fmt: skip
    document_attach(actor=actor, document=document, target=participation)
    return document
