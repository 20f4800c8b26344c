"""A reorganisation like 2025's on the shared tree: Quảng Nam into Đà Nẵng city, the district level
removed, Vĩnh Điện and Điện Hồng merged into one ward; checked in a dry run, then committed."""

from __future__ import annotations

import datetime as dt

import pytest

from chungtay.core.errors import DomainError
from chungtay.funds.models import Account, AccountKind, Fund, Transfer
from chungtay.housing.models import Household
from chungtay.orgunits.forms import level_for_child
from chungtay.orgunits.models import Level, Membership, OrgUnit, Role, SuccessionKind, UnitSuccession
from chungtay.orgunits.services import unit_create
from chungtay.reorg import services
from chungtay.reorg.models import Change, ChangeKind, HouseholdMove
from chungtay.reorg.plan import build
from chungtay.tallies import catalogue
from conftest import make_user

D = dt.date
DAY = D(2025, 7, 1)
MAPPING = (
    "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
    "Đà Nẵng,thành phố,,Quảng Nam,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Vĩnh Điện,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Điện Hồng,toàn bộ,\n"
)


@pytest.fixture
def province_office(tree):
    return make_user("tinh", tree.province, Role.OFFICE)


def plan_of(text: str = MAPPING, **kw):
    return build(data=text.encode(), filename="phuong-an.csv", effective_on=kw.pop("day", DAY),
                 number="1234/NQ-UBTVQH15", title="Sắp xếp đơn vị hành chính cấp xã",
                 removed_levels=kw.pop("removed", [Level.DISTRICT]), **kw)  # fmt: skip


def test_dry_run_lists_what_moves_and_writes_nothing(tree, people, scenario):
    units_before = OrgUnit.objects.count()
    plan = plan_of()
    assert plan.ok, plan.errors
    links = {(link.old.name, link.new.name, link.kind) for link in plan.links}
    assert ("Quảng Nam", "Đà Nẵng", SuccessionKind.RENAME) in links
    assert ("Điện Bàn", "Đà Nẵng", SuccessionKind.ABOLISH) in links
    assert ("Vĩnh Điện", "Điện Bàn", SuccessionKind.MERGE) in links
    assert ("Khối phố 1", "Khối phố 1", SuccessionKind.TRANSFER) in links
    assert {h.code for h, _old, _new in plan.households} == {h.code for h in scenario.houses}
    roles = {(m.user.username, m.unit.name, new.name) for m, new in plan.memberships}
    assert ("office", "Điện Bàn", "Đà Nẵng") in roles  # the town office: its town's level is removed
    assert {f.code for f, _balance, _new in plan.funds} == {"vnn-sl", "vd-sl"}
    assert OrgUnit.objects.count() == units_before
    assert not HouseholdMove.objects.exists()


def test_commit_moves_households_roles_and_money_and_keeps_the_old_units(tree, people, scenario, province_office):
    fund_cash = Account.objects.get(kind=AccountKind.FUND_CASH, fund=scenario.commune_fund).balance
    reorg = services.commit(actor=province_office, plan=plan_of())
    city = OrgUnit.objects.get(name="Đà Nẵng", valid_from=DAY)
    ward = OrgUnit.objects.get(name="Điện Bàn", level=Level.COMMUNE)
    assert ward.parent == city and city.parent is None  # three levels: city → ward → area
    new_area = OrgUnit.objects.get(parent=ward, name="Khối phố 1")
    for unit in (tree.province, tree.town, tree.commune_a, tree.area_a1):
        unit.refresh_from_db()
        assert unit.valid_to == DAY - dt.timedelta(days=1)
    h1 = Household.objects.get(pk=scenario.houses[0].pk)
    assert h1.area == new_area and h1.code == scenario.houses[0].code
    move = HouseholdMove.objects.get(household=h1)
    assert (move.from_area, move.moved_on, move.reorganisation) == (tree.area_a1, DAY, reorg)
    assert Membership.objects.filter(user=people.town_office, unit=city, role=Role.OFFICE).exists()
    assert Membership.objects.filter(user=people.town_office, unit=tree.town).exists()  # history readable
    assert UnitSuccession.objects.filter(predecessor=tree.commune_b, successor=ward, kind=SuccessionKind.MERGE).exists()
    # The commune fund's cash went by a transfer entry to a fund of the new ward.
    transfer = Transfer.objects.get(from_fund=scenario.commune_fund)
    assert transfer.amount == fund_cash and transfer.to_fund.unit == ward and transfer.date == DAY
    assert Account.objects.get(kind=AccountKind.FUND_CASH, fund=scenario.commune_fund).balance == 0
    assert Fund.objects.filter(unit=ward).count() == 1
    assert Change.objects.filter(reorganisation=reorg, kind=ChangeKind.MEMBERSHIP).exists()


def test_a_town_office_may_not_reorganise_its_province(tree, people):
    with pytest.raises(DomainError, match="không có quyền"):
        services.commit(actor=people.town_office, plan=plan_of())
    assert not OrgUnit.objects.filter(valid_from=DAY).exists()


@pytest.mark.parametrize("day", [D(2024, 4, 30), D(2024, 6, 30), D(2024, 12, 31), D(2025, 6, 30)])
def test_figures_before_the_reorganisation_are_unchanged_by_it(tree, people, scenario, province_office, day):
    units = [tree.province, tree.town, tree.commune_a, tree.commune_b, tree.area_a1, tree.area_b1]
    before = {u.pk: catalogue.for_unit(u, as_of=day).group("houses") | catalogue.for_unit(u, as_of=day).group("money")
              for u in units}  # fmt: skip
    services.commit(actor=province_office, plan=plan_of())
    after = {u.pk: catalogue.for_unit(u, as_of=day).group("houses") | catalogue.for_unit(u, as_of=day).group("money")
             for u in units}  # fmt: skip
    assert before == after
    assert before[tree.commune_a.pk]["houses_planned"] > 0


def test_new_ward_counts_its_households_after_the_date(tree, people, scenario, province_office):
    services.commit(actor=province_office, plan=plan_of())
    ward = OrgUnit.objects.get(name="Điện Bàn", level=Level.COMMUNE)
    figures = catalogue.for_unit(ward, as_of=D(2025, 7, 2))
    assert figures["houses_planned"] == catalogue.for_unit(tree.town, as_of=D(2025, 6, 30))["houses_planned"]
    assert catalogue.for_unit(tree.commune_a, as_of=D(2025, 7, 2))["houses_planned"] == 0


def test_errors_name_the_row_and_column(tree, people):
    plan = plan_of(
        "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
        "Điện Bàn,phường,Quảng Nam,Vĩnh Điện,toàn bộ,\n"
        "Điện Bàn,phường,Quảng Nam,Không Có,toàn bộ,\n"
        "Điện Bàn Bắc,làng,Quảng Nam,Điện Hồng,toàn bộ,\n"
    )
    assert not plan.ok
    messages = {(e["row"], e["field"]) for e in plan.errors}
    assert (4, "Loại") in messages


def test_partial_transfer_goes_area_by_area(tree, people, house, province_office):
    area2 = unit_create(actor=None, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name="Khối phố 2")
    h = house(area2)
    text = (
        "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
        "Điện Bàn,phường,Quảng Nam,Vĩnh Điện,một phần,Khối phố 1\n"
        "Điện Bàn Bắc,phường,Quảng Nam,Vĩnh Điện,một phần,Khối phố 2\n"
    )
    plan = plan_of(text, removed=[])
    assert plan.ok, plan.errors
    services.commit(actor=province_office, plan=plan)
    h.refresh_from_db()
    assert h.area.parent.name == "Điện Bàn Bắc"
    assert h.area.parent.parent == tree.province
    missing = plan_of(text.rsplit("\n", 2)[0] + "\n", removed=[], day=D(2026, 1, 1))
    assert not missing.ok


def test_three_levels_work_after_the_district_level_is_removed(tree, people, scenario, province_office):
    services.commit(actor=province_office, plan=plan_of())
    city = OrgUnit.objects.get(name="Đà Nẵng", valid_from=DAY)
    ward = OrgUnit.objects.get(name="Điện Bàn", level=Level.COMMUNE)
    assert level_for_child(city) == Level.COMMUNE  # a new child of the city is a commune, not a district
    children = dict(catalogue.for_children(city, as_of=D(2025, 7, 2)))
    assert children[ward]["houses_planned"] == catalogue.for_unit(city, as_of=D(2025, 7, 2))["houses_planned"] > 0
