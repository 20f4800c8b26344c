"""Housing fixtures on top of the shared tree: more residential areas, the NQ 13/2023 norms, the shared
household builder that goes through the service like a person would."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from chungtay.housing import services
from chungtay.housing.models import Category, SupportKind
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create
from chungtay.tests import builders

NQ13 = "Nghị quyết 13/2023/NQ-HĐND"
HOUSE = (Decimal("15.887000"), Decimal("108.251000"))


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def areas(tree):
    """Khối phố 1–2 in Vĩnh Điện, Thôn 1–2 in Điện Hồng."""
    a2 = unit_create(actor=None, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name="Khối phố 2")
    b2 = unit_create(actor=None, parent=tree.commune_b, level=Level.AREA, kind="thon", name="Thôn 2")
    return {"a1": tree.area_a1, "a2": a2, "b1": tree.area_b1, "b2": b2}


@pytest.fixture
def norms(db):
    common = {"programme": "Xóa nhà tạm 2023–2025", "legal_basis": NQ13, "valid_from": dt.date(2023, 1, 1),
              "valid_to": dt.date(2025, 12, 31)}  # fmt: skip
    categories = [Category.POOR, Category.NEAR_POOR, Category.POLICY]
    return {
        "new": services.norm_create(
            actor=None, kind=SupportKind.NEW, amount=60_000_000, categories=categories, **common
        ),
        "repair": services.norm_create(
            actor=None, kind=SupportKind.REPAIR, amount=30_000_000, categories=categories, **common
        ),
    }


@pytest.fixture
def make_household(norms):
    """make_household(area, name="Nguyễn Văn An", **fields): registered through the service
    (builders.registered_household), with contact details and the house's place on the map; the service
    numbers it unless `code` is given."""

    def make(area, name="Nguyễn Văn An", **extra):
        fields = {"citizen_id": "049062000999", "phone": "0905123456", "address_detail": "Tổ 3, đường Trần Phú",
                  "lat": HOUSE[0], "lon": HOUSE[1]}  # fmt: skip
        fields.update(extra)
        return builders.registered_household(area, head_name=name, **fields)

    return make
