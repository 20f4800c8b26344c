"""The demo's 2025 reorganisation: from 01/07/2025 the district level is gone, Quảng Nam is part of Đà Nẵng
city, and Điện Bàn's 20 communes and wards are merged into six new ones. Committed through the same code path
as a published mapping typed into /sap-xep/ (plan.build, then services.commit), by the administrator: the
households, the users' roles, the funds' balances and the open complaints move to the new units, and the 2024
story stays on the units of its day.

The new units' names are the real ones; which old communes went into which is illustrative (the demo says
so in the reorganisation's title): the official composition is in the National Assembly Standing Committee's
resolution on Đà Nẵng's communes of June 2025. The residential areas are carried over whole under their new
ward or commune (an area named like one already there keeps its old commune's name in brackets).

Runs only on a demo day on or after the effective date; idempotent (nothing is added once it is recorded).
"""

from __future__ import annotations

from django.db import transaction

from chungtay.accounts.models import User
from chungtay.core import demo_clock
from chungtay.orgunits.demo import CITY_NAME, demo_town
from chungtay.orgunits.models import Level

from . import plan as reorg_plan
from .models import Reorganisation
from .services import commit

NUMBER = "202/2025/QH15"
TITLE = (
    "Sắp xếp đơn vị hành chính năm 2025: bỏ cấp huyện (Luật Tổ chức chính quyền địa phương số 72/2025/QH15), "
    "nhập tỉnh Quảng Nam vào thành phố Đà Nẵng; các phường, xã mới của Điện Bàn — thành phần minh họa (dữ liệu mẫu)"
)
# (new unit, kind, the old communes and wards it is made of): the names are the real ones, the composition
# illustrative.
NEW_UNITS: list[tuple[str, str, list[str]]] = [
    ("Điện Bàn", "phường", ["Vĩnh Điện", "Điện An", "Điện Minh", "Điện Phương"]),
    ("Điện Bàn Đông", "phường", ["Điện Nam Bắc", "Điện Nam Trung", "Điện Nam Đông", "Điện Dương"]),
    ("An Thắng", "phường", ["Điện Thắng Bắc", "Điện Thắng Trung", "Điện Thắng Nam"]),
    ("Điện Bàn Bắc", "phường", ["Điện Ngọc", "Điện Hòa"]),
    ("Điện Bàn Tây", "xã", ["Điện Hồng", "Điện Tiến", "Điện Thọ", "Điện Phước"]),
    ("Gò Nổi", "xã", ["Điện Phong", "Điện Trung", "Điện Quang"]),
]


def mapping_csv() -> str:
    """The mapping as the office would type it into /sap-xep/ (one row per new unit and old unit)."""
    rows = ["Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư", f"{CITY_NAME},thành phố,,Quảng Nam,toàn bộ,"]
    for new, kind, olds in NEW_UNITS:
        rows += [f"{new},{kind},{CITY_NAME},{old},toàn bộ," for old in olds]
    return "\n".join(rows) + "\n"


@transaction.atomic
def load_demo() -> dict[str, int]:
    if not demo_clock.after_reorganisation() or demo_town() is None:
        return {}
    existing = Reorganisation.objects.filter(number=NUMBER, effective_on=demo_clock.REORG_DAY).first()
    if existing is not None:
        return {"sắp xếp mới": 0, "thay đổi": existing.changes.count()}
    admin = User.objects.get(username="quantri")
    plan = reorg_plan.build(
        data=mapping_csv().encode("utf-8"),
        filename="sap-xep-2025-dien-ban.csv",
        effective_on=demo_clock.REORG_DAY,
        number=NUMBER,
        title=TITLE,
        removed_levels=[Level.DISTRICT],
    )
    if not plan.ok:
        raise RuntimeError("The demo's mapping does not build: " + "; ".join(str(e["message"]) for e in plan.errors))
    reorg = commit(actor=admin, plan=plan)
    # Entered on the day it took effect (the demo is loaded later; the list of changes shows this day).
    Reorganisation.objects.filter(pk=reorg.pk).update(created_at=demo_clock.at(demo_clock.REORG_DAY, 8))
    counts = plan.counts()
    return {
        "sắp xếp mới": 1,
        "đơn vị mới": counts["new_units"],
        "hộ chuyển": counts["households"],
        "phân quyền": counts["memberships"],
        "quỹ": counts["funds"],
        "thay đổi": reorg.changes.count(),
    }
