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

from .definitions import _fill, _grouped

NAMES = ("money_idle",)


@group("idle_money", _("Tiền nằm quỹ lâu chưa phân bổ"))
def idle_money(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    cutoff = p.as_of - dt.timedelta(days=IDLE_DAYS)
    live_on_day = ~Q(entry__reversed_by__date__lte=p.as_of)
    received = _grouped(
        Receipt.objects.filter(live_on_day, received_on__lte=cutoff), "fund__unit__path", units, received=Sum("amount")
    )
    taken = _grouped(
        Funding.objects.filter(
            Q(allocation__date__lte=p.as_of) | Q(transfer_out__date__lte=p.as_of),
            receipt__received_on__lte=cutoff,
        )
        .exclude(receipt__entry__reversed_by__date__lte=p.as_of)
        .exclude(released_by__date__lte=p.as_of),
        "fund__unit__path",
        units,
        taken=Sum("amount"),
    )
    found = {
        u.pk: {"money_idle": received.get(u.pk, {}).get("received", 0) - taken.get(u.pk, {}).get("taken", 0)}
        for u in units
    }
    return _fill(units, found, NAMES)


figure("idle_money", "money_idle", _(f"Tiền ủng hộ nằm quỹ quá {IDLE_DAYS} ngày chưa phân bổ"),
       f"Tổng các khoản ủng hộ vào quỹ của các đơn vị trong cây nhận trước ngày tính quá {IDLE_DAYS} ngày, chưa đảo, "
       "trừ phần các khoản phân bổ cho hộ, chuyển quỹ đã dùng (theo bảng nguồn tiền cố định khi phân bổ) đến ngày "
       "tính, không tính phần đã được trả lại do đảo bút toán.", unit="đồng")  # fmt: skip
