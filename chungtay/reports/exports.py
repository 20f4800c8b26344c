"""The standard tables as Excel, written row by row with xlsxwriter's constant_memory mode and read
from the database with `.iterator()`: memory stays flat however many rows there are, so the
national household list is as safe to export as one commune's.

Each writer takes the unit, a path to write to, and a `progress(percent)` callback; it returns the
number of data rows written.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db.models import Count, Sum
from django.db.models.functions import Coalesce

from chungtay.core import cells, dates
from chungtay.housing.models import DONE_STATUSES, Category, Household, Status, SupportKind
from chungtay.orgunits.models import Level, OrgUnit

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


def _subtree_units(unit: OrgUnit, *, max_level: int = Level.AREA) -> list[OrgUnit]:
    return list(OrgUnit.objects.filter(path__startswith=unit.path, level__lte=max_level).order_by("path"))


# --- Households by phase and status, per unit ----------------------------------------------------
STATUS_ORDER = [s for s in Status.values]


def write_houses_by_unit(unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None) -> int:
    """One row per unit of the subtree (the unit itself first, as the total), rolled up from areas."""
    rows = (
        Household.objects.filter(area__path__startswith=unit.path)
        .values("area__path", "phase_year", "status")
        .annotate(n=Count("id"), amount=Coalesce(Sum("state_support"), 0))
    )
    step = OrgUnit.steplen
    per: dict[str, dict[Any, int]] = defaultdict(lambda: defaultdict(int))
    years: set[int] = set()
    for r in rows.iterator(chunk_size=CHUNK):
        area_path, year, status = r["area__path"], r["phase_year"], r["status"]
        years.add(year)
        for i in range(len(unit.path), len(area_path) + 1, step):
            bucket = per[area_path[:i]]
            bucket[("status", status)] += r["n"]
            if status != Status.WITHDRAWN:
                bucket[("planned", year)] += r["n"]
                bucket["amount"] += r["amount"]
                bucket["planned"] += r["n"]
            if status in DONE_STATUSES:
                bucket[("done", year)] += r["n"]
                bucket["done"] += r["n"]
    progress(30)
    phases = sorted(years)
    units = _subtree_units(unit)
    status_labels = dict(Status.choices)
    wb = _workbook(path)
    sheet = _Sheet(wb, "Nhà ở theo đơn vị", [6, 34, 12] + [10] * (2 * len(phases) + len(STATUS_ORDER) + 2) + [18])
    sheet.heading(unit, "TỔNG HỢP HỖ TRỢ NHÀ Ở THEO PHÂN KỲ VÀ TRẠNG THÁI, TỪNG ĐƠN VỊ", 6)
    header = ["STT", "Đơn vị", "Cấp"]
    for y in phases:
        header += [f"Phân kỳ {y}: số hộ", f"Phân kỳ {y}: hoàn thành"]
    header += [str(status_labels[s]) for s in STATUS_ORDER]
    header += ["Tổng số hộ (không kể rút)", "Hoàn thành", "Kinh phí Nhà nước hỗ trợ (đồng)"]
    sheet.line(header, sheet.head)
    for i, u in enumerate(units):
        b = per.get(u.path, {})
        indent = "   " * (u.depth - unit.depth)
        values: list[Any] = ["" if i == 0 else i, ("TỔNG CỘNG — " if i == 0 else indent) + u.title,
                             str(LEVEL_LABELS[u.level])]  # fmt: skip
        for y in phases:
            values += [b.get(("planned", y), 0), b.get(("done", y), 0)]
        values += [b.get(("status", s), 0) for s in STATUS_ORDER]
        values += [b.get("planned", 0), b.get("done", 0), b.get("amount", 0)]
        sheet.line(values, sheet.total if i == 0 else sheet.money)
        if i % 500 == 0:
            progress(30 + 60 * i // max(1, len(units)))
    wb.close()
    return len(units)


# --- The household list (the big one) ---------------------------------------------------------------
def write_household_list(unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None) -> int:
    """Every household of the subtree with its phase, status and amount; no private fields."""
    qs = Household.objects.filter(area__path__startswith=unit.path).order_by("area__path", "code")
    total = qs.count()
    categories, kinds, statuses = dict(Category.choices), dict(SupportKind.choices), dict(Status.choices)
    wb = _workbook(path)
    sheet = _Sheet(wb, "Danh sách hộ", [7, 14, 28, 22, 22, 10, 22, 12, 18, 16])
    sheet.heading(unit, "DANH SÁCH HỘ ĐƯỢC HỖ TRỢ NHÀ Ở VÀ TIẾN ĐỘ", 10)
    sheet.line(["STT", "Mã hộ", "Họ và tên chủ hộ", "Khu dân cư", "Xã, phường", "Phân kỳ", "Đối tượng",
                "Hình thức", "Trạng thái", "Kinh phí hỗ trợ (đồng)"], sheet.head)  # fmt: skip
    n = amount = 0
    rows = qs.values_list(
        "code",
        "head_name",
        "area__name",
        "area__parent__name",
        "phase_year",
        "category",
        "support_kind",
        "status",
        "state_support",
    )
    for code, name, area, commune, year, category, kind, status, support in rows.iterator(chunk_size=CHUNK):
        n += 1
        if status != Status.WITHDRAWN:
            amount += support
        sheet.line([n, code, name, area, commune or "", year, str(categories.get(category, category)),
                    str(kinds.get(kind, kind)), str(statuses.get(status, status)), support], sheet.money)  # fmt: skip
        if n % CHUNK == 0:
            progress(100 * n // max(1, total))
    sheet.line(["", "TỔNG CỘNG", f"{n} hộ", None, None, None, None, None, None, amount], sheet.total)
    wb.close()
    return n


# --- Funds per unit -----------------------------------------------------------------------------
# The money figures of each unit's subtree, as the catalogue names and labels them (docs/figures.md).
FUNDS_BY_UNIT_FIGURES = (
    "money_received",
    "money_unallocated",
    "money_allocated_unpaid",
    "money_paid_from_funds",
    "money_fees",
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
    from chungtay.figures import catalogue

    day = as_of or dates.today()
    units = _subtree_units(unit, max_level=Level.COMMUNE)
    # The catalogue answers for sibling units at once: one batch per parent (the unit itself alone).
    siblings: dict[str, list[OrgUnit]] = defaultdict(list)
    for u in units:
        siblings["" if u.pk == unit.pk else u.path[: -OrgUnit.steplen]].append(u)
    figures = {}
    for batch in siblings.values():
        figures.update({u.pk: f for u, f in catalogue.for_units(batch, as_of=day)})
    progress(40)
    wb = _workbook(path)
    sheet = _Sheet(wb, "Nguồn vận động", [6, 34] + [18] * len(FUNDS_BY_UNIT_FIGURES))
    sheet.heading(unit, "TỔNG HỢP NGUỒN VẬN ĐỘNG, PHÂN BỔ, GIẢI NGÂN THEO ĐƠN VỊ", 2 + len(FUNDS_BY_UNIT_FIGURES),
                  as_of=day)  # fmt: skip
    labels = [catalogue.FigureSet.label(name) for name in FUNDS_BY_UNIT_FIGURES]
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
def write_evaluation(unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None) -> int:
    from chungtay.campaigns.models import Movement

    from .services import evaluation_rows

    wb = _workbook(path)
    sheet = _Sheet(wb, "Kết quả chấm điểm", [6, 34, 12, 18, 10])
    sheet.heading(unit, "KẾT QUẢ CHẤM ĐIỂM, XẾP LOẠI THI ĐUA", 5)
    n = 0
    for movement in Movement.objects.filter(issuing_unit__path__startswith=unit.path).order_by("-issued_on"):
        rows = evaluation_rows(movement)
        if not rows:
            continue
        sheet.line([f"{movement.symbol} — {movement.title}"], sheet.bold)
        sheet.line(["STT", "Đơn vị", "Tổng điểm", "Xếp loại", "Thứ hạng"], sheet.head)
        for i, row in enumerate(rows, start=1):
            n += 1
            sheet.line([i, row["unit"], row["total"], row["band"], row["rank"]], sheet.cell)
        sheet.row += 1
    wb.close()
    return n


WRITERS: dict[str, Callable[..., int]] = {
    ReportKind.HOUSES_BY_UNIT: write_houses_by_unit,
    ReportKind.HOUSEHOLD_LIST: write_household_list,
    ReportKind.FUNDS_BY_UNIT: write_funds_by_unit,
    ReportKind.EVALUATION: write_evaluation,
}
FILE_STEMS = {
    ReportKind.HOUSES_BY_UNIT: "nha-o-theo-don-vi",
    ReportKind.HOUSEHOLD_LIST: "danh-sach-ho",
    ReportKind.FUNDS_BY_UNIT: "nguon-van-dong-theo-don-vi",
    ReportKind.EVALUATION: "ket-qua-cham-diem",
}


def available_kinds() -> list[str]:
    """The evaluation table is offered only once the evaluation app answers `results_table`."""
    kinds = [ReportKind.HOUSES_BY_UNIT, ReportKind.HOUSEHOLD_LIST, ReportKind.FUNDS_BY_UNIT]
    try:
        from chungtay.evaluation import selectors as evaluation  # type: ignore[attr-defined]

        if hasattr(evaluation, "results_table"):
            kinds.append(ReportKind.EVALUATION)
    except ImportError:
        pass
    return [str(k) for k in kinds]


def write(kind: str, unit: OrgUnit, path: Path, *, progress: Progress, user: Any = None) -> int:
    return WRITERS[kind](unit, path, progress=progress, user=user)


def file_name(kind: str, unit: OrgUnit) -> str:
    from chungtay.core.text import fold

    slug = "-".join(fold(unit.name).split())
    return f"{FILE_STEMS[kind]}-{slug}-{dates.today():%Y%m%d}.xlsx"
