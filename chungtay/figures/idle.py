"""Money left idle in the Front's funds: received long ago and still not allocated (issue 17).

A receipt's money is idle when it was received more than IDLE_DAYS days before the day asked and the
allocations and transfers that took it (the funds' `Funding` rows, fixed when allocated) had not
taken all of it by that day. The dashboard flags it; a movement may set its own limit for its
payments' rules (`funds.ProgrammeRule.idle_days`), the dashboard's flag uses the default.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _

from chungtay.funds.models import IDLE_DAYS, Funding, Receipt
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import _fill, _grouped, kept_waiting_before

NAMES = ("money_idle",)


@group("idle_money", _("Tiền nằm quỹ lâu chưa phân bổ"))
def idle_money(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    cutoff = p.as_of - dt.timedelta(days=IDLE_DAYS)
    if not p.is_today:
        return _idle_from_rows(units, p.as_of, cutoff)
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
    receipts = Receipt.objects.filter(~Q(entry__reversed_by__date__lte=day), received_on__lte=cutoff)
    taken = Funding.objects.filter(
        Q(allocation__date__lte=day) | Q(transfer_out__date__lte=day), receipt__received_on__lte=cutoff
    )
    if since is not None:
        receipts = receipts.filter(received_on__gte=since)
        taken = taken.filter(receipt__received_on__gte=since)
    received = _grouped(receipts, "fund__unit__path", units, received=Sum("amount"))
    taken = taken.exclude(receipt__entry__reversed_by__date__lte=day).exclude(released_by__date__lte=day)
    taken_by_unit = _grouped(taken, "fund__unit__path", units, taken=Sum("amount"))
    found = {
        u.pk: {"money_idle": received.get(u.pk, {}).get("received", 0) - taken_by_unit.get(u.pk, {}).get("taken", 0)}
        for u in units
    }
    return _fill(units, found, NAMES)


figure("idle_money", "money_idle", _(f"Tiền ủng hộ nằm quỹ quá {IDLE_DAYS} ngày chưa phân bổ"),
       f"Tổng các khoản ủng hộ vào quỹ của các đơn vị trong cây nhận trước ngày tính quá {IDLE_DAYS} ngày, chưa đảo, "
       "trừ phần các khoản phân bổ cho hộ, chuyển quỹ đã dùng (theo bảng nguồn tiền cố định khi phân bổ) đến ngày "
       "tính, không tính phần đã được trả lại do đảo bút toán.", unit="đồng")  # fmt: skip
