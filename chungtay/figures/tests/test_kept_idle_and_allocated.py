"""Idle money and money allocated to households, as of today, from the kept subtree figures (issue 22).

At province scale both groups read every receipt, funding piece or household account on each call
(5–7 s of a dashboard). Today they read the kept figures: the money still waiting per month received
(`TreeMonthMoney.waiting`) and the allocation accounts of households per area
(`TreeMoney.allocated_to_households`), kept on write. These tests compare them with the rows after
receipts, allocations, transfers and reversals — around the idle cut-off's month, whose days before
the cut-off are read from the rows — and check that a rebuild gives the same kept rows.
"""

from __future__ import annotations

import datetime as dt

import pytest

from chungtay.core import dates
from chungtay.figures import funds as fund_figures
from chungtay.figures import idle
from chungtay.funds import services as funds
from chungtay.funds.models import IDLE_DAYS, Allocation, Channel, Receipt, Transfer
from chungtay.orgunits.models import OrgUnit
from chungtay.tallies import catalogue, rollup
from chungtay.tallies.catalogue import Params

pytestmark = pytest.mark.django_db


def _kept_equals_rows() -> dict[int, tuple[int, int]]:
    """Assert kept == rows for every unit, alone and with its siblings; {unit id: (idle, allocated)}."""
    today = dates.today()
    p = Params(as_of=today)
    cutoff = today - dt.timedelta(days=IDLE_DAYS)
    seen = {}
    units = list(OrgUnit.objects.all())
    for depth in {u.depth for u in units}:
        same_depth = [u for u in units if u.depth == depth]
        kept_idle = idle.idle_money(same_depth, p)
        kept_allocated = fund_figures.households_money(same_depth, p)
        assert kept_idle == idle._idle_from_rows(same_depth, today, cutoff)
        assert kept_allocated == fund_figures._households_money_from_rows(same_depth, today)
        for u in same_depth:
            seen[u.pk] = (kept_idle[u.pk]["money_idle"], kept_allocated[u.pk]["money_households_allocated"])
    return seen


def _give(people, fund, amount: int, day: dt.date, ref: str) -> Receipt:
    return funds.receipt_record(
        actor=people.town_office, fund=fund, donor=funds.DonorRef(name="Nhà hảo tâm Thử"), amount=amount,
        received_on=day, channel=Channel.BANK, bank_ref=ref,
    )  # fmt: skip


def test_idle_and_allocated_money_read_today_from_the_kept_figures_equal_the_rows(scenario, tree, people):
    today = dates.today()
    cutoff = today - dt.timedelta(days=IDLE_DAYS)
    month = cutoff.replace(day=1)
    fund = scenario.commune_fund
    # The scenario's 2024 receipts are idle in kept months; these straddle the cut-off's month.
    early = _give(people, fund, 7_000_000, month - dt.timedelta(days=20), "KI000001")  # a kept month
    in_month = _give(people, fund, 5_000_000, min(month, cutoff), "KI000002")  # read from the rows
    recent = _give(people, fund, 3_000_000, cutoff + dt.timedelta(days=1), "KI000003")  # not idle yet
    before = _kept_equals_rows()
    commune_idle = 20_000_000 + early.amount + in_month.amount  # the scenario's 20 million of June 2024
    assert before[tree.commune_a.pk][0] == commune_idle

    # The commune fund's allocation takes its oldest money first: the 20 million, then 7 of `early`.
    allocation = funds.allocation_record(
        actor=people.town_office, household=scenario.houses[1], amount=27_000_000 + 2_000_000,
        date=today, decision="5/QĐ-MTTQ", fund=fund,
    )  # fmt: skip
    after_allocation = _kept_equals_rows()
    assert after_allocation[tree.commune_a.pk][0] == commune_idle - 29_000_000
    assert after_allocation[tree.area_a1.pk][1] == before[tree.area_a1.pk][1] + 29_000_000

    funds.entry_reverse(actor=people.board, entry=in_month.entry, reason="Nhập nhầm")  # partly taken, reversed
    _kept_equals_rows()
    entry = Allocation.objects.get(pk=allocation.pk).entry
    funds.entry_reverse(actor=people.board, entry=entry, reason="Phân bổ nhầm")  # its pieces come back
    released = _kept_equals_rows()
    assert released[tree.commune_a.pk][0] == commune_idle - in_month.amount
    assert released[tree.area_a1.pk][1] == before[tree.area_a1.pk][1]

    funds.transfer_record(actor=people.town_office, from_fund=fund, to_fund=scenario.town_fund, amount=4_000_000,
                          date=today, decision="6/QĐ-MTTQ")  # fmt: skip
    moved = _kept_equals_rows()
    assert moved[tree.commune_a.pk][0] == commune_idle - in_month.amount - 4_000_000
    entry = Transfer.objects.latest("pk").entry
    funds.entry_reverse(actor=people.board, entry=entry, reason="Chuyển nhầm")
    assert _kept_equals_rows()[tree.commune_a.pk][0] == commune_idle - in_month.amount
    assert recent.received_on > cutoff

    assert rollup.verify() == []  # a rebuild from the rows gives the kept rows, new columns included


def test_a_rebuild_refills_the_kept_idle_and_allocated_money(scenario, tree):
    kept = _kept_equals_rows()
    assert kept[tree.town.pk][0] > 0 and kept[tree.town.pk][1] > 0
    rollup.rebuild()
    assert _kept_equals_rows() == kept


def test_the_dashboard_reads_idle_money_without_reading_every_receipt(scenario, tree, django_assert_max_num_queries):
    rollup.ensure_fresh()
    # The kept months and the cut-off's month: two reads of receipts and pieces, one of the kept rows.
    with django_assert_max_num_queries(4) as captured:
        value = catalogue.for_unit(tree.town).money_idle
    assert value > 0
    cutoff_month = (dates.today() - dt.timedelta(days=IDLE_DAYS)).replace(day=1).isoformat()
    receipts = [q["sql"] for q in captured.captured_queries if "funds_receipt" in q["sql"]]
    assert receipts and all(cutoff_month in sql for sql in receipts)
