"""Money left idle in the Front's funds: received long ago and still not allocated (issue 17).

A receipt's money is idle when it was received more than IDLE_DAYS days before the day asked and the
allocations and transfers that took it (the funds' `Funding` rows, fixed when allocated) had not
taken all of it by that day. The dashboard flags it; a movement may set its own limit for its
payments' rules (`funds.ProgrammeRule.idle_days`), the dashboard's flag uses the default.

As of today it reads the kept money still waiting per month received; as of an earlier day the kept
month-end before it plus the exact change to the day (issue 22, figures.definitions "History from
kept month-ends"). The change is not only the rows dated between the two days: the cut-off moves
with the day, so the receipts received between the two cut-offs join in; and a receipt received by
the earlier cut-off changes only by an event dated between the days — a piece of it taken by an
allocation or a transfer, a piece released by a reversal, or the receipt reversed. `_idle_from_rows`
(every row) stays the definition, and the oracle the tests compare with.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from chungtay.funds.models import IDLE_DAYS, Funding, JournalEntry, Receipt
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import _fill, _from_month_end, _grouped, _plus, keep_at_month_ends, kept_waiting_before, writes_stamp

NAMES = ("money_idle",)
NAME = "money_idle"
# Every event dated up to the end of time: what the kept figures of today hold (nothing waits for a later day).
EVER = dt.date.max
DAY = dt.timedelta(days=1)


def cutoff_of(day: dt.date) -> dt.date:
    """The last day a receipt may have been received on to be idle as of `day`."""
    return day - dt.timedelta(days=IDLE_DAYS)


@group("idle_money", _("Tiền nằm quỹ lâu chưa phân bổ"))
def idle_money(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    cutoff = cutoff_of(p.as_of)
    if not p.is_today:
        # Idle money has no phase: one kept series for every phase.
        return _from_month_end(units, replace(p, phase=None), "idle_money", _idle_history, _idle_change)
    # Today: the months before the cut-off's month from the kept subtree figures (each month's receipts
    # still waiting, kept on write), the cut-off's own month up to its day from the rows.
    month = cutoff.replace(day=1)
    kept = kept_waiting_before([u.pk for u in units], month)
    recent = _idle_from_rows(units, p.as_of, cutoff, since=month)
    return {u.pk: {"money_idle": kept.get(u.pk, 0) + recent[u.pk]["money_idle"]} for u in units}


def _idle_from_rows(
    units: Sequence[Any], day: dt.date, cutoff: dt.date, since: dt.date | None = None
) -> dict[int, dict[str, int]]:
    """Idle money from the rows as of `day`: receipts received by `cutoff` (and from `since`)."""
    receipts = Receipt.objects.filter(~Q(entry_id__in=_reversed_by(day)), received_on__lte=cutoff)
    taken = Funding.objects.filter(
        Q(allocation__date__lte=day) | Q(transfer_out__date__lte=day), receipt__received_on__lte=cutoff
    )
    if since is not None:
        receipts = receipts.filter(received_on__gte=since)
        taken = taken.filter(receipt__received_on__gte=since)
    received = _grouped(receipts, "fund__unit__path", units, received=Sum("amount"))
    taken = taken.exclude(receipt__entry_id__in=_reversed_by(day)).exclude(released_by__date__lte=day)
    taken_by_unit = _grouped(taken, "fund__unit__path", units, taken=Sum("amount"))
    found = {
        u.pk: {"money_idle": received.get(u.pk, {}).get("received", 0) - taken_by_unit.get(u.pk, {}).get("taken", 0)}
        for u in units
    }
    return _fill(units, found, NAMES)


def _reversed_by(day: dt.date) -> QuerySet[JournalEntry, Any]:
    """The ids of the entries reversed by an entry dated by `day`: few, hashed once and looked up by each
    receipt (joining each receipt to its entry and that to its reversal took 20-55 ms for the 4,815
    receipts of a fortnight on the province bench, this 5-13 ms; issue 22)."""
    return JournalEntry.objects.filter(reverses__isnull=False, date__lte=day).values("reverses_id")


def _idle_history(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    """Idle money as of a month-end nobody kept yet, back from today's kept figures: the money still
    waiting of the kept months before the cut-off's month, that month's receipts up to the cut-off,
    less what the events dated after the day changed — a month of receipts and the pieces taken,
    released or reversed since, never every receipt (on the province bench 0.2–0.5 s beside 0.6–3 s
    from the rows)."""
    cutoff = cutoff_of(p.as_of)
    month = cutoff.replace(day=1)
    stamp = writes_stamp()
    kept = kept_waiting_before([u.pk for u in units], month)
    now = _plus({u.pk: {NAME: kept.get(u.pk, 0)} for u in units}, _idle_from_rows(units, EVER, cutoff, since=month))
    found = _fill(units, _plus(now, _older_change(units, cutoff, p.as_of, EVER), sign=-1), NAMES)
    if writes_stamp() != stamp:  # a write committed meanwhile: kept and rows may disagree
        return _idle_from_rows(units, p.as_of, cutoff)
    return found


def _idle_change(units: Sequence[Any], p: Params, since: dt.date) -> dict[int, dict[str, int]]:
    """Idle money as of `p.as_of` less idle money as of `since` (an earlier day), exactly."""
    day = p.as_of
    # The receipts received between the two cut-offs: idle as of the day only, all of them.
    joined = _idle_from_rows(units, day, cutoff_of(day), since=cutoff_of(since) + DAY)
    return _fill(units, _plus(joined, _older_change(units, cutoff_of(since), since, day)), NAMES)


def _older_change(units: Sequence[Any], cutoff: dt.date, since: dt.date, day: dt.date) -> dict[int, dict[str, int]]:
    """The change from `since` to `day` of the idle money of the receipts received by `cutoff`: only an
    event dated in (since, day] changes one. Each part reads the rows of one kind of event by its date
    (disjoint parts: a piece with several events in the window is counted in the first part only)."""

    def within(lookup: str) -> Q:
        return Q(**{f"{lookup}__gt": since, f"{lookup}__lte": day})

    def outside(name: str) -> Q:
        return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lte": since}) | Q(**{f"{name}__gt": day})

    def live_on(on: dt.date) -> Q:
        """A piece still holding its receipt's money on `on` (as `_idle_from_rows` counts it)."""
        return (
            (Q(reversed_on__isnull=True) | Q(reversed_on__gt=on))
            & Q(taken_on__lte=on)
            & (Q(released_on__isnull=True) | Q(released_on__gt=on))
        )

    # A receipt reversed in the window leaves the received money (its pieces are below).
    reversed_receipts = Receipt.objects.filter(within("entry__reversed_by__date"), received_on__lte=cutoff)
    found = _grouped(reversed_receipts, "fund__unit__path", units, gone=Sum("amount"))
    out = {unit_id: {NAME: -row["gone"]} for unit_id, row in found.items()}
    pieces = Funding.objects.filter(receipt__received_on__lte=cutoff).annotate(
        reversed_on=F("receipt__entry__reversed_by__date"),
        taken_on=Coalesce("allocation__date", "transfer_out__date"),
        released_on=F("released_by__date"),
    )
    parts = (
        pieces.filter(within("allocation__date")),
        pieces.filter(within("transfer_out__date")),
        pieces.filter(within("released_by__date")).filter(outside("taken_on")),
        pieces.filter(within("receipt__entry__reversed_by__date")).filter(outside("taken_on"), outside("released_on")),
    )
    for part in parts:
        moved = _grouped(
            part, "fund__unit__path", units,
            then=Sum("amount", filter=live_on(since)), now=Sum("amount", filter=live_on(day)),
        )  # fmt: skip
        out = _plus(out, {unit_id: {NAME: row["then"] - row["now"]} for unit_id, row in moved.items()})
    return out


keep_at_month_ends("idle_money", _idle_history, _idle_change)

figure("idle_money", "money_idle", _(f"Tiền ủng hộ nằm quỹ quá {IDLE_DAYS} ngày chưa phân bổ"),
       f"Tổng các khoản ủng hộ vào quỹ của các đơn vị trong cây nhận trước ngày tính quá {IDLE_DAYS} ngày, chưa đảo, "
       "trừ phần các khoản phân bổ cho hộ, chuyển quỹ đã dùng (theo bảng nguồn tiền cố định khi phân bổ) đến ngày "
       "tính, không tính phần đã được trả lại do đảo bút toán.", unit="đồng")  # fmt: skip
