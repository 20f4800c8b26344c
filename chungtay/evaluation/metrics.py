"""Criteria computed from the system's own data (kind "computed", `Criterion.metric_key`).

Each metric is `fn(unit, movement, max_points, *, as_of) -> MetricValue`: the value (a share 0..1 or
a count), the points it earns out of the criterion's maximum, and a Vietnamese explanation with the
figures, so the unit and the reviewer see exactly where a score comes from. Each runs a fixed number
of queries over the unit's subtree (one `path LIKE 'prefix%'` filter), whatever its size.

`as_of` is the day the figures are taken on; the caller names it (the assessment uses the day it is
computed, never later than the movement's end: `assessment_as_of`), so a score depends on the data and
that day, not on the day the code happens to run.

Every number comes from the figures catalogue (chungtay.figures, docs/figures.md) for the unit's
subtree (3.2.1d: the unit alone) as of that day, so a criterion, the dashboard and the reports agree
for the same unit and day. The rules (documented in docs/huong-dan/danh-gia-khen-thuong.md):
- housing_completion_vs_phase (3.2.2c): `houses_completed` / `houses_planned` of the movement's year's
  phase (listed, not withdrawn, completed or handed over by that day); points = max × share. No
  household scheduled for the year → full points.
- complaints_and_fund_rules (3.2.2a): every complaint or denunciation received in the year by the
  as-of day (`complaints_grave_received`) takes 25% of the maximum, every one still open past its due
  date on that day (`complaints_grave_overdue`) 25% more, and every bank statement line of the
  subtree's funds still waiting to be reconciled (`statement_lines_unmatched`) 10%; never below zero.
- non_state_share (3.2.2b): the share of the funding plan of the year's households that comes from
  sources other than the state budget and the household's own share (`plan_non_state` /
  `plan_combined`: the Front's fund, sponsors, other programmes combined in); the target is 30%:
  points = max × min(1, share / 30%). In-kind help (`in_kind_value`, `in_kind_workdays`) is written
  beside it in the explanation and never counted in the share.
- obligations_on_time (3.2.1d): the unit's own obligations in the movement due by the as-of day
  (`own_obligations_due`: self-assessment and final review excluded, excused ones not counted) and
  those done by their due day (`own_obligations_on_time`); points = max × share.
- activity_count: the movement's activities held by the unit and its subtree by that day
  (`activities_held`); the target is 5: points = max × min(1, n / 5).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from chungtay.core.money import format_decimal_vn, format_vnd
from chungtay.tallies import catalogue

ZERO = Decimal(0)
NON_STATE_TARGET = Decimal("0.30")
ACTIVITY_TARGET = 5
COMPLAINT_PENALTY = Decimal("0.25")
UNRECONCILED_PENALTY = Decimal("0.10")


@dataclass
class MetricValue:
    value: Decimal | None
    points: Decimal
    explanation: str
    detail: dict[str, Any] = field(default_factory=dict)


def q2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def percent(share: Decimal) -> str:
    """0.9 → "90%", 0.8333 → "83,3%" (Vietnamese decimal comma)."""
    return format_decimal_vn(share * 100, places=1) + "%"


def _share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def movement_year(movement: Any) -> int:
    return movement.ends_on.year


def assessment_as_of(movement: Any, on: dt.date) -> dt.date:
    """The day an assessment's figures are taken on: the day they are computed (`on`), but no later
    than the movement's end: a refresh after the period does not count what fell due after it."""
    return min(on, movement.ends_on)


def _figures(unit: Any, as_of: dt.date, **narrowing: Any) -> catalogue.FigureSet:
    return catalogue.for_unit(unit, as_of=as_of, **narrowing)


def housing_completion_vs_phase(unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    year = movement_year(movement)
    f = _figures(unit, as_of, phase=year)
    planned, done = f.houses_planned, f.houses_completed
    detail = {"year": year, "planned": planned, "done": done}
    if not planned:
        return MetricValue(None, max_points, f"Không có hộ nào trong phân kỳ {year}: đạt điểm tối đa.", detail)
    share = _share(done, planned)
    return MetricValue(
        share, q2(max_points * share), f"{done}/{planned} hộ phân kỳ {year} đã hoàn thành ({percent(share)}).", detail
    )


def complaints_and_fund_rules(unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    year = movement_year(movement)
    # `phase` narrows complaints to those received in that year.
    f = _figures(unit, as_of, phase=year)
    total, overdue = f.complaints_grave_received, f.complaints_grave_overdue
    unreconciled = f.statement_lines_unmatched
    lost = max_points * (COMPLAINT_PENALTY * (total + overdue) + UNRECONCILED_PENALTY * unreconciled)
    points = q2(max(ZERO, max_points - lost))
    detail = {"year": year, "complaints": total, "overdue": overdue, "unreconciled": unreconciled}
    if not (total or unreconciled):
        text = f"Năm {year} không có khiếu nại, tố cáo; các khoản sao kê đã đối soát đủ."
    else:
        parts = [f"{total} đơn khiếu nại, tố cáo năm {year}"]
        if overdue:
            parts.append(f"{overdue} đơn quá hạn chưa giải quyết")
        parts.append(f"{unreconciled} dòng sao kê chưa đối soát")
        text = "; ".join(parts) + "."
    return MetricValue(Decimal(total + overdue), points, text, detail)


def non_state_share(unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    year = movement_year(movement)
    f = _figures(unit, as_of, phase=year)
    total, state, other = f.plan_combined, f.plan_state, f.plan_non_state
    # In-kind help is shown beside the cash (its own figures), never added to the share.
    detail = {"year": year, "total": total, "state": state, "other": other,
              "in_kind_value": f.in_kind_value, "in_kind_workdays": f.in_kind_workdays}  # fmt: skip
    in_kind = (
        f" Ngoài tiền mặt (không tính vào tỷ lệ): {f.label('in_kind_value').lower()} {format_vnd(f.in_kind_value)}, "
        f"{f.in_kind_workdays} ngày công."
    )
    if not total:
        return MetricValue(None, ZERO, f"Chưa có kế hoạch kinh phí cho các hộ phân kỳ {year}.{in_kind}", detail)
    share = _share(other, total)
    points = q2(max_points * min(Decimal(1), share / NON_STATE_TARGET))
    text = (
        f"Nguồn ngoài ngân sách {format_vnd(other)} / {format_vnd(total)} ({percent(share)}); "
        f"mục tiêu {percent(NON_STATE_TARGET)}.{in_kind}"
    )
    return MetricValue(share, points, text, detail)


def obligations_on_time(unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    f = _figures(unit, as_of, movement=movement)
    due, on_time = f.own_obligations_due, f.own_obligations_on_time
    detail = {"due": due, "on_time": on_time}
    if not due:
        return MetricValue(None, max_points, "Chưa có việc nào đến hạn: đạt điểm tối đa.", detail)
    share = _share(on_time, due)
    text = f"{on_time}/{due} việc đến hạn được báo cáo đúng hạn trên hệ thống ({percent(share)})."
    return MetricValue(share, q2(max_points * share), text, detail)


def activity_count(unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    n = _figures(unit, as_of, movement=movement).activities_held
    points = q2(max_points * min(Decimal(1), Decimal(n) / ACTIVITY_TARGET))
    return MetricValue(
        Decimal(n), points, f"{n} hoạt động được ghi nhận trên hệ thống (mục tiêu {ACTIVITY_TARGET}).", {"count": n}
    )


METRICS: dict[str, Callable[..., MetricValue]] = {
    "housing_completion_vs_phase": housing_completion_vs_phase,
    "complaints_and_fund_rules": complaints_and_fund_rules,
    "non_state_share": non_state_share,
    "obligations_on_time": obligations_on_time,
    "activity_count": activity_count,
}


def compute(metric_key: str, unit: Any, movement: Any, max_points: Decimal, *, as_of: dt.date) -> MetricValue:
    fn = METRICS.get(metric_key)
    if fn is None:
        return MetricValue(None, ZERO, f"Chưa có cách tính cho chỉ số “{metric_key}”.", {})
    result = fn(unit, movement, max_points, as_of=as_of)
    result.points = min(max_points, max(ZERO, result.points))
    return result
