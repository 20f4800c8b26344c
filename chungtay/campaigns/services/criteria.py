"""Criteria sets: a tree per participant level, frozen at launch, versioned after."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.models import DocumentKind
from chungtay.core.text import nfc

from ..models import (
    CriteriaSet,
    Criterion,
    CriterionKind,
    Movement,
    MovementStatus,
)
from .base import PARTICIPANT_LEVELS, _now


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
            raise DomainError(_("Cây tiêu chí bị lỗi (nhóm cha không tồn tại)."))
        pending = rest


def _scored_at(movement: Movement, level: int) -> bool:
    """Whether any unit of the level has opened a self-assessment against one of its sets. While none
    has, a level's set may still be entered during the evaluation: the province's guidance for
    district-level committees often arrives after the town launched its movement."""
    return CriteriaSet.objects.filter(movement=movement, level=level, assessments__isnull=False).exists()


@transaction.atomic
def criteria_set_for_edit(*, actor: Any, movement: Movement, level: int) -> CriteriaSet:
    """The set that edits go to: the open draft, or a new version copied from the frozen one."""
    check_actor(actor, "movement.manage", movement.issuing_unit)
    if level not in PARTICIPANT_LEVELS:
        raise DomainError(_("Cấp áp dụng không hợp lệ."), field="level")
    if movement.status == MovementStatus.CLOSED or (
        movement.status == MovementStatus.EVALUATING and _scored_at(movement, level)
    ):
        raise DomainError(_("Phong trào đang bình xét hoặc đã kết thúc: không sửa tiêu chí được nữa."))
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
    from ..models import METRIC_KEYS

    if not code:
        raise DomainError(_("Cần ghi mã tiêu chí (ví dụ 3.2.1.a)."), field="code")
    if kind not in CriterionKind.values:
        raise DomainError(_("Loại tiêu chí không hợp lệ."), field="kind")
    if max_points < 0:
        raise DomainError(_("Điểm tối đa không được âm."), field="max_points")
    if kind == CriterionKind.COMPUTED and metric_key not in METRIC_KEYS:
        raise DomainError(_("Tiêu chí tính từ số liệu cần chọn chỉ số tính tự động."), field="metric_key")
    if kind != CriterionKind.COMPUTED and metric_key:
        raise DomainError(_("Chỉ tiêu chí “tính từ số liệu” mới có chỉ số tính tự động."), field="metric_key")
    if kind == CriterionKind.GROUP and max_points:
        raise DomainError(_("Điểm của nhóm là tổng điểm các tiêu chí trong nhóm; để 0."), field="max_points")
    bad = [k for k in evidence_kinds if k not in DocumentKind.values]
    if bad:
        raise DomainError(_("Loại minh chứng không hợp lệ."), field="evidence_kinds")
    if parent is not None and (parent.criteria_set_id != criteria_set.pk or not parent.is_group):
        raise DomainError(_("Tiêu chí chỉ thuộc được một nhóm của cùng bộ tiêu chí."), field="parent")
    clash = criteria_set.criteria.filter(code=code)
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise DomainError(_("Mã %(code)s đã có trong bộ tiêu chí.") % {"code": code}, field="code")


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
    check_actor(actor, "movement.manage", movement.issuing_unit)
    code, title = nfc(code), nfc(title)
    if not title:
        raise DomainError(_("Cần ghi nội dung tiêu chí."), field="title")
    criteria_set = criteria_set_for_edit(actor=actor, movement=movement, level=level)
    parent = criteria_set.criteria.filter(code=parent_code).first() if parent_code else None
    if parent_code and parent is None:
        raise DomainError(_("Không có nhóm mã %(parent_code)s.") % {"parent_code": parent_code}, field="parent")
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
    check_actor(actor, "movement.manage", criterion.criteria_set.movement.issuing_unit)
    code, title = nfc(code), nfc(title)
    if not title:
        raise DomainError(_("Cần ghi nội dung tiêu chí."), field="title")
    target = _in_edit_set(actor=actor, criterion=criterion)
    if target.is_group and kind != CriterionKind.GROUP and target.children.exists():
        raise DomainError(_("Nhóm đang có tiêu chí con, không đổi loại được."), field="kind")
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
    check_actor(actor, "movement.manage", criterion.criteria_set.movement.issuing_unit)
    target = _in_edit_set(actor=actor, criterion=criterion)
    with as_actor(actor):
        target.delete()  # children go with their group
    return target.criteria_set


@transaction.atomic
def criteria_set_publish(*, actor: Any, movement: Movement, level: int) -> CriteriaSet:
    """Put a revised version into force after launch; earlier versions stay as they were."""
    check_actor(actor, "movement.manage", movement.issuing_unit)
    draft = latest_set(movement, level)
    if draft is None or draft.is_frozen:
        raise DomainError(_("Không có phiên bản sửa đổi nào đang chờ áp dụng."))
    if movement.is_draft:
        raise DomainError(_("Phong trào chưa phát động: bộ tiêu chí sẽ được khóa khi phát động."))
    if not draft.criteria.exists():
        raise DomainError(_("Phiên bản mới chưa có tiêu chí nào."))
    draft.frozen_at = _now()
    with as_actor(actor):
        draft.save(update_fields=["frozen_at"])
    return draft
