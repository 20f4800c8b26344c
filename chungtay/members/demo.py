"""Demo: the member organisations of the town and of two communes register for the demo movement and
report results; a few households of Vĩnh Điện and Điện Hồng receive workdays and materials. Every date is
a date of the 2024 story (core.demo_clock) and is recorded only once it has come; each contribution is
given after its household was approved."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction

from chungtay.accounts.models import User
from chungtay.campaigns.demo import SYMBOL
from chungtay.campaigns.models import Movement
from chungtay.core.demo_clock import d as D
from chungtay.core.demo_clock import happened
from chungtay.housing.models import Household, Status
from chungtay.orgunits.demo import demo_town
from chungtay.orgunits.models import Level, MemberOrganisation, MemberOrgKind, OrgUnit

from . import services
from .models import InKindContribution, MemberOrgRegistration

COMMITMENTS: dict[str, str] = {
    MemberOrgKind.WOMEN: "Vận động hội viên góp ngày công, tiết kiệm giúp hội viên nghèo sửa, xây nhà.",
    MemberOrgKind.FARMERS: "Góp vật liệu (cát, đá, gạch) và ngày công cho các hộ nông dân nghèo.",
    MemberOrgKind.VETERANS: "Mỗi chi hội nhận giúp ít nhất một hộ cựu chiến binh khó khăn về nhà ở.",
    MemberOrgKind.YOUTH: "Thanh niên tình nguyện góp ngày công tháo dỡ nhà cũ, vận chuyển vật liệu.",
    MemberOrgKind.LABOUR: "Vận động công nhân, viên chức ủng hộ ngày lương và ngày công.",
}
RESULTS: dict[str, str] = {
    MemberOrgKind.WOMEN: "Đã góp ngày công và vận động vật liệu cho các hộ hội viên nghèo theo đăng ký.",
    MemberOrgKind.YOUTH: "Đã tổ chức các đợt tình nguyện tháo dỡ nhà cũ, vận chuyển vật liệu.",
}
# (commune, household index in the commune by code, giver kind, member organisation kind, giver name,
#  kind, description, quantity, measure, value, story day)
CONTRIBUTIONS = [
    ("Vĩnh Điện", 0, "member_org", MemberOrgKind.YOUTH, "", "labour", "Tháo dỡ nhà cũ, vận chuyển vật liệu",
     Decimal(24), "", 7_200_000, (5, 10)),
    ("Vĩnh Điện", 0, "donor", None, "Cửa hàng VLXD Phước Thành", "material", "Xi măng PCB40", Decimal(60), "bao",
     5_400_000, (5, 20)),
    ("Vĩnh Điện", 1, "member_org", MemberOrgKind.WOMEN, "", "labour", "Công phụ hồ", Decimal("12.5"), "",
     3_750_000, (6, 15)),
    ("Vĩnh Điện", 1, "residents", None, "Nhân dân Khối phố 1", "material", "Tôn lợp mạ màu", Decimal(40), "tấm",
     6_000_000, (8, 5)),
    ("Điện Hồng", 0, "member_org", MemberOrgKind.FARMERS, "", "material", "Cát xây", Decimal(8), "m³",
     2_400_000, (6, 1)),
    ("Điện Hồng", 0, "member_org", MemberOrgKind.VETERANS, "", "labour", "Đổ móng, xây tường", Decimal(18), "",
     5_400_000, (7, 12)),
]  # fmt: skip
USERS = {"Vĩnh Điện": "vinhdien", "Điện Hồng": "dienhong"}


def _orgs(unit: OrgUnit) -> dict[str, MemberOrganisation]:
    return {o.kind: o for o in MemberOrganisation.objects.filter(unit=unit)}


@transaction.atomic
def load_demo() -> dict[str, int]:
    town = demo_town()
    movement = Movement.objects.filter(issuing_unit=town, symbol=SYMBOL).first() if town else None
    if movement is None or MemberOrgRegistration.objects.filter(movement=movement).exists():
        return _counts(movement)
    office = User.objects.get(username="vanphong")
    communes = {name: OrgUnit.objects.get(name=name, level=Level.COMMUNE) for name in USERS}
    # The town's organisations register with the town office; the communes' with their own staff.
    registrants = [(town, office, D(2024, 3, 22)), *((communes[n], User.objects.get(username=u), D(2024, 3, 27))
                                                     for n, u in USERS.items())]  # fmt: skip
    for unit, actor, registered_on in registrants:
        if not happened(registered_on):
            continue
        for kind, org in _orgs(unit).items():
            reg = services.member_org_register(
                actor=actor,
                movement=movement,
                member_org=org,
                commitments=COMMITMENTS[kind],
                registered_on=registered_on,
            )
            if kind in RESULTS and happened(D(2024, 9, 30)):
                services.member_org_results_report(
                    actor=actor, registration=reg, results=RESULTS[kind], results_on=D(2024, 9, 30)
                )
    for commune, index, giver, org_kind, name, kind, text, qty, measure, value, (month, day) in CONTRIBUTIONS:
        given_on = D(2024, month, day)
        households = list(
            Household.objects.filter(area__parent=communes[commune], decision_date__lte=given_on)
            .exclude(status=Status.WITHDRAWN)
            .select_related("area")
            .order_by("code")
        )
        if not happened(given_on) or len(households) <= index:
            continue
        household = households[index]
        data = services.InKindData(
            unit=None, household=household, movement=movement if given_on >= movement.issued_on else None,
            giver_kind=giver, member_org=_orgs(communes[commune]).get(org_kind) if org_kind else None,
            giver_name=name, kind=kind, description=text, quantity=qty, measure=measure, value=value,
            given_on=given_on,
        )  # fmt: skip
        services.in_kind_record(actor=User.objects.get(username=USERS[commune]), data=data)
    return _counts(movement)


def _counts(movement: Movement | None) -> dict[str, int]:
    return {
        "tổ chức thành viên đăng ký": MemberOrgRegistration.objects.filter(movement=movement).count(),
        "đóng góp hiện vật": InKindContribution.objects.count(),
    }
