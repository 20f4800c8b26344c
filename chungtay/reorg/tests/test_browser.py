"""In a real browser: the office types in a reorganisation, checks it in a dry run, commits it; the
public town page as of 2024 shows the same figures as before, the household's public page its new
ward and where it was, and the new ward its predecessors' results."""

from __future__ import annotations

import re

import pytest

from chungtay.figures.testing import shown
from chungtay.orgunits.models import Level, OrgUnit, Role
from chungtay.reorg.models import HouseholdMove
from conftest import login, make_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
MAPPING = (
    "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
    "Đà Nẵng,thành phố,,Quảng Nam,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Vĩnh Điện,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Điện Hồng,toàn bộ,\n"
)


def test_office_imports_a_reorganisation_and_2024_stays_as_it_was(page, people, tree, house):
    make_user("tinh", tree.province, Role.OFFICE)
    households = [house(tree.area_a1), house(tree.area_a1), house(tree.area_b1)]
    login(page, "tinh")
    town_2024 = f"{page.base_url}/cong-khai/don-vi/{tree.town.pk}/?ngay=31/12/2024"
    page.goto(town_2024)
    before = shown(page.content(), unit=tree.town.pk)
    assert before.get("houses_planned") and before["houses_planned"][0] == 3

    page.goto(page.base_url + "/sap-xep/")
    page.fill("input[name=effective_on]", "01/07/2025")
    page.fill("input[name=number]", "1234/NQ-UBTVQH15")
    page.fill("textarea[name=text]", MAPPING + "Điện Bàn Bắc,làng,Đà Nẵng,Không Có,toàn bộ,\n")
    page.click("[data-testid=reorg-check]")
    assert "Loại đơn vị “làng” không có trong danh mục." in page.inner_text("[data-testid=reorg-errors]")
    page.fill("textarea[name=text]", MAPPING)
    page.click("[data-testid=reorg-check]")
    page.wait_for_selector("[data-testid=reorg-preview]")
    assert len(page.query_selector_all("[data-testid=reorg-households] tbody tr")) == 3
    assert not HouseholdMove.objects.exists()  # a dry run writes nothing
    page.click("[data-testid=reorg-commit]")
    page.wait_for_selector("[data-testid=reorg-review]")
    assert HouseholdMove.objects.count() == 3

    page.goto(town_2024)
    assert shown(page.content(), unit=tree.town.pk) == before
    page.goto(f"{page.base_url}/cong-khai/ho/{households[0].code}/")
    assert "Trước ngày 01/07/2025: Khối phố 1, phường Vĩnh Điện" in page.inner_text("[data-testid=moved-from]")
    assert "phường Điện Bàn" in page.inner_text("main")

    ward = OrgUnit.objects.get(name="Điện Bàn", level=Level.COMMUNE)
    page.goto(f"{page.base_url}/don-vi/{ward.pk}/")
    page.click("[data-testid=predecessors-history]")
    page.wait_for_selector("[data-testid=predecessors]")
    totals = [t.inner_text() for t in page.query_selector_all("[data-testid=total]")]
    assert re.sub(r"\D", "", totals[0]) == "3"
