"""Reads for movements: scoped lists, the criteria tree, the follow-up matrix, a unit's workspace, results."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Avg, Count, Exists, F, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from chungtay.core.access import has_perm, scope_q, visible_to
from chungtay.core.dates import today
from chungtay.core.documents import documents_for, documents_for_many
from chungtay.core.models import DocumentLink
from chungtay.core.text import fold

from .models import (
    Activity,
    Contest,
    CriteriaSet,
    Criterion,
    CriterionKind,
    GoodModel,
    GoodModelStatus,
    JudgeScore,
    MilestoneKind,
    Movement,
    MovementStatus,
    Obligation,
    Participation,
)


# --- An obligation's state ----------------------------------------------------------------------
# Here, beside the obligations, so that this app needs nothing above it; the figures catalogue
# (chungtay.figures.definitions) counts with these same filters.
def obligation_states(day: Any) -> dict[str, Q]:
    """The state of an obligation on `day`, as Q filters on Obligation: the only definitions of
    on time, done late, overdue, not yet due and excused. Every state is one of these five (the
    timeliness matrix, reminders and workspaces filter with them too, so their counts add up to
    the catalogue's)."""
    done = Q(fulfilled_at__isnull=False, fulfilled_at__date__lte=day)
    waiting = ~done & Q(excused_reason="")
    return {
        "on_time": done & Q(fulfilled_at__date__lte=F("due_on")),
        "done_late": done & Q(fulfilled_at__date__gt=F("due_on")),
        "overdue": waiting & Q(due_on__lt=day),
        "open": waiting & Q(due_on__gte=day),
        "excused": ~done & ~Q(excused_reason=""),
    }


# --- Which movements a person sees -------------------------------------------------------------
def movements_for(user: Any) -> QuerySet[Movement]:
    """Movements issued inside the user's scope, and launched movements a unit of their scope takes part in."""
    qs = Movement.objects.select_related("issuing_unit")
    if not user.is_authenticated:
        return qs.none()
    own = scope_q(user, "movement.view", "issuing_unit__path")
    if own is None:
        return qs
    mine = Participation.objects.filter(scope_q(user, "movement.view", "unit__path"), movement=OuterRef("pk"))
    return qs.filter(own | (Exists(mine) & ~Q(status=MovementStatus.DRAFT)))


def movement_or_404(user: Any, pk: int) -> Movement:
    movement = movements_for(user).filter(pk=pk).first()
    if movement is None:
        raise Http404
    return movement


def managed_movement_or_404(user: Any, pk: int) -> Movement:
    """Setting a movement up needs movement.manage over its issuing unit."""
    qs = visible_to(user, Movement.objects.select_related("issuing_unit"), "movement.manage", "issuing_unit__path")
    movement = qs.filter(pk=pk).first()
    if movement is None:
        raise Http404
    return movement


def participation_or_404(user: Any, movement: Movement, unit_pk: int, perm: str) -> Participation:
    qs = Participation.objects.select_related("unit", "movement", "movement__issuing_unit")
    found = visible_to(user, qs, perm, "unit__path").filter(movement=movement, unit_id=unit_pk).first()
    if found is None:
        raise Http404
    return found


def participations_for(user: Any, movement: Movement, perm: str = "movement.participate") -> QuerySet[Participation]:
    qs = movement.participations.select_related("unit__parent").order_by("level", "unit__path")
    return visible_to(user, qs, perm, "unit__path")


def own_participations(user: Any, movement: Movement) -> list[Participation]:
    """The units whose workspace a person opens from the movement page. The office of the issuing
    unit reaches every participant through the follow-up matrix, so it gets only its own unit here."""
    qs = participations_for(user, movement)
    if has_perm(user, "movement.manage", movement.issuing_unit):
        qs = qs.filter(unit=movement.issuing_unit)
    return list(qs[:30])


# --- Criteria -----------------------------------------------------------------------------------
def current_set(movement: Movement, level: int) -> CriteriaSet | None:
    """The version in force: the latest frozen one once launched; before launch, the draft."""
    sets = CriteriaSet.objects.filter(movement=movement, level=level).order_by("-version")
    if movement.status != MovementStatus.DRAFT:
        sets = sets.filter(frozen_at__isnull=False)
    return sets.first()


@dataclass
class TreeRow:
    criterion: Criterion
    depth: int
    points: Decimal  # its own maximum, or for a group the sum of its scored items


@dataclass
class CriteriaTree:
    criteria_set: CriteriaSet | None
    rows: list[TreeRow] = field(default_factory=list)
    base_total: Decimal = Decimal(0)
    bonus_total: Decimal = Decimal(0)
    penalty_total: Decimal = Decimal(0)

    @property
    def groups(self) -> list[Criterion]:
        return [r.criterion for r in self.rows if r.criterion.is_group]


SCORED = {CriterionKind.REVIEWED, CriterionKind.COMPUTED, CriterionKind.YES_NO}


def criteria_tree(criteria_set: CriteriaSet | None) -> CriteriaTree:
    tree = CriteriaTree(criteria_set)
    if criteria_set is None:
        return tree
    items = list(criteria_set.criteria.all().order_by("order", "pk"))
    children: dict[int | None, list[Criterion]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)

    def points(item: Criterion) -> Decimal:
        if not item.is_group:
            return item.max_points if item.kind in SCORED else Decimal(0)
        return sum((points(c) for c in children.get(item.pk, [])), Decimal(0))

    def walk(parent_id: int | None, depth: int) -> None:
        for item in children.get(parent_id, []):
            tree.rows.append(TreeRow(item, depth, points(item) if item.is_group else item.max_points))
            walk(item.pk, depth + 1)

    walk(None, 0)
    for item in items:
        if item.kind in SCORED:
            tree.base_total += item.max_points
        elif item.kind == CriterionKind.BONUS:
            tree.bonus_total += item.max_points
        elif item.kind == CriterionKind.PENALTY:
            tree.penalty_total += item.max_points
    return tree


# --- The follow-up matrix (theo dõi, đôn đốc) ---------------------------------------------------
@dataclass
class TrackRow:
    participation: Participation
    own_plan: str | None = None  # done / done_late / late / open / None (not asked of this level)
    launch: str | None = None
    reports_due: int = 0
    reports_on_time: int = 0
    reports_done: int = 0
    late: int = 0
    done: int = 0
    total: int = 0

    @property
    def unit(self) -> Any:
        return self.participation.unit


def _kind_state(counts: dict[str, int] | None) -> str | None:
    if not counts or not counts["total"]:
        return None
    if counts["done"]:
        return "done" if counts["on_time"] else "done_late"
    if counts["late"]:
        return "late"
    return "open"


STATE_FILTERS = {
    "chua-dang-ky": _("Chưa đăng ký"),
    "chua-ke-hoach": _("Chưa có kế hoạch"),
    "chua-phat-dong": _("Chưa tổ chức phát động"),
    "tre-han": _("Có việc quá hạn chưa thực hiện"),
}


def tracking(
    user: Any, movement: Movement, *, level: int | None = None, state: str = "", query: str = "",
    on: dt.date | None = None,
) -> list[TrackRow]:  # fmt: skip
    """One row per participant in the user's scope; a fixed number of queries whatever the count."""
    on = on or today()
    participations = participations_for(user, movement, "movement.view")
    if level:
        participations = participations.filter(level=level)
    if query.strip():
        participations = participations.filter(unit__name_folded__contains=fold(query))
    # Overdue as the figures catalogue counts it (obligation_states above).
    rows = {p.unit_id: TrackRow(p) for p in participations}
    counts = (
        Obligation.objects.filter(milestone__movement=movement, unit_id__in=list(rows))
        .values("unit_id", "milestone__kind")
        .annotate(
            total=Count("pk"),
            due=Count("pk", filter=Q(due_on__lte=on)),
            done=Count("pk", filter=Q(fulfilled_at__isnull=False)),
            on_time=Count("pk", filter=Q(fulfilled_at__date__lte=F("due_on"))),
            late=Count("pk", filter=obligation_states(on)["overdue"]),
        )
    )
    by_kind: dict[tuple[int, str], dict[str, int]] = {}
    for c in counts:
        row = rows[c["unit_id"]]
        by_kind[(c["unit_id"], c["milestone__kind"])] = c
        row.late += c["late"]
        row.done += c["done"]
        row.total += c["total"]
    for unit_id, row in rows.items():
        row.own_plan = _kind_state(by_kind.get((unit_id, MilestoneKind.OWN_PLAN)))
        row.launch = _kind_state(by_kind.get((unit_id, MilestoneKind.LAUNCH)))
        reports = by_kind.get((unit_id, MilestoneKind.PROGRESS_REPORT))
        if reports:
            row.reports_due, row.reports_on_time, row.reports_done = reports["due"], reports["on_time"], reports["done"]
    result = list(rows.values())
    if state == "chua-dang-ky":
        result = [r for r in result if not r.participation.registered_at]
    elif state == "chua-ke-hoach":
        result = [r for r in result if r.own_plan not in (None, "done", "done_late")]
    elif state == "chua-phat-dong":
        result = [r for r in result if r.launch not in (None, "done", "done_late")]
    elif state == "tre-han":
        result = [r for r in result if r.late]
    return result


def tracking_summary(rows: list[TrackRow]) -> dict[str, int]:
    return {
        "total": len(rows),
        "registered": sum(1 for r in rows if r.participation.registered_at),
        "own_plan": sum(1 for r in rows if r.own_plan in ("done", "done_late")),
        "launch": sum(1 for r in rows if r.launch in ("done", "done_late")),
        "with_late": sum(1 for r in rows if r.late),
    }


# --- A unit's workspace ---------------------------------------------------------------------------
def workspace(participation: Participation, *, on: dt.date | None = None) -> dict[str, Any]:
    on = on or today()
    movement, unit = participation.movement, participation.unit
    obligations = list(
        Obligation.objects.filter(milestone__movement=movement, unit=unit)
        .select_related("milestone", "document__unit", "activity", "fulfilled_by")
        .order_by("due_on", "pk")
    )
    for o in obligations:
        o.current_state = o.state(on)  # type: ignore[attr-defined]
    activities = list(
        Activity.objects.filter(movement=movement, unit=unit).select_related("created_by").order_by("-held_on")
    )
    docs = documents_for_many(activities)  # type: ignore[arg-type]
    for a in activities:
        a.documents = docs.get(a.pk, [])  # type: ignore[attr-defined]
    criteria = criteria_tree(current_set(movement, participation.level))
    evidence_counts: dict[int, int] = {}
    if criteria.rows:
        from django.contrib.contenttypes.models import ContentType

        ct = ContentType.objects.get_for_model(Criterion)
        for row in (
            DocumentLink.objects.filter(
                content_type=ct, object_id__in=[r.criterion.pk for r in criteria.rows], document__unit=unit
            )
            .values("object_id")
            .annotate(n=Count("pk"))
        ):
            evidence_counts[row["object_id"]] = row["n"]
    for r in criteria.rows:
        r.evidence = evidence_counts.get(r.criterion.pk, 0)  # type: ignore[attr-defined]
    return {
        "next": [o for o in obligations if o.current_state == "open"],  # type: ignore[attr-defined]
        "late": [o for o in obligations if o.current_state == "late"],  # type: ignore[attr-defined]
        "done": [o for o in obligations if o.current_state in ("done", "done_late", "excused")],  # type: ignore[attr-defined]
        "activities": activities,
        "documents": list(documents_for(participation)),
        "good_models": list(GoodModel.objects.filter(movement=movement, unit=unit)),
        "criteria": criteria,
    }


# --- Good models ----------------------------------------------------------------------------------
def good_models_for(user: Any, movement: Movement) -> QuerySet[GoodModel]:
    """Recognised models are for everyone in the movement to learn from; proposals stay in their subtree."""
    own = visible_to(user, GoodModel.objects.filter(movement=movement), "movement.view", "unit__path")
    return (
        GoodModel.objects.filter(Q(pk__in=own.values("pk")) | Q(movement=movement, status=GoodModelStatus.RECOGNISED))
        .select_related("unit__parent")
        .annotate(n_replications=Count("replications"))
        .order_by("-proposed_at", "-pk")
    )


# --- Contest results ------------------------------------------------------------------------------
@dataclass
class ResultRow:
    entrant: Any
    by_round: dict[int, Decimal | None]
    total: Decimal | None
    rank: int | None = None


def _q2(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def contest_results(contest: Contest) -> tuple[list[Any], list[ResultRow]]:
    """Average of the non-recused judges per round, summed over rounds, ranked (ties share a rank)."""
    rounds = list(contest.rounds.all())
    entrants = list(contest.entrants.select_related("unit"))
    averages = (
        JudgeScore.objects.filter(round__contest=contest, recused=False)
        .values("entrant_id", "round_id")
        .annotate(avg=Avg("score"))
    )
    table: dict[tuple[int, int], Decimal] = {(a["entrant_id"], a["round_id"]): _q2(a["avg"]) for a in averages}
    rows = []
    for entrant in entrants:
        by_round = {r.pk: table.get((entrant.pk, r.pk)) for r in rounds}
        scored = [v for v in by_round.values() if v is not None]
        rows.append(ResultRow(entrant, by_round, sum(scored, Decimal(0)) if scored else None))
    rows.sort(key=lambda r: (r.total is None, -(r.total or 0), r.entrant.person_name))
    previous, rank = None, 0
    for i, row in enumerate(rows, start=1):
        if row.total is None:
            continue
        if row.total != previous:
            rank, previous = i, row.total
        row.rank = rank
    return rounds, rows
