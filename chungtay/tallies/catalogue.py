"""The catalogue of figures: one name, one label, one definition and one computation per number.

Every number Chung Tay publishes — dashboard cards and tables, fund pages, the public portal, the
mid-term and final reports, computed criteria, the API, open data and exports — is a figure of this
catalogue, asked for a unit's subtree **as of a date** (and optionally for one phase year or one
movement). Pages and documents read figures from here and compute none of their own, so the same
unit and date give the same number on every surface (the oracle tests compare them).

A figure belongs to a *group*: the groups compute several figures in one query, for one unit or
for a list of sibling units at once (the rows of a table), by the units' path prefixes. As of today
the house and money groups read the subtree figures kept on write (`tallies.rollup`); as of an
earlier day they (and idle money and the money allocated to households, issue 22) read the figures
kept for the month-end before it (`tallies.MonthEnd`) plus the exact change after it, and the other
groups recompute from the dated rows (decision and withdrawal dates, dated stage updates, dated
ledger entries, due and fulfilment dates) — equal, by definition and by test, to a recomputation
from every row. `docs/figures.md` is generated from here (`manage.py figures_doc`).

This module is the catalogue's machinery (Params, Figure, the registry of groups, for_unit,
for_children); it sits low (the app `tallies`, below the domain apps) so that a domain page asks it for
figures without importing the apps above. The figures themselves — each one's name, label, definition
and computation — are registered into it by the app `figures` (chungtay/figures/definitions.py and its
neighbours, imported by FiguresConfig.ready), which reads every domain app's tables.

Usage:
    f = catalogue.for_unit(unit, as_of=day)              # lazy: a group runs on first use
    f.houses_completed, f["money_received"], f.label("money_received")
    for child, f in catalogue.for_children(unit, as_of=day): ...   # one query per group for all rows
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.utils.functional import Promise

from chungtay.core import dates
from chungtay.orgunits.selectors import children_on


@dataclass(frozen=True)
class Params:
    """What a figure is asked for besides the units: the day, and optional narrowing."""

    as_of: dt.date
    phase: int | None = None  # a phase year of the housing programme (houses only)
    movement_id: int | None = None  # one movement (obligations, registrations, scores)

    @property
    def is_today(self) -> bool:
        """As of today or later: the kept figures hold the answer (nothing is dated in the future)."""
        return self.as_of >= dates.today()


# A group computes its figures for units that share a depth: {unit id: {figure name: value}}.
GroupFn = Callable[[Sequence[Any], Params], dict[int, dict[str, int]]]


@dataclass(frozen=True)
class Figure:
    name: str
    label: str | Promise  # Vietnamese, the same words on every surface
    definition: str  # which rows, which statuses, which dates (Vietnamese, for docs/figures.md)
    group: str
    unit: str = "hộ"  # "hộ", "đồng", "việc", "đơn", "đơn vị", "%"


@dataclass
class Group:
    name: str
    title: str | Promise
    compute: GroupFn
    figures: list[Figure] = field(default_factory=list)
    # Derived figures: computed from this group's own values (rates), never from rows.
    derived: dict[str, Callable[[dict[str, int]], int | None]] = field(default_factory=dict)


GROUPS: dict[str, Group] = {}
FIGURES: dict[str, Figure] = {}


def group(name: str, title: str | Promise) -> Callable[[GroupFn], GroupFn]:
    """Register a group's computation (decorator); its figures are declared with `figure()`."""

    def register(fn: GroupFn) -> GroupFn:
        if name in GROUPS:
            raise ValueError(f"figure group {name!r} registered twice")
        GROUPS[name] = Group(name, title, fn)
        return fn

    return register


def figure(
    group_name: str,
    name: str,
    label: str | Promise,
    definition: str,
    *,
    unit: str = "hộ",
    derive: Callable[[dict[str, int]], int | None] | None = None,
) -> Figure:
    if name in FIGURES:
        raise ValueError(f"figure {name!r} declared twice")
    item = Figure(name, label, definition, group_name, unit)
    FIGURES[name] = item
    GROUPS[group_name].figures.append(item)
    if derive is not None:
        GROUPS[group_name].derived[name] = derive
    return item


def narrowed(name: str, part: str) -> str:
    """The name of a figure restricted to one part of it (a source of money, …): household_planned and
    state → household_planned_state. The app that declares the figures and the pages that read them
    both name them through here."""
    return f"{name}_{part}"


def rate(part: int, whole: int) -> int | None:
    """A whole percentage, or None when there is nothing to divide by (shown as "—")."""
    return round(100 * part / whole) if whole else None


class Batch:
    """The units of one page or document and the parameters they are asked for; computes each
    group once for all of them, on first use."""

    def __init__(self, units: Sequence[Any], params: Params) -> None:
        self.units = list(units)
        self.params = params
        self._results: dict[str, dict[int, dict[str, int]]] = {}

    def values(self, group_name: str, unit_id: int) -> dict[str, int]:
        if group_name not in self._results:
            grp = GROUPS[group_name]
            computed = grp.compute(self.units, self.params)
            for values in computed.values():
                for name, derive in grp.derived.items():
                    values[name] = derive(values)  # type: ignore[assignment]
            self._results[group_name] = computed
        return self._results[group_name].get(unit_id) or self._empty(group_name)

    def _empty(self, group_name: str) -> dict[str, int]:
        grp = GROUPS[group_name]
        values: dict[str, Any] = {f.name: 0 for f in grp.figures if f.name not in grp.derived}
        for name, derive in grp.derived.items():
            values[name] = derive(values)
        return values


class FigureSet:
    """The figures of one unit's subtree as of a date. Attribute or item access by figure name."""

    def __init__(self, unit: Any, batch: Batch) -> None:
        self.unit = unit
        self._batch = batch

    @property
    def as_of(self) -> dt.date:
        return self._batch.params.as_of

    @property
    def params(self) -> Params:
        return self._batch.params

    def __getitem__(self, name: str) -> int:
        try:
            item = FIGURES[name]
        except KeyError:
            raise KeyError(f"no figure named {name!r} in the catalogue") from None
        return self._batch.values(item.group, self.unit.pk)[name]

    def __getattr__(self, name: str) -> int:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self[name]
        except KeyError as exc:
            raise AttributeError(str(exc)) from None

    def group(self, group_name: str) -> dict[str, int]:
        return dict(self._batch.values(group_name, self.unit.pk))

    @staticmethod
    def label(name: str) -> str:
        return str(FIGURES[name].label)


def _params(as_of: dt.date | None, phase: int | None, movement: Any) -> Params:
    movement_id = getattr(movement, "pk", movement)
    return Params(as_of=as_of or dates.today(), phase=phase, movement_id=movement_id)


def for_unit(unit: Any, *, as_of: dt.date | None = None, phase: int | None = None, movement: Any = None) -> FigureSet:
    """The figures of `unit`'s subtree as of `as_of` (today when not given)."""
    return FigureSet(unit, Batch([unit], _params(as_of, phase, movement)))


def for_units(
    units: Sequence[Any], *, as_of: dt.date | None = None, phase: int | None = None, movement: Any = None
) -> list[tuple[Any, FigureSet]]:
    """The figures of several sibling units (the rows of a table), each group in one query for all."""
    batch = Batch(units, _params(as_of, phase, movement))
    return [(unit, FigureSet(unit, batch)) for unit in units]


def for_items(items: Sequence[Any], *, as_of: dt.date | None = None) -> dict[int, FigureSet]:
    """{item id: its figures as of `as_of`} for rows that are not units (funds, households): the groups
    registered for such items answer them, each in one query for all."""
    batch = Batch(list(items), _params(as_of, None, None))
    return {item.pk: FigureSet(item, batch) for item in items}


def for_children(
    unit: Any, *, as_of: dt.date | None = None, phase: int | None = None, movement: Any = None
) -> list[tuple[Any, FigureSet]]:
    """The rows under a unit: its children in force on `as_of` (today when not given), never every
    child it ever had (a reorganisation ends units and opens others elsewhere in the tree)."""
    children = list(children_on(unit, as_of or dates.today()))
    return for_units(children, as_of=as_of, phase=phase, movement=movement)


def value(name: str, unit: Any, *, as_of: dt.date | None = None, phase: int | None = None, movement: Any = None) -> int:
    """One figure (tests and one-off uses; pages take a FigureSet)."""
    return for_unit(unit, as_of=as_of, phase=phase, movement=movement)[name]


def all_figures() -> Iterator[Figure]:
    for grp in GROUPS.values():
        yield from grp.figures


def markdown() -> str:
    """docs/figures.md: every figure with its name, label and definition."""
    lines = [
        "# Danh mục số liệu (catalogue of figures)",
        "",
        "Sinh tự động từ `chungtay/figures/definitions.py` bằng `manage.py figures_doc`; đừng sửa tay.",
        "Mỗi số liệu được tính cho **toàn bộ cây đơn vị** (đơn vị và mọi đơn vị cấp dưới) **tính đến một ngày**",
        "(mặc định là hôm nay); một số có thể thu hẹp theo năm phân kỳ hoặc theo một phong trào. Trang web, văn bản,",
        "API, dữ liệu mở và tệp xuất đều lấy số từ đây, nên cùng đơn vị, cùng ngày thì cùng một số.",
        "",
        "Every figure is computed for a unit's whole subtree as of a date; every surface reads it from here.",
    ]
    for grp in GROUPS.values():
        lines += ["", f"## {grp.title}", "", "| Tên (name) | Nhãn | Đơn vị tính | Định nghĩa |", "|---|---|---|---|"]
        for item in grp.figures:
            definition = item.definition.replace("|", "\\|").replace("\n", " ")
            lines.append(f"| `{item.name}` | {item.label} | {item.unit} | {definition} |")
    return "\n".join(lines) + "\n"
