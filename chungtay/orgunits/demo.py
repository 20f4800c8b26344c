"""The Điện Bàn 2024 demo: the units of shared/data/dien-ban-2024-units.csv, 7 placeholder
residential areas per commune-level unit, member organisations, and the units and roles of one
fictional user per role (DEMO_USERS; `accounts.demo` makes the people, above this app).

Idempotent: it goes through the same import and services a person would use, and every step
first looks for what is already there.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from chungtay.core import cells, demo_clock
from chungtay.core.errors import DomainError
from chungtay.core.models import ImportBatch, ImportStatus

from .imports import commit_unit_import, plan_unit_import
from .models import Kind, Level, MemberOrganisation, MemberOrgKind, Membership, OrgUnit, Role, UnitSuccession
from .selectors import active_on
from .services import member_org_add

if TYPE_CHECKING:
    from chungtay.accounts.models import User

UNITS_CSV = Path(__file__).parent / "data" / "dien-ban-2024-units.csv"
AREAS_PER_UNIT = 7
DEMO_PASSWORD = "ChungTay@2024"  # noqa: S105 - printed by `make run`; demo only


TOWN_NAME = "Điện Bàn"
PROVINCE_NAME = "Quảng Nam"


def demo_town() -> OrgUnit | None:
    """The 2024 town (thị xã Điện Bàn) the demo's movement is issued by, found by its kind rather than
    its level, so the lookups do not assume a district level (after the 2025 reorganisation a
    phường Điện Bàn also exists, directly under the city)."""
    return OrgUnit.objects.filter(name=TOWN_NAME, kind=Kind.TOWN).order_by("path").first()


CITY_NAME = "Đà Nẵng"


def demo_city() -> OrgUnit | None:
    """Đà Nẵng city, the top of the demo's map from 01/07/2025 (chungtay.reorg.demo makes it; None before)."""
    return OrgUnit.objects.filter(name=CITY_NAME, kind=Kind.CITY, level=Level.PROVINCE).order_by("path").first()


def new_communes() -> list[OrgUnit]:
    """The wards and communes the 2025 reorganisation made of Điện Bàn's, in the order of the mapping."""
    city = demo_city()
    if city is None:
        return []
    return list(OrgUnit.objects.filter(parent=city, level=Level.COMMUNE).order_by("valid_from", "pk"))


def successor(old: OrgUnit) -> OrgUnit | None:
    """The new unit that took `old` over on the reorganisation (None if it has not been reorganised)."""
    link = UnitSuccession.objects.filter(predecessor=old).select_related("successor").order_by("pk").first()
    return link.successor if link else None


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    position: str
    role: str
    unit_name: str  # the province, the town, one of its communes, or an area of Vĩnh Điện (`area`)
    area: bool = False


# Fictional people; none of these names belongs to a real official or household.
DEMO_USERS = [
    DemoUser("quantri", "Quản trị hệ thống", "Quản trị viên", Role.ADMIN, TOWN_NAME),
    DemoUser("vanphong", "Trần Thị Minh Hạnh", "Chuyên viên Văn phòng", Role.OFFICE, TOWN_NAME),
    DemoUser("chutich", "Lê Văn Khánh", "Chủ tịch Ủy ban MTTQ thị xã", Role.BOARD, TOWN_NAME),
    # The province's office reviews the town's own self-assessment (the district level's criteria set).
    DemoUser(
        "quangnam",
        "Trương Thị Bích Ngọc",
        "Chuyên viên Văn phòng Ủy ban MTTQ tỉnh",
        Role.OFFICE,
        PROVINCE_NAME,
    ),
    DemoUser(
        "vinhdien",
        "Nguyễn Thị Thu Trang",
        "Phó Chủ tịch MTTQ phường",
        Role.UNIT_STAFF,
        "Vĩnh Điện",
    ),
    DemoUser("dienhong", "Phạm Văn Lộc", "Phó Chủ tịch MTTQ xã", Role.UNIT_STAFF, "Điện Hồng"),
    DemoUser("khoipho1", "Võ Thị Lan", "Trưởng Ban Công tác Mặt trận", Role.AREA_BOARD, "Khối phố 1", area=True),
    DemoUser(
        "thanhtra",
        "Đặng Quốc Bảo",
        "Ủy viên Ban Thanh tra nhân dân",
        Role.INSPECTOR,
        TOWN_NAME,
    ),
]

MEMBER_ORGS = [
    (MemberOrgKind.WOMEN, "Hội Liên hiệp Phụ nữ"),
    (MemberOrgKind.FARMERS, "Hội Nông dân"),
    (MemberOrgKind.VETERANS, "Hội Cựu chiến binh"),
    (MemberOrgKind.YOUTH, "Đoàn Thanh niên Cộng sản Hồ Chí Minh"),
    (MemberOrgKind.LABOUR, "Liên đoàn Lao động"),
]


def demo_units_csv() -> str:
    """The shared CSV plus the placeholder areas, as one file in the same format."""
    source = UNITS_CSV.read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(source)))
    out = io.StringIO()
    writer = cells.csv_writer(out, lineterminator="\n")
    writer.writerow(["level", "kind", "name", "parent"])
    for row in rows:
        writer.writerow([row["level"], row["kind"], row["name"], row["parent"]])
    for row in rows:
        if row["level"] != "commune":
            continue
        area_kind, prefix = ("khối phố", "Khối phố") if row["kind"] == "phường" else ("thôn", "Thôn")
        for i in range(1, AREAS_PER_UNIT + 1):
            writer.writerow(["area", area_kind, f"{prefix} {i}", row["name"]])
    return out.getvalue()


def demo_unit(spec: DemoUser, town: OrgUnit) -> OrgUnit:
    """A demo user's unit: the province, the town, a commune of the town, or an area of Vĩnh Điện."""
    if spec.unit_name == PROVINCE_NAME:
        return OrgUnit.objects.get(pk=town.parent_id)
    if spec.unit_name == TOWN_NAME and not spec.area:
        return town
    commune = OrgUnit.objects.get(parent=town, name="Vĩnh Điện" if spec.area else spec.unit_name)
    return OrgUnit.objects.get(parent=commune, name=spec.unit_name) if spec.area else commune


def current_logins() -> list[tuple[str, str, str, str]]:
    """(username, full name, role, units) of each demo user, with the units in force on the demo's day: after
    the 2025 reorganisation the new units the mapping gave them (their old units stay readable, not listed)."""
    day = demo_clock.demo_day()
    rows = []
    for spec in DEMO_USERS:
        memberships = Membership.objects.filter(
            user__username=spec.username, unit__in=active_on(OrgUnit.objects.all(), day)
        ).select_related("unit__parent", "user")
        units = ", ".join(sorted({m.unit.full_title for m in memberships})) or spec.unit_name
        role = str(Role(spec.role).label)
        rows.append((spec.username, spec.full_name, role, units))
    return rows


@transaction.atomic
def load_units(*, actor: User) -> dict[str, int]:
    """The units and their member organisations, imported and added by `actor` (the demo's administrator)."""
    data = demo_units_csv().encode("utf-8")
    plan = plan_unit_import(data=data, filename="dien-ban-2024-units-demo.csv", user=actor)
    if not plan.ok:
        errors = "; ".join(str(e["message"]) for e in plan.errors[:5])
        raise DomainError(_("Các đơn vị mẫu không nhập được: %(errors)s") % {"errors": errors})
    created = plan.counts()["create"]
    if created:
        batch = ImportBatch(
            kind="orgunits", file_name="dien-ban-2024-units-demo.csv", sha256=hashlib.sha256(data).hexdigest(),
            size=len(data), status=ImportStatus.CHECKED, created_by=actor,
        )  # fmt: skip
        batch.file.save(batch.file_name, ContentFile(data), save=False)
        batch.save()
        commit_unit_import(actor=actor, batch=batch)

    town = demo_town()
    assert town is not None  # the import above made it
    for unit in [town, *OrgUnit.objects.filter(parent=town)]:
        for kind, name in MEMBER_ORGS:
            if not MemberOrganisation.objects.filter(unit=unit, name=name).exists():
                member_org_add(actor=actor, unit=unit, kind=kind, name=name)
    return {"đơn vị": OrgUnit.objects.filter(path__startswith=town.path).count(), "mới tạo": created}
