"""Which receipts paid for an allocation: the rule, fixed when the money leaves the fund.

The rule (issue 17): an allocation to a household (or a transfer to another fund) takes the fund's
money in this order, and the pieces taken are stored as `Funding` rows, never recomputed:
1. receipts earmarked for that household ("Cho một hộ"), oldest first;
2. every other piece of the fund's money — receipts for the fund in general, for the movement, for a
   unit the household belongs to, and money transferred in from another fund — first in, first out
   (by the day it arrived, then the order it was recorded).
Receipts earmarked for another household, or for a unit the household is not in, are not taken;
reversed receipts are not taken; what a reversed allocation took is released (`release`).

The functions take the model classes as arguments so the data migration that back-fills the rows
for existing allocations runs the very same rule on its historical models.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, Sum

from . import models as funds_models
from .signals import waiting_changed

CHUNK = 500


@dataclass(frozen=True)
class Models:
    Receipt: Any
    Transfer: Any
    Funding: Any


def _real() -> Models:
    return Models(funds_models.Receipt, funds_models.Transfer, funds_models.Funding)


def _used(m: Models, field: str, ids: list[int]) -> dict[int, int]:
    rows = (
        m.Funding.objects.filter(**{f"{field}__in": ids}, released_by__isnull=True)
        .values(field)
        .annotate(s=Sum("amount"))
        .order_by()
    )
    return {r[field]: int(r["s"]) for r in rows}


def _candidates(m: Models, *, fund_id: int, household: Any, area_path: str):
    """Yield (sort key, kind, id, free amount) lazily, earmarked first, then FIFO."""
    receipts = m.Receipt.objects.filter(fund_id=fund_id, entry__reversed_by__isnull=True)
    if household is not None:
        mine = receipts.filter(designation="ho", designated_household_id=household.pk).order_by("received_on", "pk")
        for chunk in _chunks(mine.values_list("pk", "amount")):
            used = _used(m, "receipt_id", [pk for pk, _ in chunk])
            for pk, amount in chunk:
                yield "receipt", pk, amount - used.get(pk, 0)
    general = receipts.exclude(designation="ho").values_list("pk", "amount", "received_on", "designated_unit__path")
    transfers = m.Transfer.objects.filter(to_fund_id=fund_id, entry__reversed_by__isnull=True).values_list(
        "pk", "amount", "date"
    )
    # Merge the two date-ordered streams (a fund has few transfers in: read them at once).
    incoming = sorted(transfers, key=lambda t: (t[2], t[0]))
    for chunk in _chunks(general.order_by("received_on", "pk")):
        used = _used(m, "receipt_id", [row[0] for row in chunk])
        for pk, amount, day, unit_path in chunk:
            while incoming and incoming[0][2] <= day:
                yield from _transfer(m, incoming.pop(0))
            if unit_path and not area_path.startswith(unit_path):
                continue  # for a unit this household is not in
            yield "receipt", pk, amount - used.get(pk, 0)
    for row in incoming:
        yield from _transfer(m, row)


def _transfer(m: Models, row):
    pk, amount, _day = row
    yield "transfer", pk, amount - _used(m, "transfer_in_id", [pk]).get(pk, 0)


def _chunks(qs):
    start = 0
    while True:
        chunk = list(qs[start : start + CHUNK])
        if not chunk:
            return
        yield chunk
        start += CHUNK


def take(
    *,
    fund_id: int,
    amount: int,
    allocation: Any = None,
    transfer_out: Any = None,
    household: Any = None,
    m: Models | None = None,
) -> list[Any]:
    """Store the Funding rows that pay `amount` out of the fund for `allocation` (or `transfer_out`).

    Called inside the posting transaction, after the ledger locked the fund's cash account, so two
    allocations from one fund never take the same piece. If the fund's traceable money is short
    (it never is: fees lower the cash, not the receipts), the rest stays untraced and is not invented.
    """
    real = m is None
    m = m or _real()
    area_path = household.area.path if household is not None else ""
    rows, left = [], amount
    for kind, pk, free in _candidates(m, fund_id=fund_id, household=household, area_path=area_path):
        if left <= 0:
            break
        if free <= 0:
            continue
        piece = min(free, left)
        rows.append(
            m.Funding(
                fund_id=fund_id,
                receipt_id=pk if kind == "receipt" else None,
                transfer_in_id=pk if kind == "transfer" else None,
                allocation=allocation,
                transfer_out=transfer_out,
                amount=piece,
            )
        )
        left -= piece
    m.Funding.objects.bulk_create(rows)
    if real:  # not from a migration's historical models
        waiting_changed.send(sender=m.Funding, changes=[(r.receipt_id, -r.amount) for r in rows if r.receipt_id])
    return rows


def release(*, entry: Any, reversal: Any, m: Models | None = None) -> int:
    """A reversed allocation or transfer gives its pieces back: its rows are marked, not deleted."""
    real = m is None
    m = m or _real()
    rows = m.Funding.objects.filter(Q(allocation__entry=entry) | Q(transfer_out__entry=entry), released_by__isnull=True)
    if real:
        # A piece of a receipt reversed meanwhile is not waiting again: the reversal took the whole receipt.
        back = rows.filter(receipt__isnull=False, receipt__entry__reversed_by__isnull=True)
        waiting_changed.send(sender=m.Funding, changes=list(back.values_list("receipt_id", "amount")))
    return rows.update(released_by=reversal)
