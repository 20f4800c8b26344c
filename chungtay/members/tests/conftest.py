"""The shared builders: the campaigns tests' movement on a fixed day (and its clock), the figures tests'
norm and households, and a member organisation of each commune."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chungtay.campaigns.tests.conftest import TODAY, day, launched, media, movement, on_fixed_day, pdf  # noqa: F401
from chungtay.figures.tests.conftest import house, norm  # noqa: F401
from chungtay.members import services
from chungtay.orgunits.models import MemberOrgKind
from chungtay.orgunits.services import member_org_add


@pytest.fixture
def women_a(tree, people):
    return member_org_add(actor=people.town_office, unit=tree.commune_a, kind=MemberOrgKind.WOMEN,
                         name="Hội Liên hiệp Phụ nữ phường Vĩnh Điện")  # fmt: skip


@pytest.fixture
def farmers_b(tree, people):
    return member_org_add(actor=people.town_office, unit=tree.commune_b, kind=MemberOrgKind.FARMERS,
                          name="Hội Nông dân xã Điện Hồng")  # fmt: skip


def in_kind(**overrides) -> services.InKindData:
    """One contribution's data: 50 bags of cement worth 4,500,000 đ, given 10 days before TODAY."""
    values = {
        "unit": None, "household": None, "movement": None, "giver_kind": "donor", "member_org": None,
        "giver_name": "Công ty Vật liệu Điện Bàn", "kind": "material", "description": "Xi măng PCB40",
        "quantity": Decimal(50), "measure": "bao", "value": 4_500_000, "given_on": TODAY - dt.timedelta(days=10),
    }  # fmt: skip
    values.update(overrides)
    return services.InKindData(**values)
