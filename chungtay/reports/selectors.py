"""Reads for follow-up and reporting. Every figure is for a unit's subtree and costs a fixed number
of queries whatever the size of the tree: rows are grouped per child unit by the child's path
prefix (`Substr(path, 1, len(child path))`), so per-commune bars are one query, not one per commune.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce, Substr
from django.urls import reverse

from chungtay.campaigns.models import (
    GoodModel,
    GoodModelStatus,
    Milestone,
    Movement,
    MovementStatus,
    Obligation,
    Participation,
)
from chungtay.core.money import format_vnd
from chungtay.housing.models import (
    DONE_STATUSES,
    OPEN_COMPLAINT,
    STARTED_STATUSES,
    Complaint,
    Household,
    Status,
)
from chungtay.orgunits.models import Level, OrgUnit

from . import rollup
from .models import Notification, ReminderKind

ACTIVE_MOVEMENTS = (MovementStatus.LAUNCHED, MovementStatus.UNDER_WAY, MovementStatus.EVALUATING)
# A house is "ending" from this month of its phase year and late after 31/12 of that year.
HOUSE_WARN_FROM_MONTH = 10
MAP_LIMIT = 5000


def _vn(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


# --- Dashboard figures ---------------------------------------------------------------------------
HOUSE_COUNTS = {
    "planned": Count("id", filter=~Q(status=Status.WITHDRAWN)),
    "not_started": Count("id", filter=Q(status__in=[Status.APPROVED, Status.SURVEYED])),
    "started": Count("id", filter=Q(status__in=STARTED_STATUSES)),
    "building": Count("id", filter=Q(status__in=[Status.STARTED, Status.BUILDING])),
    "completed": Count("id", filter=Q(status__in=DONE_STATUSES)),
    "handed_over": Count("id", filter=Q(status=Status.HANDED_OVER)),
    "withdrawn": Count("id", filter=Q(status=Status.WITHDRAWN)),
    "amount": Coalesce(Sum("state_support", filter=~Q(status=Status.WITHDRAWN)), 0),
    "amount_done": Coalesce(Sum("state_support", filter=Q(status__in=DONE_STATUSES)), 0),
}


def _obligation_counts(today: dt.date) -> dict[str, Any]:
    return {
        "total": Count("id"),
        "on_time": Count("id", filter=Q(fulfilled_at__isnull=False, fulfilled_at__date__lte=F("due_on"))),
        "done_late": Count("id", filter=Q(fulfilled_at__isnull=False, fulfilled_at__date__gt=F("due_on"))),
        "late": Count("id", filter=Q(fulfilled_at__isnull=True, excused_reason="", due_on__lt=today)),
        "excused": Count("id", filter=Q(fulfilled_at__isnull=True) & ~Q(excused_reason="")),
        "open": Count("id", filter=Q(fulfilled_at__isnull=True, excused_reason="", due_on__gte=today)),
    }


def _active_obligations() -> QuerySet[Obligation]:
    return Obligation.objects.filter(milestone__movement__status__in=(*ACTIVE_MOVEMENTS, MovementStatus.CLOSED))


def _rate(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


def money_summary(unit: OrgUnit) -> dict[str, int]:
    """Mobilised, allocated, disbursed and balance for a subtree, from its kept figures (rollup)."""
    rollup.ensure_fresh()
    return _money_figures(rollup.money([unit.pk])[unit.pk])


def _money_figures(m: dict[str, int]) -> dict[str, int]:
    summary = {
        "mobilised": -m["fund_donations"],
        "balance": m["fund_cash"],
        "allocated_open": m["fund_allocation"],
        "disbursed": m["fund_disbursed"],
        "fees": m["fund_fees"],
        "source_committed": -m["source_committed"],
        "source_disbursed": m["source_disbursed"],
    }
    summary["allocated"] = summary["allocated_open"] + summary["disbursed"]
    return summary


@dataclass
class Summary:
    unit: OrgUnit
    houses: dict[str, int]
    by_phase: list[dict[str, Any]]
    money: dict[str, int]
    complaints: dict[str, int]
    obligations: dict[str, int]
    registrations: dict[str, int]
    good_models: dict[str, int]

    @property
    def done_percent(self) -> int:
        return _rate(self.houses["completed"], self.houses["planned"]) or 0

    @property
    def on_time_percent(self) -> int | None:
        o = self.obligations
        return _rate(o["on_time"], o["on_time"] + o["done_late"] + o["late"])


def unit_summary(unit: OrgUnit, *, today: dt.date) -> Summary:
    """The cards of the dashboard: eight queries for any subtree."""
    from chungtay.housing.selectors import complaint_counts

    rollup.ensure_fresh()
    phases = rollup.houses([unit.pk]).get(unit.pk, {})
    by_phase = [{"phase_year": year, **{k: phases[year][k] for k in HOUSE_COUNTS}} for year in sorted(phases)]
    houses = {k: v for k, v in rollup.houses_total(phases).items() if k in HOUSE_COUNTS}
    obligations = _active_obligations().filter(unit__path__startswith=unit.path).aggregate(**_obligation_counts(today))
    registrations = (
        Participation.objects.filter(unit__path__startswith=unit.path)
        .exclude(movement__status=MovementStatus.DRAFT)
        .aggregate(
            total=Count("id"),
            registered=Count("id", filter=Q(registered_at__isnull=False)),
            late=Count("id", filter=Q(registered_late=True)),
        )
    )
    good = GoodModel.objects.filter(unit__path__startswith=unit.path).aggregate(
        total=Count("id", distinct=True),
        recognised=Count("id", filter=Q(status=GoodModelStatus.RECOGNISED), distinct=True),
        replications=Count("replications", distinct=True),
    )
    return Summary(
        unit=unit,
        houses={k: int(v or 0) for k, v in houses.items()},
        by_phase=by_phase,
        money=money_summary(unit),
        complaints=complaint_counts(unit, today=today),
        obligations={k: int(v or 0) for k, v in obligations.items()},
        registrations={k: int(v or 0) for k, v in registrations.items()},
        good_models={k: int(v or 0) for k, v in good.items()},
    )


@dataclass
class ChildRow:
    unit: OrgUnit
    planned: int = 0
    started: int = 0
    completed: int = 0
    handed_over: int = 0
    amount: int = 0
    mobilised: int = 0
    disbursed: int = 0
    obligations_late: int = 0
    obligations_on_time: int = 0
    obligations_due: int = 0
    complaints_open: int = 0
    complaints_late: int = 0

    @property
    def done_percent(self) -> int:
        return _rate(self.completed, self.planned) or 0

    @property
    def on_time_percent(self) -> int | None:
        return _rate(self.obligations_on_time, self.obligations_due)


def children_breakdown(unit: OrgUnit, *, today: dt.date) -> list[ChildRow]:
    """One row per child unit (the bars of the dashboard): six queries however many children."""

    children = list(unit.children_set.order_by("kind", "name"))
    if not children:
        return []
    step = len(unit.path) + OrgUnit.steplen
    rows = {child.path: ChildRow(child) for child in children}

    rollup.ensure_fresh()
    ids = [child.pk for child in children]
    houses = rollup.houses(ids)
    money = rollup.money(ids)
    for child in children:
        row = rows[child.path]
        total = rollup.houses_total(houses.get(child.pk, {}))
        row.planned, row.started, row.completed = total["planned"], total["started"], total["completed"]
        row.handed_over, row.amount = total["handed_over"], total["amount"]
        row.mobilised = -money[child.pk]["donations_of_funds"]
        row.disbursed = money[child.pk]["disbursed_to_households"]
    counts = _obligation_counts(today)
    obligations = (
        _active_obligations()
        .filter(unit__path__startswith=unit.path)
        .annotate(prefix=Substr("unit__path", 1, step))
        .values("prefix")
        .annotate(on_time=counts["on_time"], done_late=counts["done_late"], late=counts["late"])
    )
    for r in obligations:
        if row := rows.get(r["prefix"]):
            row.obligations_late, row.obligations_on_time = r["late"], r["on_time"]
            row.obligations_due = r["on_time"] + r["done_late"] + r["late"]
    complaints = (
        Complaint.objects.filter(origin_unit__path__startswith=unit.path, status__in=OPEN_COMPLAINT)
        .annotate(prefix=Substr("origin_unit__path", 1, step))
        .values("prefix")
        .annotate(n=Count("id"), late=Count("id", filter=Q(due_on__lt=today)))
    )
    for r in complaints:
        if row := rows.get(r["prefix"]):
            row.complaints_open, row.complaints_late = r["n"], r["late"]
    return list(rows.values())


def progress_series(unit: OrgUnit) -> dict[str, list[Any]]:
    """Houses started and completed per month, and the running totals, for the line chart (one query)."""
    rollup.ensure_fresh()
    per: dict[dt.date, dict[str, int]] = {
        r["month"]: {"start": r["started"], "completed": r["completed"]} for r in rollup.progress(unit.pk)
    }
    labels, started, completed, cum_started, cum_completed = [], [], [], [], []
    s_total = c_total = 0
    for month in sorted(per):
        s_total += per[month]["start"]
        c_total += per[month]["completed"]
        labels.append(month.strftime("%m/%Y"))
        started.append(per[month]["start"])
        completed.append(per[month]["completed"])
        cum_started.append(s_total)
        cum_completed.append(c_total)
    return {
        "labels": labels,
        "started": started,
        "completed": completed,
        "cum_started": cum_started,
        "cum_completed": cum_completed,
    }


def map_points(unit: OrgUnit) -> list[dict[str, Any]]:
    """Households with a position (staff only: exact points). Capped; the list page has them all."""
    rows = (
        Household.objects.filter(area__path__startswith=unit.path, lat__isnull=False, lon__isnull=False)
        .exclude(status=Status.WITHDRAWN)
        .values("pk", "code", "head_name", "lat", "lon", "status", "phase_year", "area__name")
        .order_by("area__path", "code")[:MAP_LIMIT]
    )
    labels = {value: str(label) for value, label in Status.choices}
    # One reverse() for all points: resolving the URL per point cost more than the query (bench/).
    url = reverse("housing:household_detail", args=[0]).replace("/0/", "/{}/")
    return [
        {
            "id": r["pk"],
            "code": r["code"],
            "name": r["head_name"],
            "lat": float(r["lat"]),
            "lon": float(r["lon"]),
            "status": r["status"],
            "status_label": labels[r["status"]],
            "phase": r["phase_year"],
            "area": r["area__name"],
            "url": url.format(r["pk"]),
        }
        for r in rows
    ]


def located_count(unit: OrgUnit) -> int:
    """Households of the subtree with a position (kept figures)."""
    rollup.ensure_fresh()
    return int(rollup.houses_total(rollup.houses([unit.pk]).get(unit.pk, {}))["located"])


def map_bubbles(unit: OrgUnit) -> list[dict[str, Any]]:
    """For a subtree with more located houses than MAP_LIMIT: one bubble per child unit at the centre
    of its located houses, sized by their number, linking to the child's dashboard (one query)."""
    rollup.ensure_fresh()
    children = list(unit.children_set.order_by("kind", "name"))
    figures = rollup.houses([child.pk for child in children])
    url = reverse("reports:dashboard") + "?don_vi={}"
    out = []
    for child in children:
        total = rollup.houses_total(figures.get(child.pk, {}))
        if not total["located"]:
            continue
        out.append(
            {
                "id": child.pk,
                "name": child.title,
                "lat": total["lat_sum"] / total["located"],
                "lon": total["lon_sum"] / total["located"],
                "count": total["located"],
                "planned": total["planned"],
                "completed": total["completed"],
                "percent": _rate(total["completed"], total["planned"]) or 0,
                "url": url.format(child.pk),
            }
        )
    return out


def area_households(unit: OrgUnit) -> QuerySet[Household]:
    """The last step of the drill-down: the households of a residential area."""
    return (
        Household.objects.filter(area__path__startswith=unit.path)
        .select_related("area")
        .order_by("phase_year", "head_name_folded")
    )


def breadcrumbs(unit: OrgUnit, top: OrgUnit) -> list[OrgUnit]:
    """From the user's top unit down to `unit` (one query)."""
    steplen = OrgUnit.steplen
    prefixes = [unit.path[:i] for i in range(len(top.path), len(unit.path) + 1, steplen)]
    return list(OrgUnit.objects.filter(path__in=prefixes).order_by("depth"))


# --- Timeliness (like DHIS2 reporting rates) ----------------------------------------------------
@dataclass
class Cell:
    expected: int = 0  # due by today (or already done), not excused
    received: int = 0
    on_time: int = 0
    missing: int = 0
    excused: int = 0
    open: int = 0
    reasons: list[str] = field(default_factory=list)

    @property
    def state(self) -> str:
        if self.missing:
            return "missing"
        if self.expected and self.received > self.on_time:
            return "late"
        if self.expected and self.on_time == self.expected:
            return "on_time"
        if self.excused:
            return "excused"
        if self.open:
            return "open"
        return "none"

    def add(self, other: Cell) -> None:
        for name in ("expected", "received", "on_time", "missing", "excused", "open"):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @property
    def completeness(self) -> int | None:
        return _rate(self.received, self.expected)

    @property
    def timeliness(self) -> int | None:
        return _rate(self.on_time, self.expected)


@dataclass
class TimelinessRow:
    participation: Participation
    cells: list[Cell]
    total: Cell

    @property
    def unit(self) -> OrgUnit:
        return self.participation.unit


@dataclass
class Timeliness:
    movement: Movement
    milestones: list[Milestone]
    rows: list[TimelinessRow]
    columns: list[Cell]
    total: Cell


def timeliness(movement: Movement, unit: OrgUnit, *, today: dt.date, level: int | None = None) -> Timeliness:
    """Units × milestones: expected, received, on time, missing, excused (with reasons). Four queries."""
    milestones = list(movement.milestones.order_by("due_on", "pk"))
    index = {m.pk: i for i, m in enumerate(milestones)}
    participations = Participation.objects.filter(movement=movement, unit__path__startswith=unit.path)
    if level:
        participations = participations.filter(level=level)
    participations = participations.select_related("unit").order_by("level", "unit__path")
    rows = {p.unit_id: TimelinessRow(p, [Cell() for _ in milestones], Cell()) for p in participations}
    obligations = Obligation.objects.filter(milestone__movement=movement, unit_id__in=list(rows))
    not_excused = Q(excused_reason="") | Q(fulfilled_at__isnull=False)
    counts = obligations.values("unit_id", "milestone_id").annotate(
        expected=Count("id", filter=not_excused & (Q(due_on__lt=today) | Q(fulfilled_at__isnull=False))),
        received=Count("id", filter=Q(fulfilled_at__isnull=False)),
        on_time=Count("id", filter=Q(fulfilled_at__isnull=False, fulfilled_at__date__lte=F("due_on"))),
        missing=Count("id", filter=Q(fulfilled_at__isnull=True, excused_reason="", due_on__lt=today)),
        excused=Count("id", filter=Q(fulfilled_at__isnull=True) & ~Q(excused_reason="")),
        open=Count("id", filter=Q(fulfilled_at__isnull=True, excused_reason="", due_on__gte=today)),
    )
    for c in counts:
        row = rows[c["unit_id"]]
        row.cells[index[c["milestone_id"]]] = Cell(
            c["expected"], c["received"], c["on_time"], c["missing"], c["excused"], c["open"]
        )
    excuses = obligations.filter(fulfilled_at__isnull=True).exclude(excused_reason="")
    for e in excuses.values("unit_id", "milestone_id", "due_on", "excused_reason").order_by("due_on"):
        rows[e["unit_id"]].cells[index[e["milestone_id"]]].reasons.append(f"{_vn(e['due_on'])}: {e['excused_reason']}")
    columns = [Cell() for _ in milestones]
    total = Cell()
    for row in rows.values():
        for i, cell in enumerate(row.cells):
            row.total.add(cell)
            columns[i].add(cell)
        total.add(row.total)
    return Timeliness(movement, milestones, list(rows.values()), columns, total)


# --- Overdue items (reminders and urging notices) ---------------------------------------------------
@dataclass
class OverdueItem:
    kind: str
    object_type: str
    object_id: int
    unit: OrgUnit  # the unit that must act
    label: str
    due_on: dt.date
    days_overdue: int
    url: str = ""

    @property
    def key(self) -> tuple[str, int, str]:
        return (self.object_type, self.object_id, self.kind)

    @property
    def line(self) -> str:
        if self.days_overdue > 0:
            return f"{self.label} — hạn {_vn(self.due_on)}, trễ {self.days_overdue} ngày"
        return f"{self.label} — hạn {_vn(self.due_on)}"


def _responsible_for_house(area: OrgUnit) -> OrgUnit:
    # A residential area's work board has no staff account for follow-up: the commune answers for it.
    return area.parent if area.level == Level.AREA and area.parent_id else area  # type: ignore[return-value]


def overdue_items(today: dt.date, *, within: OrgUnit | None = None) -> list[OverdueItem]:
    """Overdue obligations, houses behind schedule and overdue complaints (three queries)."""
    items: list[OverdueItem] = []
    obligations = Obligation.objects.filter(
        fulfilled_at__isnull=True, excused_reason="", due_on__lt=today, milestone__movement__status__in=ACTIVE_MOVEMENTS
    ).select_related("unit", "milestone", "milestone__movement")
    phase_due = Q(phase_year__lt=today.year)
    if today.month >= HOUSE_WARN_FROM_MONTH:
        phase_due |= Q(phase_year=today.year)
    houses = (
        Household.objects.filter(phase_due)
        .exclude(status__in=[*DONE_STATUSES, Status.WITHDRAWN])
        .select_related("area", "area__parent")
    )
    complaints = Complaint.objects.filter(status__in=OPEN_COMPLAINT, due_on__lt=today).select_related(
        "unit", "origin_unit"
    )
    if within is not None:
        obligations = obligations.filter(unit__path__startswith=within.path)
        houses = houses.filter(area__path__startswith=within.path)
        complaints = complaints.filter(unit__path__startswith=within.path)
    for o in obligations.order_by("unit__path", "due_on", "pk"):
        movement = o.milestone.movement
        items.append(OverdueItem(
            ReminderKind.OBLIGATION_OVERDUE, "campaigns.obligation", o.pk, o.unit,
            f"{o.milestone.label} (phong trào {movement.symbol})", o.due_on, (today - o.due_on).days,
            reverse("campaigns:workspace", args=[movement.pk, o.unit_id]),
        ))  # fmt: skip
    status_labels = dict(Status.choices)
    for h in houses.order_by("area__path", "phase_year", "code"):
        due = dt.date(h.phase_year, 12, 31)
        items.append(OverdueItem(
            ReminderKind.HOUSE_BEHIND, "housing.household", h.pk, _responsible_for_house(h.area),
            f"Nhà hộ {h.head_name} ({h.code}), {h.area.title}, phân kỳ {h.phase_year}: {status_labels[h.status]}",
            due, (today - due).days, reverse("housing:household_detail", args=[h.pk]),
        ))  # fmt: skip
    for c in complaints.order_by("unit__path", "due_on", "pk"):
        items.append(OverdueItem(
            ReminderKind.COMPLAINT_OVERDUE, "housing.complaint", c.pk, c.unit,
            f"{c.get_kind_display()} tiếp nhận ngày {_vn(c.received_on)} ({c.origin_unit.title})",
            c.due_on, (today - c.due_on).days, reverse("housing:complaint_detail", args=[c.pk]),
        ))  # fmt: skip
    return items


def late_units(today: dt.date, within: OrgUnit) -> list[tuple[OrgUnit, list[OverdueItem]]]:
    """Units of a subtree with something overdue, each with its items, in tree order."""
    grouped: dict[int, tuple[OrgUnit, list[OverdueItem]]] = {}
    for item in overdue_items(today, within=within):
        if item.days_overdue <= 0:
            continue
        grouped.setdefault(item.unit.pk, (item.unit, []))[1].append(item)
    return sorted(grouped.values(), key=lambda pair: pair[0].path)


def escalate_after_days() -> int:
    return int(getattr(settings, "REMINDER_ESCALATE_AFTER_DAYS", 7))


# --- Notifications -------------------------------------------------------------------------------
def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("unit")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def money_line(summary: dict[str, int]) -> dict[str, str]:
    return {key: format_vnd(value) for key, value in summary.items()}
