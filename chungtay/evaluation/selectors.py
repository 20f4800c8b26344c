"""Reads for evaluation and awards: scoped assessments, the office's board, bands, the ranking."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from chungtay.campaigns.models import MilestoneKind, Movement, Obligation, Participation
from chungtay.core.access import visible_to
from chungtay.core.text import fold
from chungtay.orgunits.models import Level

from . import award_defaults
from .models import (
    Assessment,
    AssessmentStatus,
    AwardForm,
    AwardRule,
    Band,
    CrossReview,
    CrossReviewGroup,
    EvaluationSettings,
    Proposal,
    ProposalStatus,
    RankingApproval,
    RankingExclusion,
    ReportField,
    ReportValue,
)

UNIT_PATH = "participation__unit__path"


def settings_of(movement: Movement) -> EvaluationSettings:
    """The movement's settings, or the defaults (unsaved) if nobody changed them yet."""
    found = EvaluationSettings.objects.filter(movement=movement).first()
    return found or EvaluationSettings(movement=movement)


def assessments_for(user: Any, perm: str = "evaluation.view") -> QuerySet[Assessment]:
    qs = Assessment.objects.select_related(
        "participation", "participation__unit", "participation__movement", "criteria_set", "band"
    )
    return visible_to(user, qs, perm, UNIT_PATH)


def assessment_or_404(user: Any, pk: int, perm: str = "evaluation.view") -> Assessment:
    found = assessments_for(user, perm).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def self_assessment_due(participation: Participation) -> dt.date:
    """The unit's own self-assessment obligation, else the level's milestone, else the movement's end."""
    obligation = (
        Obligation.objects.filter(
            milestone__movement_id=participation.movement_id,
            milestone__kind=MilestoneKind.SELF_ASSESSMENT,
            unit_id=participation.unit_id,
        )
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    if obligation:
        return obligation
    milestone = (
        participation.movement.milestones.filter(kind=MilestoneKind.SELF_ASSESSMENT, level=participation.level)
        .order_by("-due_on")
        .values_list("due_on", flat=True)
        .first()
    )
    return milestone or participation.movement.ends_on


def bands_of(movement: Movement) -> list[Band]:
    return list(Band.objects.filter(movement=movement).order_by("-minimum"))


def band_for(total: Decimal, bands: list[Band]) -> Band | None:
    """The highest band whose minimum the total reaches (bands sorted by minimum, highest first)."""
    for band in bands:
        if total >= band.minimum:
            return band
    return None


def is_locked(movement_id: int, level: int) -> bool:
    return RankingApproval.objects.filter(movement_id=movement_id, level=level).exists()


# --- The office's board -----------------------------------------------------------------------
@dataclass
class BoardRow:
    participation: Participation
    assessment: Assessment | None

    @property
    def unit(self) -> Any:
        return self.participation.unit

    @property
    def status(self) -> str:
        return self.assessment.status if self.assessment else "none"


STATUS_FILTERS = [("none", "Chưa tự đánh giá"), *AssessmentStatus.choices, ("late", "Nộp trễ hạn")]


def board(
    user: Any, movement: Movement, *, level: int, status: str = "", query: str = ""
) -> list[BoardRow]:  # fmt: skip
    """Every participant of a level in the user's scope with its assessment: two queries."""
    participations = visible_to(
        user,
        movement.participations.select_related("unit__parent").filter(level=level),
        "evaluation.view",
        "unit__path",
    ).order_by("unit__path")
    if query.strip():
        participations = participations.filter(unit__name_folded__contains=fold(query))
    rows = {p.pk: BoardRow(p, None) for p in participations}
    for a in Assessment.objects.filter(participation_id__in=list(rows)).select_related("band", "criteria_set"):
        rows[a.participation_id].assessment = a
    result = list(rows.values())
    if status == "late":
        result = [r for r in result if r.assessment and r.assessment.late]
    elif status:
        result = [r for r in result if r.status == status]
    return result


def board_summary(rows: list[BoardRow]) -> dict[str, int]:
    summary = {"total": len(rows), "none": 0, "late": 0}
    for value, _label in AssessmentStatus.choices:
        summary[value] = 0
    for r in rows:
        summary[r.status] += 1
        if r.assessment and r.assessment.late:
            summary["late"] += 1
    return summary


# --- Ranking ------------------------------------------------------------------------------------
def rank_key(a: Assessment) -> tuple:
    """The tie rules of models.TIE_RULES, in order; the unit path makes it a total order."""
    submitted = a.submitted_at.timestamp() if a.submitted_at else float("inf")
    return (-a.final_total, a.penalty_points, -a.computed_points, submitted, a.participation.unit.path)


def ranked(assessments: list[Assessment]) -> list[Assessment]:
    return sorted(assessments, key=rank_key)


RANKABLE = (AssessmentStatus.REVIEWED, AssessmentStatus.APPROVED)


@dataclass
class Unranked:
    """A participant of the level outside the ranking: its state, and the recorded reason if the
    office excluded it (then it does not hold the approval back)."""

    participation: Participation
    assessment: Assessment | None
    exclusion: RankingExclusion | None

    @property
    def unit(self) -> Any:
        return self.participation.unit

    @property
    def state(self) -> str:
        if self.assessment is None:
            return "Chưa tự đánh giá"
        return str(self.assessment.get_status_display())


def ranking(movement: Movement, level: int) -> dict[str, Any]:
    """Reviewed assessments in rank order; every other participant of the level with its state
    (returned, waiting, not yet assessed) and its exclusion if any; and the approval if any."""
    qs = list(
        Assessment.objects.filter(participation__movement=movement, participation__level=level).select_related(
            "participation__unit__parent", "band"
        )
    )
    ready = ranked([a for a in qs if a.status in RANKABLE])
    pending = [a for a in qs if a.status == AssessmentStatus.SUBMITTED]
    not_ready = [a for a in qs if a.status not in RANKABLE]
    missing = list(
        movement.participations.filter(level=level)
        .exclude(pk__in=[a.participation_id for a in qs])
        .select_related("unit__parent")
        .order_by("unit__path")
    )
    exclusions = {
        e.participation_id: e
        for e in RankingExclusion.objects.filter(participation__movement=movement, participation__level=level)
    }
    unranked = sorted(
        [Unranked(a.participation, a, exclusions.get(a.participation_id)) for a in not_ready]
        + [Unranked(p, None, exclusions.get(p.pk)) for p in missing],
        key=lambda u: u.participation.unit.path,
    )
    return {
        "rows": ready,
        "pending": pending,
        "not_ready": not_ready,
        "missing": missing,
        "unranked": unranked,
        "blocking": [u for u in unranked if u.exclusion is None],
        "approval": RankingApproval.objects.filter(movement=movement, level=level)
        .select_related("approved_by")
        .first(),
    }


# --- Cross review -------------------------------------------------------------------------------
def groups_of(movement: Movement) -> list[CrossReviewGroup]:
    return list(movement.cross_review_groups.prefetch_related("members").order_by("name"))


def reviewing_unit(participation: Participation) -> Any:
    """Whose office reviews a unit's self-assessment: the issuing committee reviews the units below it; its own
    (and any at its level or above) goes to the committee above (a town's own to the province)."""
    unit, issuing = participation.unit, participation.movement.issuing_unit
    if unit.level <= issuing.level and unit.parent_id is not None:
        return unit.parent
    return issuing


def cross_review_targets(movement: Movement, reviewer_unit: Any) -> list[Assessment]:
    """Submitted assessments of the other members of the reviewer unit's clusters."""
    groups = CrossReviewGroup.objects.filter(movement=movement, members=reviewer_unit)
    member_ids = set(
        CrossReviewGroup.members.through.objects.filter(crossreviewgroup__in=groups).values_list(
            "orgunit_id", flat=True
        )
    )
    member_ids.discard(reviewer_unit.pk)
    return list(
        Assessment.objects.filter(participation__movement=movement, participation__unit_id__in=member_ids)
        .exclude(status__in=[AssessmentStatus.DRAFT])
        .select_related("participation__unit", "band")
        .order_by("participation__unit__path")
    )


def cross_reviews_of(assessment: Assessment) -> list[CrossReview]:
    return list(assessment.cross_reviews.select_related("reviewer_unit", "reviewer"))


# --- Awards ---------------------------------------------------------------------------------------
def award_forms_with_counts(movement: Movement) -> list[AwardForm]:
    forms = list(movement.award_forms.select_related("minimum_band"))
    proposals = list(
        Proposal.objects.filter(award_form__movement=movement)
        .select_related("unit__parent", "award_form", "assessment", "assessment__band", "decision")
        .prefetch_related("votes")
    )
    by_form: dict[int, list[Proposal]] = {}
    for p in proposals:
        by_form.setdefault(p.award_form_id, []).append(p)
    for f in forms:
        form_proposals = by_form.get(f.pk, [])
        f.all_proposals = form_proposals  # type: ignore[attr-defined]
        f.used = sum(1 for p in form_proposals if p.status != ProposalStatus.REJECTED)  # type: ignore[attr-defined]
    return forms


def competence(form_name: str, level: int) -> tuple[bool, AwardRule | None]:
    """Whether committees of `level` may confer the form, and the rule of the nearest level above
    that confers it (where a proposal goes), by the award rules."""
    rules = _rules_for(form_name)
    here = any(r.level == level for r in rules)
    above = sorted((r for r in rules if r.level < level), key=lambda r: -r.level)
    return here, (above[0] if above else None)


def rule_for(form_name: str, level: int) -> AwardRule | None:
    return next((r for r in _rules_for(form_name) if r.level == level), None)


def _rules_for(form_name: str) -> list[AwardRule]:
    """The award rules of a form; the Front's defaults (award_defaults) while no rule exists at all."""
    rules = list(AwardRule.objects.filter(form_name__iexact=form_name.strip()))
    if rules or AwardRule.objects.exists():
        return rules
    wanted = form_name.strip().casefold()
    return [
        AwardRule(form_name=name, level=level, conferrer=conferrer, cash_collective=collective,
                  cash_individual=individual, basis=award_defaults.BASIS)
        for name, level, conferrer, collective, individual in award_defaults.RULES
        if name.casefold() == wanted
    ]  # fmt: skip


def ancestor_at(unit: Any, level: int) -> Any:
    """The unit's ancestor (or itself) at `level`, or None."""
    while unit is not None and unit.level != level:
        unit = unit.parent
    return unit


def upward_proposals(movement: Movement) -> list[Proposal]:
    """Passed proposals for awards above the issuing committee's competence (the dossier upward)."""
    return list(
        Proposal.objects.filter(
            award_form__movement=movement, award_form__decided_here=False,
            status__in=[ProposalStatus.PASSED, ProposalStatus.DECIDED],
        )
        .select_related("unit", "award_form", "assessment", "assessment__band")
        .order_by("award_form__order", "order", "pk")
    )  # fmt: skip


def awardees(decision: Any) -> list[Proposal]:
    return list(
        decision.proposals.select_related("unit__parent", "award_form").order_by("award_form__order", "order", "pk")
    )


# The figures of an assessment that ranking and reports read, and their types.
def _points(value: Any) -> Decimal:
    return Decimal(value) if value not in (None, "None", "") else Decimal(0)  # "None": before the row existed


SCORE_FIELDS = {
    "final_total": _points,
    "penalty_points": _points,
    "computed_points": _points,
    "band": lambda value: int(value) if value not in (None, "None", "") else None,
}


def scores_as_of(assessments: list[Assessment], day: dt.date) -> None:
    """Put back, on each assessment, the scores and band it had at the end of `day` (in place).

    The audit log (django-auditlog, every model) holds every change of these fields with its time:
    a field's value at the end of a day is the new value of its last change by then, or, when every
    change came later, the old value of the first one. One query for all the assessments.
    """
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    if not assessments:
        return
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    by_pk = {str(a.pk): a for a in assessments}
    entries = (
        LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(Assessment), object_pk__in=list(by_pk))
        .order_by("timestamp", "pk")
        .values_list("object_pk", "timestamp", "changes")
    )
    settled: set[tuple[str, str]] = set()
    for object_pk, timestamp, changes in entries:
        for name, parse in SCORE_FIELDS.items():
            change = (changes or {}).get(name)
            if not change or (object_pk, name) in settled:
                continue
            old, new = change[0], change[-1]
            value = parse(new) if timestamp < end else parse(old)
            if timestamp >= end:
                settled.add((object_pk, name))  # the first change after the day: its old value stood then
            attr = "band_id" if name == "band" else name
            setattr(by_pk[object_pk], attr, value)


def results_table(movement: Movement, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Reviewed and approved results of a movement, every level, in rank order within each level —
    the one function the reports app asks for (Excel table and the final review report). Each row names
    its level ("Cấp xã"); the levels the issuing committee ranks itself (below it: its communes) come
    first, its own result (reviewed by the committee above) after them.

    With `as_of`, only the units scored by that day (the catalogue's `units_scored`), with the scores,
    bands and ranks as they stood at the end of that day (`scores_as_of`) and "approved" as it stood then."""
    found = Assessment.objects.filter(participation__movement=movement, status__in=RANKABLE)
    approved_levels: set[int] | None = None
    if as_of is not None:
        found = found.filter(reviewed_at__date__lte=as_of)
        approved_levels = set(
            movement.ranking_approvals.filter(approved_at__date__lte=as_of).values_list("level", flat=True)
        )
    qs = list(found.select_related("participation__unit", "band"))
    bands: dict[int | None, str] = {}
    if as_of is not None:
        scores_as_of(qs, as_of)
        bands = dict(Band.objects.filter(pk__in={a.band_id for a in qs if a.band_id}).values_list("pk", "name"))
    rows: list[dict[str, Any]] = []
    by_level: dict[int, list[Assessment]] = {}
    for assessment in qs:
        by_level.setdefault(assessment.participation.level, []).append(assessment)
    own = movement.issuing_unit.level
    for level in sorted(by_level, key=lambda lv: (lv <= own, lv)):
        for rank, assessment in enumerate(ranked(by_level[level]), start=1):
            rows.append(
                {
                    "level": str(Level(level).label),
                    "unit": assessment.participation.unit.title,
                    "total": assessment.final_total,
                    "band": bands.get(assessment.band_id, "")
                    if as_of is not None
                    else (assessment.band.name if assessment.band else ""),
                    "rank": rank,
                    "approved": assessment.status == AssessmentStatus.APPROVED
                    and (approved_levels is None or level in approved_levels),
                }
            )
    return rows


# --- Periodic reports ---------------------------------------------------------------------------------
def report_fields(movement: Movement) -> list[ReportField]:
    return list(ReportField.objects.filter(movement=movement))


def report_rows(user: Any, movement: Movement) -> list[Obligation]:
    """The movement's periodic-report obligations the user may see, each with `.values` (field id →
    value) — two queries."""
    obligations = list(
        visible_to(
            user,
            Obligation.objects.filter(milestone__movement=movement, milestone__kind=MilestoneKind.PROGRESS_REPORT),
            "evaluation.view",
            "unit__path",
        )
        .select_related("unit__parent", "document")
        .order_by("unit__path", "due_on")
    )
    values: dict[int, dict[int, int]] = {}
    for v in ReportValue.objects.filter(obligation__in=obligations):
        values.setdefault(v.obligation_id, {})[v.field_id] = v.value
    for o in obligations:
        o.values = values.get(o.pk, {})  # type: ignore[attr-defined]
    return obligations
