"""Figures as of an earlier day from kept month-ends (issue 16): a closed month's last day is kept per
unit (tallies.MonthEnd) and a day reads it plus the rows dated after it. Every answer must equal the
recomputation from the dated rows, before and after writes dated on any day."""

from __future__ import annotations

import datetime as dt
import itertools
import os
import threading

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungtay.core import dates
from chungtay.core.errors import DomainError
from chungtay.figures import definitions
from chungtay.funds import services as funds
from chungtay.funds.models import Channel
from chungtay.housing import services as housing
from chungtay.orgunits.models import OrgUnit, Role
from chungtay.reorg import services as reorg
from chungtay.reorg.tests.test_reorganisation import plan_of
from chungtay.tallies import rollup
from chungtay.tallies.catalogue import Params
from chungtay.tallies.models import MonthEnd, MonthEndMark
from conftest import make_user

from .test_oracle_sequences import apply, operations

pytestmark = pytest.mark.django_db
D = dt.date
_refs = itertools.count(1)


def by_depth() -> list[list[OrgUnit]]:
    """Every unit, in batches of one depth (as a table's rows are asked for)."""
    units = sorted(OrgUnit.objects.all(), key=lambda u: u.path)
    return [list(batch) for _, batch in itertools.groupby(sorted(units, key=lambda u: u.depth), lambda u: u.depth)]


def assert_equal_to_the_rows(day: dt.date, phase: int | None = None) -> None:
    p = Params(as_of=day, phase=phase)
    for units in by_depth():
        assert definitions.houses(units, p) == definitions._houses_history(units, p), (day, phase)
        assert definitions.money(units, p) == definitions._money_history(units, p), day


def month_ends_of(unit: OrgUnit) -> set[dt.date]:
    return set(MonthEnd.objects.filter(unit=unit).values_list("month_end", flat=True))


DAYS = [
    D(2024, 1, 31), D(2024, 2, 1), D(2024, 2, 29), D(2024, 3, 1), D(2024, 3, 15), D(2024, 4, 30),
    D(2024, 5, 21), D(2024, 5, 31), D(2024, 6, 1), D(2024, 6, 10), D(2024, 6, 30), D(2024, 7, 1),
    D(2024, 12, 31), D(2025, 1, 10), D(2025, 3, 3),
]  # fmt: skip


def test_kept_month_end_and_the_days_after_it_equal_the_rows(scenario):
    for day in DAYS:
        assert_equal_to_the_rows(day)
    for phase in (2024, 2025):
        assert_equal_to_the_rows(D(2024, 6, 15), phase)
    # The month-ends were kept for every unit, and read again they still give the rows' figures.
    province = OrgUnit.objects.get(depth=1)
    assert {D(2024, 1, 31), D(2024, 2, 29), D(2024, 5, 31), D(2025, 2, 28)} <= month_ends_of(province)
    assert MonthEnd.objects.filter(group="houses", phase_year=2025).exists()
    for day in DAYS:
        assert_equal_to_the_rows(day)


def test_a_month_end_is_chained_from_the_one_before(scenario, django_assert_max_num_queries):
    units = by_depth()[-1]
    p = Params(as_of=D(2024, 4, 30))
    definitions.houses(units, p)
    assert month_ends_of(units[0]) == {D(2024, 4, 30)}
    # May's end: April's kept figures plus May's households, not every row again.
    assert definitions.houses(units, Params(as_of=D(2024, 5, 31))) == definitions._houses_history(
        units, Params(as_of=D(2024, 5, 31))
    )
    assert month_ends_of(units[0]) == {D(2024, 4, 30), D(2024, 5, 31)}


def test_a_backdated_stage_update_forgets_the_month_ends_from_its_day(scenario, tree, people):
    assert_equal_to_the_rows(D(2024, 8, 15))
    assert D(2024, 7, 31) in month_ends_of(tree.province)
    h3 = scenario.houses[2]
    housing.progress_record(actor=people.town_office, household=h3, stage="start", date=D(2024, 3, 20))
    rollup.month_ends_fresh()
    for unit in (tree.area_a1, tree.commune_a, tree.town, tree.province):
        assert max(month_ends_of(unit) | {D(2000, 1, 1)}) < D(2024, 3, 20)
    assert D(2024, 7, 31) in month_ends_of(tree.commune_b)  # another branch keeps its own
    assert_equal_to_the_rows(D(2024, 8, 15))
    assert_equal_to_the_rows(D(2024, 3, 31))


def test_a_receipt_dated_last_month_and_a_withdrawal_change_the_figures_after_them(scenario, tree, people):
    assert_equal_to_the_rows(D(2024, 9, 10))
    funds.receipt_record(actor=people.town_office, fund=scenario.commune_fund, amount=7_000_000,
                         received_on=D(2024, 8, 20), donor=funds.DonorRef(name="Nhà hảo tâm Tháng Tám"),
                         channel=Channel.BANK, bank_ref="ME0000001")  # fmt: skip
    assert MonthEndMark.objects.filter(unit=tree.commune_a, since=D(2024, 8, 20)).exists()
    before = definitions.money([tree.commune_a], Params(as_of=D(2024, 8, 31)))[tree.commune_a.pk]
    assert before == definitions._money_history([tree.commune_a], Params(as_of=D(2024, 8, 31)))[tree.commune_a.pk]
    housing.household_withdraw(actor=people.town_office, household=scenario.houses[1], reason="Thử", on=D(2024, 8, 1))
    assert_equal_to_the_rows(D(2024, 9, 10))
    assert_equal_to_the_rows(D(2024, 7, 31))


def test_a_write_dated_today_keeps_the_month_ends(scenario, people):
    assert_equal_to_the_rows(D(2024, 8, 15))
    kept = MonthEnd.objects.count()
    today = dates.today()
    funds.receipt_record(actor=people.town_office, fund=scenario.town_fund, amount=5_000_000, received_on=today,
                         donor=funds.DonorRef(name="Nhà hảo tâm Hôm Nay"), channel=Channel.BANK,
                         bank_ref="ME0000002")  # fmt: skip
    housing.progress_record(actor=people.town_office, household=scenario.houses[2], stage="start", date=today)
    if rollup.month_end_on_or_before(today) != today:  # a month's last day closes at midnight: marks are left
        assert not MonthEndMark.objects.exists()
    rollup.month_ends_fresh()
    assert MonthEnd.objects.count() == kept


def test_a_household_moved_by_a_reorganisation_counts_in_its_new_area_from_that_day(tree, people, scenario):
    office = make_user("tinh", tree.province, Role.OFFICE)
    for day in (D(2025, 6, 30), D(2025, 8, 12)):
        assert_equal_to_the_rows(day)
    assert D(2025, 7, 31) in month_ends_of(tree.commune_a)
    reorg.commit(actor=office, plan=plan_of())
    rollup.month_ends_fresh()
    assert D(2025, 7, 31) not in month_ends_of(tree.commune_a)
    assert D(2025, 6, 30) in month_ends_of(tree.commune_a)  # before the move: unchanged, kept
    for day in (D(2025, 6, 30), D(2025, 7, 1), D(2025, 7, 31), D(2025, 8, 12)):
        assert_equal_to_the_rows(day)


def test_refresh_figures_keeps_last_month_end_and_verifies_it(scenario, tree):
    call_command("refresh_figures", "--month-ends")
    last = rollup.last_closed_month_end()
    assert last in month_ends_of(tree.province)
    assert last in month_ends_of(tree.area_b1)
    call_command("refresh_figures", "--verify")
    MonthEnd.objects.filter(unit=tree.town, group="money", month_end=last).update(values={"money_received": 1})
    with pytest.raises(Exception, match="khác khi tính lại"):
        call_command("refresh_figures", "--verify")


days = st.integers(min_value=0, max_value=420).map(lambda n: D(2024, 1, 10) + dt.timedelta(days=n))


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    first=st.lists(operations, max_size=6),
    then=st.lists(operations, min_size=1, max_size=6),
    reads=st.lists(days, min_size=1, max_size=4),
)
def test_random_dated_writes_between_reads_keep_history_equal_to_the_rows(scenario, tree, people, first, then, reads):
    """Writes, reads of random days (which keep their month-ends), more writes on random days, and the
    same days read again: each answer equals the rows' recomputation."""
    savepoint = transaction.savepoint()
    try:
        for batch in (first, then):
            for op in batch:
                try:
                    with transaction.atomic():
                        apply(op, scenario=scenario, tree=tree, people=people)
                except DomainError:
                    pass  # refused by the rules: nothing changed
            for day in sorted(reads):
                assert_equal_to_the_rows(day)
                assert_equal_to_the_rows(rollup.month_end_on_or_before(day))
    finally:
        transaction.savepoint_rollback(savepoint)


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="two connections at once need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_backdated_write_committed_while_a_month_end_is_computed_is_not_lost(tree, people, house):
    h = house(tree.area_a1)
    month_end, p = D(2024, 5, 31), Params(as_of=D(2024, 5, 31))
    wrote = threading.Event()

    def writer() -> None:
        try:
            housing.progress_record(actor=people.town_office, household=h, stage="start", date=D(2024, 5, 2))
        finally:
            connection.close()
            wrote.set()

    # The reader computes from the rows before the write commits and stores after it: what it stores is
    # stale, and the write's mark must make the next reader forget it.
    with rollup.month_end_writing():
        stale = definitions._houses_history([tree.area_a1], p)
        thread = threading.Thread(target=writer)
        thread.start()
        assert wrote.wait(20)
        rollup.store_month_ends(month_end, "houses", 0, stale)
    thread.join(5)
    assert stale[tree.area_a1.pk]["houses_started"] == 0
    assert definitions.houses([tree.area_a1], p)[tree.area_a1.pk]["houses_started"] == 1
    assert definitions.houses([tree.area_a1], p) == definitions._houses_history([tree.area_a1], p)


def test_the_money_change_to_a_mid_month_day_equals_the_rows_difference(tree, people, scenario):
    """A mid-month day reads the kept month-end plus the change, which reads only the lines of the entries
    dated in (month-end, day] (issue 22): it must equal the rows' figures on the day less those on the
    month-end, at every depth, on the window's edges and across households moved inside the window."""
    office = make_user("tinh", tree.province, Role.OFFICE)
    reorg.commit(actor=office, plan=plan_of())  # every household moves on 01/07/2025
    # A receipt on a month-end: in the month before's figures, never in the change after it.
    funds.receipt_record(actor=people.town_office, fund=scenario.commune_fund, amount=3_000_000,
                         received_on=D(2024, 5, 31), donor=funds.DonorRef(name="Nhà hảo tâm Cuối Tháng"),
                         channel=Channel.BANK, bank_ref="ME0000003")  # fmt: skip

    def change(units: list[OrgUnit], since: dt.date, day: dt.date) -> dict[int, dict[str, int]]:
        found = definitions._money_change(units, Params(as_of=day), since)
        return definitions._fill(units, found, definitions.MONEY_NAMES)

    windows = [
        (D(2024, 5, 31), D(2024, 5, 31)), (D(2024, 5, 31), D(2024, 6, 2)), (D(2024, 5, 31), D(2024, 6, 3)),
        (D(2024, 5, 31), D(2024, 6, 10)), (D(2024, 5, 31), D(2024, 6, 15)), (D(2024, 6, 30), D(2024, 7, 1)),
        (D(2025, 6, 30), D(2025, 7, 1)), (D(2025, 6, 30), D(2025, 7, 15)),
    ]  # fmt: skip
    for since, day in windows:
        for units in by_depth():
            on_day = definitions._money_history(units, Params(as_of=day))
            on_since = definitions._money_history(units, Params(as_of=since))
            assert change(units, since, day) == definitions._plus(on_day, on_since, sign=-1), (since, day)
    # Not all zeros: the commune fund's receipt of 03/06/2024, the state's payment of 10/06/2024 to the
    # first house, and that house's money leaving its old area on 01/07/2025.
    assert change([tree.commune_a], D(2024, 5, 31), D(2024, 6, 3))[tree.commune_a.pk]["money_received"] == 20_000_000
    paid = change([tree.area_a1], D(2024, 5, 31), D(2024, 6, 15))[tree.area_a1.pk]["money_households_received"]
    assert paid == 60_000_000
    moved = change([tree.area_a1], D(2025, 6, 30), D(2025, 7, 15))[tree.area_a1.pk]["money_households_received"]
    assert moved < 0


def test_the_houses_change_to_a_mid_month_day_equals_the_rows_difference(
    tree, people, scenario, make_household, django_assert_num_queries
):
    """A mid-month day reads the kept month-end plus the houses' change, which reads the households with
    an event in (month-end, day] once, with their part on both days (issue 22): it must equal the rows'
    figures on the day less those on the month-end, at every depth and phase, on the window's edges,
    with plans of several lines, a withdrawal recorded without its day, and every household moved."""
    office = make_user("tinh", tree.province, Role.OFFICE)
    h2 = scenario.houses[1]
    housing.funding_line_set(actor=people.town_office, household=h2, source="own_share", amount=15_000_000)
    # Older data: withdrawn with no day recorded, out of the list on every day since its decision.
    make_household(tree.area_a1, status="withdrawn", decision_date=D(2024, 6, 5), withdrawn_on=None)
    reorg.commit(actor=office, plan=plan_of())  # every household moves on 01/07/2025

    def change(units: list[OrgUnit], since: dt.date, day: dt.date, phase: int | None) -> dict[int, dict[str, int]]:
        found = definitions._houses_change(units, Params(as_of=day, phase=phase), since)
        return definitions._fill(units, found, definitions.HOUSE_NAMES)

    windows = [
        (D(2024, 2, 29), D(2024, 3, 1)), (D(2024, 3, 31), D(2024, 4, 10)), (D(2024, 5, 31), D(2024, 6, 5)),
        (D(2024, 5, 31), D(2024, 6, 14)), (D(2024, 5, 31), D(2024, 6, 15)), (D(2024, 12, 31), D(2025, 1, 10)),
        (D(2025, 6, 30), D(2025, 6, 30)), (D(2025, 6, 30), D(2025, 7, 1)), (D(2025, 6, 30), D(2025, 7, 15)),
    ]  # fmt: skip
    for since, day in windows:
        for phase in (None, 2024, 2025):
            for units in by_depth():
                on_day = definitions._houses_history(units, Params(as_of=day, phase=phase))
                on_since = definitions._houses_history(units, Params(as_of=since, phase=phase))
                expected = definitions._plus(on_day, on_since, sign=-1)
                assert change(units, since, day, phase) == expected, (since, day, phase, units[0].depth)
    # One query whatever the households and units.
    areas = by_depth()[-1]
    with django_assert_num_queries(1):
        change(areas, D(2025, 6, 30), D(2025, 7, 15), None)
    # Not all zeros: the second house started on 15/06/2024 (its plan: 60 million from the state and 15
    # of its own), the first completed on 20/05, the old withdrawal decided on 05/06, and on 01/07/2025
    # every house left its 2024 area.
    june = change([tree.area_a1], D(2024, 5, 31), D(2024, 6, 15), None)[tree.area_a1.pk]
    assert (june["houses_started"], june["houses_not_started"], june["houses_withdrawn"]) == (1, -1, 1)
    assert change([tree.area_a1], D(2024, 5, 31), D(2024, 6, 14), None)[tree.area_a1.pk]["houses_started"] == 0
    moved = change([tree.area_a1], D(2025, 6, 30), D(2025, 7, 1), None)[tree.area_a1.pk]
    assert moved["houses_planned"] == -3
    assert moved["houses_plan_amount"] == -(3 * 60_000_000 + 15_000_000)
