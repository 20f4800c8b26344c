"""Idle money and money allocated to households as of an earlier day, from kept month-ends (issue 22).

As of a past day both groups read the kept month-end before it plus the exact change to the day; a
month-end nobody kept is computed from the previous one (a month of rows), from today's kept figures
back (when the day is nearer today) or from the rows. Idle money's change is more than the rows
dated between the days: the cut-off (IDLE_DAYS before the day) moves too. Every answer, on every
path, must equal the recomputation from every row (`_idle_from_rows`, `_households_money_from_rows`).
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungtay.core.errors import DomainError
from chungtay.figures import definitions, idle
from chungtay.figures import funds as fund_figures
from chungtay.funds import services as funds
from chungtay.funds.models import IDLE_DAYS, Channel, JournalEntry
from chungtay.orgunits.models import OrgUnit
from chungtay.tallies import rollup
from chungtay.tallies.catalogue import Params
from chungtay.tallies.models import MonthEnd

pytestmark = pytest.mark.django_db
D = dt.date
_refs = itertools.count(1)


def by_depth() -> list[list[OrgUnit]]:
    units = sorted(OrgUnit.objects.all(), key=lambda u: (u.depth, u.path))
    return [list(batch) for _, batch in itertools.groupby(units, lambda u: u.depth)]


def assert_equal_to_the_rows(day: dt.date) -> None:
    p = Params(as_of=day)
    for units in by_depth():
        assert idle.idle_money(units, p) == idle._idle_from_rows(units, day, idle.cutoff_of(day)), day
        assert fund_figures.households_money(units, p) == fund_figures._households_money_from_rows(units, day), day


def assert_changes_equal_the_rows(since: dt.date, day: dt.date) -> None:
    """The change functions alone, between any two days: the difference of the rows' answers."""
    p = Params(as_of=day)
    for units in by_depth():
        idle_then = idle._idle_from_rows(units, since, idle.cutoff_of(since))
        idle_now = idle._idle_from_rows(units, day, idle.cutoff_of(day))
        assert definitions._plus(idle_then, idle._idle_change(units, p, since)) == idle_now, (since, day)
        money_then = fund_figures._households_money_from_rows(units, since)
        money_now = fund_figures._households_money_from_rows(units, day)
        change = fund_figures._households_change(units, p, since)
        assert definitions._plus(money_then, change) == money_now, (since, day)


@pytest.fixture(params=["from the rows", "back from today"])
def first_month_end(request, monkeypatch):
    """Both ways of computing a month-end of money allocated to households nobody kept: from the rows up
    to it, or back from today (idle money's is always back from today)."""
    back = request.param == "back from today"
    monkeypatch.setattr(fund_figures, "nearer_today", lambda day: back)
    return request.param


def _give(people, fund, amount: int, day: dt.date):
    return funds.receipt_record(actor=people.town_office, fund=fund, amount=amount, received_on=day,
                                donor=funds.DonorRef(name="Nhà hảo tâm Thử"), channel=Channel.BANK,
                                bank_ref=f"IA{next(_refs):07d}")  # fmt: skip


def test_idle_and_allocated_money_of_past_days_equal_the_rows_on_every_path(scenario, tree, people, first_month_end):
    # A receipt idle from 30/06 (received 01/04), taken in part in July, and reversed in August.
    receipt = _give(people, scenario.commune_fund, 9_000_000, D(2024, 4, 1))
    funds.allocation_record(actor=people.town_office, household=scenario.houses[0], amount=5_000_000,
                            date=D(2024, 7, 15), decision="7/QĐ-MTTQ", fund=scenario.commune_fund)  # fmt: skip
    funds.entry_reverse(actor=people.board, entry=receipt.entry, reason="Nhập nhầm", date=D(2024, 8, 20))
    days = [D(2024, 5, 31), D(2024, 6, 29), D(2024, 6, 30), D(2024, 7, 1), D(2024, 7, 14), D(2024, 7, 15),
            D(2024, 7, 31), D(2024, 8, 20), D(2024, 9, 1), D(2024, 9, 30), D(2024, 10, 5)]  # fmt: skip
    for day in days:
        assert_equal_to_the_rows(day)
    town = tree.town.pk
    assert MonthEnd.objects.filter(unit_id=town, group="idle_money", month_end=D(2024, 6, 30)).exists()
    assert MonthEnd.objects.filter(unit_id=town, group="households_money", month_end=D(2024, 7, 31)).exists()
    for day in days:  # read again: from the kept month-ends
        assert_equal_to_the_rows(day)
    for since, day in itertools.combinations(days, 2):
        assert_changes_equal_the_rows(since, day)


def test_a_backdated_allocation_forgets_the_kept_idle_money_from_its_day(scenario, tree, people):
    assert_equal_to_the_rows(D(2024, 8, 15))  # keeps 31/07
    assert_equal_to_the_rows(D(2024, 9, 10))  # keeps 31/08
    assert MonthEnd.objects.filter(unit=tree.commune_a, group="idle_money", month_end=D(2024, 8, 31)).exists()
    funds.allocation_record(actor=people.town_office, household=scenario.houses[1], amount=5_000_000,
                            date=D(2024, 8, 5), decision="9/QĐ-MTTQ", fund=scenario.commune_fund)  # fmt: skip
    rollup.month_ends_fresh()
    assert not MonthEnd.objects.filter(unit=tree.commune_a, group="idle_money", month_end=D(2024, 8, 31)).exists()
    assert MonthEnd.objects.filter(unit=tree.commune_a, group="idle_money", month_end=D(2024, 7, 31)).exists()
    assert_equal_to_the_rows(D(2024, 9, 10))


days = st.integers(min_value=0, max_value=330).map(lambda n: D(2024, 1, 20) + dt.timedelta(days=n))
# Days on and around month-ends and around the cut-off of a month-end (IDLE_DAYS before it).
month_ends = st.sampled_from([D(2024, m, 1) - dt.timedelta(days=1) for m in range(3, 13)])
near = st.tuples(month_ends, st.sampled_from([-1, 0, 1, -IDLE_DAYS - 1, -IDLE_DAYS, -IDLE_DAYS + 1]))
tricky_days = st.one_of(days, near.map(lambda t: t[0] + dt.timedelta(days=t[1])))
millions = st.integers(min_value=1, max_value=30).map(lambda n: n * 1_000_000)
fund_names = st.sampled_from(["town_fund", "commune_fund"])
# fmt: off
operations = st.one_of(
    st.tuples(st.just("receipt"), fund_names, millions, tricky_days),
    st.tuples(st.just("allocate"), st.integers(min_value=0, max_value=2), fund_names, millions, tricky_days),
    st.tuples(st.just("transfer"), fund_names, millions, tricky_days),
    st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=30), st.integers(min_value=0, max_value=120)),
)
# fmt: on


def apply(op: tuple, *, scenario, people) -> None:
    kind, *args = op
    office = people.town_office
    if kind == "receipt":
        fund_name, amount, day = args
        _give(people, getattr(scenario, fund_name), amount, day)
    elif kind == "allocate":
        index, fund_name, amount, day = args
        funds.allocation_record(actor=office, household=scenario.houses[index], amount=amount, date=day,
                                decision="99/QĐ-MTTQ", fund=getattr(scenario, fund_name))  # fmt: skip
    elif kind == "transfer":
        fund_name, amount, day = args
        other = "commune_fund" if fund_name == "town_fund" else "town_fund"
        funds.transfer_record(actor=office, from_fund=getattr(scenario, fund_name), to_fund=getattr(scenario, other),
                              amount=amount, date=day, decision="98/QĐ-MTTQ")  # fmt: skip
    elif kind == "reverse":
        # A receipt, an allocation or a transfer not yet reversed (its pieces are released), some days after it.
        index, after = args
        open_entries = list(
            JournalEntry.objects.filter(
                kind__in=["receipt", "allocation", "transfer"], reversed_by__isnull=True
            ).order_by("seq")
        )
        if open_entries:
            entry = open_entries[index % len(open_entries)]
            funds.entry_reverse(actor=people.board, entry=entry, reason="Thử đảo",
                                date=entry.date + dt.timedelta(days=after))  # fmt: skip


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.lists(operations, max_size=6),
    then=st.lists(operations, min_size=1, max_size=6),
    reads=st.lists(tricky_days, min_size=1, max_size=3),
    back=st.booleans(),
)
def test_random_receipts_allocations_transfers_and_reversals_keep_past_days_equal_to_the_rows(
    scenario, tree, people, first, then, reads, back
):
    """Writes, reads of random days (which keep their month-ends), more writes dated anywhere (which
    forget them from their day), and the same days read again; the change between any two read days."""
    from django.db import transaction

    savepoint = transaction.savepoint()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(fund_figures, "nearer_today", lambda day: back)
            for batch in (first, then):
                for op in batch:
                    try:
                        with transaction.atomic():
                            apply(op, scenario=scenario, people=people)
                    except DomainError:
                        pass  # refused by the rules: nothing changed
                for day in sorted(reads):
                    assert_equal_to_the_rows(day)
                    assert_equal_to_the_rows(rollup.month_end_on_or_before(day))
            for since, day in itertools.combinations(sorted(set(reads)), 2):
                assert_changes_equal_the_rows(since, day)
    finally:
        transaction.savepoint_rollback(savepoint)


def test_a_write_committed_while_a_month_end_is_computed_back_from_today_sends_it_to_the_rows(
    scenario, tree, monkeypatch
):
    """Kept figures and rows are read in several statements: when a write commits in between (the
    stamp moved), the month-end is computed from the rows instead, which no later write can skew."""
    p, units = Params(as_of=D(2024, 7, 31)), [tree.town]
    stamps = itertools.count()
    monkeypatch.setattr(idle, "writes_stamp", lambda: next(stamps))
    monkeypatch.setattr(fund_figures, "writes_stamp", lambda: next(stamps))
    monkeypatch.setattr(fund_figures, "nearer_today", lambda day: True)
    from_rows = []
    real_idle, real_money = idle._idle_from_rows, fund_figures._households_money_from_rows
    monkeypatch.setattr(idle, "_idle_from_rows", lambda *a, **k: from_rows.append(k) or real_idle(*a, **k))
    monkeypatch.setattr(
        fund_figures, "_households_money_from_rows", lambda *a: from_rows.append("money") or real_money(*a)
    )
    assert idle._idle_history(units, p) == real_idle(units, p.as_of, idle.cutoff_of(p.as_of))
    assert fund_figures._households_history(units, p) == real_money(units, p.as_of)
    assert {} in from_rows and "money" in from_rows  # the whole computation from the rows, for both
