"""Kept subtree figures (tallies.rollup) against a recount from the raw rows, after every kind of write."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections import defaultdict

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungtay.funds import services as funds
from chungtay.funds.models import Account
from chungtay.housing import services as housing
from chungtay.housing.models import DONE_STATUSES, STARTED_STATUSES, Household, ProgressUpdate
from chungtay.orgunits.models import OrgUnit
from chungtay.reports import selectors
from chungtay.tallies import rollup
from chungtay.tallies.models import StaleFigures, TreeHouses, TreeMoney, TreeProgress


# --- The oracle: the same figures counted in Python from the raw rows -----------------------------
def recount(unit: OrgUnit) -> dict:
    houses = [h for h in Household.objects.select_related("area") if h.area.path.startswith(unit.path)]
    phases: dict = defaultdict(lambda: defaultdict(int))
    for h in houses:
        p = phases[h.phase_year]
        live = h.status != "withdrawn"
        p["planned"] += live
        p["not_started"] += h.status in ("approved", "surveyed")
        p["started"] += h.status in STARTED_STATUSES
        p["building"] += h.status in ("started", "building")
        p["completed"] += h.status in DONE_STATUSES
        p["handed_over"] += h.status == "handed_over"
        p["withdrawn"] += not live
        p["amount"] += h.state_support if live else 0
        p["amount_done"] += h.state_support if h.status in DONE_STATUSES else 0
        p["plan_amount"] += sum(line.amount for line in h.funding_lines.all()) if live else 0
        p["located"] += live and h.lat is not None and h.lon is not None
    months: dict = defaultdict(lambda: {"started": set(), "completed": set()})
    ids = {h.pk for h in houses if h.status != "withdrawn"}
    for u in ProgressUpdate.objects.filter(household_id__in=ids, stage__in=["start", "completed"]):
        months[u.date.replace(day=1)]["started" if u.stage == "start" else "completed"].add(u.household_id)
    money: dict = defaultdict(int)
    for a in Account.objects.select_related("unit", "household__area"):
        if a.unit.path.startswith(unit.path):
            money[("source" if a.source_id else "fund", a.kind)] += a.balance
        if a.kind == "disbursed" and a.household_id and a.household.area.path.startswith(unit.path):
            money["to_households"] += a.balance
        if a.kind == "allocation" and a.household_id and a.household.area.path.startswith(unit.path):
            money["allocated_to_households"] += a.balance
    from chungtay.funds.models import Disbursement, Receipt

    month_money: dict = defaultdict(lambda: [0, 0])
    for r in Receipt.objects.select_related("fund__unit"):
        if r.fund.unit.path.startswith(unit.path):
            month_money[r.received_on.replace(day=1)][0] += r.amount
    for d in Disbursement.objects.filter(status="approved").select_related("fund__unit", "source__unit"):
        owner = d.fund.unit if d.fund_id else d.source.unit
        if owner.path.startswith(unit.path):
            month_money[d.date.replace(day=1)][1] += d.amount
    return {
        "month_money": {m: tuple(v) for m, v in month_money.items()},
        "phases": {year: dict(values) for year, values in phases.items()},
        "months": {m: (len(v["started"]), len(v["completed"])) for m, v in months.items()},
        "money": dict(money),
    }


def kept(unit: OrgUnit) -> dict:
    phases = {
        year: {k: row[k] for k in rollup.HOUSE_FIELDS if k not in ("lat_sum", "lon_sum")}
        for year, row in rollup.houses([unit.pk]).get(unit.pk, {}).items()
    }
    months = {r["month"]: (r["started"], r["completed"]) for r in rollup.progress(unit.pk)}
    m = rollup.money([unit.pk])[unit.pk]
    money = {
        ("fund", "donations"): m["fund_donations"],
        ("fund", "fund_cash"): m["fund_cash"],
        ("fund", "allocation"): m["fund_allocation"],
        ("fund", "disbursed"): m["fund_disbursed"],
        ("fund", "fees"): m["fund_fees"],
        ("source", "source"): m["source_committed"],
        ("source", "disbursed"): m["source_disbursed"],
        "to_households": m["disbursed_to_households"],
        "allocated_to_households": m["allocated_to_households"],
    }
    month_money = {r["month"]: (r["received"], r["disbursed"]) for r in rollup.month_money(unit.pk)}
    return {"phases": phases, "months": months, "money": money, "month_money": month_money}


def assert_every_unit_matches() -> None:
    rollup.refresh_pending()
    assert not StaleFigures.objects.exists()
    for unit in OrgUnit.objects.all():
        expected, got = recount(unit), kept(unit)
        full = {
            year: {k: values.get(k, 0) for k in got["phases"].get(year, values)}
            for year, values in expected["phases"].items()
        }
        assert got["phases"] == full, unit.name
        assert got["months"] == expected["months"], unit.name
        assert got["month_money"] == expected["month_money"], unit.name
        assert {k: v for k, v in got["money"].items() if v} == {k: v for k, v in expected["money"].items() if v}, (
            unit.name
        )


@pytest.fixture
def money(tree, people):
    fund = funds.fund_create(actor=None, unit=tree.town, kind="front", name="Quỹ Vì người nghèo", code="VNN")
    donor = funds.donor_find_or_create(unit=tree.town, name="Công ty Cổ phần Thử Nghiệm", kind="to_chuc")
    return fund, donor


def test_figures_follow_households_progress_withdrawals_moves_and_money(tree, people, make_household, money):
    fund, donor = money
    a = [make_household(tree.area_a1, lat=15.88, lon=108.33) for _ in range(3)]
    b = make_household(tree.area_b1, phase_year=2025)
    housing.progress_record(actor=None, household=a[0], stage="start", date=dt.date(2024, 3, 1))
    done = housing.progress_record(actor=None, household=a[1], stage="completed", date=dt.date(2024, 4, 9))
    housing.progress_verify(actor=people.town_office, update=done)  # payments follow verified stages
    housing.progress_record(actor=None, household=b, stage="start", date=dt.date(2024, 4, 2))
    assert_every_unit_matches()

    housing.household_withdraw(actor=None, household=a[2], reason="Chuyển đi nơi khác")
    moved = Household.objects.get(pk=a[0].pk)
    moved.area = tree.area_b1  # a household recorded in the wrong area, corrected
    moved.save()
    funds.receipt_record(
        actor=None, fund=fund, donor=donor, amount=90_000_000, received_on=dt.date(2024, 5, 1), channel="bank",
        bank_ref="FT001",
    )  # fmt: skip
    funds.allocation_record(
        actor=None, household=a[1], amount=40_000_000, date=dt.date(2024, 5, 2), decision="QĐ 12/QĐ-MTTQ", fund=fund
    )
    assert_every_unit_matches()
    voucher = funds.disbursement_record(
        actor=people.town_office, household=a[1], amount=25_000_000, date=dt.date(2024, 6, 3),
        voucher_number="PC-01", stage="start", fund=fund,
    )  # fmt: skip
    assert_every_unit_matches()  # recorded, not yet paid: nothing moves
    funds.disbursement_approve(actor=people.board, disbursement=voucher)
    assert_every_unit_matches()
    assert rollup.month_money(tree.province.pk)[-1]["disbursed"] == 25_000_000
    town = selectors.unit_summary(tree.town).figures  # today: the kept figures
    assert (town["houses_planned"], town["houses_withdrawn"], town["money_received"]) == (3, 1, 90_000_000)


def test_a_rebuild_gives_the_same_rows_as_the_incremental_refresh(tree, make_household):
    for i in range(5):
        house = make_household(tree.area_a1 if i % 2 else tree.area_b1, phase_year=2024 + i % 2)
        housing.progress_record(actor=None, household=house, stage="start", date=dt.date(2024, 1 + i, 3))
    rollup.refresh_pending()

    def rows():
        return (
            sorted(TreeHouses.objects.values_list("unit_id", "phase_year", "planned", "started", "amount")),
            sorted(TreeProgress.objects.values_list("unit_id", "month", "started", "completed")),
            sorted(TreeMoney.objects.values_list("unit_id", "fund_donations")),
        )

    incremental = rows()
    assert rollup.rebuild() == OrgUnit.objects.count()
    assert rows() == incremental and incremental[0]


def test_a_refresh_recomputes_only_the_changed_unit_and_its_ancestors(tree, make_household):
    make_household(tree.area_a1)
    make_household(tree.area_b1)
    rollup.refresh_pending()
    before = {r.unit_id: r.pk for r in TreeHouses.objects.all()}
    house = Household.objects.filter(area=tree.area_a1).get()
    house.status = "building"
    house.save()
    assert list(StaleFigures.objects.values_list("unit_id", flat=True)) == [tree.area_a1.pk]
    rollup.refresh_pending()
    after = {r.unit_id: r.pk for r in TreeHouses.objects.all()}
    recomputed = {unit for unit in after if after[unit] != before.get(unit)}
    assert recomputed == {tree.area_a1.pk, tree.commune_a.pk, tree.town.pk, tree.province.pk}
    assert after[tree.area_b1.pk] == before[tree.area_b1.pk]


def test_a_rolled_back_write_leaves_no_mark_and_no_change(tree, make_household):
    make_household(tree.area_a1)
    rollup.refresh_pending()
    with pytest.raises(RuntimeError), transaction.atomic():
        make_household(tree.area_a1)
        raise RuntimeError("the user's action failed half-way")
    assert not StaleFigures.objects.exists()
    assert selectors.unit_summary(tree.town).figures["houses_planned"] == 1


def test_a_reader_sees_a_write_at_once_even_with_no_worker_running(tree, make_household):
    before = selectors.unit_summary(tree.province).figures["houses_planned"]
    make_household(tree.area_b1, status="completed")
    summary = selectors.unit_summary(tree.province).figures
    assert (summary["houses_planned"], summary["houses_completed"]) == (before + 1, 1)


@pytest.mark.django_db(transaction=True)
def test_the_background_task_refreshes_right_after_the_write_commits(tree, make_household):
    # Tests run tasks at once (ImmediateBackend): the task enqueued on commit has run when atomic() returns.
    with transaction.atomic():
        make_household(tree.area_a1)
        make_household(tree.area_b1)
        assert StaleFigures.objects.count() == 2
    assert not StaleFigures.objects.exists()
    assert TreeHouses.objects.get(unit=tree.province, phase_year=2024).planned == 2


OPS = st.lists(
    st.tuples(
        st.sampled_from(["add", "status", "withdraw", "move", "progress", "support", "allocate"]),
        st.integers(0, 9),
        st.sampled_from(["approved", "surveyed", "started", "building", "completed", "handed_over"]),
        st.integers(1, 12),
    ),
    min_size=1,
    max_size=10,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_any_sequence_of_household_writes_keeps_every_subtree_equal_to_a_recount(tree, make_household, money, ops):
    areas = [tree.area_a1, tree.area_b1]
    fund, donor = money
    with pytest.raises(_Undo), transaction.atomic():  # each example starts from the same empty tree
        funds.receipt_record(actor=None, fund=fund, donor=donor, amount=500_000_000, received_on=dt.date(2024, 1, 2),
                             channel="bank", bank_ref="FT100")  # fmt: skip
        houses = [make_household(areas[0])]
        for op, n, status, month in ops:
            house = Household.objects.get(pk=houses[n % len(houses)].pk)
            if op == "add":
                houses.append(make_household(areas[n % 2], phase_year=2024 + n % 2, lat=15.8 if n % 3 else None,
                                             lon=108.2 if n % 3 else None))  # fmt: skip
            elif op == "status" and house.status != "withdrawn":
                house.status = status
                house.save()
            elif op == "withdraw" and house.status != "withdrawn":
                house.status, house.withdrawn_reason = "withdrawn", "Không còn đủ điều kiện"
                house.save()
            elif op == "move":
                house.area = areas[(areas.index(house.area) + 1) % 2]
                house.save()
            elif op == "progress" and house.status != "withdrawn":
                ProgressUpdate.objects.create(
                    household=house, stage="start" if n % 2 else "completed", date=dt.date(2024, month, 1), percent=10
                )
            elif op == "support":
                house.state_support = 1_000_000 * (n + 1)
                house.save()
            elif op == "allocate" and house.status != "withdrawn":  # moves after it take the money along
                funds.allocation_record(actor=None, household=house, amount=1_000_000 * (n + 1),
                                        date=dt.date(2024, month, 1), decision="QĐ 12/QĐ-MTTQ", fund=fund)  # fmt: skip
            if n % 4 == 0:  # refresh at random points, as the worker would
                rollup.refresh_pending()
        assert_every_unit_matches()
        raise _Undo


class _Undo(Exception):
    pass


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="row locks between two connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_write_committing_during_a_refresh_is_never_lost(tree, make_household):
    house = make_household(tree.area_a1)
    make_household(tree.area_a1)
    rollup.refresh_pending()
    # A committed mark for the area exists when the writer starts (e.g. from another write).
    rollup.mark_stale([tree.area_a1.pk])
    started, done = threading.Event(), threading.Event()

    def writer():
        try:
            with transaction.atomic():
                h = Household.objects.get(pk=house.pk)
                h.status = "completed"
                h.save()  # upserts the mark: holds its row lock until commit
                started.set()
                time.sleep(0.5)  # the refresher runs meanwhile
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    started.wait(5)
    rollup.refresh_pending()  # must wait for the writer rather than read the old status
    completed = TreeHouses.objects.get(unit=tree.province, phase_year=2024).completed
    thread.join(5)
    assert done.is_set() and completed == 1
    assert TreeHouses.objects.get(unit=tree.province, phase_year=2024).planned == 2


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL"), reason="row locks between two connections need PostgreSQL")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("first", ["the move", "the allocation"])
def test_an_allocation_made_while_its_household_moves_is_counted_in_the_area_it_ends_in(
    tree, people, make_household, money, first
):
    fund, donor = money
    funds.receipt_record(actor=None, fund=fund, donor=donor, amount=90_000_000, received_on=dt.date(2024, 5, 1),
                         channel="bank", bank_ref="FT002")  # fmt: skip
    house = make_household(tree.area_a1)
    funds.allocation_record(actor=None, household=house, amount=10_000_000, date=dt.date(2024, 5, 2),
                            decision="QĐ 12/QĐ-MTTQ", fund=fund)  # fmt: skip
    state = funds.source_create(actor=None, unit=tree.town, kind="state", name="Ngân sách tỉnh")

    def move() -> None:
        h = Household.objects.get(pk=house.pk)
        h.area = tree.area_b1
        h.save()

    def allocate() -> None:  # the fund's account of the household exists; the source's is made now
        funds.allocation_record(actor=None, household=house, amount=20_000_000, date=dt.date(2024, 5, 3),
                                decision="QĐ 13/QĐ-MTTQ", fund=fund)  # fmt: skip
        funds.allocation_record(actor=None, household=house, amount=60_000_000, date=dt.date(2024, 5, 3),
                                decision="8584/QĐ-UBND", source=state)  # fmt: skip

    started, done = threading.Event(), threading.Event()
    first_write, second_write = (move, allocate) if first == "the move" else (allocate, move)

    def writer():
        try:
            with transaction.atomic():
                first_write()
                started.set()
                time.sleep(0.5)  # the second write starts meanwhile, and waits for this one
        finally:
            connection.close()
            done.set()

    thread = threading.Thread(target=writer)
    thread.start()
    assert started.wait(5)
    with transaction.atomic():
        second_write()
    thread.join(5)
    assert done.is_set()
    assert rollup.verify() == []
    assert rollup.money([tree.commune_b.pk])[tree.commune_b.pk]["allocated_to_households"] == 90_000_000
    assert rollup.money([tree.commune_a.pk])[tree.commune_a.pk]["allocated_to_households"] == 0


def test_the_command_verifies_rebuilds_and_reports_figures_changed_behind_its_back(tree, make_household):
    from django.core.management import CommandError, call_command

    make_household(tree.area_a1)
    call_command("refresh_figures")
    call_command("refresh_figures", "--verify")  # consistent: no error
    Household.objects.filter(area=tree.area_a1).update(status="completed")  # a bulk write: no signals
    with pytest.raises(CommandError, match="số liệu tổng hợp khác"):
        call_command("refresh_figures", "--verify")
    call_command("refresh_figures", "--all")
    call_command("refresh_figures", "--verify")
    assert TreeHouses.objects.get(unit=tree.province, phase_year=2024).completed == 1
