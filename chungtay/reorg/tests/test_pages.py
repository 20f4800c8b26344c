"""The office's pages: the mapping typed in, the dry run, the commit and the review list."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine

from chungtay.orgunits.models import Level, OrgUnit, Role
from chungtay.reorg.models import Change, ChangeKind, Reorganisation
from conftest import make_user

MAPPING = (
    "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
    "Đà Nẵng,thành phố,,Quảng Nam,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Vĩnh Điện,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Điện Hồng,toàn bộ,\n"
)
FORM = {"effective_on": "01/07/2025", "number": "1234/NQ-UBTVQH15", "remove_district": "on", "text": MAPPING}


@pytest.fixture
def office(client, tree, people):
    user = make_user("tinh", tree.province, Role.OFFICE)
    client.force_login(user)
    return user


def test_dry_run_page_lists_the_changes_and_writes_nothing(client, office):
    response = client.post("/sap-xep/", FORM | {"action": "check"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'data-testid="reorg-preview"' in page and 'data-testid="reorg-commit"' in page
    assert "Bỏ cấp" in page and "Sáp nhập" in page
    assert not Reorganisation.objects.exists() and not OrgUnit.objects.filter(name="Đà Nẵng").exists()


def test_commit_from_the_page_then_review_a_role(client, office, people):
    response = client.post("/sap-xep/", FORM | {"action": "commit"})
    reorg = Reorganisation.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sap-xep/{reorg.pk}/"
    assert OrgUnit.objects.filter(name="Điện Bàn", level=Level.COMMUNE, parent__name="Đà Nẵng").exists()
    page = client.get(f"/sap-xep/{reorg.pk}/").content.decode()
    assert "Rà soát phân quyền" in page and "Đà Nẵng" in page
    change = Change.objects.filter(reorganisation=reorg, kind=ChangeKind.MEMBERSHIP).first()
    client.post(f"/sap-xep/{reorg.pk}/ra-soat/{change.pk}/")
    change.refresh_from_db()
    assert change.reviewed_by == office


def test_a_bad_row_is_named_and_nothing_is_written(client, office):
    bad = MAPPING + "Điện Bàn Bắc,làng,Đà Nẵng,Không Có,toàn bộ,\n"
    page = client.post("/sap-xep/", FORM | {"text": bad, "action": "commit"}).content.decode()
    assert 'data-testid="reorg-errors"' in page and "Loại đơn vị “làng” không có trong danh mục." in page
    assert not Reorganisation.objects.exists()


def test_a_commune_officer_may_not_open_the_page(client, people):
    client.force_login(people.commune_a_staff)
    assert client.get("/sap-xep/").status_code == 403


def test_public_page_shows_a_moved_household_under_its_new_ward_and_where_it_was(client, office, house, tree):
    household = house(tree.area_a1)
    client.post("/sap-xep/", FORM | {"action": "commit"})
    client.logout()
    page = client.get(f"/cong-khai/ho/{household.code}/").content.decode()
    assert "phường Điện Bàn" in page
    assert "Trước ngày 01/07/2025: Khối phố 1, phường Vĩnh Điện" in page and "1234/NQ-UBTVQH15" in page


def test_new_ward_shows_its_predecessors_history_summed(client, office, house, tree):
    for area in (tree.area_a1, tree.area_a1, tree.area_b1):
        house(area)
    client.post("/sap-xep/", FORM | {"action": "commit"})
    ward = OrgUnit.objects.get(name="Điện Bàn", level=Level.COMMUNE)
    detail = client.get(f"/don-vi/{ward.pk}/").content.decode()
    assert f"/sap-xep/don-vi/{ward.pk}/don-vi-cu/" in detail
    with time_machine.travel(dt.date(2025, 8, 1)):
        page = client.get(f"/sap-xep/don-vi/{ward.pk}/don-vi-cu/?ngay=31/07/2025").content.decode()
    assert "phường Vĩnh Điện" in page and "xã Điện Hồng" in page and "30/06/2025" in page
    totals = re.findall(r'data-testid="total">([^<]*)<', page)
    assert totals[0] == "3"  # 2 households of Vĩnh Điện + 1 of Điện Hồng, as of 30/06/2025
