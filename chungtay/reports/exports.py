"""The standard tables as Excel, written row by row with xlsxwriter's constant_memory mode and read
from the database with `.iterator()`: memory stays flat however many rows there are, so the
national household list is as safe to export as one commune's.

Each writer takes the unit, a path to write to, a `progress(percent)` callback and the day the
figures are asked for (`as_of`, today when not given; the export form's "Số liệu đến ngày"); it
prints that day in its heading, takes every figure from the catalogue as of that day, and returns
the number of data rows written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from chungtay.campaigns.models import Movement
from chungtay.core import cells, dates
from chungtay.core.money import format_decimal_vn
from chungtay.core.text import fold
from chungtay.figures.households import in_subtree_on, with_stage_on
from chungtay.figures.placement import AREA_PATH_THEN, area_id_on, area_path_on
from chungtay.housing.models import Category, Household, Status, SupportKind
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.selectors import active_on
from chungtay.tallies import catalogue
from chungtay.tallies.catalogue import FigureSet

from .models import ReportKind

Progress = Callable[[int], None]
CHUNK = 2000
LEVEL_LABELS = dict(Level.choices)


def _workbook(path: Path) -> Any:
    return cells.workbook(path, {"constant_memory": True, "strings_to_numbers": False})


class _Sheet:
    """A sheet written strictly top to bottom (constant_memory flushes each finished row)."""

    def __init__(self, wb: Any, name: str, widths: list[int]) -> None:
        self.ws = wb.add_worksheet(name)
        self.row = 0
        self.bold = wb.add_format({"bold": True})
        self.title = wb.add_format({"bold": True, "font_size": 13})
        self.head = wb.add_format(
            {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
        )
        self.cell = wb.add_format({"border": 1})
        self.money = wb.add_format({"border": 1, "num_format": "#,##0"})
        self.total = wb.add_format({"border": 1, "bold": True, "num_format": "#,##0"})
        for i, width in enumerate(widths):
            self.ws.set_column(i, i, width)

    def line(self, values: list[Any], fmt: Any = None) -> None:
        for col, value in enumerate(values):
            if value is None:
                continue
            self.ws.write(self.row, col, value, fmt)
        self.row += 1

    def heading(self, unit: OrgUnit, title: str, ncols: int, *, as_of: dt.date | None = None) -> None:
        self.line([unit.committee_title.upper()], self.bold)
        self.line([title], self.title)
        self.line([f"Số liệu đến ngày {as_of or dates.today():%d/%m/%Y}"])
        self.row += 1


def _subtree_units(unit: OrgUnit, *, day: dt.date, max_level: int = Level.AREA) -> list[OrgUnit]:
    """The unit (first: its row is the total) and the units below it in force on `day`, as the
    dashboard lists them; never every unit the subtree ever had (a reorganisation ends units)."""
    qs = OrgUnit.objects.filter(path__startswith=unit.path, level__lte=max_level)
    return list((qs.filter(pk=unit.pk) | active_on(qs, day)).order_by("path"))


def _figures_by_unit(units: list[OrgUnit], *, as_of: dt.date, phase: int | None = None) -> dict[int, Any]:
    """{unit id: its catalogue figures as of `as_of`}: the units of one depth in one batch, so each
    figure group runs once per depth, whatever the number of units."""

    by_depth: dict[int, list[OrgUnit]] = defaultdict(list)
    for u in units:
        by_depth[len(u.path)].append(u)
    figures: dict[int, Any] = {}
    for batch in by_depth.values():
        figures.update({u.pk: f for u, f in catalogue.for_units(batch, as_of=as_of, phase=phase)})
    return figures


def _label(name: str) -> str:
    return FigureSet.label(name)


# --- Households by phase and stage, per unit ------------------------------------------------------
HOUSES_BY_UNIT_FIGURES = (
    "houses_not_started",
    "houses_building",
    "houses_completed",
    "houses_handed_over",
    "houses_withdrawn",
    "houses_planned",
    "houses_support_amount",
)


def write_houses_by_unit(
    unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None, as_of: dt.date | None = None
) -> int:
    """One row per unit of the subtree (the unit itself first, as the total): the catalogue's house
    figures of each unit's subtree as of `as_of`, per phase year and in all, under their labels."""
    day = as_of or dates.today()
    units = _subtree_units(unit, day=day)
    phases = sorted(
        Household.objects.annotate(**{AREA_PATH_THEN: area_path_on(day)})  # the units of that day
        .filter(**{f"{AREA_PATH_THEN}__startswith": unit.path}, decision_date__lte=day)
        .order_by()
        .values_list("phase_year", flat=True)
        .distinct()
    )
    whole = _figures_by_unit(units, as_of=day)
    by_phase = {year: _figures_by_unit(units, as_of=day, phase=year) for year in phases}
    progress(60)
    wb = _workbook(path)
    sheet = _Sheet(wb, "Nhà ở theo đơn vị", [6, 34, 12] + [12] * (2 * len(phases) + len(HOUSES_BY_UNIT_FIGURES)))
    sheet.heading(unit, "TỔNG HỢP HỖ TRỢ NHÀ Ở THEO PHÂN KỲ VÀ TIẾN ĐỘ, TỪNG ĐƠN VỊ", 6, as_of=day)
    header, names = ["STT", "Đơn vị", "Cấp"], ["", "Tên số liệu (docs/figures.md)", ""]
    for y in phases:
        header += [f"Phân kỳ {y}: {_label('houses_planned')}", f"Phân kỳ {y}: {_label('houses_completed')}"]
        names += [f"houses_planned (phase={y})", f"houses_completed (phase={y})"]
    header += [_label(name) for name in HOUSES_BY_UNIT_FIGURES]
    names += list(HOUSES_BY_UNIT_FIGURES)
    sheet.line(header, sheet.head)
    sheet.line(names, sheet.cell)
    for i, u in enumerate(units):
        indent = "   " * (u.depth - unit.depth)
        values: list[Any] = ["" if i == 0 else i, ("TỔNG CỘNG — " if i == 0 else indent) + u.title,
                             str(LEVEL_LABELS[u.level])]  # fmt: skip
        for y in phases:
            values += [by_phase[y][u.pk]["houses_planned"], by_phase[y][u.pk]["houses_completed"]]
        values += [whole[u.pk][name] for name in HOUSES_BY_UNIT_FIGURES]
        sheet.line(values, sheet.total if i == 0 else sheet.money)
    wb.close()
    return len(units)


# --- The household list (the big one) ---------------------------------------------------------------
def write_household_list(
    unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None, as_of: dt.date | None = None
) -> int:
    """Every household of the subtree listed by `as_of` (decided by then) with its phase, its status
    on that day (figures.households: the same status the map and the public page show for that day)
    and its amount; no private fields. The total row is the catalogue's: households to support and
    the state's support for them (withdrawn households are listed, not counted)."""

    day = as_of or dates.today()
    # Each household under the area it belonged to that day (a reorganisation moves households).
    qs = with_stage_on(in_subtree_on(unit.path, day), day).annotate(area_then=area_id_on(day))
    qs = qs.order_by(AREA_PATH_THEN, "code")
    areas = {a.pk: (a.name, a.parent.name if a.parent else "") for a in
             OrgUnit.objects.filter(path__startswith=unit.path, level=Level.AREA).select_related("parent")}  # fmt: skip
    total = qs.count()
    categories, kinds, statuses = dict(Category.choices), dict(SupportKind.choices), dict(Status.choices)
    wb = _workbook(path)
    sheet = _Sheet(wb, "Danh sách hộ", [7, 14, 28, 22, 22, 10, 22, 12, 18, 16])
    sheet.heading(unit, "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ NHÀ Ở VÀ TIẾN ĐỘ", 10, as_of=day)
    sheet.line(["STT", "Mã hộ", "Họ và tên chủ hộ", "Khu dân cư", "Xã, phường", "Phân kỳ", "Đối tượng",
                "Hình thức", "Trạng thái", "Kinh phí hỗ trợ (đồng)"], sheet.head)  # fmt: skip
    n = 0
    rows = qs.values_list(
        "code", "head_name", "area_then", "phase_year", "category", "support_kind", "status_on", "state_support",
    )  # fmt: skip
    for code, name, area_id, year, category, kind, status, support in rows.iterator(chunk_size=CHUNK):
        area, commune = areas.get(area_id, ("", ""))
        n += 1
        sheet.line([n, code, name, area, commune or "", year, str(categories.get(category, category)),
                    str(kinds.get(kind, kind)), str(statuses[status]), support], sheet.money)  # fmt: skip
        if n % CHUNK == 0:
            progress(100 * n // max(1, total))
    f = catalogue.for_unit(unit, as_of=day)
    sheet.line(["", "TỔNG CỘNG", f"{format_decimal_vn(n, places=0)} hộ", None, None, None, None, None,
                f"{_label('houses_planned')}: {format_decimal_vn(f.houses_planned, places=0)}",
                f.houses_support_amount], sheet.total)  # fmt: skip
    wb.close()
    return n


# --- Funds per unit -----------------------------------------------------------------------------
# The money figures of each unit's subtree, as the catalogue names and labels them (docs/figures.md).
# Received + transferred in − transferred out − allocated unpaid − paid − fees = unallocated, on every row.
FUNDS_BY_UNIT_FIGURES = (
    "money_received",
    "money_transferred_in",
    "money_transferred_out",
    "money_allocated_unpaid",
    "money_paid_from_funds",
    "money_fees",
    "money_unallocated",
    "money_other_sources_committed",
    "money_other_sources_paid",
    "money_households_allocated",
    "money_households_received",
)


def write_funds_by_unit(
    unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None, as_of: dt.date | None = None
) -> int:
    """One row per unit down to communes, the unit itself first as the total: the catalogue's money
    figures (đồng) of each unit's subtree as of `as_of` (today when not given), under the catalogue's
    labels, with the figures' names in the row below the header."""
    day = as_of or dates.today()
    units = _subtree_units(unit, day=day, max_level=Level.COMMUNE)
    figures = _figures_by_unit(units, as_of=day)
    progress(40)
    wb = _workbook(path)
    sheet = _Sheet(wb, "Nguồn vận động", [6, 34] + [18] * len(FUNDS_BY_UNIT_FIGURES))
    sheet.heading(unit, "TỔNG HỢP NGUỒN VẬN ĐỘNG, PHÂN BỔ, GIẢI NGÂN THEO ĐƠN VỊ", 2 + len(FUNDS_BY_UNIT_FIGURES),
                  as_of=day)  # fmt: skip
    labels = [_label(name) for name in FUNDS_BY_UNIT_FIGURES]
    sheet.line(["STT", "Đơn vị", *labels], sheet.head)
    sheet.line(["", "Tên số liệu (docs/figures.md)", *FUNDS_BY_UNIT_FIGURES], sheet.cell)
    for i, u in enumerate(units):
        f = figures[u.pk]
        name = ("TỔNG CỘNG — " if i == 0 else "   " * (u.depth - unit.depth)) + u.title
        sheet.line(["" if i == 0 else i, name, *(f[n] for n in FUNDS_BY_UNIT_FIGURES)],
                   sheet.total if i == 0 else sheet.money)  # fmt: skip
    wb.close()
    return len(units)


# --- Evaluation results (when the evaluation app offers them) -----------------------------------------
def write_evaluation(
    unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None, as_of: dt.date | None = None
) -> int:
    """The results of the movements issued in the subtree, as they stood on `as_of` (the units
    scored by then, the catalogue's `units_scored`)."""

    from .services import evaluation_rows

    day = as_of or dates.today()
    wb = _workbook(path)
    sheet = _Sheet(wb, "Kết quả chấm điểm", [6, 12, 34, 12, 18, 10])
    sheet.heading(unit, "KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI THI ĐUA", 6, as_of=day)
    n = 0
    movements = Movement.objects.filter(issuing_unit__path__startswith=unit.path, issued_on__lte=day)
    for movement in movements.order_by("-issued_on"):
        rows = evaluation_rows(movement, as_of=day)
        if not rows:
            continue
        sheet.line([f"{movement.symbol} — {movement.title}"], sheet.bold)
        sheet.line(["STT", "Cấp", "Đơn vị", "Tổng điểm", "Xếp loại", "Thứ hạng"], sheet.head)
        for i, row in enumerate(rows, start=1):
            n += 1
            sheet.line([i, row["level"], row["unit"], row["total"], row["band"], row["rank"]], sheet.cell)
        sheet.row += 1
    wb.close()
    return n


WRITERS: dict[str, Callable[..., int]] = {
    ReportKind.HOUSES_BY_UNIT: write_houses_by_unit,
    ReportKind.HOUSEHOLD_LIST: write_household_list,
    ReportKind.FUNDS_BY_UNIT: write_funds_by_unit,
    ReportKind.EVALUATION: write_evaluation,
}
FILE_STEMS: dict[str, str] = {
    ReportKind.HOUSES_BY_UNIT: "nha-o-theo-don-vi",
    ReportKind.HOUSEHOLD_LIST: "danh-sach-ho",
    ReportKind.FUNDS_BY_UNIT: "nguon-van-dong-theo-don-vi",
    ReportKind.EVALUATION: "ket-qua-cham-diem",
}


def available_kinds() -> list[str]:
    """Every kind of export; the evaluation table comes from `evaluation.selectors.results_table`."""
    kinds = [ReportKind.HOUSES_BY_UNIT, ReportKind.HOUSEHOLD_LIST, ReportKind.FUNDS_BY_UNIT, ReportKind.EVALUATION]
    return [str(k) for k in kinds]


def write(
    kind: str, unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None, as_of: dt.date | None = None
) -> int:
    return WRITERS[kind](unit, path, progress=progress, user=user, as_of=as_of)


def file_name(kind: str, unit: OrgUnit, *, as_of: dt.date | None = None) -> str:
    """The file is named by the day of its figures."""

    slug = "-".join(fold(unit.name).split())
    return f"{FILE_STEMS[kind]}-{slug}-{as_of or dates.today():%Y%m%d}.xlsx"
