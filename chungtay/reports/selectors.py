"""Reads for follow-up and reporting. Every figure the dashboards show is a figure of the catalogue
(chungtay.figures: one name, label and definition), for a unit's subtree as of a day, at a fixed
number of queries whatever the size of the tree (the catalogue groups rows per child unit by path
prefix, so per-commune rows are one query per group, not one per commune). Obligation states —
overdue, done on time, done late — are the catalogue's `obligation_states` here too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, overload

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from chungtay.campaigns.models import Milestone, Movement, MovementStatus, Participation
from chungtay.core import dates
from chungtay.core.money import format_vnd
from chungtay.figures import households as household_stages
from chungtay.figures.definitions import counted_obligations, obligation_states
from chungtay.housing.models import (
    DONE_STATUSES,
    OPEN_COMPLAINT,
    Complaint,
    Household,
    Status,
)
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.selectors import children_on
from chungtay.tallies import catalogue, rollup

from .models import Notification, ReminderKind

ACTIVE_MOVEMENTS = (MovementStatus.LAUNCHED, MovementStatus.UNDER_WAY, MovementStatus.EVALUATING)
# A house is "ending" from this month of its phase year and late after 31/12 of that year.
HOUSE_WARN_FROM_MONTH = 10
MAP_LIMIT = 5000


def _vn(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


# --- Dashboard figures: every one read from the catalogue (chungtay.figures) ---------------------
# The groups of the cards; the rows show some of the same figures, under the same labels.
SUMMARY_GROUPS = (
    "houses", "money", "transfers", "idle_money", "in_kind", "obligations", "complaints", "registrations",
    "good_models",
)  # fmt: skip
ROW_GROUPS = ("houses", "money", "obligations", "complaints")
ROW_FIGURES = (
    "houses_planned", "houses_completed", "houses_done_percent", "houses_handed_over",
    "money_received", "money_paid_from_funds", "money_households_received",
    "obligations_overdue", "obligations_on_time_percent", "complaints_open", "complaints_overdue",
)  # fmt: skip


def additive(name: str) -> bool:
    """A figure whose value for a unit is the sum of its parts (every count and amount; not a rate)."""
    return catalogue.FIGURES[name].unit != "%"


def _values(figures: catalogue.FigureSet, groups: tuple[str, ...]) -> dict[str, int | None]:
    out: dict[str, int | None] = {}
    for name in groups:
        out.update(figures.group(name))
    return out


def money_summary(unit: OrgUnit, *, as_of: dt.date | None = None) -> dict[str, int | None]:
    """The money figures of a subtree as of a day (today when not given), by catalogue name."""
    figures: dict[str, int | None] = {**catalogue.for_unit(unit, as_of=as_of).group("money")}
    return figures


@dataclass
class Summary:
    """The cards of a dashboard: the catalogue's figures of `unit`'s subtree as of `as_of`,
    materialised (it is cached), by figure name."""

    unit: OrgUnit
    as_of: dt.date
    figures: dict[str, int | None]
    by_phase: list[dict[str, Any]]


def unit_summary(unit: OrgUnit, *, as_of: dt.date | None = None) -> Summary:
    """The cards of the dashboard: one query per group, and one per phase year for the phase table."""
    as_of = as_of or dates.today()
    figures = _values(catalogue.for_unit(unit, as_of=as_of), SUMMARY_GROUPS)
    return Summary(unit=unit, as_of=as_of, figures=figures, by_phase=_by_phase(unit, as_of))


def _by_phase(unit: OrgUnit, as_of: dt.date) -> list[dict[str, Any]]:
    # The phase years the subtree's list holds today (kept figures): a superset of those of an earlier day.
    rollup.ensure_fresh()
    years = sorted(y for y in rollup.houses([unit.pk]).get(unit.pk, {}) if y is not None)
    rows = []
    for year in years:
        houses = catalogue.for_unit(unit, as_of=as_of, phase=year).group("houses")
        if houses["houses_planned"] or houses["houses_withdrawn"]:
            rows.append({"phase_year": year, **houses})
    return rows


@dataclass
class ChildRow:
    """One row of the table under the cards: a child unit's subtree, or (`direct`) what the unit
    itself holds — its own funds, obligations, complaints — so that the rows add up to the cards."""

    unit: OrgUnit
    figures: dict[str, int | None]
    direct: bool = False


def children_breakdown(unit: OrgUnit, *, as_of: dt.date | None = None) -> list[ChildRow]:
    """One row per child unit, as of a day: one query per group however many children."""
    return [
        ChildRow(child, _values(figures, ROW_GROUPS))
        for child, figures in catalogue.for_children(unit, as_of=as_of or dates.today())
    ]


def direct_row(summary: Summary, rows: list[ChildRow]) -> ChildRow | None:
    """What the unit holds itself: its card less its children's rows, for every additive figure of the
    rows (a rate is recomputed from its parts). None when the unit holds nothing itself."""
    values: dict[str, int | None] = {}
    for name in {n for group in ROW_GROUPS for n in (f.name for f in catalogue.GROUPS[group].figures)}:
        if additive(name):
            values[name] = (summary.figures[name] or 0) - sum(r.figures[name] or 0 for r in rows)
    if not any(values.values()):
        return None
    for group in ROW_GROUPS:
        for name, derive in catalogue.GROUPS[group].derived.items():
            values[name] = derive(values)  # type: ignore[arg-type]
    return ChildRow(summary.unit, values, direct=True)


def progress_series(unit: OrgUnit, *, until: dt.date | None = None) -> dict[str, list[Any]]:
    """Houses started and completed per month, and the running totals, for the line chart (one query).
    The kept monthly series: with `until`, cut at that day's month (a month-end is enough for a chart)."""
    rollup.ensure_fresh()
    per: dict[dt.date, dict[str, int]] = {
        r["month"]: {"start": r["started"], "completed": r["completed"]}
        for r in rollup.progress(unit.pk)
        if until is None or r["month"] <= until
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


def map_points(unit: OrgUnit, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """Households with a position (staff only: exact points), each with its status on `as_of` (today
    when not given): on an earlier day only those on the list then, at the stage they had reached
    (figures.households, the house figures' definition). Capped; the list page has them all."""
    fields = ("pk", "code", "head_name", "lat", "lon", "phase_year", "area__name", "area__parent__name")
    if as_of is None or as_of >= dates.today():
        located = Household.objects.filter(area__path__startswith=unit.path, lat__isnull=False, lon__isnull=False)
        qs = located.exclude(status=Status.WITHDRAWN).annotate(status_on=F("status"))
    else:
        located = household_stages.in_subtree_on(unit.path, as_of).filter(lat__isnull=False, lon__isnull=False)
        qs = household_stages.with_stage_on(located, as_of).filter(gone=False)
    rows = qs.values(*fields, "status_on").order_by("area__path", "code")[:MAP_LIMIT]
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
            "status": r["status_on"],
            "status_label": labels[r["status_on"]],
            "phase": r["phase_year"],
            "area": f"{r['area__name']} ({r['area__parent__name']})" if r["area__parent__name"] else r["area__name"],
            "url": url.format(r["pk"]),
        }
        for r in rows
    ]


def located_count(unit: OrgUnit) -> int:
    """Households of the subtree with a position (kept figures)."""
    rollup.ensure_fresh()
    return int(rollup.houses_total(rollup.houses([unit.pk]).get(unit.pk, {}))["located"])


def map_bubbles(unit: OrgUnit, *, as_of: dt.date | None = None) -> list[dict[str, Any]]:
    """For a subtree with more located houses than MAP_LIMIT: one bubble per child unit at the centre
    of its located houses, sized by their number, linking to the child's dashboard (one query); its
    houses to support and completed are the catalogue's as of `as_of` (positions are not dated)."""
    rollup.ensure_fresh()
    children = list(children_on(unit, as_of or dates.today()))
    figures = rollup.houses([child.pk for child in children])
    on_day = dict(catalogue.for_units(children, as_of=as_of))
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
                "planned": on_day[child].houses_planned,
                "completed": on_day[child].houses_completed,
                "percent": on_day[child].houses_done_percent or 0,
                "url": url.format(child.pk),
            }
        )
    return out


def area_households(unit: OrgUnit, *, as_of: dt.date | None = None) -> QuerySet[Household]:
    """The last step of the drill-down: the households of a residential area, each with `status_on`,
    its status on `as_of` (today when not given; on an earlier day only those decided by then)."""
    if as_of is None or as_of >= dates.today():
        qs = Household.objects.filter(area__path__startswith=unit.path).annotate(status_on=F("status"))
    else:
        qs = household_stages.with_stage_on(household_stages.in_subtree_on(unit.path, as_of), as_of)
    qs = qs.select_related("area")
    return qs.order_by("phase_year", "head_name_folded")


STATUS_LABELS = {value: str(label) for value, label in Status.choices}


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
        # Attribute by attribute, not through getattr/setattr: a province's matrix adds ~8,000 cells.
        self.expected += other.expected
        self.received += other.received
        self.on_time += other.on_time
        self.missing += other.missing
        self.excused += other.excused
        self.open += other.open

    @property
    def done_late(self) -> int:
        return self.received - self.on_time

    @property
    def completeness(self) -> int | None:
        return catalogue.rate(self.received, self.expected)

    @property
    def timeliness(self) -> int | None:
        return catalogue.rate(self.on_time, self.expected)


@dataclass
class TimelinessRow:
    participation: Participation
    cells: list[Cell]
    total: Cell

    @property
    def unit(self) -> OrgUnit:
        return self.participation.unit


class TimelinessRows(Sequence[TimelinessRow]):
    """The rows of the matrix in table order, each read when asked for: a page of them is one query (a
    province has 1,740 participants; reading and rendering them all took 2.3 s). Iterating reads them all."""

    def __init__(self, order: list[tuple[int, int]], cells: dict[int, list[Cell]], width: int) -> None:
        self._order = order  # (participation id, unit id)
        self._cells = cells
        self._width = width

    def __len__(self) -> int:
        return len(self._order)

    @overload
    def __getitem__(self, index: int) -> TimelinessRow: ...
    @overload
    def __getitem__(self, index: slice) -> list[TimelinessRow]: ...
    def __getitem__(self, index: int | slice) -> TimelinessRow | list[TimelinessRow]:
        if isinstance(index, int):
            if not -len(self) <= index < len(self):
                raise IndexError(index)
            return self[index : index + 1 or None][0]
        wanted = self._order[index]
        found = Participation.objects.select_related("unit__parent").in_bulk([pk for pk, _unit in wanted])
        rows = []
        for pk, unit_id in wanted:
            cells = self._cells.get(unit_id) or [Cell() for _ in range(self._width)]
            total = Cell()
            for cell in cells:
                total.add(cell)
            rows.append(TimelinessRow(found[pk], cells, total))
        return rows

    def __iter__(self) -> Iterator[TimelinessRow]:
        return iter(self[:])


@dataclass
class Timeliness:
    movement: Movement
    milestones: list[Milestone]
    rows: TimelinessRows
    columns: list[Cell]
    total: Cell


def timeliness(movement: Movement, unit: OrgUnit, *, as_of: dt.date, level: int | None = None) -> Timeliness:
    """Units × milestones as of a day: expected, received, on time, overdue, excused (with reasons).
    The states are the catalogue's (`obligation_states`), so without a level the total equals the
    obligations figures of `unit` for the movement and day. Four queries; the rows' units are read
    when the rows are (TimelinessRows: a page at a time)."""
    milestones = list(movement.milestones.order_by("due_on", "pk"))
    index = {m.pk: i for i, m in enumerate(milestones)}
    participations = Participation.objects.filter(movement=movement, unit__path__startswith=unit.path)
    if level:
        participations = participations.filter(level=level)
    order = list(participations.order_by("level", "unit__path").values_list("pk", "unit_id"))
    cells: dict[int, list[Cell]] = {}
    # The participants' obligations by a join (one participation per unit and movement), not by their ids
    # or a subquery of them: at province scale the planner read those unit by unit (2-3× slower).
    joined = {"unit__participations__movement": movement, "unit__path__startswith": unit.path}
    if level:
        joined["unit__participations__level"] = level
    obligations = counted_obligations(movement.pk).filter(**joined)
    state = obligation_states(as_of)
    counts = obligations.values("unit_id", "milestone_id").annotate(
        **{name: Count("id", filter=q) for name, q in state.items()}
    )
    columns = [Cell() for _ in milestones]
    total = Cell()
    for c in counts:
        received = c["on_time"] + c["done_late"]
        cell = Cell(
            expected=received + c["overdue"], received=received, on_time=c["on_time"], missing=c["overdue"],
            excused=c["excused"], open=c["open"],
        )  # fmt: skip
        if c["unit_id"] not in cells:
            cells[c["unit_id"]] = [Cell() for _ in milestones]
        cells[c["unit_id"]][index[c["milestone_id"]]] = cell
        columns[index[c["milestone_id"]]].add(cell)
        total.add(cell)
    excuses = obligations.filter(state["excused"])
    for e in excuses.values("unit_id", "milestone_id", "due_on", "excused_reason").order_by("due_on"):
        cells[e["unit_id"]][index[e["milestone_id"]]].reasons.append(f"{_vn(e['due_on'])}: {e['excused_reason']}")
    return Timeliness(movement, milestones, TimelinessRows(order, cells, len(milestones)), columns, total)


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
    return area.parent if area.level == Level.AREA and area.parent_id else area


def _overdue_rows(
    today: dt.date, *, within: OrgUnit | None = None, unit: OrgUnit | None = None, late: bool = False
) -> tuple[QuerySet[Any], QuerySet[Household], QuerySet[Complaint]]:
    """The three lists behind the overdue items, unordered: obligations, houses, complaints — of
    `within`'s subtree, or only those `unit` answers for; with `late`, only those past their due day
    (a house of this year's phase is "ending" from October but late only after 31/12)."""
    # Overdue as the catalogue defines it; reminders only for movements still running.
    obligations = counted_obligations().filter(
        obligation_states(today)["overdue"], milestone__movement__status__in=ACTIVE_MOVEMENTS
    )
    phase_due = Q(phase_year__lt=today.year)
    if today.month >= HOUSE_WARN_FROM_MONTH and not late:
        phase_due |= Q(phase_year=today.year)
    houses = Household.objects.filter(phase_due).exclude(status__in=[*DONE_STATUSES, Status.WITHDRAWN])
    complaints = Complaint.objects.filter(status__in=OPEN_COMPLAINT, due_on__lt=today)
    if within is not None:
        obligations = obligations.filter(unit__path__startswith=within.path)
        houses = houses.filter(area__path__startswith=within.path)
        complaints = complaints.filter(unit__path__startswith=within.path)
    if unit is not None:
        obligations = obligations.filter(unit=unit)
        complaints = complaints.filter(unit=unit)
        # The houses `unit` answers for (_responsible_for_house): its areas', and its own unless it is an area.
        answers = Q(area__parent=unit, area__level=Level.AREA)
        if not (unit.level == Level.AREA and unit.parent_id):
            answers |= Q(area=unit)
        houses = houses.filter(answers)
    return obligations, houses, complaints


def overdue_items(
    today: dt.date, *, within: OrgUnit | None = None, unit: OrgUnit | None = None, late: bool = False
) -> list[OverdueItem]:
    """Overdue obligations, houses behind schedule and overdue complaints (three queries): of
    `within`'s subtree, or (`unit`) only those that unit must act on; `late`: only those past due."""
    obligations, houses, complaints = _overdue_rows(today, within=within, unit=unit, late=late)
    items: list[OverdueItem] = []
    # One reverse() per link pattern, not per item: at province scale 7,000 items reversed one by one
    # cost more than their queries (bench/RESULTS.md, issue 22).
    workspaces: dict[tuple[int, int], str] = {}
    house_url = reverse("housing:household_detail", args=[0]).replace("/0/", "/{}/")
    complaint_url = reverse("housing:complaint_detail", args=[0]).replace("/0/", "/{}/")
    rows = obligations.select_related("unit", "milestone", "milestone__movement").order_by("unit__path", "due_on", "pk")
    for o in rows:
        movement = o.milestone.movement
        key = (movement.pk, o.unit_id)
        if key not in workspaces:
            workspaces[key] = reverse("campaigns:workspace", args=[movement.pk, o.unit_id])
        items.append(OverdueItem(
            ReminderKind.OBLIGATION_OVERDUE, "campaigns.obligation", o.pk, o.unit,
            f"{o.milestone.label} (phong trào {movement.symbol})", o.due_on, (today - o.due_on).days,
            workspaces[key],
        ))  # fmt: skip
    status_labels = dict(Status.choices)
    for h in houses.select_related("area", "area__parent").order_by("area__path", "phase_year", "code"):
        due = dt.date(h.phase_year, 12, 31)
        items.append(OverdueItem(
            ReminderKind.HOUSE_BEHIND, "housing.household", h.pk, _responsible_for_house(h.area),
            f"Nhà hộ {h.head_name} ({h.code}), {h.area.full_title}, phân kỳ {h.phase_year}: {status_labels[h.status]}",
            due, (today - due).days, house_url.format(h.pk),
        ))  # fmt: skip
    for c in complaints.select_related("unit", "origin_unit").order_by("unit__path", "due_on", "pk"):
        items.append(OverdueItem(
            ReminderKind.COMPLAINT_OVERDUE, "housing.complaint", c.pk, c.unit,
            f"{c.get_kind_display()} tiếp nhận ngày {_vn(c.received_on)} ({c.origin_unit.title})",
            c.due_on, (today - c.due_on).days, complaint_url.format(c.pk),
        ))  # fmt: skip
    return items


def late_units(today: dt.date, within: OrgUnit) -> list[tuple[OrgUnit, list[OverdueItem]]]:
    """Units of a subtree with something overdue, each with its items, in tree order (every item of
    the subtree: the notice's; a page shows late_unit_counts and one unit's late_items at a time)."""
    grouped: dict[int, tuple[OrgUnit, list[OverdueItem]]] = {}
    for item in overdue_items(today, within=within, late=True):
        grouped.setdefault(item.unit.pk, (item.unit, []))[1].append(item)
    return sorted(grouped.values(), key=lambda pair: pair[0].path)


def late_unit_counts(today: dt.date, within: OrgUnit) -> list[tuple[OrgUnit, int]]:
    """The units of late_units with the number of their items, in tree order, counted in the database
    (four queries whatever the number of items: a province has ~7,000 houses behind schedule)."""
    obligations, houses, complaints = _overdue_rows(today, within=within, late=True)
    counts: dict[int, int] = {}
    for qs in (obligations, complaints):
        for row in qs.order_by().values("unit_id").annotate(n=Count("id")):
            counts[row["unit_id"]] = counts.get(row["unit_id"], 0) + row["n"]
    # COUNT(*), not of ids: read from the index of open houses by area alone (household_open_by_area).
    for row in houses.order_by().values("area_id", "area__level", "area__parent_id").annotate(n=Count("*")):
        area_level, parent = row["area__level"], row["area__parent_id"]
        answers = parent if area_level == Level.AREA and parent else row["area_id"]
        counts[answers] = counts.get(answers, 0) + row["n"]
    units = OrgUnit.objects.filter(pk__in=list(counts)).select_related("parent").order_by("path")
    return [(u, counts[u.pk]) for u in units]


def late_items(today: dt.date, unit: OrgUnit) -> list[OverdueItem]:
    """The items of one unit of late_units (the drill-down of the urging page)."""
    return overdue_items(today, unit=unit, late=True)


def escalate_after_days() -> int:
    return int(getattr(settings, "REMINDER_ESCALATE_AFTER_DAYS", 7))


# --- Notifications -------------------------------------------------------------------------------
def notifications_for(user: Any) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user).select_related("unit")


def unread_count(user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def money_line(summary: dict[str, int]) -> dict[str, str]:
    return {key: format_vnd(value) for key, value in summary.items()}
