"""Reads for housing support. Subtree questions are one `area__path LIKE 'prefix%'` query each."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from chungtay.accounts.models import User
from chungtay.core import dates
from chungtay.core.access import scope_paths, scope_q, visible_to
from chungtay.core.text import fold, mask_name
from chungtay.orgunits.models import OrgUnit
from chungtay.orgunits.selectors import children_on
from chungtay.tallies import rollup

from .models import (
    DONE_STATUSES,
    OPEN_COMPLAINT,
    STARTED_STATUSES,
    Complaint,
    ComplaintKind,
    Household,
    ProgressUpdate,
    Stage,
    Status,
)


def households_for(user: User, perm: str = "housing.view") -> QuerySet[Household]:
    return visible_to(user, Household.objects.all(), perm, "area__path")


class PrivacyScope:
    """Which households' private fields a user may see, decided in Python for a whole list."""

    def __init__(self, user: User) -> None:
        self.all = user.is_superuser
        self.paths = scope_paths(user, "housing.private") if user.is_authenticated else []

    def covers(self, unit: OrgUnit) -> bool:
        return self.all or any(unit.path.startswith(p) for p in self.paths)


def search_households(
    qs: QuerySet[Household],
    *,
    unit: OrgUnit | None = None,
    phase: int | None = None,
    status: str = "",
    category: str = "",
    query: str = "",
    private: bool = False,
) -> QuerySet[Household]:
    """Filters of the list page. The name search is on the folded column; the code always matches,
    and the citizen ID only for people who may see it."""
    if unit is not None:
        qs = qs.filter(area__path__startswith=unit.path)
    if phase:
        qs = qs.filter(phase_year=phase)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    folded = fold(query)
    if folded:
        match = Q(head_name_folded__contains=folded) | Q(code__iexact=query.strip())
        if private and folded.isdigit():
            match |= Q(citizen_id=folded)
        qs = qs.filter(match)
    return qs.select_related("area", "area__parent", "norm")


# --- Phase progress --------------------------------------------------------------------------
@dataclass
class PhaseRow:
    year: int
    planned: int = 0
    amount: int = 0
    total_planned_amount: int = 0
    started: int = 0
    completed: int = 0
    handed_over: int = 0
    withdrawn: int = 0

    @property
    def done_percent(self) -> int:
        return round(100 * self.completed / self.planned) if self.planned else 0

    @property
    def not_done(self) -> int:
        return self.planned - self.completed


@dataclass
class UnitProgress:
    unit: OrgUnit
    phases: dict[int, PhaseRow] = field(default_factory=dict)

    def phase(self, year: int) -> PhaseRow:
        return self.phases.setdefault(year, PhaseRow(year))

    @property
    def total(self) -> PhaseRow:
        total = PhaseRow(0)
        for row in self.phases.values():
            for name in (
                "planned",
                "amount",
                "total_planned_amount",
                "started",
                "completed",
                "handed_over",
                "withdrawn",
            ):
                setattr(total, name, getattr(total, name) + getattr(row, name))
        return total


_COUNTS = {
    "n": Count("id", filter=~Q(status=Status.WITHDRAWN)),
    "amount": Coalesce(Sum("state_support", filter=~Q(status=Status.WITHDRAWN)), 0),
    "started": Count("id", filter=Q(status__in=STARTED_STATUSES)),
    "completed": Count("id", filter=Q(status__in=DONE_STATUSES)),
    "handed_over": Count("id", filter=Q(status=Status.HANDED_OVER)),
    "withdrawn": Count("id", filter=Q(status=Status.WITHDRAWN)),
}


def phase_progress(unit: OrgUnit) -> tuple[UnitProgress, list[UnitProgress], list[int]]:
    """Households and amounts per phase year for a unit's subtree, and the same for each child
    unit, against started / completed / handed over, from the kept subtree figures (tallies.rollup)."""
    children = list(children_on(unit))  # today's figures: the children in force today
    rollup.ensure_fresh()
    figures = rollup.houses([unit.pk, *(child.pk for child in children)])
    whole = UnitProgress(unit)
    by_prefix = {child.path: UnitProgress(child) for child in children}
    years: set[int] = set()
    for target_unit, progress in ((unit, whole), *((child, by_prefix[child.path]) for child in children)):
        for year, row in figures.get(target_unit.pk, {}).items():
            years.add(year)
            target = progress.phase(year)
            target.planned += row["planned"]
            target.amount += row["amount"]
            target.started += row["started"]
            target.completed += row["completed"]
            target.handed_over += row["handed_over"]
            target.withdrawn += row["withdrawn"]
            target.total_planned_amount += row["plan_amount"]
    return whole, list(by_prefix.values()), sorted(years)


def behind_schedule(qs: QuerySet[Household], *, today: dt.date | None = None) -> QuerySet[Household]:
    """Households whose phase year has come (or gone) and that are not completed yet."""
    year = (today or dates.today()).year
    return (
        qs.filter(phase_year__lte=year)
        .exclude(status__in=[*DONE_STATUSES, Status.WITHDRAWN])
        .select_related("area", "area__parent")
        .order_by("phase_year", "area__path", "head_name_folded")
    )


# --- Complaints ------------------------------------------------------------------------------
def complaints_for(user: User, perm: str = "complaints.view") -> QuerySet[Complaint]:
    """Complaints that arose in, or are now handled by, a unit in the user's scope."""
    qs = Complaint.objects.all()
    if not user.is_authenticated:
        return qs.none()
    origin, handler = scope_q(user, perm, "origin_unit__path"), scope_q(user, perm, "unit__path")
    if origin is None or handler is None:
        return qs
    return qs.filter(origin | handler)


def complaint_counts(unit: OrgUnit, *, year: int | None = None, today: dt.date | None = None) -> dict[str, int]:
    """Complaints that arose in a unit's subtree (criterion 3.2.2a "no complaints"), in one query."""
    today = today or dates.today()
    qs = Complaint.objects.filter(origin_unit__path__startswith=unit.path)
    if year:
        qs = qs.filter(received_on__year=year)
    counts = qs.aggregate(
        total=Count("id"),
        open=Count("id", filter=Q(status__in=OPEN_COMPLAINT)),
        overdue=Count("id", filter=Q(status__in=OPEN_COMPLAINT, due_on__lt=today)),
        escalated=Count("id", filter=Q(escalations__gt=0)),
        **{kind: Count("id", filter=Q(kind=kind)) for kind in ComplaintKind.values},
    )
    return {key: value or 0 for key, value in counts.items()}


# --- Field list: the offline phone app and the printed checklist of an area -------------------
# What the board photographs for the next stage: evidence a second person can verify.
PHOTO_NEXT = {
    Stage.START: "Mặt bằng trước khi làm và lễ khởi công, thấy rõ nhà cũ.",
    Stage.FOUNDATION: "Móng đã đổ, thấy cả chiều dài móng; biển số nhà hoặc cột mốc bên cạnh.",
    Stage.WALLS: "Bốn mặt tường đã xây, chụp từ ngoài vào và trong ra.",
    Stage.ROOF: "Mái đã lợp, chụp từ ngoài thấy cả mái và tường.",
    Stage.COMPLETED: "Nhà hoàn thiện: mặt trước, bên trong, cửa và nền.",
    Stage.HANDED_OVER: "Lễ bàn giao có gia đình nhận nhà; biên bản bàn giao.",
}


@dataclass(frozen=True)
class FieldRow:
    """One household as a residential-area board needs it in the field: no private contact data."""

    household: Household
    name: str  # masked unless the person may see private fields
    latest: ProgressUpdate | None
    next_stage: str | None

    @property
    def next_label(self) -> str:
        return str(Stage(self.next_stage).label) if self.next_stage else ""

    @property
    def photo_next(self) -> str:
        return PHOTO_NEXT[Stage(self.next_stage)] if self.next_stage else ""

    def as_json(self) -> dict[str, object]:
        latest = self.latest
        return {
            "id": self.household.pk,
            "code": self.household.code,
            "name": self.name,
            "area": self.household.area.title,
            "stage": latest.stage if latest else "",
            "stage_label": latest.get_stage_display() if latest else "Chưa khởi công",
            "date": latest.date.strftime("%d/%m/%Y") if latest else "",
            "percent": latest.percent if latest else 0,
            "next_stage": self.next_stage or "",
            "next_label": self.next_label,
            "photo_next": self.photo_next,
        }


# The most households the offline app takes onto a phone: a field user's areas or commune hold tens to a
# few hundred; a district's or a province's office scope (15,735 at province, 23 s to build) is not field work.
OFFLINE_LIMIT = 1000


@dataclass
class FieldBundle:
    """What the offline app caches: the rows, or none and how many households the scope holds."""

    rows: list[FieldRow]
    total: int
    too_many: bool


def field_bundle(user: User, *, limit: int | None = None) -> FieldBundle:
    """The offline app's households (`field_rows`) if the user's scope holds at most `limit` of them
    (OFFLINE_LIMIT); past that none, counted first, so an office's request costs one count."""
    limit = OFFLINE_LIMIT if limit is None else limit
    qs = visible_to(user, Household.objects.all(), "housing.progress", "area__path")
    total = qs.exclude(status=Status.WITHDRAWN).count()
    if total > limit:
        return FieldBundle([], total, too_many=True)
    rows = field_rows(user)
    return FieldBundle(rows, len(rows), too_many=False)


def field_rows(user: User, *, area: OrgUnit | None = None, perm: str = "housing.progress") -> list[FieldRow]:
    """Households whose progress the user records (or sees, with `perm`), of `area` if given, not
    withdrawn, with their latest stage and the stage that comes next."""
    qs = visible_to(user, Household.objects.select_related("area"), perm, "area__path")
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    households = list(qs.exclude(status=Status.WITHDRAWN).order_by("area__path", "code"))
    latest: dict[int, ProgressUpdate] = {}
    for update in ProgressUpdate.objects.filter(household__in=households).order_by("date", "id"):
        latest[update.household_id] = update
    privacy = PrivacyScope(user)
    stages = list(Stage.values)
    rows = []
    for household in households:
        last = latest.get(household.pk)
        index = stages.index(last.stage) + 1 if last else 0
        name = household.head_name if privacy.covers(household.area) else mask_name(household.head_name)
        rows.append(FieldRow(household, name, last, stages[index] if index < len(stages) else None))
    return rows
