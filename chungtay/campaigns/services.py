"""Writes for movements: typed, keyword-only, atomic, attributed to an actor (django-auditlog).

Views check who may act on which unit (access.py + scoped lookups); services check the rules of
the domain and raise DomainError with a Vietnamese message naming the form field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from chungtay.core.audit import as_actor
from chungtay.core.documents import document_attach, document_upload
from chungtay.core.errors import DomainError
from chungtay.core.models import Document, DocumentKind
from chungtay.core.text import nfc
from chungtay.core.uploads import IMAGE_KINDS
from chungtay.orgunits.models import Level, Membership, OrgUnit

from .models import (
    TRANSITIONS,
    Activity,
    ActivityKind,
    Contest,
    ContestRound,
    CriteriaSet,
    Criterion,
    CriterionKind,
    Entrant,
    GoodModel,
    GoodModelStatus,
    JudgeScore,
    LegalReference,
    Milestone,
    MilestoneKind,
    Movement,
    MovementStatus,
    Obligation,
    Participation,
    Recurrence,
    Replication,
)

PARTICIPANT_LEVELS = (Level.DISTRICT, Level.COMMUNE, Level.AREA)
RUNNING = (MovementStatus.LAUNCHED, MovementStatus.UNDER_WAY)


def _now() -> dt.datetime:
    return timezone.now()


# --- The movement --------------------------------------------------------------------------------
def _check_movement_fields(
    *, issuing_unit: OrgUnit, symbol: str, title: str, starts_on: dt.date, ends_on: dt.date,
    review_month: dt.date, registration_deadline: dt.date | None, exclude_pk: int | None = None,
) -> None:  # fmt: skip
    if not symbol:
        raise DomainError("Cần ghi số, ký hiệu kế hoạch (ví dụ 199/KH-MTTQ-BTT).", field="symbol")
    if not title:
        raise DomainError("Cần ghi tên phong trào.", field="title")
    if ends_on < starts_on:
        raise DomainError("Ngày kết thúc phải sau ngày bắt đầu triển khai.", field="ends_on")
    if review_month < starts_on.replace(day=1):
        raise DomainError("Tháng tổng kết phải sau khi bắt đầu triển khai.", field="review_month")
    if registration_deadline and not (starts_on <= registration_deadline <= ends_on):
        raise DomainError("Hạn đăng ký phải nằm trong thời gian triển khai.", field="registration_deadline")
    clash = Movement.objects.filter(issuing_unit=issuing_unit, symbol=symbol).exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(f"{issuing_unit.title} đã có kế hoạch số {symbol}.", field="symbol")


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
    if movement.status == MovementStatus.CLOSED:
        raise DomainError("Phong trào đã kết thúc, không sửa được nữa.")
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
    summary = nfc(summary)
    if not summary:
        raise DomainError("Cần ghi trích yếu văn bản căn cứ.", field="summary")
    number = nfc(number)
    if number and movement.legal_references.filter(number=number, kind=kind).exists():
        raise DomainError(f"Văn bản số {number} đã có trong danh sách căn cứ.", field="number")
    order = (movement.legal_references.aggregate(m=Max("order"))["m"] or 0) + 1
    with as_actor(actor):
        return LegalReference.objects.create(
            movement=movement, kind=kind, number=number, issued_on=issued_on, issuer=nfc(issuer), summary=summary,
            order=order,
        )  # fmt: skip


@transaction.atomic
def legal_reference_remove(*, actor: Any, reference: LegalReference) -> None:
    with as_actor(actor):
        reference.delete()


@transaction.atomic
def movement_launch(*, actor: Any, movement: Movement) -> int:
    """Draft → launched: freezes every criteria set and creates each participant's obligations."""
    movement = Movement.objects.select_for_update().get(pk=movement.pk)
    if movement.status != MovementStatus.DRAFT:
        raise DomainError("Chỉ phát động được phong trào đang ở trạng thái dự thảo.")
    if not movement.participations.exists():
        raise DomainError("Chưa có đơn vị tham gia: thêm đối tượng thi đua trước khi phát động.")
    if not Criterion.objects.filter(criteria_set__movement=movement).exists():
        raise DomainError("Chưa có tiêu chí thi đua nào: xây dựng bộ tiêu chí trước khi phát động.")
    if not movement.milestones.exists():
        raise DomainError("Chưa có mốc thời gian nào: thêm các việc phải làm trước khi phát động.")
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
    if to == MovementStatus.LAUNCHED:
        movement_launch(actor=actor, movement=movement)
        movement.refresh_from_db()
        return movement
    if to not in TRANSITIONS.get(movement.status, ()):
        raise DomainError(
            f"Không thể chuyển từ “{MovementStatus(movement.status).label}” sang "
            f"“{MovementStatus(to).label if to in MovementStatus.values else to}”.",
            field="status",
        )
    movement.status = to
    with as_actor(actor):
        movement.save(update_fields=["status"])
    return movement


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
    copy = movement_create(
        actor=actor, issuing_unit=movement.issuing_unit, symbol=symbol, issued_on=issued_on,
        title=movement.title.replace(str(movement.starts_on.year), str(movement.starts_on.year + years)),
        starts_on=_shift_year(movement.starts_on, years), ends_on=_shift_year(movement.ends_on, years),  # type: ignore[arg-type]
        review_month=_shift_year(movement.review_month, years),  # type: ignore[arg-type]
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
    still_valid = OrgUnit.objects.filter(participations__movement=movement).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=copy.starts_on)
    )
    participants_add(actor=actor, movement=copy, units=list(still_valid.order_by("path")))
    return copy


# --- Criteria: a tree per level, frozen at launch, versioned after ---------------------------------
def latest_set(movement: Movement, level: int) -> CriteriaSet | None:
    return CriteriaSet.objects.filter(movement=movement, level=level).order_by("-version").first()


def _copy_tree(source: CriteriaSet, target: CriteriaSet) -> None:
    by_old: dict[int, Criterion] = {}
    # Parents come before children when ordered by depth of the code's parent chain; walk until done.
    pending = list(source.criteria.all().order_by("order", "pk"))
    while pending:
        rest = []
        for old in pending:
            if old.parent_id and old.parent_id not in by_old:
                rest.append(old)
                continue
            by_old[old.pk] = Criterion.objects.create(
                criteria_set=target, parent=by_old.get(old.parent_id) if old.parent_id else None, code=old.code,
                title=old.title, kind=old.kind, max_points=old.max_points, metric_key=old.metric_key,
                evidence_kinds=list(old.evidence_kinds), order=old.order,
            )  # fmt: skip
        if len(rest) == len(pending):  # a broken tree; never expected
            raise DomainError("Cây tiêu chí bị lỗi (nhóm cha không tồn tại).")
        pending = rest


@transaction.atomic
def criteria_set_for_edit(*, actor: Any, movement: Movement, level: int) -> CriteriaSet:
    """The set that edits go to: the open draft, or a new version copied from the frozen one."""
    if level not in PARTICIPANT_LEVELS:
        raise DomainError("Cấp áp dụng không hợp lệ.", field="level")
    if movement.status in (MovementStatus.EVALUATING, MovementStatus.CLOSED):
        raise DomainError("Phong trào đang bình xét hoặc đã kết thúc: không sửa tiêu chí được nữa.")
    current = latest_set(movement, level)
    with as_actor(actor):
        if current is None:
            return CriteriaSet.objects.create(movement=movement, level=level, version=1)
        if not current.is_frozen:
            return current
        draft = CriteriaSet.objects.create(
            movement=movement, level=level, version=current.version + 1, previous=current,
            note=f"Sửa đổi từ phiên bản {current.version}",
        )  # fmt: skip
        _copy_tree(current, draft)
    return draft


def _in_edit_set(*, actor: Any, criterion: Criterion) -> Criterion:
    """The same criterion (by code) in the set that is open for edits."""
    target = criteria_set_for_edit(
        actor=actor, movement=criterion.criteria_set.movement, level=criterion.criteria_set.level
    )
    if target.pk == criterion.criteria_set_id:
        return criterion
    return target.criteria.get(code=criterion.code)


def _check_criterion(
    *, criteria_set: CriteriaSet, code: str, kind: str, max_points: Decimal, metric_key: str,
    evidence_kinds: list[str], parent: Criterion | None, exclude_pk: int | None = None,
) -> None:  # fmt: skip
    from .models import METRIC_KEYS

    if not code:
        raise DomainError("Cần ghi mã tiêu chí (ví dụ 3.2.1.a).", field="code")
    if kind not in CriterionKind.values:
        raise DomainError("Loại tiêu chí không hợp lệ.", field="kind")
    if max_points < 0:
        raise DomainError("Điểm tối đa không được âm.", field="max_points")
    if kind == CriterionKind.COMPUTED and metric_key not in METRIC_KEYS:
        raise DomainError("Tiêu chí tính từ số liệu cần chọn chỉ số tính tự động.", field="metric_key")
    if kind != CriterionKind.COMPUTED and metric_key:
        raise DomainError("Chỉ tiêu chí “tính từ số liệu” mới có chỉ số tính tự động.", field="metric_key")
    if kind == CriterionKind.GROUP and max_points:
        raise DomainError("Điểm của nhóm là tổng điểm các tiêu chí trong nhóm; để 0.", field="max_points")
    bad = [k for k in evidence_kinds if k not in DocumentKind.values]
    if bad:
        raise DomainError("Loại minh chứng không hợp lệ.", field="evidence_kinds")
    if parent is not None and (parent.criteria_set_id != criteria_set.pk or not parent.is_group):
        raise DomainError("Tiêu chí chỉ thuộc được một nhóm của cùng bộ tiêu chí.", field="parent")
    if criteria_set.criteria.filter(code=code).exclude(pk=exclude_pk).exists():
        raise DomainError(f"Mã {code} đã có trong bộ tiêu chí.", field="code")


@transaction.atomic
def criterion_add(
    *,
    actor: Any,
    movement: Movement,
    level: int,
    code: str,
    title: str,
    kind: str,
    max_points: Decimal = Decimal(0),
    parent_code: str = "",
    metric_key: str = "",
    evidence_kinds: list[str] | None = None,
) -> Criterion:
    code, title = nfc(code), nfc(title)
    if not title:
        raise DomainError("Cần ghi nội dung tiêu chí.", field="title")
    criteria_set = criteria_set_for_edit(actor=actor, movement=movement, level=level)
    parent = criteria_set.criteria.filter(code=parent_code).first() if parent_code else None
    if parent_code and parent is None:
        raise DomainError(f"Không có nhóm mã {parent_code}.", field="parent")
    evidence_kinds = list(evidence_kinds or [])
    _check_criterion(
        criteria_set=criteria_set, code=code, kind=kind, max_points=max_points, metric_key=metric_key,
        evidence_kinds=evidence_kinds, parent=parent,
    )  # fmt: skip
    order = (criteria_set.criteria.aggregate(m=Max("order"))["m"] or 0) + 10
    with as_actor(actor):
        return Criterion.objects.create(
            criteria_set=criteria_set, parent=parent, code=code, title=title, kind=kind, max_points=max_points,
            metric_key=metric_key, evidence_kinds=evidence_kinds, order=order,
        )  # fmt: skip


@transaction.atomic
def criterion_update(
    *,
    actor: Any,
    criterion: Criterion,
    code: str,
    title: str,
    kind: str,
    max_points: Decimal,
    metric_key: str = "",
    evidence_kinds: list[str] | None = None,
) -> Criterion:
    """Edit a criterion; if its set is frozen the edit lands in a new version and the old one stays."""
    code, title = nfc(code), nfc(title)
    if not title:
        raise DomainError("Cần ghi nội dung tiêu chí.", field="title")
    target = _in_edit_set(actor=actor, criterion=criterion)
    if target.is_group and kind != CriterionKind.GROUP and target.children.exists():
        raise DomainError("Nhóm đang có tiêu chí con, không đổi loại được.", field="kind")
    evidence_kinds = list(evidence_kinds or [])
    _check_criterion(
        criteria_set=target.criteria_set, code=code, kind=kind, max_points=max_points, metric_key=metric_key,
        evidence_kinds=evidence_kinds, parent=target.parent, exclude_pk=target.pk,
    )  # fmt: skip
    target.code, target.title, target.kind, target.max_points = code, title, kind, max_points
    target.metric_key, target.evidence_kinds = metric_key, evidence_kinds
    with as_actor(actor):
        target.save()
    return target


@transaction.atomic
def criterion_remove(*, actor: Any, criterion: Criterion) -> CriteriaSet:
    target = _in_edit_set(actor=actor, criterion=criterion)
    with as_actor(actor):
        target.delete()  # children go with their group
    return target.criteria_set


@transaction.atomic
def criteria_set_publish(*, actor: Any, movement: Movement, level: int) -> CriteriaSet:
    """Put a revised version into force after launch; earlier versions stay as they were."""
    draft = latest_set(movement, level)
    if draft is None or draft.is_frozen:
        raise DomainError("Không có phiên bản sửa đổi nào đang chờ áp dụng.")
    if movement.is_draft:
        raise DomainError("Phong trào chưa phát động: bộ tiêu chí sẽ được khóa khi phát động.")
    if not draft.criteria.exists():
        raise DomainError("Phiên bản mới chưa có tiêu chí nào.")
    draft.frozen_at = _now()
    with as_actor(actor):
        draft.save(update_fields=["frozen_at"])
    return draft


# --- Participants and obligations ----------------------------------------------------------------
@transaction.atomic
def participants_add(*, actor: Any, movement: Movement, units: list[OrgUnit]) -> int:
    """Add units (idempotent). They must lie in the issuing unit's subtree; after launch they get obligations."""
    if movement.status in (MovementStatus.EVALUATING, MovementStatus.CLOSED):
        raise DomainError("Phong trào đã sang giai đoạn bình xét, không thêm đơn vị được nữa.")
    existing = set(movement.participations.values_list("unit_id", flat=True))
    created = 0
    with as_actor(actor):
        for unit in units:
            if not unit.path.startswith(movement.issuing_unit.path):
                raise DomainError(f"{unit.title} không thuộc {movement.issuing_unit.title}.", field="units")
            if unit.level not in PARTICIPANT_LEVELS:
                raise DomainError(f"{unit.title}: chỉ cấp huyện, xã và khu dân cư tham gia được.", field="units")
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
    if level not in PARTICIPANT_LEVELS:
        raise DomainError("Cấp không hợp lệ.", field="level")
    day = movement.starts_on
    units = OrgUnit.objects.filter(
        path__startswith=movement.issuing_unit.path, level=level, valid_from__lte=day
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return participants_add(actor=actor, movement=movement, units=list(units.order_by("path")))


@transaction.atomic
def participant_remove(*, actor: Any, participation: Participation) -> None:
    if participation.registered_at:
        raise DomainError(f"{participation.unit.title} đã đăng ký thi đua, không bỏ khỏi danh sách được.")
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
    if kind not in MilestoneKind.values:
        raise DomainError("Loại việc không hợp lệ.", field="kind")
    if level not in PARTICIPANT_LEVELS:
        raise DomainError("Cấp áp dụng không hợp lệ.", field="level")
    if recurrence != Recurrence.ONCE and until is None:
        raise DomainError("Việc lặp lại cần ngày lặp đến.", field="until")
    if until and until < due_on:
        raise DomainError("Ngày lặp đến phải sau hạn lần đầu.", field="until")
    if due_on < movement.issued_on:
        raise DomainError("Hạn phải sau ngày ban hành kế hoạch.", field="due_on")
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
    if milestone.obligations.filter(fulfilled_at__isnull=False).exists():
        raise DomainError("Đã có đơn vị hoàn thành việc này; không xóa được mốc.")
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
    reason = nfc(reason)
    if not reason:
        raise DomainError("Cần ghi lý do miễn.", field="reason")
    if obligation.fulfilled_at:
        raise DomainError("Việc này đã hoàn thành.")
    obligation.excused_reason = reason
    with as_actor(actor):
        obligation.save(update_fields=["excused_reason"])
    return obligation


def _require_running(movement: Movement) -> None:
    if movement.status not in RUNNING:
        raise DomainError(
            f"Phong trào đang ở trạng thái “{MovementStatus(movement.status).label}”: "
            "chỉ ghi nhận khi phong trào đã phát động và đang triển khai."
        )


@transaction.atomic
def participation_register(
    *, actor: Any, participation: Participation, commitments: str, individuals: str = "", now: dt.datetime | None = None
) -> Participation:
    """Đăng ký thi đua. A late registration is accepted and flagged (and its obligation counts as late):
    the Front wants every unit in the movement, and the office sees who was late."""
    movement = participation.movement
    _require_running(movement)
    commitments = commitments.strip()
    if not commitments:
        raise DomainError("Cần ghi nội dung đăng ký, cam kết thi đua.", field="commitments")
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
    _require_running(participation.movement)
    if kind not in REPORT_KINDS:
        raise DomainError("Loại báo cáo không hợp lệ.", field="kind")
    open_ = Obligation.objects.filter(
        milestone__movement=participation.movement, milestone__kind=kind, unit=participation.unit,
        fulfilled_at__isnull=True,
    )  # fmt: skip
    if not open_.exists():
        raise DomainError(f"Đơn vị không còn kỳ “{MilestoneKind(kind).label}” nào phải nộp.", field="kind")
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
ACTIVITY_FULFILS = {ActivityKind.LAUNCH_CONFERENCE: MilestoneKind.LAUNCH}


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
) -> Activity:
    """Record an activity and, in the same transaction, its evidence file: a bad file saves nothing."""
    movement = participation.movement
    _require_running(movement)
    if kind not in ActivityKind.values:
        raise DomainError("Loại hoạt động không hợp lệ.", field="kind")
    title = nfc(title)
    if not title:
        raise DomainError("Cần ghi tên hoạt động.", field="title")
    if held_on < movement.issued_on:
        raise DomainError("Ngày tổ chức phải sau ngày ban hành kế hoạch phong trào.", field="held_on")
    if held_on > timezone.localdate():
        raise DomainError("Chưa đến ngày này: chỉ ghi nhận hoạt động đã diễn ra.", field="held_on")
    if kind in (ActivityKind.TRAINING, ActivityKind.STUDY_TOUR) and not training_kind:
        raise DomainError("Chọn hình thức bồi dưỡng (hội nghị, tọa đàm, học tập kinh nghiệm…).", field="training_kind")
    with as_actor(actor):
        activity = Activity.objects.create(
            movement=movement, unit=participation.unit, kind=kind, title=title, held_on=held_on, place=nfc(place),
            attendance=attendance, participants=participants.strip(), level=level, training_kind=training_kind,
            note=note.strip(), created_by=actor,
        )  # fmt: skip
    document = None
    if upload is not None:
        document = activity_add_document(
            actor=actor, activity=activity, upload=upload, name=file_name, kind=document_kind,
            title=document_title or title, number=document_number, issued_on=held_on, criteria=criteria,
        )  # fmt: skip
    fulfils = ACTIVITY_FULFILS.get(kind)  # type: ignore[call-overload]
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
        raise DomainError("Tiêu chí không thuộc phong trào này.", field="criteria")


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
    _check_criterion_of(participation.movement, criterion)
    if criterion.criteria_set.level != participation.level:
        raise DomainError("Tiêu chí này không áp dụng cho cấp của đơn vị.", field="criterion")
    document = document_upload(
        actor=actor, unit=participation.unit, upload=upload, name=name, kind=kind, title=title, number=number,
        issued_on=issued_on, attach_to=criterion,
    )  # fmt: skip
    document_attach(actor=actor, document=document, target=participation)
    return document


# --- The contest ---------------------------------------------------------------------------------
@transaction.atomic
def contest_create(
    *, actor: Any, movement: Movement, title: str, description: str = "", upload: IO[bytes] | None = None,
    file_name: str = "",
) -> Contest:  # fmt: skip
    title = nfc(title)
    if not title:
        raise DomainError("Cần ghi tên cuộc thi.", field="title")
    with as_actor(actor):
        contest = Contest.objects.create(movement=movement, title=title, description=description.strip())
    if upload is not None:
        contest.plan_document = document_upload(
            actor=actor, unit=movement.issuing_unit, upload=upload, name=file_name, kind=DocumentKind.PLAN,
            title=f"Kế hoạch {title}", attach_to=contest,
        )  # fmt: skip
        with as_actor(actor):
            contest.save(update_fields=["plan_document"])
    return contest


@transaction.atomic
def round_add(
    *, actor: Any, contest: Contest, name: str, held_on: dt.date | None = None, max_score: Decimal = Decimal(100)
) -> ContestRound:
    name = nfc(name)
    if not name:
        raise DomainError("Cần ghi tên vòng thi.", field="name")
    if max_score <= 0:
        raise DomainError("Điểm tối đa phải lớn hơn 0.", field="max_score")
    order = (contest.rounds.aggregate(m=Max("order"))["m"] or 0) + 1
    with as_actor(actor):
        return ContestRound.objects.create(
            contest=contest, name=name, held_on=held_on, max_score=max_score, order=order
        )


@transaction.atomic
def entrant_add(*, actor: Any, contest: Contest, unit: OrgUnit, person_name: str, position: str = "") -> Entrant:
    person_name = nfc(person_name)
    if not person_name:
        raise DomainError("Cần ghi họ và tên thí sinh.", field="person_name")
    if not contest.movement.participations.filter(unit=unit).exists():
        raise DomainError(f"{unit.title} không tham gia phong trào này.", field="unit")
    try:
        with transaction.atomic(), as_actor(actor):
            return Entrant.objects.create(contest=contest, unit=unit, person_name=person_name, position=nfc(position))
    except IntegrityError as exc:
        raise DomainError(f"{person_name} đã có trong danh sách thí sinh.", field="person_name") from exc


def judge_must_recuse(judge: Any, entrant: Entrant) -> bool:
    """A judge who holds a membership in the entrant's unit (or a unit inside it) does not score them."""
    return Membership.objects.filter(user=judge, unit__path__startswith=entrant.unit.path).exists()


@transaction.atomic
def judge_scores_record(
    *, actor: Any, contest_round: ContestRound, scores: dict[int, Decimal | None]
) -> list[JudgeScore]:
    """One judge's scores for a round (entrant id → score). Own-unit entrants are recorded as recused."""
    entrants = {e.pk: e for e in contest_round.contest.entrants.select_related("unit")}
    own_paths = list(Membership.objects.filter(user=actor).values_list("unit__path", flat=True))
    saved = []
    with as_actor(actor):
        for entrant_id, score in scores.items():
            entrant = entrants.get(entrant_id)
            if entrant is None:
                raise DomainError("Thí sinh không thuộc cuộc thi này.", field="scores")
            recused = any(path.startswith(entrant.unit.path) for path in own_paths)
            if recused:
                score = None
            elif score is None:
                continue  # not scored yet
            elif not (0 <= score <= contest_round.max_score):
                raise DomainError(
                    f"Điểm của {entrant.person_name} phải từ 0 đến {contest_round.max_score:g}.",
                    field=f"score_{entrant_id}",
                )
            row, _ = JudgeScore.objects.update_or_create(
                round=contest_round, entrant=entrant, judge=actor, defaults={"score": score, "recused": recused}
            )
            saved.append(row)
    return saved


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
    _require_running(participation.movement)
    title, description = nfc(title), description.strip()
    if not title:
        raise DomainError("Cần ghi tên mô hình, cách làm.", field="title")
    if not description:
        raise DomainError("Cần mô tả mô hình và hiệu quả đạt được.", field="description")
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
    return document_upload(
        actor=actor, unit=good_model.unit, upload=upload, name=name, kind=DocumentKind.PHOTO,
        title=title or f"Hình ảnh: {good_model.title}", attach_to=good_model, allowed=IMAGE_KINDS,
    )  # fmt: skip


@transaction.atomic
def good_model_decide(*, actor: Any, good_model: GoodModel, recognise: bool, note: str = "") -> GoodModel:
    if good_model.status != GoodModelStatus.PROPOSED:
        raise DomainError("Mô hình này đã được xem xét.")
    if not recognise and not note.strip():
        raise DomainError("Cần ghi ý kiến khi chưa công nhận.", field="note")
    good_model.status = GoodModelStatus.RECOGNISED if recognise else GoodModelStatus.REJECTED
    good_model.decided_by, good_model.decided_at, good_model.decision_note = actor, _now(), nfc(note)
    with as_actor(actor):
        good_model.save()
    return good_model


@transaction.atomic
def good_model_replicate(
    *, actor: Any, good_model: GoodModel, unit: OrgUnit, since: dt.date, note: str = ""
) -> Replication:
    if good_model.status != GoodModelStatus.RECOGNISED:
        raise DomainError("Chỉ nhân rộng mô hình đã được công nhận.")
    if unit.pk == good_model.unit_id:
        raise DomainError("Đơn vị đề xuất mô hình không cần ghi nhận nhân rộng.", field="unit")
    if not good_model.movement.participations.filter(unit=unit).exists():
        raise DomainError(f"{unit.title} không tham gia phong trào này.", field="unit")
    if good_model.replications.filter(unit=unit).exists():
        raise DomainError(f"{unit.title} đã ghi nhận nhân rộng mô hình này.", field="unit")
    with as_actor(actor):
        return Replication.objects.create(
            good_model=good_model, unit=unit, since=since, note=nfc(note), created_by=actor
        )
