"""Kept month-end figures (issue 16): filled for every unit, and checked against the dated rows.

Figures as of an earlier day read the month-end before it (tallies.MonthEnd) plus the rows of the
days after it (figures.definitions). A month-end missing when a day is asked for is computed then;
`fill` keeps the last closed month for every unit ahead of time (nightly, `refresh_figures
--month-ends`), from the month before when that one is kept (one month of rows), else from every row.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from chungtay.figures.definitions import MONTH_END_GROUPS, month_end_values
from chungtay.orgunits.models import OrgUnit
from chungtay.tallies import rollup
from chungtay.tallies.catalogue import Params
from chungtay.tallies.models import MonthEnd


def fill(month_end: dt.date | None = None) -> int:
    """Keep `month_end` (by default the last closed one) for every unit and group; returns the units."""
    day = month_end or rollup.last_closed_month_end()
    units = list(OrgUnit.objects.order_by("depth", "path"))
    by_depth: dict[int, list[OrgUnit]] = defaultdict(list)
    for unit in units:
        by_depth[unit.depth].append(unit)
    for same_depth in by_depth.values():
        for group, (history, change) in MONTH_END_GROUPS.items():
            month_end_values(same_depth, Params(as_of=day), group, history, change)
    return len(units)


def verify() -> list[str]:
    """Compare every kept month-end with its recomputation from the dated rows; the differences."""
    rollup.month_ends_fresh()
    kept: dict[tuple[dt.date, str, int, int], dict[int, dict[str, int]]] = defaultdict(dict)
    rows = MonthEnd.objects.values_list("month_end", "group", "phase_year", "unit__depth", "unit_id", "values")
    for month_end, group, phase, depth, unit_id, values in rows.iterator(chunk_size=5000):
        kept[(month_end, group, phase, depth)][unit_id] = values
    problems = []
    for (month_end, group, phase, _depth), values in sorted(kept.items()):
        history, _ = MONTH_END_GROUPS[group]
        units = list(OrgUnit.objects.filter(pk__in=list(values)))
        computed = history(units, Params(as_of=month_end, phase=phase or None))
        for unit_id, row in sorted(values.items()):
            if {name: int(v) for name, v in row.items()} != computed.get(unit_id):
                again = computed.get(unit_id)
                problems.append(
                    f"cuối tháng {month_end:%d/%m/%Y} {group} đơn vị #{unit_id}: lưu {row} ≠ tính lại {again}"
                )
    return problems
