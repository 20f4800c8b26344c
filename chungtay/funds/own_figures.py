"""The units' own money, for the kept subtree figures (tallies.rollup).

The kept figures sit below this app: the ledger's writers hand them each posting's changes in the
units' terms (`money_changes`, as the ledger's balances change); a household that changes area takes
the money allocated and paid to it from the old area's figures to the new one's (`household_moved`,
called by reports.signals as the household is saved); and a rebuild refills the Own* tables from the
accounts, receipts and disbursements (`rebuild_own`, registered when the app is ready:
FundsConfig.ready). The migration that made the Own* tables calls `rebuild_own` with its historical
models.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from chungtay.tallies import rollup
from chungtay.tallies.models import OwnMoney, OwnMonthMoney

from . import books
from .models import Account, AccountKind, Disbursement, Funding, Receipt

FUND_SIDE = {
    "donations": "fund_donations",
    "fund_cash": "fund_cash",
    "allocation": "fund_allocation",
    "disbursed": "fund_disbursed",
    "fees": "fund_fees",
}
SOURCE_SIDE = {"source": "source_committed", "disbursed": "source_disbursed"}


def money_changes(accounts: Iterable[Any], changes: dict[int, int], area_of: dict[int, int]) -> dict[tuple, dict]:
    """The OwnMoney additions for balance changes {account id: delta} of the given accounts."""
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for account in accounts:
        delta = changes.get(account.pk, 0)
        if not delta:
            continue
        own = rows[(account.unit_id,)]
        if account.source_id is None and account.kind in FUND_SIDE:
            own[FUND_SIDE[account.kind]] += delta
        if account.source_id is not None and account.kind in SOURCE_SIDE:
            own[SOURCE_SIDE[account.kind]] += delta
        if account.kind == "donations" and account.fund_id is not None:
            own["donations_of_funds"] += delta
        if account.kind == "disbursed" and account.household_id:
            rows[(area_of[account.household_id],)]["disbursed_to_households"] += delta
        if account.kind == "allocation" and account.household_id:
            rows[(area_of[account.household_id],)]["allocated_to_households"] += delta
    return rows


def household_moved(household_id: int, from_area: int, to_area: int) -> dict[tuple, dict[str, int]]:
    """The OwnMoney additions when a household leaves `from_area` for `to_area`: what was allocated and
    paid to it is counted where the household is (`money_changes`), so it leaves the old area for the new.
    Call in the move's transaction, after `ledger.hold()`: a posting to the household's accounts then
    committed before (and is moved here) or waits and counts at the new area."""
    balances = (
        Account.objects.filter(household_id=household_id, kind__in=[AccountKind.ALLOCATION, AccountKind.DISBURSED])
        .values("kind")
        .annotate(total=Sum("balance"))
        .order_by()
    )
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in balances:
        column = "allocated_to_households" if r["kind"] == AccountKind.ALLOCATION else "disbursed_to_households"
        rows[(from_area,)][column] -= r["total"] or 0
        rows[(to_area,)][column] += r["total"] or 0
    return rows


def add_waiting(changes: Iterable[tuple[int, int]]) -> None:
    """Add {receipt id: change} of the money still waiting in the funds to the receipts' (unit, month)
    (in the writer's transaction: funds.signals.waiting_changed)."""
    by_receipt: dict[int, int] = defaultdict(int)
    for receipt_id, delta in changes:
        by_receipt[receipt_id] += delta
    ids = sorted(pk for pk, delta in by_receipt.items() if delta)
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for start in range(0, len(ids), rollup.CHUNK):
        found = Receipt.objects.filter(pk__in=ids[start : start + rollup.CHUNK]).values_list(
            "pk", "fund__unit_id", "received_on"
        )
        for pk, unit_id, day in found:
            rows[(unit_id, day.replace(day=1))]["waiting"] += by_receipt[pk]
    rollup.add_rows(OwnMonthMoney, ("unit_id", "month"), rollup.MONTH_MONEY_FIELDS, rows)
    rollup.mark_stale(unit_id for unit_id, _month in rows)


def own_money_rows(account_model: Any) -> dict[tuple, dict[str, int]]:
    """OwnMoney of every unit, summed from the accounts (rebuild; also used by migrations)."""
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    by_unit = (
        account_model.objects.values("unit_id", "kind")
        .annotate(
            fund_side=Coalesce(Sum("balance", filter=Q(source__isnull=True)), 0),
            source_side=Coalesce(Sum("balance", filter=Q(source__isnull=False)), 0),
            of_funds=Coalesce(Sum("balance", filter=Q(fund__isnull=False)), 0),
        )
        .order_by()
    )
    for r in by_unit:
        own = rows[(r["unit_id"],)]
        if r["kind"] in FUND_SIDE:
            own[FUND_SIDE[r["kind"]]] += r["fund_side"]
        if r["kind"] in SOURCE_SIDE:
            own[SOURCE_SIDE[r["kind"]]] += r["source_side"]
        if r["kind"] == "donations":
            own["donations_of_funds"] += r["of_funds"]
    to_households = (
        account_model.objects.filter(kind__in=["allocation", "disbursed"], household__isnull=False)
        .values("household__area_id", "kind")
        .annotate(total=Sum("balance"))
        .order_by()
    )
    for r in to_households:
        column = "allocated_to_households" if r["kind"] == "allocation" else "disbursed_to_households"
        rows[(r["household__area_id"],)][column] += r["total"] or 0
    return rows


def own_month_rows(
    receipt_model: Any, disbursement_model: Any, funding_model: Any = None
) -> dict[tuple, dict[str, int]]:
    """OwnMonthMoney of every unit, summed from receipts, approved disbursements and (given the
    Funding model) the money still waiting: live receipts less the pieces taken from them."""
    rows: dict[tuple, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    received = (
        receipt_model.objects.annotate(month=TruncMonth("received_on"))
        .values("fund__unit_id", "month")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    if funding_model is not None:
        received = received.annotate(live=Coalesce(Sum("amount", filter=Q(entry__reversed_by__isnull=True)), 0))
    for r in received:
        rows[(r["fund__unit_id"], rollup.as_date(r["month"]))]["received"] += r["total"] or 0
        rows[(r["fund__unit_id"], rollup.as_date(r["month"]))]["waiting"] += r.get("live", 0)
    if funding_model is not None:
        # Pieces of receipts only: a piece of a transfer into the fund (after a reorganisation) took
        # nothing from a receipt's month (tracing.take sends no change for it either).
        taken = (
            funding_model.objects.filter(
                released_by__isnull=True, receipt__isnull=False, receipt__entry__reversed_by__isnull=True
            )
            .annotate(month=TruncMonth("receipt__received_on"))
            .values("receipt__fund__unit_id", "month")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for r in taken:
            rows[(r["receipt__fund__unit_id"], rollup.as_date(r["month"]))]["waiting"] -= r["total"] or 0
    approved = disbursement_model.objects.filter(status="approved")
    for owner, field in ((Q(fund__isnull=False), "fund__unit_id"), (Q(fund__isnull=True), "source__unit_id")):
        paid = (
            approved.filter(owner)
            .annotate(month=TruncMonth("date"))
            .values(field, "month")
            .annotate(total=Sum("amount"))
            .order_by()
        )
        for r in paid:
            rows[(r[field], rollup.as_date(r["month"]))]["disbursed"] += r["total"] or 0
    return rows


def rebuild_own(
    account_model: Any,
    receipt_model: Any,
    disbursement_model: Any,
    funding_model: Any = None,
    own_money: Any = OwnMoney,
    own_month: Any = OwnMonthMoney,
) -> None:
    """Refill the Own* tables from the ledger and receipts (models passed in, so migrations can call it:
    only the columns their models have are written)."""
    own_money.objects.all().delete()
    own_month.objects.all().delete()

    def columns(model: Any, fields: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(f for f in fields if f in {field.name for field in model._meta.fields})

    rollup.add_rows(own_money, ("unit_id",), columns(own_money, rollup.MONEY_FIELDS), own_money_rows(account_model))
    month_rows = own_month_rows(receipt_model, disbursement_model, funding_model)
    rollup.add_rows(own_month, ("unit_id", "month"), columns(own_month, rollup.MONTH_MONEY_FIELDS), month_rows)


def refill() -> None:
    """The rebuild's part of this app: the Own* tables from every account, receipt and disbursement,
    and the funds' kept book totals from every ledger line (`books.refold`)."""
    rebuild_own(Account, Receipt, Disbursement, Funding)
    books.refold()


rollup.provide(refill_money=refill)
