"""Writes for evaluation and awards: the only way scores, rankings and awards change.

Typed, keyword-only, atomic, attributed to an actor (django-auditlog records every row change).
Views check who may act on which unit; these check the rules of the domain and raise DomainError
with a Vietnamese message that names the criterion, row or field.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.campaigns.models import Criterion, CriterionKind, MilestoneKind, Movement, Obligation, Participation
from chungtay.campaigns.selectors import current_set
from chungtay.campaigns.services import obligation_fulfil
from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.documents import document_upload
from chungtay.core.errors import DomainError
from chungtay.core.text import nfc
from chungtay.orgunits.models import OrgUnit

from . import metrics, selectors, sources
from .models import (
    EDITABLE_BY_UNIT,
    ZERO,
    Assessment,
    AssessmentLine,
    AssessmentStatus,
    AwardForm,
    Band,
    CriterionSource,
    CrossReview,
    CrossReviewGroup,
    Decision,
    DecisionStatus,
    EvaluationSettings,
    Meeting,
    Proposal,
    ProposalStatus,
    RankingApproval,
    RankingExclusion,
    Recipient,
    ReportField,
    ReportValue,
    Source,
    Vote,
)

SCORED = {CriterionKind.REVIEWED, CriterionKind.COMPUTED, CriterionKind.YES_NO}
# Kinds a CriterionSource may fill (a penalty is never taken from elsewhere without a hand).
SOURCED_KINDS = {CriterionKind.REVIEWED, CriterionKind.YES_NO, CriterionKind.BONUS}
LOCKED_MESSAGE = "Kết quả bình xét đã được Ban Thường trực phê duyệt: điểm đã khóa, không thể thay đổi."


def _now() -> dt.datetime:
    return timezone.now()


def parse_score(value: Any, *, label: str, field: str) -> Decimal | None:
    """ "8", "8.5", "8,5" → Decimal; blank → None. A Vietnamese error names the criterion."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    try:
        score = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation as exc:
        raise DomainError(
            _("%(label)s: “%(value)s” không phải là số điểm.") % {"label": label, "value": value}, field=field
        ) from exc
    if not score.is_finite():
        raise DomainError(
            _("%(label)s: “%(value)s” không phải là số điểm.") % {"label": label, "value": value}, field=field
        )
    if score != score.quantize(Decimal("0.01")):
        raise DomainError(_("%(label)s: điểm chỉ lấy tối đa 2 chữ số thập phân.") % {"label": label}, field=field)
    return score


def _check_score(line: AssessmentLine, score: Decimal | None, *, field: str, who: str) -> None:
    criterion = line.criterion
    label = _("Tiêu chí %(code)s") % {"code": criterion.code}
    if score is None:
        return
    if score < 0:
        raise DomainError(_("%(label)s: %(who)s không được âm.") % {"label": label, "who": who}, field=field)
    if score > criterion.max_points:
        raise DomainError(
            _("%(label)s: %(who)s %(score)s vượt điểm tối đa %(max_points)s.")
            % {"label": label, "who": who, "score": _fmt(score), "max_points": _fmt(criterion.max_points)},
            field=field,
        )
    if criterion.kind == CriterionKind.YES_NO and score not in (ZERO, criterion.max_points):
        raise DomainError(
            _("%(label)s: tiêu chí đạt / không đạt chỉ nhận 0 hoặc %(max_points)s điểm.")
            % {"label": label, "max_points": _fmt(criterion.max_points)},
            field=field,
        )


def _fmt(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}".rstrip("0")
    return text.replace(".", ",")


def _ensure_unlocked(assessment: Assessment) -> None:
    if assessment.is_locked or selectors.is_locked(
        assessment.participation.movement_id, assessment.participation.level
    ):
        raise DomainError(LOCKED_MESSAGE)


def _lines(assessment: Assessment) -> QuerySet[AssessmentLine]:
    return assessment.lines.select_related("criterion").order_by("criterion__order", "criterion_id")


# --- Totals -----------------------------------------------------------------------------------
def totals_of(lines: list[AssessmentLine], *, review: bool) -> dict[str, Decimal]:
    base = bonus = penalty = computed = ZERO
    for line in lines:
        score = line.effective_review if review else line.self_score
        score = score or ZERO
        kind = line.criterion.kind
        if kind in SCORED:
            base += score
            if kind == CriterionKind.COMPUTED:
                computed += score
        elif kind == CriterionKind.BONUS:
            bonus += score
        elif kind == CriterionKind.PENALTY:
            penalty += score
    return {"total": base + bonus - penalty, "bonus": bonus, "penalty": penalty, "computed": computed}


def _recompute(assessment: Assessment) -> None:
    lines = list(_lines(assessment))
    own = totals_of(lines, review=False)
    checked = totals_of(lines, review=True)
    assessment.self_total = own["total"]
    reviewed = assessment.status in (AssessmentStatus.REVIEWED, AssessmentStatus.APPROVED)
    assessment.review_total = checked["total"] if reviewed or any(ln.review_score is not None for ln in lines) else ZERO
    use = checked if reviewed else own
    assessment.final_total = use["total"]
    assessment.bonus_points, assessment.penalty_points, assessment.computed_points = (
        use["bonus"], use["penalty"], use["computed"]
    )  # fmt: skip
    assessment.band = (
        selectors.band_for(assessment.final_total, selectors.bands_of(assessment.participation.movement))
        if reviewed
        else None
    )


def _save(assessment: Assessment, actor: Any) -> None:
    _recompute(assessment)
    with as_actor(actor):
        assessment.save()


# --- Self-assessment ---------------------------------------------------------------------------
@transaction.atomic
def assessment_open(*, actor: Any, participation: Participation) -> Assessment:
    """The unit's assessment: the existing one (its criteria version kept), or a new one on the
    version in force, with a line per scored criterion and the computed ones filled in."""
    check_actor(actor, "evaluation.self", participation.unit)
    existing = (
        Assessment.objects.select_related("participation__movement", "participation__unit", "criteria_set")
        .filter(participation=participation)
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        return existing
    movement = participation.movement
    if movement.status in ("draft", "closed"):
        raise DomainError(_("Phong trào chưa phát động hoặc đã kết thúc: không thể tự đánh giá."))
    criteria_set = current_set(movement, participation.level)
    if criteria_set is None or not criteria_set.is_frozen:
        raise DomainError(_("Chưa có bộ tiêu chí đã áp dụng cho cấp của đơn vị."))
    criteria = [c for c in criteria_set.criteria.all().order_by("order", "pk") if not c.is_group]
    if not criteria:
        raise DomainError(_("Bộ tiêu chí chưa có tiêu chí chấm điểm nào."))
    assessment = Assessment(
        participation=participation, criteria_set=criteria_set, due_on=selectors.self_assessment_due(participation)
    )
    with as_actor(actor):
        assessment.save()
        for criterion in criteria:  # one by one, not bulk_create, so that each line's creation is audited
            AssessmentLine.objects.create(assessment=assessment, criterion=criterion)
        _refresh_computed(assessment, on=timezone.localdate(_now()))
    _save(assessment, actor)
    return assessment


def _refresh_computed(assessment: Assessment, *, on: dt.date) -> None:
    """Computed lines from the data as of `on` (the day of the refresh), capped at the movement's end."""
    unit, movement = assessment.participation.unit, assessment.participation.movement
    as_of = metrics.assessment_as_of(movement, on)
    sourced = sources.sources_of(movement)
    for line in _lines(assessment):
        criterion = line.criterion
        extra = {}
        if criterion.kind == CriterionKind.COMPUTED:
            result = metrics.compute(criterion.metric_key, unit, movement, criterion.max_points, as_of=as_of)
        elif criterion.code in sourced and criterion.kind in SOURCED_KINDS:
            result = sources.compute(sourced[criterion.code], criterion, unit, movement, as_of=as_of)
            extra = {"source": sourced[criterion.code]}
        else:
            continue
        line.computed_value = result.value
        line.computed_detail = {
            **result.detail,
            **extra,
            "explanation": result.explanation,
            "points": str(result.points),
            "as_of": as_of.isoformat(),
        }
        line.self_score = result.points
        line.save(update_fields=["computed_value", "computed_detail", "self_score"])


@transaction.atomic
def assessment_refresh(*, actor: Any, assessment: Assessment, now: dt.datetime | None = None) -> Assessment:
    check_actor(actor, "evaluation.self", assessment.participation.unit)
    if assessment.status not in EDITABLE_BY_UNIT:
        raise DomainError(_("Bản tự đánh giá đã nộp: không cập nhật lại số liệu."))
    _ensure_unlocked(assessment)
    with as_actor(actor):
        _refresh_computed(assessment, on=timezone.localdate(now or _now()))
    _save(assessment, actor)
    return assessment


@transaction.atomic
def assessment_save(
    *, actor: Any, assessment: Assessment, entries: dict[int, tuple[Any, str]]
) -> Assessment:  # fmt: skip
    """Self scores and notes, line id → (score, note). Computed lines keep their computed score."""
    check_actor(actor, "evaluation.self", assessment.participation.unit)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status not in EDITABLE_BY_UNIT:
        raise DomainError(_("Bản tự đánh giá đã nộp, chờ thẩm định: không sửa được nữa."))
    _ensure_unlocked(assessment)
    sourced = sources.sources_of(assessment.participation.movement)
    with as_actor(actor):
        for line in _lines(assessment):
            if line.pk not in entries:
                continue
            raw, note = entries[line.pk]
            note = nfc(note or "")
            if line.criterion.kind == CriterionKind.COMPUTED or (
                line.criterion.code in sourced and line.criterion.kind in SOURCED_KINDS
            ):
                if note != line.self_note:
                    line.self_note = note
                    line.save(update_fields=["self_note"])
                continue
            field = f"score_{line.pk}"
            score = parse_score(raw, label=_("Tiêu chí %(code)s") % {"code": line.criterion.code}, field=field)
            _check_score(line, score, field=field, who=_("điểm tự chấm"))
            if score != line.self_score or note != line.self_note:
                line.self_score, line.self_note = score, note
                line.save(update_fields=["self_score", "self_note"])
    _save(assessment, actor)
    return assessment


@transaction.atomic
def evidence_add(
    *, actor: Any, line: AssessmentLine, upload: IO[bytes], name: str, title: str, kind: str
) -> Any:  # fmt: skip
    check_actor(actor, "evaluation.self", line.assessment.participation.unit)
    assessment = line.assessment
    if assessment.status not in EDITABLE_BY_UNIT:
        raise DomainError(_("Bản tự đánh giá đã nộp: muốn bổ sung minh chứng, đề nghị Văn phòng trả lại."))
    _ensure_unlocked(assessment)
    return document_upload(
        actor=actor, unit=assessment.participation.unit, upload=upload, name=name, kind=kind,
        title=title or f"Minh chứng tiêu chí {line.criterion.code}", attach_to=line,
    )  # fmt: skip


@transaction.atomic
def assessment_submit(*, actor: Any, assessment: Assessment, now: dt.datetime | None = None) -> Assessment:
    check_actor(actor, "evaluation.self", assessment.participation.unit)
    assessment = Assessment.objects.select_for_update().select_related("participation__movement").get(pk=assessment.pk)
    if assessment.status not in EDITABLE_BY_UNIT:
        raise DomainError(_("Bản tự đánh giá đã được nộp."))
    _ensure_unlocked(assessment)
    now = now or _now()
    with as_actor(actor):
        _refresh_computed(assessment, on=timezone.localdate(now))
    missing = [ln.criterion.code for ln in _lines(assessment) if ln.self_score is None]
    if missing:
        raise DomainError(_("Chưa tự chấm điểm tiêu chí: %(codes)s.") % {"codes": ", ".join(missing)})
    first_submission = assessment.submitted_at is None
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = now
    assessment.submitted_by = actor
    # A resubmission after a return is not late on its own: the first submission decides.
    if first_submission:
        assessment.first_submitted_at = now
        assessment.late = timezone.localdate(now) > assessment.due_on
    _save(assessment, actor)
    if first_submission:
        obligation_fulfil(
            actor=actor, movement=assessment.participation.movement, unit=assessment.participation.unit,
            kind=MilestoneKind.SELF_ASSESSMENT, when=now,
        )  # fmt: skip
    return assessment


# --- Review by the office -----------------------------------------------------------------------
def _ensure_not_own(actor: Any, assessment: Assessment) -> None:
    """Nobody reviews the unit they belong to."""
    unit_id = assessment.participation.unit_id
    if actor is not None and actor.memberships.filter(unit_id=unit_id).exists():
        raise DomainError(_("Không thẩm định bản tự đánh giá của chính đơn vị mình."))


@transaction.atomic
def review_save(
    *, actor: Any, assessment: Assessment, entries: dict[int, tuple[Any, str]]
) -> Assessment:  # fmt: skip
    """Reviewer's scores, line id → (score or blank = accept the self score, reason)."""
    check_actor(actor, "evaluation.review", assessment.participation.unit)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.REVIEWED):
        raise DomainError(_("Chỉ thẩm định bản tự đánh giá đã nộp."))
    _ensure_unlocked(assessment)
    _ensure_not_own(actor, assessment)
    with as_actor(actor):
        for line in _lines(assessment):
            if line.pk not in entries:
                continue
            raw, reason = entries[line.pk]
            reason = nfc(reason or "")
            field = f"review_{line.pk}"
            score = parse_score(raw, label=_("Tiêu chí %(code)s") % {"code": line.criterion.code}, field=field)
            _check_score(line, score, field=field, who=_("điểm thẩm định"))
            if score is not None and score != line.self_score and not reason:
                raise DomainError(
                    _("Tiêu chí %(code)s: điểm thẩm định %(score)s khác điểm tự chấm %(self_score)s, cần ghi lý do.")
                    % {"code": line.criterion.code, "score": _fmt(score), "self_score": _fmt(line.self_score or ZERO)},
                    field=f"reason_{line.pk}",
                )
            if score == line.self_score and not reason:
                score = None  # the same as the self score: accepted, nothing to explain
            if score != line.review_score or reason != line.review_reason:
                line.review_score, line.review_reason = score, reason
                line.save(update_fields=["review_score", "review_reason"])
    _save(assessment, actor)
    return assessment


@transaction.atomic
def assessment_mark_reviewed(*, actor: Any, assessment: Assessment) -> Assessment:
    check_actor(actor, "evaluation.review", assessment.participation.unit)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    if assessment.status != AssessmentStatus.SUBMITTED:
        raise DomainError(_("Chỉ bản tự đánh giá đã nộp, chưa thẩm định mới đánh dấu thẩm định xong."))
    _ensure_unlocked(assessment)
    _ensure_not_own(actor, assessment)
    assessment.status = AssessmentStatus.REVIEWED
    assessment.reviewed_at = _now()
    assessment.reviewed_by = actor
    _save(assessment, actor)
    _flag_cross_reviews(assessment)
    return assessment


@transaction.atomic
def assessment_return(*, actor: Any, assessment: Assessment, comment: str) -> Assessment:
    check_actor(actor, "evaluation.review", assessment.participation.unit)
    assessment = Assessment.objects.select_for_update().get(pk=assessment.pk)
    comment = nfc(comment)
    if not comment:
        raise DomainError(_("Cần ghi nội dung đơn vị phải bổ sung, chỉnh sửa."), field="comment")
    if assessment.status not in (AssessmentStatus.SUBMITTED, AssessmentStatus.REVIEWED):
        raise DomainError(_("Chỉ trả lại bản tự đánh giá đã nộp."))
    _ensure_unlocked(assessment)
    assessment.status = AssessmentStatus.RETURNED
    assessment.return_comment = comment
    assessment.times_returned += 1
    assessment.reviewed_at = None
    _save(assessment, actor)
    return assessment


# --- Settings, bands ------------------------------------------------------------------------------
def _ensure_movement_unlocked(movement: Movement) -> None:
    if RankingApproval.objects.filter(movement=movement).exists():
        raise DomainError(LOCKED_MESSAGE)


@transaction.atomic
def settings_update(*, actor: Any, movement: Movement, disagreement_margin: Decimal, tie_note: str) -> Any:
    check_actor(actor, "evaluation.review", movement.issuing_unit)
    if disagreement_margin < 0:
        raise DomainError(_("Mức chênh lệch không được âm."), field="disagreement_margin")
    settings, _created = EvaluationSettings.objects.get_or_create(movement=movement)
    settings.disagreement_margin, settings.tie_note = disagreement_margin, nfc(tie_note)
    with as_actor(actor):
        settings.save()
    return settings


def _rebanding(movement: Movement, actor: Any) -> None:
    bands = selectors.bands_of(movement)
    for a in Assessment.objects.filter(participation__movement=movement, status=AssessmentStatus.REVIEWED):
        band = selectors.band_for(a.final_total, bands)
        if a.band_id != (band.pk if band else None):
            a.band = band
            with as_actor(actor):
                a.save(update_fields=["band"])


@transaction.atomic
def criterion_source_set(*, actor: Any, movement: Movement, code: str, source: str) -> CriterionSource | None:
    """Score criterion `code` from `source` (blank: by hand again). Open assessments take it at their next
    refresh or submission; locked rankings are not touched."""
    check_actor(actor, "evaluation.review", movement.issuing_unit)
    _ensure_movement_unlocked(movement)
    code = nfc(code).strip()
    if not code:
        raise DomainError(_("Cần ghi mã tiêu chí."), field="code")
    if source and source not in Source.values:
        raise DomainError(_("Nguồn điểm không hợp lệ."), field="source")
    kinds = set(Criterion.objects.filter(criteria_set__movement=movement, code=code).values_list("kind", flat=True))
    if not kinds:
        raise DomainError(_("Không có tiêu chí mã “%(code)s” trong phong trào.") % {"code": code}, field="code")
    if source and not kinds <= SOURCED_KINDS:
        raise DomainError(
            _("Tiêu chí %(code)s là tiêu chí tính từ số liệu hoặc điểm trừ: không lấy điểm từ nguồn khác.")
            % {"code": code},
            field="code",
        )
    with as_actor(actor):
        if not source:
            CriterionSource.objects.filter(movement=movement, code=code).delete()
            return None
        found, _created = CriterionSource.objects.update_or_create(
            movement=movement, code=code, defaults={"source": source}
        )
    return found


@transaction.atomic
def band_save(*, actor: Any, movement: Movement, name: str, minimum: Decimal, band: Band | None = None) -> Band:
    check_actor(actor, "evaluation.review", movement.issuing_unit)
    _ensure_movement_unlocked(movement)
    name = nfc(name)
    if not name:
        raise DomainError(_("Cần ghi tên xếp loại."), field="name")
    if minimum < 0:
        raise DomainError(_("Điểm tối thiểu không được âm."), field="minimum")
    others = Band.objects.filter(movement=movement)
    if band is not None:
        others = others.exclude(pk=band.pk)
    if others.filter(name__iexact=name).exists():
        raise DomainError(_("Đã có xếp loại “%(name)s”.") % {"name": name}, field="name")
    if others.filter(minimum=minimum).exists():
        raise DomainError(
            _("Đã có xếp loại bắt đầu từ %(minimum)s điểm.") % {"minimum": _fmt(minimum)}, field="minimum"
        )
    band = band or Band(movement=movement)
    band.name, band.minimum = name, minimum
    with as_actor(actor):
        band.save()
    _rebanding(movement, actor)
    return band


@transaction.atomic
def band_delete(*, actor: Any, band: Band) -> None:
    check_actor(actor, "evaluation.review", band.movement.issuing_unit)
    _ensure_movement_unlocked(band.movement)
    if AwardForm.objects.filter(minimum_band=band).exists():
        raise DomainError(
            _("Xếp loại “%(band)s” đang là điều kiện của một hình thức khen thưởng.") % {"band": band.name}
        )
    movement = band.movement
    with as_actor(actor):
        for assessment in Assessment.objects.filter(band=band):
            assessment.band = None
            assessment.save(update_fields=["band"])
        band.delete()
    _rebanding(movement, actor)


# --- Cross review -----------------------------------------------------------------------------------
@transaction.atomic
def cross_group_create(*, actor: Any, movement: Movement, name: str, units: list[OrgUnit]) -> CrossReviewGroup:
    check_actor(actor, "evaluation.review", movement.issuing_unit)
    _ensure_movement_unlocked(movement)
    name = nfc(name)
    if not name:
        raise DomainError(_("Cần ghi tên cụm thi đua."), field="name")
    if len(units) < 2:
        raise DomainError(_("Một cụm cần ít nhất 2 đơn vị để chấm chéo."), field="units")
    taking_part = set(movement.participations.values_list("unit_id", flat=True))
    outside = [u.title for u in units if u.pk not in taking_part]
    if outside:
        raise DomainError(_("Không tham gia phong trào: %(units)s.") % {"units": ", ".join(outside)}, field="units")
    if CrossReviewGroup.objects.filter(movement=movement, name__iexact=name).exists():
        raise DomainError(_("Đã có cụm “%(name)s”.") % {"name": name}, field="name")
    with as_actor(actor):
        group = CrossReviewGroup.objects.create(movement=movement, name=name)
        group.members.set(units)
    return group


def reviewer_must_recuse(reviewer_unit: OrgUnit, assessed_unit: OrgUnit) -> bool:
    """A unit never scores itself, a unit above or below it: same line of the tree."""
    return reviewer_unit.path.startswith(assessed_unit.path) or assessed_unit.path.startswith(reviewer_unit.path)


@transaction.atomic
def cross_review_record(
    *, actor: Any, assessment: Assessment, reviewer_unit: OrgUnit, scores: dict[int, Any] | None = None,
    recused: bool = False, reason: str = "",
) -> CrossReview:  # fmt: skip
    check_actor(actor, "evaluation.self", reviewer_unit)
    _ensure_unlocked(assessment)
    assessed = assessment.participation.unit
    if (
        reviewer_must_recuse(reviewer_unit, assessed)
        or actor.memberships.filter(unit__path__startswith=assessed.path).exists()
    ):
        raise DomainError(_("Không chấm chéo đơn vị của chính mình."))
    same_group = CrossReviewGroup.objects.filter(
        movement_id=assessment.participation.movement_id, members=reviewer_unit
    ).filter(members=assessed)
    if not same_group.exists():
        raise DomainError(
            _("%(reviewer_unit)s không cùng cụm thi đua với %(assessed)s.")
            % {"reviewer_unit": reviewer_unit.title, "assessed": assessed.title}
        )
    if assessment.status == AssessmentStatus.DRAFT:
        raise DomainError(_("Đơn vị chưa nộp bản tự đánh giá."))
    review = CrossReview.objects.filter(assessment=assessment, reviewer_unit=reviewer_unit).first() or CrossReview(
        assessment=assessment, reviewer_unit=reviewer_unit
    )
    review.reviewer = actor
    reason = nfc(reason)
    if recused:
        if not reason:
            raise DomainError(_("Cần ghi lý do không tham gia chấm."), field="reason")
        review.recused, review.recusal_reason, review.scores, review.total = True, reason, {}, None
        review.disagreement = False
    else:
        lines = list(_lines(assessment))
        stored: dict[str, str] = {}
        total_lines = []
        for line in lines:
            field = f"score_{line.pk}"
            score = parse_score(
                (scores or {}).get(line.pk), label=_("Tiêu chí %(code)s") % {"code": line.criterion.code}, field=field
            )
            if score is None:
                raise DomainError(_("Tiêu chí %(code)s: cần chấm điểm.") % {"code": line.criterion.code}, field=field)
            _check_score(line, score, field=field, who=_("điểm chấm chéo"))
            stored[str(line.criterion_id)] = str(score)
            line.review_score, line.self_score = score, score  # a scratch copy for totals_of
            total_lines.append(line)
        review.recused, review.recusal_reason, review.scores = False, "", stored
        review.total = totals_of(total_lines, review=False)["total"]
    with as_actor(actor):
        review.save()
    _flag_cross_reviews(assessment)
    review.refresh_from_db()
    return review


def _flag_cross_reviews(assessment: Assessment) -> None:
    """A cross review whose total is off the office's (or, before review, the unit's own) by more
    than the movement's margin is flagged for the meeting to look at."""
    margin = selectors.settings_of(assessment.participation.movement).disagreement_margin
    reference = (
        assessment.review_total
        if assessment.status in (AssessmentStatus.REVIEWED, AssessmentStatus.APPROVED)
        else assessment.self_total
    )
    for review in assessment.cross_reviews.filter(recused=False):
        flag = abs((review.total or ZERO) - reference) > margin
        if flag != review.disagreement:
            review.disagreement = flag
            review.save(update_fields=["disagreement"])


# --- Approval of the ranking ------------------------------------------------------------------------
@transaction.atomic
def ranking_approve(*, actor: Any, movement: Movement, level: int, note: str = "") -> RankingApproval:
    check_actor(actor, "evaluation.approve", movement.issuing_unit)
    if RankingApproval.objects.filter(movement=movement, level=level).exists():
        raise DomainError(_("Kết quả xếp hạng của cấp này đã được phê duyệt."))
    if not selectors.bands_of(movement):
        raise DomainError(_("Chưa thiết lập các mức xếp loại."))
    data = selectors.ranking(movement, level)
    if data["pending"]:
        names = ", ".join(a.participation.unit.title for a in data["pending"])
        raise DomainError(_("Còn bản tự đánh giá chưa thẩm định xong: %(names)s.") % {"names": names})
    if data["blocking"]:
        names = ", ".join(f"{u.unit.title} ({u.state})" for u in data["blocking"])
        raise DomainError(
            _(
                "Chưa khóa điểm được: còn đơn vị chưa có kết quả cuối cùng — %(names)s. Mỗi đơn vị phải "
                "được thẩm định xong, hoặc Văn phòng ghi lý do không xếp hạng đơn vị đó."
            )
            % {"names": names}
        )
    if not data["rows"]:
        raise DomainError(_("Chưa có đơn vị nào được thẩm định để xếp hạng."))
    with as_actor(actor):
        for position, assessment in enumerate(data["rows"], start=1):
            assessment.rank = position
            assessment.status = AssessmentStatus.APPROVED
            assessment.save(update_fields=["rank", "status", "updated_at"])
        approval = RankingApproval.objects.create(
            movement=movement, level=level, approved_by=actor, approved_at=_now(), note=nfc(note),
            ranked=len(data["rows"]),
        )  # fmt: skip
    return approval


@transaction.atomic
def ranking_exclude(*, actor: Any, participation: Participation, reason: str) -> RankingExclusion:
    """Leave a participant out of its level's ranking, for a recorded reason (before approval)."""
    check_actor(actor, "evaluation.review", participation.movement.issuing_unit)
    if selectors.is_locked(participation.movement_id, participation.level):
        raise DomainError(LOCKED_MESSAGE)
    reason = nfc(reason).strip()
    if not reason:
        raise DomainError(
            _("%(unit)s: cần ghi lý do không xếp hạng.") % {"unit": participation.unit.title}, field="reason"
        )
    if len(reason) > 300:
        raise DomainError(_("%(unit)s: lý do dài quá 300 ký tự.") % {"unit": participation.unit.title}, field="reason")
    if Assessment.objects.filter(participation=participation, status__in=selectors.RANKABLE).exists():
        raise DomainError(
            _("%(unit)s đã được thẩm định xong: được xếp hạng, không loại ra.") % {"unit": participation.unit.title}
        )
    exclusion = RankingExclusion.objects.filter(participation=participation).first() or RankingExclusion(
        participation=participation
    )
    exclusion.reason, exclusion.excluded_by, exclusion.excluded_at = reason, actor, _now()
    with as_actor(actor):
        exclusion.save()
    return exclusion


@transaction.atomic
def ranking_include(*, actor: Any, participation: Participation) -> None:
    """Take back an exclusion (before approval)."""
    check_actor(actor, "evaluation.review", participation.movement.issuing_unit)
    if selectors.is_locked(participation.movement_id, participation.level):
        raise DomainError(LOCKED_MESSAGE)
    with as_actor(actor):
        RankingExclusion.objects.filter(participation=participation).delete()


# --- Awards ------------------------------------------------------------------------------------------
def _body(movement: Movement) -> str:
    return _("Ban Thường trực Ủy ban MTTQ Việt Nam %(unit)s") % {"unit": movement.issuing_unit.title}


def competence_problem(*, movement: Movement, name: str, decided_here: bool) -> str | None:
    """Why the issuing committee may not confer (or propose upward) the form, by the award rules."""
    here, above = selectors.competence(name, movement.issuing_unit.level)
    if decided_here and not here:
        if above is not None:
            return _(
                "%(name)s do %(conferrer)s (%(level)s) quyết định tặng; %(body)s không được tặng %(name)s, "
                "chỉ được đề nghị lên cấp trên (bỏ chọn “Thuộc thẩm quyền quyết định của Ban Thường trực”)."
            ) % {
                "name": name, "conferrer": above.conferrer, "level": above.get_level_display().lower(),
                "body": _body(movement),
            }  # fmt: skip
        return _("“%(name)s” chưa có trong quy định thẩm quyền khen thưởng: đề nghị bổ sung quy định trước.") % {
            "name": name
        }
    if not decided_here and above is None:
        if here:
            return _(
                "%(name)s thuộc thẩm quyền của %(body)s: chọn “Thuộc thẩm quyền quyết định của Ban Thường trực”."
            ) % {"name": name, "body": _body(movement)}
        return _("“%(name)s” chưa có trong quy định thẩm quyền khen thưởng: đề nghị bổ sung quy định trước.") % {
            "name": name
        }
    return None


def same_achievement(
    *, movement: Movement, unit: OrgUnit, person_name: str, exclude_pk: int | None = None
) -> Proposal | None:
    """Another live proposal for the same achievement (the same collective, or the same person of the
    same unit, in the same movement): the Law allows one award per achievement."""
    qs = Proposal.objects.filter(award_form__movement=movement, unit=unit).exclude(status=ProposalStatus.REJECTED)
    if person_name:
        qs = qs.filter(award_form__recipient=Recipient.INDIVIDUAL, person_name__iexact=person_name)
    else:
        qs = qs.filter(award_form__recipient=Recipient.COLLECTIVE)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.select_related("award_form").order_by("pk").first()


def _one_award_message(nominee: str, other: Proposal, movement: Movement) -> str:
    return _(
        "%(nominee)s đã được đề nghị %(award_form)s (%(issuer)s) cho thành tích trong phong trào %(symbol)s: "
        "không tặng hai hình thức khen thưởng cho cùng một thành tích trong một đợt "
        "(Luật Thi đua, khen thưởng số 06/2022/QH15)."
    ) % {
        "nominee": nominee,
        "award_form": other.award_form.name,
        "issuer": other.award_form.issuer,
        "symbol": movement.symbol,
    }


@transaction.atomic
def award_form_create(
    *, actor: Any, movement: Movement, name: str, issuer: str, recipient: str, quota: int,
    minimum_band: Band | None = None, decided_here: bool = True,
) -> AwardForm:  # fmt: skip
    check_actor(actor, "awards.manage", movement.issuing_unit)
    name, issuer = nfc(name), nfc(issuer)
    if not name:
        raise DomainError(_("Cần ghi hình thức khen thưởng."), field="name")
    if recipient not in Recipient.values:
        raise DomainError(_("Đối tượng khen thưởng không hợp lệ."), field="recipient")
    if quota < 1:
        raise DomainError(_("Số lượng tối đa phải từ 1 trở lên."), field="quota")
    if minimum_band is not None and minimum_band.movement_id != movement.pk:
        raise DomainError(_("Xếp loại không thuộc phong trào này."), field="minimum_band")
    if AwardForm.objects.filter(movement=movement, name__iexact=name, recipient=recipient).exists():
        raise DomainError(_("Đã có hình thức “%(name)s” cho đối tượng này.") % {"name": name}, field="name")
    problem = competence_problem(movement=movement, name=name, decided_here=decided_here)
    if problem:
        raise DomainError(problem, field="decided_here")
    with as_actor(actor):
        return AwardForm.objects.create(
            movement=movement, name=name, issuer=issuer, recipient=recipient, quota=quota, minimum_band=minimum_band,
            decided_here=decided_here, order=AwardForm.objects.filter(movement=movement).count() + 1,
        )  # fmt: skip


def _approved_assessment(movement: Movement, unit: OrgUnit) -> Assessment | None:
    return (
        Assessment.objects.filter(
            participation__movement=movement, participation__unit=unit, status=AssessmentStatus.APPROVED
        )
        .select_related("band")
        .first()
    )


@transaction.atomic
def proposal_add(
    *, actor: Any, award_form: AwardForm, unit: OrgUnit, achievements: str, person_name: str = "",
    position: str = "",
) -> Proposal:  # fmt: skip
    check_actor(actor, "awards.manage", award_form.movement.issuing_unit)
    award_form = (
        AwardForm.objects.select_for_update(of=("self",))
        .select_related("movement", "minimum_band")
        .get(pk=award_form.pk)
    )
    movement = award_form.movement
    achievements, person_name, position = nfc(achievements), nfc(person_name), nfc(position)
    if not achievements:
        raise DomainError(_("Cần ghi tóm tắt thành tích."), field="achievements")
    used = award_form.proposals.exclude(status=ProposalStatus.REJECTED).count()
    if used >= award_form.quota:
        raise DomainError(
            _("%(award_form)s: đã đủ %(quota)s đề nghị theo số lượng cho phép, không thể đề nghị thêm.")
            % {"award_form": award_form.name, "quota": award_form.quota},
            field="award_form",
        )
    if not movement.participations.filter(unit=unit).exists() and not unit.path.startswith(movement.issuing_unit.path):
        raise DomainError(_("%(unit)s không thuộc phạm vi phong trào.") % {"unit": unit.committee_title}, field="unit")
    assessment = _approved_assessment(movement, unit)
    if award_form.recipient == Recipient.INDIVIDUAL:
        if not person_name:
            raise DomainError(_("Cần ghi họ và tên cá nhân được đề nghị."), field="person_name")
        duplicate = award_form.proposals.filter(unit=unit, person_name__iexact=person_name)
    else:
        person_name = position = ""
        if award_form.minimum_band is not None:
            band = assessment.band if assessment else None
            if band is None or band.minimum < award_form.minimum_band.minimum:
                reached = _("xếp loại “%(band)s”") % {"band": band.name} if band else _("chưa có xếp loại đã phê duyệt")
                raise DomainError(
                    _(
                        "%(unit)s %(reached)s; %(award_form)s chỉ dành cho đơn vị xếp loại từ “%(minimum_band)s” "
                        "trở lên."
                    )
                    % {
                        "unit": unit.committee_title,
                        "reached": reached,
                        "award_form": award_form.name,
                        "minimum_band": award_form.minimum_band.name,
                    },
                    field="unit",
                )
        duplicate = award_form.proposals.filter(unit=unit)
    if duplicate.exclude(status=ProposalStatus.REJECTED).exists():
        raise DomainError(
            _("%(person_name)s đã có trong danh sách đề nghị %(award_form)s.")
            % {"person_name": person_name or unit.committee_title, "award_form": award_form.name},
            field="unit",
        )
    problem = competence_problem(movement=movement, name=award_form.name, decided_here=award_form.decided_here)
    if problem:
        raise DomainError(problem, field="award_form")
    other = same_achievement(movement=movement, unit=unit, person_name=person_name)
    if other is not None:
        raise DomainError(_one_award_message(person_name or unit.committee_title, other, movement), field="unit")
    with as_actor(actor):
        return Proposal.objects.create(
            award_form=award_form, unit=unit, person_name=person_name, position=position, achievements=achievements,
            assessment=assessment, created_by=actor, order=award_form.proposals.count() + 1,
        )  # fmt: skip


def achievements_text(assessment: Assessment) -> str:
    band = assessment.band.name if assessment.band else ""
    return (
        f"Đạt {_fmt(assessment.final_total)} điểm, xếp loại {band}, xếp thứ {assessment.rank} "
        f"trong phong trào thi đua {assessment.participation.movement.symbol}."
    )


@transaction.atomic
def proposals_from_ranking(
    *, actor: Any, award_form: AwardForm, count: int, band: Band | None = None
) -> list[Proposal]:
    """Propose the top `count` units of the approved ranking (optionally of one band) not yet proposed."""
    check_actor(actor, "awards.manage", award_form.movement.issuing_unit)
    if award_form.recipient != Recipient.COLLECTIVE:
        raise DomainError(_("Chỉ đề nghị từ bảng xếp hạng cho hình thức khen tập thể."), field="award_form")
    if count < 1:
        raise DomainError(_("Số đơn vị đề nghị phải từ 1 trở lên."), field="count")
    qs = Assessment.objects.filter(
        participation__movement=award_form.movement, status=AssessmentStatus.APPROVED, rank__isnull=False
    ).select_related("participation__unit", "band", "participation__movement")
    if band is not None:
        qs = qs.filter(band=band)
    if award_form.minimum_band is not None:
        qs = qs.filter(band__minimum__gte=award_form.minimum_band.minimum)
    taken = set(  # proposed for this form or another: one award per achievement
        Proposal.objects.filter(award_form__movement=award_form.movement, award_form__recipient=Recipient.COLLECTIVE)
        .exclude(status=ProposalStatus.REJECTED)
        .values_list("unit_id", flat=True)
    )
    created: list[Proposal] = []
    for assessment in qs.order_by("rank"):
        if len(created) == count:
            break
        if assessment.participation.unit_id in taken:
            continue
        created.append(
            proposal_add(
                actor=actor,
                award_form=award_form,
                unit=assessment.participation.unit,
                achievements=achievements_text(assessment),
            )
        )
    if not created:
        raise DomainError(_("Không còn đơn vị nào phù hợp trong kết quả xếp hạng đã phê duyệt."), field="count")
    return created


@transaction.atomic
def proposal_remove(*, actor: Any, proposal: Proposal) -> None:
    check_actor(actor, "awards.manage", proposal.award_form.movement.issuing_unit)
    if proposal.status != ProposalStatus.PROPOSED:
        raise DomainError(_("Chỉ rút đề nghị chưa được biểu quyết."))
    with as_actor(actor):
        proposal.delete()


@transaction.atomic
def meeting_create(
    *, actor: Any, movement: Movement, held_on: dt.date, place: str, chair: str, attendees: int, note: str = "",
    secretary: str = "",
) -> Meeting:  # fmt: skip
    """The evaluation meeting. `secretary` (who keeps and co-signs the minutes) may be left for the pen."""
    check_actor(actor, "awards.manage", movement.issuing_unit)
    place, chair, secretary = nfc(place), nfc(chair), nfc(secretary)
    if not place:
        raise DomainError(_("Cần ghi địa điểm họp."), field="place")
    if not chair:
        raise DomainError(_("Cần ghi người chủ trì."), field="chair")
    if attendees < 1:
        raise DomainError(_("Số thành viên dự họp phải từ 1 trở lên."), field="attendees")
    with as_actor(actor):
        return Meeting.objects.create(
            movement=movement, held_on=held_on, place=place, chair=chair, secretary=secretary, attendees=attendees,
            note=nfc(note), created_by=actor,
        )  # fmt: skip


def vote_passes(agree: int, attendees: int) -> bool:
    """Passed with the agreement of more than half of the members present."""
    return agree * 2 > attendees


@transaction.atomic
def vote_record(
    *, actor: Any, meeting: Meeting, proposal: Proposal, agree: int, disagree: int, abstain: int = 0
) -> Vote:  # fmt: skip
    check_actor(actor, "awards.manage", meeting.movement.issuing_unit)
    label = _("Đề nghị “%(nominee)s” (%(award_form)s)") % {
        "nominee": proposal.nominee,
        "award_form": proposal.award_form.name,
    }
    if proposal.award_form.movement_id != meeting.movement_id:
        raise DomainError(_("%(label)s không thuộc phong trào của cuộc họp.") % {"label": label})
    if proposal.status == ProposalStatus.DECIDED:
        raise DomainError(_("%(label)s đã có quyết định khen thưởng.") % {"label": label})
    if min(agree, disagree, abstain) < 0:
        raise DomainError(_("%(label)s: số phiếu không được âm.") % {"label": label}, field=f"agree_{proposal.pk}")
    if agree + disagree + abstain > meeting.attendees:
        raise DomainError(
            _("%(label)s: tổng số phiếu %(total)s vượt số thành viên dự họp (%(attendees)s).")
            % {"label": label, "total": agree + disagree + abstain, "attendees": meeting.attendees},
            field=f"agree_{proposal.pk}",
        )
    passed = vote_passes(agree, meeting.attendees)
    vote = Vote.objects.filter(meeting=meeting, proposal=proposal).first() or Vote(meeting=meeting, proposal=proposal)
    vote.agree, vote.disagree, vote.abstain, vote.passed = agree, disagree, abstain, passed
    proposal.status = ProposalStatus.PASSED if passed else ProposalStatus.REJECTED
    with as_actor(actor):
        vote.save()
        proposal.save(update_fields=["status"])
    return vote


@transaction.atomic
def decision_create(
    *, actor: Any, movement: Movement, number: str, signed_on: dt.date, signer_name: str,
    signer_title: str = "TM. BAN THƯỜNG TRỰC", signer_role: str = "CHỦ TỊCH", memo_number: str = "",
) -> Decision:  # fmt: skip
    check_actor(actor, "awards.manage", movement.issuing_unit)
    number, signer_name = nfc(number).strip(), nfc(signer_name)
    if not number:
        raise DomainError(_("Cần ghi số, ký hiệu quyết định."), field="number")
    if not signer_name:
        raise DomainError(_("Cần ghi họ tên người ký."), field="signer_name")
    if Decision.objects.filter(movement=movement, number__iexact=number).exists():
        raise DomainError(_("Đã có quyết định số %(number)s.") % {"number": number}, field="number")
    passed = list(
        Proposal.objects.filter(
            award_form__movement=movement, award_form__decided_here=True, status=ProposalStatus.PASSED,
            decision__isnull=True,
        ).select_related("award_form__minimum_band", "unit")
    )  # fmt: skip
    if not passed:
        raise DomainError(_("Chưa có đề nghị nào được biểu quyết thông qua để đưa vào quyết định."))
    _check_awards(movement, passed)
    with as_actor(actor):
        decision = Decision.objects.create(
            movement=movement, number=number, signed_on=signed_on, signer_name=signer_name,
            signer_title=nfc(signer_title), signer_role=nfc(signer_role), memo_number=nfc(memo_number),
            created_by=actor,
        )  # fmt: skip
        for p in passed:
            p.decision = decision
            p.save(update_fields=["decision"])
    return decision


def _check_awards(movement: Movement, proposals: list[Proposal]) -> None:
    """At decision and again at signature: every award is within the committee's competence and no
    achievement gets two awards; the refusal names each proposal and its reason."""
    problems = []
    forms = {p.award_form_id: p.award_form for p in proposals}
    for form in forms.values():
        # The quota counts every award of the form granted or being granted, in any decision.
        granted = form.proposals.filter(Q(status=ProposalStatus.DECIDED) | Q(pk__in=[p.pk for p in proposals]))
        if granted.count() > form.quota:
            problems.append(
                _("%(award_form)s (%(recipient)s): %(count)s tập thể, cá nhân vượt số lượng cho phép (%(quota)s).")
                % {
                    "award_form": form.name,
                    "recipient": form.get_recipient_display().lower(),
                    "count": granted.count(),
                    "quota": form.quota,
                }
            )
    for p in proposals:
        competence = competence_problem(movement=movement, name=p.award_form.name, decided_here=True)
        if competence:
            problems.append(f"{p.nominee}: {competence}")
        minimum = p.award_form.minimum_band
        if minimum is not None and p.award_form.recipient == Recipient.COLLECTIVE:
            assessment = _approved_assessment(movement, p.unit)
            band = assessment.band if assessment else None
            if band is None or band.minimum < minimum.minimum:
                reached = _("xếp loại “%(band)s”") % {"band": band.name} if band else _("chưa có xếp loại đã phê duyệt")
                problems.append(
                    _(
                        "%(nominee)s: %(reached)s; %(award_form)s chỉ dành cho đơn vị xếp loại từ “%(minimum_band)s” "
                        "trở lên."
                    )
                    % {
                        "nominee": p.nominee,
                        "reached": reached,
                        "award_form": p.award_form.name,
                        "minimum_band": minimum.name,
                    }
                )
        other = same_achievement(movement=movement, unit=p.unit, person_name=p.person_name, exclude_pk=p.pk)
        if other is not None:
            problems.append(_one_award_message(p.nominee, other, movement))
    if problems:
        raise DomainError(_("Không thể quyết định khen thưởng: %(problems)s") % {"problems": " ".join(problems)})


@transaction.atomic
def decision_sign(*, actor: Any, decision: Decision, store_documents: bool = True) -> Decision:
    """Sign: the proposals become decided, and the rendered tờ trình and quyết định are kept as
    documents of the decision, so what was signed stays what it was even if templates change."""
    check_actor(actor, "awards.sign", decision.movement.issuing_unit)
    decision = Decision.objects.select_for_update().select_related("movement__issuing_unit").get(pk=decision.pk)
    if decision.is_signed:
        raise DomainError(_("Quyết định đã được ký ban hành."))
    if not decision.proposals.exists():
        raise DomainError(_("Quyết định chưa có ai được khen thưởng."))
    _check_awards(decision.movement, list(decision.proposals.select_related("award_form__minimum_band", "unit")))
    decision.status = DecisionStatus.SIGNED
    decision.signed_by = actor
    decision.signed_at = _now()
    with as_actor(actor):
        decision.save()
        for proposal in decision.proposals.all():
            proposal.status = ProposalStatus.DECIDED
            proposal.save(update_fields=["status"])
    if store_documents:
        from . import documents

        documents.store_signed(actor=actor, decision=decision)
    return decision


# --- Periodic reports: the figures the office asks for ------------------------------------------------
@transaction.atomic
def report_field_add(*, actor: Any, movement: Movement, label: str, unit: str) -> ReportField:
    check_actor(actor, "evaluation.review", movement.issuing_unit)
    label, unit = nfc(label).strip(), nfc(unit).strip()
    if not label:
        raise DomainError(_("Cần ghi tên số liệu."), field="label")
    if not unit:
        raise DomainError(_("“%(label)s”: cần ghi đơn vị tính.") % {"label": label}, field="unit")
    if ReportField.objects.filter(movement=movement, label__iexact=label).exists():
        raise DomainError(_("Mẫu báo cáo đã có số liệu “%(label)s”.") % {"label": label}, field="label")
    with as_actor(actor):
        return ReportField.objects.create(
            movement=movement, label=label, unit=unit, order=ReportField.objects.filter(movement=movement).count() + 1
        )


@transaction.atomic
def report_values_save(*, actor: Any, obligation: Obligation, values: dict[int, Any]) -> list[ReportValue]:
    """A unit's figures for one periodic report (field id → whole number); every figure of the form is
    required. The report's file is uploaded with the obligation as before."""
    check_actor(actor, "evaluation.self", obligation.unit)
    obligation = Obligation.objects.select_related("milestone__movement", "unit").get(pk=obligation.pk)
    if obligation.milestone.kind != MilestoneKind.PROGRESS_REPORT:
        raise DomainError(_("Chỉ báo cáo tiến độ định kỳ mới có số liệu theo mẫu."))
    fields = list(ReportField.objects.filter(movement=obligation.milestone.movement))
    if not fields:
        raise DomainError(_("Văn phòng chưa lập mẫu số liệu cho báo cáo của phong trào này."))
    parsed: dict[int, int] = {}
    for f in fields:
        given = values.get(f.pk)  # 0 is a figure ("no house started this month"), not an empty field
        raw = ("" if given is None else str(given)).strip().replace(".", "").replace(" ", "")
        if not raw:
            raise DomainError(_("“%(field)s”: cần nhập số liệu.") % {"field": f.label}, field=f"field_{f.pk}")
        if not raw.isdigit():
            raise DomainError(
                _("“%(field)s”: “%(value)s” không phải là số nguyên không âm.") % {"field": f.label, "value": given},
                field=f"field_{f.pk}",
            )
        parsed[f.pk] = int(raw)
    now = _now()
    saved = []
    with as_actor(actor):
        for f in fields:
            row, _created = ReportValue.objects.update_or_create(
                obligation=obligation, field=f,
                defaults={"value": parsed[f.pk], "entered_by": actor, "entered_at": now},
            )  # fmt: skip
            saved.append(row)
    return saved
