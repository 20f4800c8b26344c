"""The funding plan of the listed households by source (criterion 3.2.2b), and the phase years a
subtree's list holds on a date (the rows of a per-phase table)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from chungtay.housing.models import FundingPlanLine, FundingSource, Household
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import _fill, _grouped, _withdrawn_by
from .placement import AREA_PATH_THEN, area_path_on

# figure name: the source of its plan lines
PLAN_SOURCES = {
    "plan_state": FundingSource.STATE,
    "plan_front_fund": FundingSource.FRONT_FUND,
    "plan_sponsor": FundingSource.SPONSOR,
    "plan_other_programme": FundingSource.OTHER_PROGRAMME,
    "plan_own_share": FundingSource.OWN_SHARE,
}


@group("funding_plan", "Kế hoạch kinh phí của các hộ theo nguồn")
def funding_plan(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    # The same households as `houses_plan_amount` (listed by the day, not withdrawn by then), split by source.
    plans = FundingPlanLine.objects.filter(household__decision_date__lte=p.as_of).exclude(
        _withdrawn_by(p.as_of, "household__")
    )
    if p.phase is not None:
        plans = plans.filter(household__phase_year=p.phase)
    sums = {name: Sum("amount", filter=Q(source=source)) for name, source in PLAN_SOURCES.items()}
    plans = plans.annotate(**{AREA_PATH_THEN: area_path_on(p.as_of, "household_id", "household__area__path")})
    found = _grouped(plans, AREA_PATH_THEN, units, **sums)
    return _fill(units, found, tuple(PLAN_SOURCES))


P = "funding_plan"
PLAN = "Dòng kế hoạch kinh phí của các hộ cần hỗ trợ (như `houses_plan_amount`)"
for _name, _label in (
    ("plan_state", _("Kế hoạch kinh phí: ngân sách nhà nước")),
    ("plan_front_fund", _("Kế hoạch kinh phí: Quỹ “Vì người nghèo”")),
    ("plan_sponsor", _("Kế hoạch kinh phí: nhà tài trợ")),
    ("plan_other_programme", _("Kế hoạch kinh phí: lồng ghép chương trình khác")),
    ("plan_own_share", _("Kế hoạch kinh phí: hộ đóng góp")),
):
    figure(P, _name, _label, f"{PLAN}, nguồn “{PLAN_SOURCES[_name].label}”.", unit="đồng")
figure(P, "plan_non_state", _("Kế hoạch kinh phí ngoài ngân sách (Quỹ, nhà tài trợ, lồng ghép)"),
       f"{PLAN} từ Quỹ “Vì người nghèo”, nhà tài trợ và lồng ghép chương trình khác (không gồm ngân sách "
       "nhà nước và phần hộ đóng góp).", unit="đồng",
       derive=lambda v: v["plan_front_fund"] + v["plan_sponsor"] + v["plan_other_programme"])  # fmt: skip
figure(P, "plan_combined", _("Kế hoạch kinh phí huy động (trừ phần hộ đóng góp)"),
       f"{PLAN}, mọi nguồn trừ phần hộ đóng góp: ngân sách + ngoài ngân sách.", unit="đồng",
       derive=lambda v: v["plan_state"] + v["plan_non_state"])  # fmt: skip


def phase_years(unit: Any, *, as_of: dt.date) -> list[int]:
    """The phase years of the households listed in `unit`'s subtree by `as_of` (withdrawn ones too)."""
    years = (
        Household.objects.annotate(**{AREA_PATH_THEN: area_path_on(as_of)})
        .filter(**{f"{AREA_PATH_THEN}__startswith": unit.path}, decision_date__lte=as_of)
        .values_list("phase_year", flat=True)
        .distinct()
        .order_by("phase_year")
    )
    return [y for y in years if y is not None]
