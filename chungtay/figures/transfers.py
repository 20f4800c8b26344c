"""Money moved from one fund to another: at a reorganisation (an ended unit's balance goes to the new
unit's fund) or by any fund-to-fund transfer (issue 16).

A transfer moves cash between two funds and never passes through donations, allocations or fees, so
without these figures a unit's money does not add up: a city that took over the old town's balances
holds more cash than it received. With them every surface's money adds up, for a unit's subtree as
for one fund, on any day:

    received + transferred in − transferred out − allocated (paid or not) − fees = unallocated cash

For a unit's subtree only transfers that cross its border count: a transfer between two funds of the
subtree (the town's fund to a ward's) moves nothing in or out of it. A transfer undone by a reversing
entry stops counting on the reversal's date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import F, Q, Sum
from django.db.models.functions import Substr
from django.utils.translation import gettext_lazy as _

from chungtay.funds.models import Fund, Transfer
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import _fill, _scope

UNIT_NAMES = ("money_transferred_in", "money_transferred_out")
# A unit's side of a transfer: money comes in to the fund it manages, or goes out of it.
SIDES = {"money_transferred_in": ("to_fund", "from_fund"), "money_transferred_out": ("from_fund", "to_fund")}


def _net(day: dt.date) -> dict[str, Sum]:
    """Transfers dated up to `day`, less those whose reversing entry is dated up to `day`."""
    return {
        "moved": Sum("amount", filter=Q(date__lte=day)),
        "undone": Sum("amount", filter=Q(entry__reversed_by__date__lte=day)),
    }


@group("transfers", _("Chuyển tiền giữa các quỹ (kể cả khi sắp xếp đơn vị)"))
def transfers(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    if not units:
        return {}
    common, length, by_path = _scope(units)
    found: dict[int, dict[str, int]] = {}
    for name, (own, other) in SIDES.items():
        own_path, other_path = f"{own}__unit__path", f"{other}__unit__path"
        rows = (
            Transfer.objects.filter(**{f"{own_path}__startswith": common})
            .annotate(unit_prefix=Substr(own_path, 1, length), other_prefix=Substr(other_path, 1, length))
            .exclude(other_prefix=F("unit_prefix"))  # both funds inside the unit's subtree: nothing crossed
            .values("unit_prefix")
            .annotate(**_net(p.as_of))
            .order_by()
        )
        for row in rows:
            unit_id = by_path.get(row["unit_prefix"])
            if unit_id is not None:
                found.setdefault(unit_id, {})[name] = int(row["moved"] or 0) - int(row["undone"] or 0)
    return _fill(units, found, UNIT_NAMES)


T = "transfers"
OTHER = (
    "quỹ do đơn vị ngoài cây quản lý (kể cả quỹ của đơn vị cũ chuyển số dư sang khi sắp xếp đơn vị hành chính); "
    "chuyển giữa hai quỹ cùng trong cây không tính"
)
figure(T, "money_transferred_in", _("Nhận chuyển từ quỹ khác"),
       f"Tiền chuyển vào các quỹ do đơn vị trong cây quản lý từ {OTHER}. Theo ngày chuyển đến ngày tính, trừ khoản "
       "chuyển đã đảo đến ngày đó. Đã vận động vào quỹ + nhận chuyển từ quỹ khác − chuyển sang quỹ khác − đã phân bổ "
       "cho hộ (gồm đã chi) − phí ngân hàng, chi khác = tồn quỹ chưa phân bổ.", unit="đồng")  # fmt: skip
figure(T, "money_transferred_out", _("Chuyển sang quỹ khác"),
       f"Tiền các quỹ do đơn vị trong cây quản lý chuyển sang {OTHER}. Theo ngày chuyển đến ngày tính, trừ khoản "
       "chuyển đã đảo đến ngày đó.", unit="đồng")  # fmt: skip


# --- One fund ------------------------------------------------------------------------------------
FUND_NAMES = ("fund_transferred_in", "fund_transferred_out")


@group("fund_transfers", _("Chuyển tiền giữa các quỹ: của một quỹ"))
def fund_transfers(funds: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    # Asked for units (a walk of every figure for a unit), a fund figure has nothing to say: zeros.
    ids = sorted(f.pk for f in funds if isinstance(f, Fund))
    out = {pk: dict.fromkeys(FUND_NAMES, 0) for pk in ids}
    if not ids:
        return out
    for name, key in (("fund_transferred_in", "to_fund_id"), ("fund_transferred_out", "from_fund_id")):
        rows = Transfer.objects.filter(**{f"{key}__in": ids}).values(key).annotate(**_net(p.as_of)).order_by()
        for row in rows:
            out[row[key]][name] = int(row["moved"] or 0) - int(row["undone"] or 0)
    return out


FT = "fund_transfers"
figure(FT, "fund_transferred_in", _("Quỹ này nhận chuyển từ quỹ khác"),
       "Tiền chuyển vào quỹ này từ bất kỳ quỹ nào khác (kể cả khi sắp xếp đơn vị), theo ngày chuyển đến ngày tính, "
       "trừ khoản chuyển đã đảo. Quỹ này đã nhận ủng hộ + nhận chuyển − chuyển đi − đã phân bổ cho hộ (gồm đã chi) "
       "− phí = tồn quỹ này chưa phân bổ.", unit="đồng")  # fmt: skip
figure(FT, "fund_transferred_out", _("Quỹ này chuyển sang quỹ khác"),
       "Tiền quỹ này chuyển sang bất kỳ quỹ nào khác (kể cả khi sắp xếp đơn vị), theo ngày chuyển đến ngày tính, "
       "trừ khoản chuyển đã đảo.", unit="đồng")  # fmt: skip
