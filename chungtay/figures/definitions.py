"""The figures themselves: houses, money, obligations, complaints, registrations.

Each group answers for a list of sibling units (or one unit) in a fixed number of queries, grouping
rows by the units' path prefix. The definitions below are the only ones in the system; their texts
become docs/figures.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils.translation import gettext_lazy as _

from chungtay.campaigns.models import MovementStatus, Obligation, Participation
from chungtay.campaigns.selectors import obligation_states
from chungtay.core import dates
from chungtay.funds.models import Account, JournalEntry, JournalLine
from chungtay.housing.models import OPEN_COMPLAINT, Complaint, ComplaintKind, FundingPlanLine, Household, ProgressUpdate
from chungtay.orgunits.models import OrgUnit
from chungtay.reorg.models import HouseholdMove
from chungtay.tallies import rollup
from chungtay.tallies.catalogue import Params, figure, group, rate

from .placement import AREA_PATH_THEN, area_path_on

NOT_DRAFT = (MovementStatus.LAUNCHED, MovementStatus.UNDER_WAY, MovementStatus.EVALUATING, MovementStatus.CLOSED)


# --- Grouping rows by unit -----------------------------------------------------------------------
def _scope(units: Sequence[Any]) -> tuple[str, int, dict[str, int]]:
    """(path prefix every row must start with, prefix length, {unit path: unit id}) for units of one
    depth: siblings (a table's rows) or cousins (every commune of a province, for an export)."""
    lengths = {len(u.path) for u in units}
    if len(lengths) != 1:
        raise ValueError("the units of one batch of figures must share a depth")
    length = lengths.pop()
    by_path = {u.path: u.pk for u in units}
    # The deepest ancestor path all of them start with (the parent's, for siblings).
    step, common = OrgUnit.steplen, units[0].path
    while any(not path.startswith(common) for path in by_path):
        common = common[: len(common) - step]
    return common, length, by_path


def _grouped(qs: QuerySet[Any], path_field: str, units: Sequence[Any], **aggregates: Any) -> dict[int, dict[str, int]]:
    """Aggregate `qs` per unit: rows whose `path_field` starts with the unit's path."""
    if not units:
        return {}
    common, length, by_path = _scope(units)
    rows = (
        qs.filter(**{f"{path_field}__startswith": common})
        .annotate(unit_prefix=Substr(path_field, 1, length))
        .values("unit_prefix")
        .annotate(**aggregates)
        .order_by()
    )
    out: dict[int, dict[str, int]] = {}
    for row in rows:
        unit_id = by_path.get(row.pop("unit_prefix"))
        if unit_id is not None:
            out[unit_id] = {key: int(value or 0) for key, value in row.items()}
    return out


def _fill(units: Sequence[Any], found: dict[int, dict[str, int]], names: Sequence[str]) -> dict[int, dict[str, int]]:
    return {u.pk: {name: found.get(u.pk, {}).get(name, 0) for name in names} for u in units}


def _plus(a: dict[int, dict[str, int]], b: dict[int, dict[str, int]], sign: int = 1) -> dict[int, dict[str, int]]:
    out = {unit_id: dict(row) for unit_id, row in a.items()}
    for unit_id, row in b.items():
        target = out.setdefault(unit_id, {})
        for name, value in row.items():
            target[name] = target.get(name, 0) + sign * value
    return out


def kept_money(unit_ids: list[int]) -> dict[int, dict[str, int]]:
    """The kept subtree money of the units, brought up to the last committed write."""
    rollup.ensure_fresh()
    return rollup.money(unit_ids)


def kept_waiting_before(unit_ids: list[int], month: dt.date) -> dict[int, int]:
    """The kept money of the units' subtrees received before `month` and still waiting in the funds."""
    rollup.ensure_fresh()
    return rollup.waiting_before(unit_ids, month)


# --- History from kept month-ends (issue 16) --------------------------------------------------------
# A group's figures as of day D are its figures as of the month-end M before D (kept per unit in
# tallies.MonthEnd, computed from the rows the first time) plus the change from M to D, computed
# from the rows dated in (M, D] only. `history` computes a group from every dated row; `change`
# gives the exact difference between two days.
History = Callable[[Sequence[Any], Params], dict[int, dict[str, int]]]
Change = Callable[[Sequence[Any], Params, dt.date], dict[int, dict[str, int]]]


def _from_month_end(units: Sequence[Any], p: Params, name: str, history: History, change: Change) -> dict:
    month_end = rollup.month_end_on_or_before(p.as_of)
    kept = month_end_values(units, replace(p, as_of=month_end), name, history, change)
    if month_end == p.as_of:
        return kept
    return _plus(kept, change(units, p, month_end))


def month_end_values(units: Sequence[Any], p: Params, name: str, history: History, change: Change) -> dict:
    """The group's figures of `units` as of the month-end `p.as_of`: kept, or computed and kept — from
    the month-end before plus the month's change when that one is kept, else from every dated row."""
    units = list(units)
    if not units:
        return {}
    phase = p.phase or 0
    rollup.month_ends_fresh()
    found = rollup.month_ends([u.pk for u in units], p.as_of, name, phase)
    missing = [u for u in units if u.pk not in found]
    if not missing:
        return found
    with rollup.month_end_writing():
        previous = rollup.month_end_on_or_before(p.as_of - dt.timedelta(days=1))
        before = rollup.month_ends([u.pk for u in missing], previous, name, phase)
        chained = [u for u in missing if u.pk in before]
        computed: dict[int, dict[str, int]] = {}
        if chained:
            computed.update(_plus({u.pk: before[u.pk] for u in chained}, change(chained, p, previous)))
        fresh = [u for u in missing if u.pk not in before]
        if fresh:
            computed.update(history(fresh, p))
        rollup.store_month_ends(p.as_of, name, phase, computed)
    return {**found, **computed}


# --- Houses --------------------------------------------------------------------------------------
HOUSE_NAMES = (
    "houses_planned",
    "houses_not_started",
    "houses_started",
    "houses_building",
    "houses_completed",
    "houses_handed_over",
    "houses_withdrawn",
    "houses_support_amount",
    "houses_support_amount_done",
    "houses_plan_amount",
)
# The kept figures' column for each house figure.
KEPT_HOUSES = dict(zip(HOUSE_NAMES, (
    "planned", "not_started", "started", "building", "completed", "handed_over", "withdrawn",
    "amount", "amount_done", "plan_amount",
), strict=True))  # fmt: skip

# The furthest stage a household had reached: 0 none, 1 started, 2 building, 3 completed, 4 handed over.
STAGE_RANK = Case(
    When(stage="start", then=Value(1)),
    When(stage__in=["foundation", "walls", "roof"], then=Value(2)),
    When(stage="completed", then=Value(3)),
    When(stage="handed_over", then=Value(4)),
    default=Value(0),
    output_field=IntegerField(),
)


@group("houses", "Nhà ở: hộ trong danh sách và tiến độ")
def houses(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    if p.is_today:
        rollup.ensure_fresh()
        kept = rollup.houses([u.pk for u in units])
        out = {}
        for u in units:
            by_phase = kept.get(u.pk, {})
            row = by_phase.get(p.phase, {}) if p.phase is not None else rollup.houses_total(by_phase)
            out[u.pk] = {name: int(row.get(column) or 0) for name, column in KEPT_HOUSES.items()}
        return out
    return _from_month_end(units, p, "houses", _houses_history, _houses_change)


def _withdrawn_by(day: Any, prefix: str = "") -> Q:
    # A household withdrawn before its day was recorded (older data) has left the list on every day.
    return Q(**{f"{prefix}withdrawn_on__lte": day}) | Q(
        **{f"{prefix}status": "withdrawn", f"{prefix}withdrawn_on__isnull": True}
    )


def _houses_change(units: Sequence[Any], p: Params, since: dt.date) -> dict[int, dict[str, int]]:
    """The change of the house figures from `since` to `p.as_of`: a household's part in them moves only
    on its dated events (decision, stage updates, withdrawal, moves), so only the households with an
    event in between are read — in one query, one row each with what it was on both days (stage
    reached, withdrawn, area of the day) — and their part on the day less their part on `since` is
    added up here, under the unit of each day's area. The parts are `_houses_history`'s figures for one
    household (`_house_part`); the tests compare the change with the history on both days."""
    common, length, by_path = _scope(units)
    day = p.as_of
    in_scope = Q(area__path__startswith=common) | Q(
        pk__in=HouseholdMove.objects.filter(from_area__path__startswith=common).values("household_id")
    )
    between = {"__gt": since, "__lte": day}
    # Each event by its date's index (household_decision_date, household_withdrawn_on,
    # progressupdate_date): on PostgreSQL a bitmap OR of the four, never a scan of every household.
    updated = ProgressUpdate.objects.filter(**{f"date{k}": v for k, v in between.items()}).values("household_id")
    moved = HouseholdMove.objects.filter(**{f"moved_on{k}": v for k, v in between.items()}).values("household_id")
    dated = (
        Q(**{f"decision_date{k}": v for k, v in between.items()})
        | Q(**{f"withdrawn_on{k}": v for k, v in between.items()})
        | Q(_InList("pk", updated.order_by()))
        | Q(_InList("pk", moved.order_by()))
    )
    households = Household.objects.filter(in_scope & dated)
    if p.phase is not None:
        households = households.filter(phase_year=p.phase)
    plan = Subquery(
        FundingPlanLine.objects.filter(household=OuterRef("pk"))
        .order_by()
        .values("household")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=IntegerField(),
    )
    rows = households.annotate(
        path_now=area_path_on(day), path_then=area_path_on(since),
        reached_now=_reached_by(day), reached_then=_reached_by(since),
        gone_now=_gone_by(day), gone_then=_gone_by(since), plan=plan,
    ).order_by().values_list(
        "decision_date", "state_support", "plan",
        "path_now", "reached_now", "gone_now", "path_then", "reached_then", "gone_then",
    )  # fmt: skip
    out: dict[int, dict[str, int]] = {}
    for decided, support, plan_amount, *both in rows:
        for on, path, reached, gone, sign in ((day, *both[:3], 1), (since, *both[3:], -1)):
            unit_id = by_path.get(path[:length])
            if unit_id is None or decided > on:
                continue
            target = out.setdefault(unit_id, dict.fromkeys(HOUSE_NAMES, 0))
            for name, value in _house_part(reached, gone, support, plan_amount or 0).items():
                target[name] += sign * value
    return out


def _reached_by(day: dt.date) -> Coalesce:
    """The rank of the furthest stage the household's progress updates dated by `day` had reached."""
    reached = Subquery(
        ProgressUpdate.objects.filter(household=OuterRef("pk"), date__lte=day)
        .annotate(rank=STAGE_RANK)
        .order_by("-rank")
        .values("rank")[:1],
        output_field=IntegerField(),
    )
    return Coalesce(reached, Value(0))


def _gone_by(day: dt.date) -> Case:
    """Whether the household had left the list by `day` (`_withdrawn_by`), as a column."""
    return Case(When(_withdrawn_by(day), then=Value(True)), default=Value(False), output_field=BooleanField())


def _house_part(reached: int, gone: bool, support: int, plan: int) -> dict[str, int]:
    """One household's part in the house figures of a day it was decided by: `_houses_history`'s
    counts and sums, for that household alone."""
    live = int(not gone)
    done = live * int(reached >= 3)
    return {
        "houses_planned": live,
        "houses_not_started": live * int(reached == 0),
        "houses_started": live * int(reached >= 1),
        "houses_building": live * int(reached in (1, 2)),
        "houses_completed": done,
        "houses_handed_over": live * int(reached == 4),
        "houses_withdrawn": int(gone),
        "houses_support_amount": live * support,
        "houses_support_amount_done": done * support,
        "houses_plan_amount": live * plan,
    }


def _houses_history(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    """The house figures from every dated row."""
    day = p.as_of
    qs = Household.objects.filter(decision_date__lte=day).annotate(
        reached=_reached_by(day), **{AREA_PATH_THEN: area_path_on(day)}
    )
    if p.phase is not None:
        qs = qs.filter(phase_year=p.phase)
    gone = _withdrawn_by(day)
    live = ~gone
    done = live & Q(reached__gte=3)
    found = _grouped(
        qs, AREA_PATH_THEN, units,
        houses_planned=Count("id", filter=live),
        houses_not_started=Count("id", filter=live & Q(reached=0)),
        houses_started=Count("id", filter=live & Q(reached__gte=1)),
        houses_building=Count("id", filter=live & Q(reached__in=[1, 2])),
        houses_completed=Count("id", filter=done),
        houses_handed_over=Count("id", filter=live & Q(reached=4)),
        houses_withdrawn=Count("id", filter=gone),
        houses_support_amount=Sum("state_support", filter=live),
        houses_support_amount_done=Sum("state_support", filter=done),
    )  # fmt: skip
    plans = FundingPlanLine.objects.filter(household__decision_date__lte=day).exclude(_withdrawn_by(day, "household__"))
    if p.phase is not None:
        plans = plans.filter(household__phase_year=p.phase)
    plans = plans.annotate(**{AREA_PATH_THEN: area_path_on(day, "household_id", "household__area__path")})
    for unit_id, row in _grouped(plans, AREA_PATH_THEN, units, houses_plan_amount=Sum("amount")).items():
        found.setdefault(unit_id, {}).update(row)
    return _fill(units, found, HOUSE_NAMES)


H = "houses"
LIST = "Hộ trong danh sách được phê duyệt (ngày quyết định đến ngày tính), thuộc khu dân cư trong cây đơn vị"
NOT_OUT = "chưa rút khỏi danh sách tính đến ngày đó"
figure(H, "houses_planned", _("Số hộ cần hỗ trợ"), f"{LIST}, {NOT_OUT}.")
figure(H, "houses_not_started", _("Chưa khởi công"), f"{LIST}, {NOT_OUT}, chưa có cập nhật tiến độ nào đến ngày đó.")
figure(H, "houses_started", _("Đã khởi công"),
       f"{LIST}, {NOT_OUT}, có cập nhật tiến độ (khởi công trở lên) ghi ngày không sau ngày tính; "
       "gồm cả nhà đã xong.")  # fmt: skip
figure(H, "houses_building", _("Đang thi công"), "Đã khởi công nhưng chưa hoàn thành tính đến ngày đó.")
figure(H, "houses_completed", _("Đã hoàn thành"),
       f"{LIST}, {NOT_OUT}, có cập nhật giai đoạn “Hoàn thành” hoặc “Bàn giao” "
       "ghi ngày không sau ngày tính.")  # fmt: skip
figure(H, "houses_handed_over", _("Đã bàn giao"), "Trong số đã hoàn thành, có cập nhật “Bàn giao” đến ngày đó.")
figure(H, "houses_withdrawn", _("Đã rút khỏi danh sách"), "Hộ có ngày rút khỏi danh sách không sau ngày tính.")
figure(H, "houses_support_amount", _("Kinh phí Nhà nước hỗ trợ theo danh sách"),
       "Tổng mức hỗ trợ của Nhà nước ghi trong danh sách cho các hộ cần hỗ trợ (chưa rút).", unit="đồng")  # fmt: skip
figure(H, "houses_support_amount_done", _("Kinh phí hỗ trợ của các nhà đã hoàn thành"),
       "Tổng mức hỗ trợ của Nhà nước cho các hộ đã hoàn thành tính đến ngày đó.", unit="đồng")  # fmt: skip
figure(H, "houses_plan_amount", _("Tổng kinh phí theo kế hoạch (mọi nguồn)"),
       "Tổng các dòng kế hoạch kinh phí (Nhà nước, Quỹ, nhà tài trợ, lồng ghép, hộ đóng góp) của các hộ cần hỗ trợ.",
       unit="đồng")  # fmt: skip
figure(H, "houses_done_percent", _("Tỷ lệ hoàn thành"), "Đã hoàn thành / số hộ cần hỗ trợ, làm tròn đến phần trăm.",
       unit="%", derive=lambda v: rate(v["houses_completed"], v["houses_planned"]))  # fmt: skip


# --- Money ---------------------------------------------------------------------------------------
MONEY_NAMES = (
    "money_received",
    "money_unallocated",
    "money_allocated_unpaid",
    "money_paid_from_funds",
    "money_fees",
    "money_other_sources_committed",
    "money_other_sources_paid",
    "money_households_received",
)
# name: (kept column, sign): the kept figures hold ledger balances (credits negative).
KEPT_MONEY = {
    "money_received": ("fund_donations", -1),
    "money_unallocated": ("fund_cash", 1),
    "money_allocated_unpaid": ("fund_allocation", 1),
    "money_paid_from_funds": ("fund_disbursed", 1),
    "money_fees": ("fund_fees", 1),
    "money_other_sources_committed": ("source_committed", -1),
    "money_other_sources_paid": ("source_disbursed", 1),
    "money_households_received": ("disbursed_to_households", 1),
}


@group("money", "Tiền: vận động, phân bổ, chi cho hộ")
def money(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    if p.is_today:
        rollup.ensure_fresh()
        kept = rollup.money([u.pk for u in units])
        return {
            u.pk: {name: sign * int(kept[u.pk][column] or 0) for name, (column, sign) in KEPT_MONEY.items()}
            for u in units
        }
    # Money has no phase: one kept series for every phase.
    return _from_month_end(units, replace(p, phase=None), "money", _money_history, _money_change)


def _balance(condition: Q) -> Sum:
    return Sum(F("debit") - F("credit"), filter=condition)


def _money_history(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    """The money figures from every journal line dated up to the day."""
    lines = JournalLine.objects.filter(entry__date__lte=p.as_of)
    found = _money_of_lines(units, lines)
    for unit_id, row in _paid_to_households(units, lines, p.as_of).items():
        found.setdefault(unit_id, {}).update(row)
    return _fill(units, found, MONEY_NAMES)


class _InList(Expression):
    """`column IN (subquery)`, on PostgreSQL `column = ANY(ARRAY(subquery))`: the subquery runs once
    and its values probe the column's index. PostgreSQL plans `IN (subquery)` as a join and, for the
    lines of a few thousand entries, hashed them against a scan of the whole journal (issue 22)."""

    conditional = True

    def __init__(self, column: str, subquery: QuerySet[Any]) -> None:
        super().__init__(output_field=BooleanField())
        self.column: Any = F(column)
        self.subquery: Any = Subquery(subquery)

    def get_source_expressions(self) -> list[Any]:
        return [self.column, self.subquery]

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        self.column, self.subquery = exprs

    def as_sql(self, compiler: Any, connection: Any, template: str = "{} IN {}") -> tuple[str, tuple[Any, ...]]:
        column_sql, column_params = compiler.compile(self.column)
        subquery_sql, subquery_params = compiler.compile(self.subquery)
        return template.format(column_sql, subquery_sql), (*column_params, *subquery_params)

    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, tuple[Any, ...]]:
        return self.as_sql(compiler, connection, template="{} = ANY(ARRAY{})")


def _lines_dated_between(since: dt.date, day: dt.date) -> QuerySet[JournalLine]:
    """The journal lines of the entries dated in (since, day]: found from the entries' date index, then
    the lines' entry index — a month's few thousand lines, never a scan of every line."""
    entries = JournalEntry.objects.filter(date__gt=since, date__lte=day).order_by().values("pk")
    return JournalLine.objects.filter(_InList("entry_id", entries))


def _money_change(units: Sequence[Any], p: Params, since: dt.date) -> dict[int, dict[str, int]]:
    """The change of the money figures from `since` to `p.as_of`: the lines dated in between, read once
    for the fund and source figures and the households' payments (`_money_of_window`); and for the
    households that moved in between, all their lines under the area of each day."""
    lines = _lines_dated_between(since, p.as_of)
    moved = list(
        HouseholdMove.objects.filter(moved_on__gt=since, moved_on__lte=p.as_of).values_list("household_id", flat=True)
    )
    found = _money_of_window(units, lines, p.as_of, moved)
    if moved:
        theirs = JournalLine.objects.filter(account__household_id__in=moved)
        found = _plus(found, _paid_to_households(units, theirs.filter(entry__date__lte=p.as_of), p.as_of))
        found = _plus(found, _paid_to_households(units, theirs.filter(entry__date__lte=since), since), sign=-1)
    return found


def _fund_accounts(prefix: str = "account__") -> dict[str, Q]:
    """The accounts each fund and source figure sums (`prefix`: the lookup to the account)."""
    fund_side = Q(**{f"{prefix}source__isnull": True})
    source_side = Q(**{f"{prefix}source__isnull": False})

    def kind(value: str) -> Q:
        return Q(**{f"{prefix}kind": value})

    return {
        "received": kind("donations") & Q(**{f"{prefix}fund__isnull": False}),
        "money_unallocated": fund_side & kind("fund_cash"),
        "money_allocated_unpaid": fund_side & kind("allocation"),
        "money_paid_from_funds": fund_side & kind("disbursed"),
        "money_fees": fund_side & kind("fees"),
        "committed": source_side & kind("source"),
        "money_other_sources_paid": source_side & kind("disbursed"),
    }


FUND_FIGURES = tuple(_fund_accounts())


def _to_households(prefix: str = "account__") -> Q:
    """The accounts of the payments to households (money_households_received)."""
    return Q(**{f"{prefix}kind": "disbursed", f"{prefix}household__isnull": False})


def _signed(row: dict[str, int]) -> dict[str, int]:
    """The figures of `_fund_accounts`' balances: money received and committed are credits."""
    row["money_received"] = -row.pop("received")
    row["money_other_sources_committed"] = -row.pop("committed")
    return row


def _money_of_lines(units: Sequence[Any], lines: QuerySet[JournalLine]) -> dict[int, dict[str, int]]:
    """The fund and source figures of the given journal lines, by the unit holding the account."""
    balances = {name: _balance(accounts) for name, accounts in _fund_accounts().items()}
    found = _grouped(lines, "account__unit__path", units, **balances)
    return {unit_id: _signed(row) for unit_id, row in found.items()}


def _paid_to_households(units: Sequence[Any], lines: QuerySet[JournalLine], day: dt.date) -> dict[int, dict[str, int]]:
    """money_households_received of the given lines: by the area each household belonged to on `day`."""
    to_households = lines.filter(_to_households())
    to_households = to_households.annotate(
        **{AREA_PATH_THEN: area_path_on(day, "account__household_id", "account__household__area__path")}
    )
    return _grouped(to_households, AREA_PATH_THEN, units, money_households_received=_balance(Q()))


def _money_of_window(
    units: Sequence[Any], lines: QuerySet[JournalLine], day: dt.date, moved: list[int]
) -> dict[int, dict[str, int]]:
    """`_money_of_lines` and `_paid_to_households` (on `day`, but the households of `moved`) of a
    window's lines: their balance per account, then those accounts with the figures each counts in, the
    unit holding it and, for a payment to a household, the household's area that day. Each line is read
    once and each account looked up once, not once per line (on the province bench the 12,840 lines of
    01-20/06/2025 touch 520 accounts)."""
    common, length, by_path = _scope(units)
    per_account = lines.order_by().values("account_id").annotate(total=Sum(F("debit") - F("credit")))
    sums = dict(per_account.values_list("account_id", "total"))
    if not sums:
        return {}
    paid = _to_households("") & ~Q(household_id__in=moved) if moved else _to_households("")
    flags = {
        name: Case(When(accounts, then=Value(True)), default=Value(False), output_field=BooleanField())
        for name, accounts in _fund_accounts("").items()
    }
    # The household's area now by a subquery, not a join: only the accounts paying a household need it.
    now = Subquery(Household.objects.filter(pk=OuterRef("household_id")).values("area__path"), output_field=CharField())
    area = Case(When(paid, then=area_path_on(day, "household_id", now)), output_field=CharField())
    accounts = (
        Account.objects.filter(Q(pk__in=list(sums)) & (Q(unit__path__startswith=common) | paid))
        .annotate(unit_prefix=Substr("unit__path", 1, length), area_prefix=Substr(area, 1, length), **flags)
        .values("pk", "unit_prefix", "area_prefix", *flags)
        .order_by()
    )
    funds: dict[int, dict[str, int]] = {}
    paid_to: dict[int, dict[str, int]] = {}
    for account in accounts:
        total = int(sums[account["pk"]] or 0)
        unit_id = by_path.get(account["unit_prefix"])
        if unit_id is not None:
            row = funds.setdefault(unit_id, dict.fromkeys(FUND_FIGURES, 0))
            for name in FUND_FIGURES:
                row[name] += total if account[name] else 0
        area_id = by_path.get(account["area_prefix"] or "")
        if area_id is not None:  # an area only for the accounts paying a household
            row = paid_to.setdefault(area_id, {"money_households_received": 0})
            row["money_households_received"] += total
    return _plus({unit_id: _signed(row) for unit_id, row in funds.items()}, paid_to)


# The groups kept at month-ends: {group: (from every dated row, change between two days)}; the groups
# of the neighbouring modules (idle money, money allocated to households) add theirs with `keep_at_month_ends`.
MONTH_END_GROUPS: dict[str, tuple[History, Change]] = {
    "houses": (_houses_history, _houses_change),
    "money": (_money_history, _money_change),
}


def keep_at_month_ends(name: str, history: History, change: Change) -> None:
    """Keep the group `name` at month-ends (filled nightly and verified by reports.month_ends)."""
    MONTH_END_GROUPS[name] = (history, change)


def writes_stamp() -> tuple[Any, ...]:
    """What moves the kept figures of today: the last ledger entry (postings are serialised, so entries
    commit in `seq` order) and the households' moves. A month-end computed back from today's kept
    figures reads them and the rows dated after the day in several statements; a write dated after the
    day leaves no mark on the month-end, so one committed in between would be counted on one side only.
    The computation compares the stamp before and after and, when it moved, computes from the rows."""
    last = JournalEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
    return last, HouseholdMove.objects.count()


def nearer_today(day: dt.date) -> bool:
    """Whether fewer days separate `day` from today than from the first ledger entry: a group's first
    month-end is then computed back from today's kept figures (the rows dated after it), else from the
    rows dated up to it — so a first computation reads at most about half the ledger's days."""
    first = JournalEntry.objects.order_by("date").values_list("date", flat=True).first()
    return first is None or (dates.today() - day) < (day - first)


M = "money"
FUNDS = "các quỹ do đơn vị trong cây quản lý"
figure(M, "money_received", _("Đã vận động vào quỹ"),
       f"Tiền ủng hộ ghi thu vào {FUNDS}, theo ngày chứng từ đến ngày tính (trừ bút toán đảo).",
       unit="đồng")  # fmt: skip
figure(M, "money_unallocated", _("Tồn quỹ chưa phân bổ"), f"Số dư tiền của {FUNDS} chưa phân bổ cho hộ, đến ngày tính.",
       unit="đồng")  # fmt: skip
figure(M, "money_allocated_unpaid", _("Đã phân bổ cho hộ, chưa chi"),
       f"Tiền {FUNDS} đã phân bổ cho hộ nhưng chưa chi, đến ngày tính.", unit="đồng")  # fmt: skip
figure(M, "money_paid_from_funds", _("Đã chi cho hộ từ quỹ vận động"),
       f"Phiếu chi đã duyệt từ {FUNDS} cho các hộ (ở bất kỳ địa bàn nào), đến ngày tính.", unit="đồng")  # fmt: skip
figure(M, "money_fees", _("Phí ngân hàng, chi khác"), f"Phí và khoản chi khác của {FUNDS}.", unit="đồng")
figure(M, "money_allocated", _("Đã phân bổ cho hộ (gồm đã chi)"),
       "Đã phân bổ cho hộ, chưa chi + đã chi cho hộ từ quỹ vận động.", unit="đồng",
       derive=lambda v: v["money_allocated_unpaid"] + v["money_paid_from_funds"])  # fmt: skip
figure(M, "money_other_sources_committed", _("Nguồn ngoài quỹ đã cam kết"),
       "Ngân sách, lồng ghép, nhà tài trợ trực tiếp, hộ đối ứng do đơn vị trong cây ghi nhận, đến ngày tính.",
       unit="đồng")  # fmt: skip
figure(M, "money_other_sources_paid", _("Đã chi cho hộ từ nguồn ngoài quỹ"),
       "Phiếu chi đã duyệt từ các nguồn ngoài quỹ do đơn vị trong cây ghi nhận, đến ngày tính.",
       unit="đồng")  # fmt: skip
figure(M, "money_households_received", _("Hộ trên địa bàn đã nhận (mọi nguồn)"),
       "Tổng phiếu chi đã duyệt cho các hộ thuộc khu dân cư trong cây, từ mọi quỹ và mọi nguồn, đến ngày tính.",
       unit="đồng")  # fmt: skip


# --- Obligations ---------------------------------------------------------------------------------
OBLIGATION_NAMES = (
    "obligations_total",
    "obligations_due",
    "obligations_on_time",
    "obligations_done_late",
    "obligations_overdue",
    "obligations_open",
    "obligations_excused",
)


def issued_by(day: Any, prefix: str = "movement__") -> Q:
    """Movements the catalogue counts on `day`: launched (never drafts) and issued by then — a plan issued
    in 2026 has no obligation nor participant in a report as of 2024."""
    return Q(**{f"{prefix}status__in": NOT_DRAFT, f"{prefix}issued_on__lte": day})


def counted_obligations(movement_id: int | None = None, *, day: Any = None) -> QuerySet[Obligation]:
    """The obligations the catalogue counts: of launched movements (never drafts) issued by `day` (any
    day when None), optionally one."""
    qs = Obligation.objects.filter(milestone__movement__status__in=NOT_DRAFT)
    if day is not None:
        qs = qs.filter(issued_by(day, "milestone__movement__"))
    if movement_id is not None:
        qs = qs.filter(milestone__movement_id=movement_id)
    return qs


@group("obligations", "Việc phải làm theo phong trào: đúng hạn, trễ hạn, quá hạn")
def obligations(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    state = obligation_states(p.as_of)
    found = _grouped(
        counted_obligations(p.movement_id, day=p.as_of), "unit__path", units,
        obligations_total=Count("id"),
        obligations_on_time=Count("id", filter=state["on_time"]),
        obligations_done_late=Count("id", filter=state["done_late"]),
        obligations_overdue=Count("id", filter=state["overdue"]),
        obligations_open=Count("id", filter=state["open"]),
        obligations_excused=Count("id", filter=state["excused"]),
    )  # fmt: skip
    for row in found.values():
        row["obligations_due"] = row["obligations_on_time"] + row["obligations_done_late"] + row["obligations_overdue"]
    return _fill(units, found, OBLIGATION_NAMES)


OB = "obligations"
OBL = "Việc phải làm (mốc của phong trào đã phát động) của các đơn vị trong cây"
figure(OB, "obligations_total", _("Tổng số việc phải làm"), f"{OBL}, mọi hạn.", unit="việc")
figure(OB, "obligations_due", _("Việc đã đến hạn"),
       "Đúng hạn + hoàn thành trễ hạn + quá hạn (việc được miễn không tính).", unit="việc")  # fmt: skip
figure(OB, "obligations_on_time", _("Hoàn thành đúng hạn"),
       f"{OBL} hoàn thành đến ngày tính, vào hoặc trước ngày hạn.", unit="việc")  # fmt: skip
figure(OB, "obligations_done_late", _("Hoàn thành trễ hạn"),
       f"{OBL} hoàn thành đến ngày tính, sau ngày hạn.", unit="việc")  # fmt: skip
figure(OB, "obligations_overdue", _("Quá hạn chưa thực hiện"),
       f"{OBL} có hạn trước ngày tính, chưa hoàn thành đến ngày đó và không được miễn.", unit="việc")  # fmt: skip
figure(OB, "obligations_open", _("Chưa đến hạn"),
       f"{OBL} có hạn từ ngày tính trở đi, chưa hoàn thành, không được miễn.", unit="việc")  # fmt: skip
figure(OB, "obligations_excused", _("Được miễn"), f"{OBL} chưa hoàn thành và có lý do miễn.", unit="việc")
figure(OB, "obligations_on_time_percent", _("Tỷ lệ đúng hạn"),
       "Hoàn thành đúng hạn / việc đã đến hạn, làm tròn đến phần trăm.", unit="%",
       derive=lambda v: rate(v["obligations_on_time"], v["obligations_due"]))  # fmt: skip


# --- Complaints ----------------------------------------------------------------------------------
COMPLAINT_NAMES = (
    "complaints_received",
    "complaints_open",
    "complaints_overdue",
    "complaints_escalated",
    "complaints_complaint",
    "complaints_petition",
    "complaints_denunciation",
)


@group("complaints", "Đơn thư khiếu nại, kiến nghị, tố cáo")
def complaints(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    day = p.as_of
    qs = Complaint.objects.filter(received_on__lte=day)
    if p.phase is not None:
        qs = qs.filter(received_on__year=p.phase)
    # Open on that day: not resolved by then. A closed complaint without a resolution date counts as closed.
    open_then = ~Q(resolved_on__lte=day) & (Q(status__in=OPEN_COMPLAINT) | Q(resolved_on__isnull=False))
    found = _grouped(
        qs, "origin_unit__path", units,
        complaints_received=Count("id"),
        complaints_open=Count("id", filter=open_then),
        complaints_overdue=Count("id", filter=open_then & Q(due_on__lt=day)),
        complaints_escalated=Count("id", filter=Q(escalated_at__date__lte=day)),
        complaints_complaint=Count("id", filter=Q(kind=ComplaintKind.COMPLAINT)),
        complaints_petition=Count("id", filter=Q(kind=ComplaintKind.PETITION)),
        complaints_denunciation=Count("id", filter=Q(kind=ComplaintKind.DENUNCIATION)),
    )  # fmt: skip
    return _fill(units, found, COMPLAINT_NAMES)


C = "complaints"
CPL = "Đơn thư phát sinh trên địa bàn các đơn vị trong cây, tiếp nhận đến ngày tính"
figure(C, "complaints_received", _("Đơn thư đã tiếp nhận"), f"{CPL}.", unit="đơn")
figure(C, "complaints_open", _("Đơn thư đang xử lý"), f"{CPL}, chưa giải quyết xong tính đến ngày đó.", unit="đơn")
figure(C, "complaints_overdue", _("Đơn thư quá hạn chưa giải quyết"),
       f"{CPL}, chưa giải quyết xong và đã quá hạn giải quyết tính đến ngày đó.", unit="đơn")  # fmt: skip
figure(C, "complaints_escalated", _("Đơn thư đã chuyển lên cấp trên"), f"{CPL}, đã chuyển lên đến ngày đó.", unit="đơn")
figure(C, "complaints_complaint", _("Khiếu nại"), f"{CPL}, loại khiếu nại.", unit="đơn")
figure(C, "complaints_petition", _("Kiến nghị, phản ánh"), f"{CPL}, loại kiến nghị, phản ánh.", unit="đơn")
figure(C, "complaints_denunciation", _("Tố cáo"), f"{CPL}, loại tố cáo.", unit="đơn")


# --- Registrations -------------------------------------------------------------------------------
REGISTRATION_NAMES = ("units_participating", "units_registered", "units_registered_late")


@group("registrations", "Đơn vị tham gia và đăng ký thi đua")
def registrations(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    day = p.as_of
    qs = Participation.objects.filter(issued_by(day))
    if p.movement_id is not None:
        qs = qs.filter(movement_id=p.movement_id)
    registered = Q(registered_at__isnull=False, registered_at__date__lte=day)
    found = _grouped(
        qs, "unit__path", units,
        units_participating=Count("id"),
        units_registered=Count("id", filter=registered),
        units_registered_late=Count("id", filter=registered & Q(registered_late=True)),
    )  # fmt: skip
    return _fill(units, found, REGISTRATION_NAMES)


R = "registrations"
figure(R, "units_participating", _("Đơn vị tham gia"),
       "Lượt tham gia phong trào (đã phát động) của các đơn vị trong cây.", unit="đơn vị")  # fmt: skip
figure(R, "units_registered", _("Đã đăng ký thi đua"),
       "Trong số đơn vị tham gia, đã đăng ký thi đua đến ngày tính.", unit="đơn vị")  # fmt: skip
figure(R, "units_registered_late", _("Đăng ký trễ hạn"), "Trong số đã đăng ký, đăng ký sau hạn.", unit="đơn vị")
