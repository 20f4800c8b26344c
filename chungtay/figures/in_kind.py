"""In-kind help (ngày công lao động, vật liệu): what a subtree and one household received in kind, as of a date.

Kept apart from the money figures: an in-kind contribution is never in the ledger, and its labels say
"hiện vật, ngày công" and "giá trị quy đổi", so nobody adds it to the cash by mistake. A contribution
counts for the unit it was recorded at (the household's residential area when it is for a household)
from the day it was given. It counts whatever the movement or phase year asked for: in-kind help is
not split by movement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Q, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext_lazy as _

from chungtay.housing.models import Household
from chungtay.members.models import GiverKind, InKindContribution, InKindKind
from chungtay.tallies.catalogue import FigureSet, Params, figure, for_items, group

from .definitions import _fill, _grouped

IN_KIND_NAMES = ("in_kind_value", "in_kind_materials_value", "in_kind_workdays", "in_kind_member_org_value")
LABOUR = Q(kind=InKindKind.LABOUR)


@group("in_kind", "Đóng góp hiện vật, ngày công (không phải tiền mặt)")
def in_kind(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    rows = InKindContribution.objects.filter(given_on__lte=p.as_of)
    found = _grouped(
        rows, "unit__path", units,
        in_kind_value=Sum("value"),
        in_kind_materials_value=Sum("value", filter=~LABOUR),
        in_kind_workdays=Round(Sum("quantity", filter=LABOUR)),
        in_kind_member_org_value=Sum("value", filter=Q(giver_kind=GiverKind.MEMBER_ORG)),
    )  # fmt: skip
    return _fill(units, found, IN_KIND_NAMES)


IK = "in_kind"
IKS = "Đóng góp hiện vật, ngày công ghi nhận tại các đơn vị trong cây (hộ thuộc khu dân cư trong cây), ngày đóng góp"
figure(IK, "in_kind_value", _("Giá trị hiện vật, ngày công quy đổi"),
       f"{IKS} không sau ngày tính: tổng giá trị quy đổi đã thống nhất (đồng). Không phải tiền mặt, "
       "không có trong sổ quỹ, không cộng vào tiền vận động.", unit="đồng")  # fmt: skip
figure(IK, "in_kind_materials_value", _("Giá trị vật liệu, hiện vật quy đổi"),
       f"{IKS} không sau ngày tính, loại vật liệu xây dựng và hiện vật khác: tổng giá trị quy đổi (đồng).",
       unit="đồng")  # fmt: skip
figure(IK, "in_kind_workdays", _("Ngày công lao động đóng góp"),
       f"{IKS} không sau ngày tính, loại ngày công lao động: tổng số ngày công (làm tròn).",
       unit="ngày công")  # fmt: skip
figure(IK, "in_kind_member_org_value", _("Giá trị hiện vật, ngày công do tổ chức thành viên đóng góp"),
       "Như `in_kind_value`, chỉ tính phần do các tổ chức thành viên (Hội Phụ nữ, Hội Nông dân …) đóng góp.",
       unit="đồng")  # fmt: skip


# --- One household ---------------------------------------------------------------------------------
HOUSEHOLD_IN_KIND = ("household_in_kind_value", "household_in_kind_workdays")


@group("household_in_kind", "Hiện vật, ngày công một hộ đã nhận")
def household_in_kind(households: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    ids = sorted(h.pk for h in households if isinstance(h, Household))
    out = {pk: dict.fromkeys(HOUSEHOLD_IN_KIND, 0) for pk in ids}
    if not ids:
        return out
    rows = InKindContribution.objects.filter(household_id__in=ids, given_on__lte=p.as_of).values("household_id")
    for row in rows.annotate(v=Sum("value"), w=Round(Sum("quantity", filter=LABOUR))).order_by():
        out[row["household_id"]] = {
            "household_in_kind_value": int(row["v"] or 0), "household_in_kind_workdays": int(row["w"] or 0),
        }  # fmt: skip
    return out


figure("household_in_kind", "household_in_kind_value", _("Hộ đã nhận hiện vật, ngày công (giá trị quy đổi)"),
       "Tổng giá trị quy đổi (đồng) của hiện vật, vật liệu và ngày công đóng góp cho hộ, ngày đóng góp không sau "
       "ngày tính. Không phải tiền mặt: không cộng vào `household_received`.", unit="đồng")  # fmt: skip
figure("household_in_kind", "household_in_kind_workdays", _("Ngày công lao động đóng góp cho hộ"),
       "Tổng số ngày công lao động đóng góp cho hộ (làm tròn), ngày đóng góp không sau ngày tính.",
       unit="ngày công")  # fmt: skip


def for_household(household: Any, *, as_of: dt.date | None = None) -> FigureSet:
    return for_items([household], as_of=as_of)[household.pk]
