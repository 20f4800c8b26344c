"""Figures of one fund, and what the households of a subtree were allocated from every source.

The fund group answers for a list of funds (the rows of the funds table, or one fund's page) with
the same definitions as the unit money figures, restricted to that fund; its labels say "this fund"
("Đã chi cho hộ từ quỹ này"), so they never read as the unit's figures. As of today it reads the ledger balances
kept on write; as of an earlier day it adds the dated ledger lines.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db.models import F, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from chungtay.core.figures import cached
from chungtay.funds.models import Account, AccountKind, Fund, JournalLine
from chungtay.housing.models import FundingPlanLine, FundingSource, Household
from chungtay.reorg.models import HouseholdMove
from chungtay.tallies.catalogue import FigureSet, Params, figure, for_items, group, narrowed

from .definitions import _from_month_end, _grouped, _plus, keep_at_month_ends, kept_money, nearer_today, writes_stamp
from .placement import AREA_PATH_THEN, area_path_on

# name of a fund figure: (unit figure it restricts, its label, account kind, sign: credits are negative)
FUND_FIGURES = {
    "fund_received": ("money_received", _("Quỹ này đã nhận ủng hộ"), AccountKind.DONATIONS, -1),
    "fund_unallocated": ("money_unallocated", _("Tồn quỹ này chưa phân bổ"), AccountKind.FUND_CASH, 1),
    "fund_allocated_unpaid": (
        "money_allocated_unpaid", _("Quỹ này đã phân bổ cho hộ, chưa chi"), AccountKind.ALLOCATION, 1,
    ),
    "fund_paid": ("money_paid_from_funds", _("Đã chi cho hộ từ quỹ này"), AccountKind.DISBURSED, 1),
    "fund_fees": ("money_fees", _("Phí ngân hàng, chi khác của quỹ này"), AccountKind.FEES, 1),
}  # fmt: skip


@group("fund_money", "Tiền của một quỹ: vận động, phân bổ, chi cho hộ")
def fund_money(funds: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    # Asked for units (a walk of every figure for a unit), a fund figure has nothing to say: zeros.
    ids = sorted(f.pk for f in funds if isinstance(f, Fund))
    if not ids:
        return {}
    if p.is_today:
        # A district fund sums thousands of household accounts: kept a minute like the other figures.
        return cached("fund_money", 0, lambda: _fund_money(ids, None), ",".join(map(str, ids)))
    return _fund_money(ids, p.as_of)


def _fund_money(ids: list[int], day: dt.date | None) -> dict[int, dict[str, int]]:
    if day is None:
        rows = Account.objects.filter(fund_id__in=ids).values("fund_id", "kind").annotate(total=Sum("balance"))
        found = [(r["fund_id"], r["kind"], r["total"]) for r in rows.order_by()]
    else:
        lines = JournalLine.objects.filter(account__fund_id__in=ids, entry__date__lte=day)
        line_rows = lines.values("account__fund_id", "account__kind").annotate(total=Sum(F("debit") - F("credit")))
        found = [(r["account__fund_id"], r["account__kind"], r["total"]) for r in line_rows.order_by()]
    by_kind: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for fund_id, kind, total in found:
        by_kind[fund_id][kind] = by_kind[fund_id].get(kind, 0) + int(total or 0)
    return {
        pk: {name: sign * kinds.get(kind, 0) for name, (_unit, _label, kind, sign) in FUND_FIGURES.items()}
        for pk, kinds in by_kind.items()
    }


FM = "fund_money"
for _name, (_unit_figure, _label, _kind, _sign) in FUND_FIGURES.items():
    figure(FM, _name, _label,
           f"Như `{_unit_figure}`, chỉ tính tài khoản của quỹ này (không gồm các quỹ khác của đơn vị).",
           unit="đồng")  # fmt: skip
figure(FM, "fund_allocated", _("Quỹ này đã phân bổ cho hộ (gồm đã chi)"),
       "Như `money_allocated`, chỉ tính quỹ này: đã phân bổ cho hộ, chưa chi + đã chi cho hộ từ quỹ này.",
       unit="đồng", derive=lambda v: v["fund_allocated_unpaid"] + v["fund_paid"])  # fmt: skip


@group("households_money", "Tiền đến hộ trên địa bàn: phân bổ từ mọi nguồn")
def households_money(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    if not p.is_today:
        # As of an earlier day: the kept month-end before it plus the lines dated after it (issue 22).
        no_phase = replace(p, phase=None)
        return _from_month_end(units, no_phase, "households_money", _households_history, _households_change)
    # Kept on write per area (the subtree figures): summing every household account took seconds.
    kept = kept_money([u.pk for u in units])
    return {u.pk: {NAME: _kept_allocated(kept[u.pk])} for u in units}


def _kept_allocated(kept: dict[str, int]) -> int:
    return int(kept["allocated_to_households"] + kept["disbursed_to_households"])


def _households_money_from_rows(units: Sequence[Any], day: dt.date) -> dict[int, dict[str, int]]:
    """The figure from the journal lines dated up to `day`, each household under its area of that day."""
    return _households_lines(units, JournalLine.objects.filter(entry__date__lte=day), day)


def _households_lines(units: Sequence[Any], lines: QuerySet[JournalLine], day: dt.date) -> dict[int, dict[str, int]]:
    """The figure of the given journal lines, each household under its area of `day`."""
    lines = lines.filter(
        account__household__isnull=False, account__kind__in=[AccountKind.ALLOCATION, AccountKind.DISBURSED]
    )
    lines = lines.annotate(
        **{AREA_PATH_THEN: area_path_on(day, "account__household_id", "account__household__area__path")}
    )
    found = _grouped(lines, AREA_PATH_THEN, units, **{NAME: Sum(F("debit") - F("credit"))})
    return {u.pk: {NAME: found.get(u.pk, {}).get(NAME, 0)} for u in units}


def _households_history(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    """The figure as of a month-end nobody kept yet: back from today's kept figures (less the change
    from the day to the end of time) when the day is nearer today, else from the lines up to it."""
    if not nearer_today(p.as_of):
        return _households_money_from_rows(units, p.as_of)
    stamp = writes_stamp()
    kept = kept_money([u.pk for u in units])
    now = {u.pk: {NAME: _kept_allocated(kept[u.pk])} for u in units}
    found = _plus(now, _households_change(units, replace(p, as_of=dt.date.max), p.as_of), sign=-1)
    if writes_stamp() != stamp:  # a write committed meanwhile: kept and rows may disagree
        return _households_money_from_rows(units, p.as_of)
    return found


def _households_change(units: Sequence[Any], p: Params, since: dt.date) -> dict[int, dict[str, int]]:
    """The change from `since` to `p.as_of`: the lines dated in between, by the households' area (which
    did not change for them); the households that moved in between, all their lines under the area
    of each day."""
    day = p.as_of
    between = JournalLine.objects.filter(entry__date__gt=since, entry__date__lte=day)
    moves = HouseholdMove.objects.filter(moved_on__gt=since, moved_on__lte=day)
    moved = list(moves.values_list("household_id", flat=True))
    found = _households_lines(units, between.exclude(account__household_id__in=moved), day)
    if moved:
        theirs = JournalLine.objects.filter(account__household_id__in=moved)
        found = _plus(found, _households_lines(units, theirs.filter(entry__date__lte=day), day))
        found = _plus(found, _households_lines(units, theirs.filter(entry__date__lte=since), since), sign=-1)
    return found


keep_at_month_ends("households_money", _households_history, _households_change)


NAME = "money_households_allocated"
figure("households_money", NAME, _("Hộ trên địa bàn đã được phân bổ (mọi nguồn, gồm đã chi)"),
       "Tổng phân bổ cho các hộ thuộc khu dân cư trong cây, từ mọi quỹ và mọi nguồn, gồm phần đã chi, đến ngày tính.",
       unit="đồng")  # fmt: skip


def for_funds(funds: Sequence[Any], *, as_of: dt.date | None = None) -> dict[int, FigureSet]:
    """{fund id: the figures of that fund as of `as_of`} — one query for all of them."""
    return for_items(funds, as_of=as_of)


def for_fund(fund: Any, *, as_of: dt.date | None = None) -> FigureSet:
    return for_items([fund], as_of=as_of)[fund.pk]


# --- One household ---------------------------------------------------------------------------------
HOUSEHOLD_FIGURES = ("household_planned", "household_allocated", "household_received")
# The sources of a household's money, in the order every surface lists them (housing.FundingSource):
# a fund's accounts are the source "front_fund", another source's accounts its kind (the same values).
HOUSEHOLD_SOURCES = tuple(FundingSource.values)


def source_figure(total: str, source: str) -> str:
    """The name of a household figure restricted to one source: household_planned + state → household_planned_state."""
    return narrowed(total, source)


@group("household_money", "Tiền của một hộ: kế hoạch, phân bổ, đã nhận (mọi nguồn và theo từng nguồn)")
def household_money(households: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    ids = sorted(h.pk for h in households if isinstance(h, Household))
    names = [*HOUSEHOLD_FIGURES, *(source_figure(t, s) for t in HOUSEHOLD_FIGURES for s in HOUSEHOLD_SOURCES)]
    out = {pk: dict.fromkeys(names, 0) for pk in ids}
    if not ids:
        return out

    def add(pk: int, total: str, source: str, amount: int) -> None:
        # A total is the sum of its sources by construction: every surface's rows add up to its total row.
        out[pk][total] += amount
        if source in HOUSEHOLD_SOURCES:
            out[pk][source_figure(total, source)] += amount

    planned = FundingPlanLine.objects.filter(household_id__in=ids).values("household_id", "source")
    for row in planned.annotate(t=Sum("amount")).order_by():
        add(row["household_id"], "household_planned", row["source"], int(row["t"] or 0))
    kinds = [AccountKind.ALLOCATION, AccountKind.DISBURSED]
    if p.is_today:
        rows = Account.objects.filter(household_id__in=ids, kind__in=kinds)
        found: QuerySet[Any, dict[str, Any]] = rows.values(
            "household_id", "kind", "fund_id", source_kind=F("source__kind")
        ).annotate(t=Sum("balance"))
    else:
        lines = JournalLine.objects.filter(
            account__household_id__in=ids, account__kind__in=kinds, entry__date__lte=p.as_of
        )
        found = lines.values(
            household_id=F("account__household_id"), kind=F("account__kind"), fund_id=F("account__fund_id"),
            source_kind=F("account__source__kind"),
        ).annotate(t=Sum(F("debit") - F("credit")))  # fmt: skip
    for row in found.order_by():
        amount = int(row["t"] or 0)
        source = "front_fund" if row["fund_id"] else row["source_kind"]
        add(row["household_id"], "household_allocated", source, amount)
        if row["kind"] == AccountKind.DISBURSED:
            add(row["household_id"], "household_received", source, amount)
    return out


HM = "household_money"
figure(HM, "household_planned", _("Kinh phí kế hoạch của hộ (mọi nguồn)"),
       "Tổng các dòng kế hoạch kinh phí của hộ (Nhà nước, Quỹ, nhà tài trợ, lồng ghép, hộ đóng góp).",
       unit="đồng")  # fmt: skip
figure(HM, "household_allocated", _("Hộ đã được phân bổ (mọi nguồn, gồm đã chi)"),
       "Tổng phân bổ cho hộ từ mọi quỹ và mọi nguồn, gồm phần đã chi, đến ngày tính.", unit="đồng")  # fmt: skip
figure(HM, "household_received", _("Hộ đã nhận (mọi nguồn)"),
       "Tổng phiếu chi đã duyệt cho hộ từ mọi quỹ và mọi nguồn, đến ngày tính.", unit="đồng")  # fmt: skip
# Per source: the same definitions restricted to one source; the labels name the source.
SOURCE_LABELS = dict(FundingSource.choices)
SOURCE_WORDS = {
    "state": "ngân sách nhà nước (nguồn “state”)",
    "front_fund": "các quỹ do Mặt trận quản lý (mọi quỹ)",
    "sponsor": "nhà tài trợ trực tiếp",
    "other_programme": "lồng ghép chương trình, dự án khác",
    "own_share": "hộ đóng góp, đối ứng",
}
TOTAL_LABELS = {
    "household_planned": _("Kinh phí kế hoạch của hộ từ nguồn: %(source)s"),
    "household_allocated": _("Hộ đã được phân bổ (gồm đã chi) từ nguồn: %(source)s"),
    "household_received": _("Hộ đã nhận từ nguồn: %(source)s"),
}


class _SourceLabel:
    """A per-source label in the active language (the two lazy parts are joined when shown)."""

    def __init__(self, total: str, source: str) -> None:
        self.total, self.source = total, source

    def __str__(self) -> str:
        return str(TOTAL_LABELS[self.total]) % {"source": SOURCE_LABELS[self.source]}


for _total in HOUSEHOLD_FIGURES:
    for _source in HOUSEHOLD_SOURCES:
        figure(HM, source_figure(_total, _source), _SourceLabel(_total, _source),  # type: ignore[arg-type]
               f"Như `{_total}`, chỉ tính nguồn {SOURCE_WORDS[_source]}. Cộng mọi nguồn bằng `{_total}`.",
               unit="đồng")  # fmt: skip


def for_household(household: Any, *, as_of: dt.date | None = None) -> FigureSet:
    return for_items([household], as_of=as_of)[household.pk]
