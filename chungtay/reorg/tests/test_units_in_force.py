"""After a reorganisation the current screens work on the units in force, the old ones on their days.

Vĩnh Điện becomes phường Điện Bàn Bắc under the town, which stays: the town then has an ended child
and a new one side by side. Each surface — the staff dashboard, the public unit page, the public API
and the Excel table — lists the town's children in force on the day asked, with the same figures;
a person keeps reading their old unit's history but works, and writes, on the new one."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from chungtay.accounts import services as accounts
from chungtay.core import dates
from chungtay.core.access import has_perm
from chungtay.core.errors import DomainError
from chungtay.figures.testing import shown
from chungtay.funds import services as funds
from chungtay.funds.models import Channel, FundKind
from chungtay.orgunits.models import Level, Membership, OrgUnit
from chungtay.orgunits.selectors import children_with_counts, top_units_for
from chungtay.reorg import services
from chungtay.reorg.models import Change, ChangeKind
from chungtay.reorg.plan import build
from chungtay.reports.exports import write_houses_by_unit
from chungtay.tallies import catalogue

pytestmark = pytest.mark.django_db
D = dt.date
DAY = D(2025, 7, 1)
BEFORE, AFTER = D(2024, 12, 31), D(2025, 7, 2)
RENAME = "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\nĐiện Bàn Bắc,phường,Điện Bàn,Vĩnh Điện,toàn bộ,\n"


def reorganise(actor, day: dt.date = DAY) -> OrgUnit:
    """Commit RENAME effective on `day`; the new ward."""
    plan = build(data=RENAME.encode(), filename="phuong-an.csv", effective_on=day, number="1234/NQ-UBTVQH15")
    assert plan.ok, plan.errors
    services.commit(actor=actor, plan=plan)
    return OrgUnit.objects.get(name="Điện Bàn Bắc", valid_from=day)


@pytest.fixture
def houses(tree, house):
    """Two households in Khối phố 1 (Vĩnh Điện), one in Thôn 1 (Điện Hồng)."""
    return [house(tree.area_a1), house(tree.area_a1), house(tree.area_b1)]


def dashboard_rows(client, unit: OrgUnit, day: dt.date) -> dict[str, int | None]:
    html = client.get(f"/bao-cao/?don_vi={unit.pk}&ngay={day:%d/%m/%Y}").content.decode()
    return _rows(html, unit)


def portal_rows(client, unit: OrgUnit, day: dt.date) -> dict[str, int | None]:
    html = client.get(f"/cong-khai/don-vi/{unit.pk}/?ngay={day:%d/%m/%Y}").content.decode()
    return _rows(html, unit)


def _rows(html: str, unit: OrgUnit) -> dict[str, int | None]:
    """{child title: houses_planned} for every row of `unit`'s children on the page."""
    rows = {}
    for child in unit.children_set.all():
        figures = shown(html, unit=child.pk)
        if figures:
            rows[child.title] = figures["houses_planned"][0]
    return rows


def api_rows(client, unit: OrgUnit, day: dt.date) -> dict[str, int | None]:
    data = client.get(reverse("api:public-unit-detail", args=[unit.pk]), {"ngay": day.isoformat()}).json()
    return {child["unit"]["title"]: child["figures"]["houses_planned"] for child in data["children"]}


def export_rows(unit: OrgUnit, day: dt.date, path: Path) -> dict[str, int | None]:
    """The Excel table's rows one level below `unit` (indented once): {title: houses_planned}."""
    write_houses_by_unit(unit, path, progress=lambda _p: None, as_of=day)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    names = next(rows[i + 1] for i, row in enumerate(rows) if row and row[0] == "STT")
    column = names.index("houses_planned")
    return {r[1].strip(): r[column] for r in rows if isinstance(r[1], str) and r[1].startswith("   ")
            and not r[1].startswith("      ")}  # fmt: skip


@pytest.mark.parametrize(
    ("day", "expected"),
    [(BEFORE, {"phường Vĩnh Điện": 2, "xã Điện Hồng": 1}), (AFTER, {"phường Điện Bàn Bắc": 2, "xã Điện Hồng": 1})],
)
def test_every_surface_lists_the_towns_children_in_force_on_the_day_with_the_same_figures(
    client, tree, people, houses, tmp_path, day, expected
):
    reorganise(people.town_office)
    catalogue_rows = {child.title: f["houses_planned"] for child, f in catalogue.for_children(tree.town, as_of=day)}
    assert catalogue_rows == expected
    assert api_rows(client, tree.town, day) == expected
    listed = client.get(reverse("api:public-unit-list"), {"parent": tree.town.pk, "ngay": day.isoformat()}).json()
    assert {unit["title"] for unit in listed["results"]} == set(expected)  # the API's unit list: that day's map
    assert portal_rows(client, tree.town, day) == expected
    assert export_rows(tree.town, day, tmp_path / "nha-o.xlsx") == expected
    client.force_login(people.board)
    assert dashboard_rows(client, tree.town, day) == expected


def test_a_person_works_from_the_new_unit_and_reads_the_old_one_as_of_the_days_before(client, tree, people, houses):
    ward = reorganise(people.town_office)
    staff = people.commune_a_staff  # a role on Vĩnh Điện, and now the same role on Điện Bàn Bắc
    assert top_units_for(staff) == [ward]
    assert top_units_for(staff, on=DAY - dt.timedelta(days=1)) == [tree.commune_a]
    client.force_login(staff)
    assert client.get("/bao-cao/").context["unit"] == ward
    before = client.get(f"/bao-cao/?ngay={BEFORE:%d/%m/%Y}")
    assert before.context["unit"] == tree.commune_a
    assert shown(before.content.decode(), unit=tree.area_a1.pk)["houses_planned"] == [2]  # its history, read
    assert has_perm(staff, "housing.view", tree.commune_a)
    assert not has_perm(staff, "housing.edit", tree.commune_a) and has_perm(staff, "housing.edit", ward)


def test_a_write_on_a_closed_unit_is_refused_in_vietnamese(client, tree, people, houses):
    office = people.town_office
    old_fund = funds.fund_create(actor=office, unit=tree.commune_a, kind=FundKind.MOVEMENT,
                                 name="Quỹ vận động phường Vĩnh Điện", code="vd-cu")  # fmt: skip
    ward = reorganise(office)
    old_fund.refresh_from_db()
    old_fund.unit.refresh_from_db()  # ended by the reorganisation
    for actor in (people.commune_a_staff, office, people.admin):
        with pytest.raises(DomainError, match="Phường Vĩnh Điện đã kết thúc hoạt động từ ngày 01/07/2025"):
            funds.receipt_record(actor=actor, fund=old_fund, donor=funds.DonorRef(name="Công ty Thử Nghiệm"),
                                 amount=5_000_000, received_on=AFTER, channel=Channel.BANK, bank_ref="FT1")  # fmt: skip
    new_fund = funds.fund_create(actor=office, unit=ward, kind=FundKind.MOVEMENT, name="Quỹ vận động", code="vd-moi")
    funds.receipt_record(actor=people.commune_a_staff, fund=new_fund, donor=funds.DonorRef(name="Công ty Thử Nghiệm"),
                         amount=5_000_000, received_on=AFTER, channel=Channel.BANK, bank_ref="FT1")  # fmt: skip
    client.force_login(people.commune_a_staff)
    receipt = {"fund": old_fund.pk, "amount": 5_000_000, "received_on": AFTER.isoformat(), "channel": "chuyen_khoan",
               "bank_ref": "FT2", "donor_name": "Công ty Thử Nghiệm"}  # fmt: skip
    response = client.post(reverse("api:receipt-list"), receipt)
    assert response.status_code == 403
    assert "Phường Vĩnh Điện đã kết thúc hoạt động từ ngày 01/07/2025" in response.json()["detail"]


def test_before_its_effective_day_a_reorganisation_leaves_todays_screens_on_the_units_in_force(
    client, tree, people, houses
):
    """Committed a month ahead: today the old units are in force and the new ones not yet."""
    effective = dates.today() + dt.timedelta(days=30)
    ward = reorganise(people.town_office, day=effective)
    new_area = ward.children_set.get()
    client.force_login(people.town_office)
    areas = client.get(reverse("housing:household_create")).context["form"].fields["area"].queryset
    assert tree.area_a1 in areas and new_area not in areas
    assert top_units_for(people.commune_a_staff) == [tree.commune_a]
    assert [c.name for c in children_with_counts(tree.town)[0]] == ["Vĩnh Điện", "Điện Hồng"]
    with time_machine.travel(effective + dt.timedelta(days=1)):
        client.force_login(people.town_office)  # the session of a month ago has expired
        areas = client.get(reverse("housing:household_create")).context["form"].fields["area"].queryset
        assert new_area in areas and tree.area_a1 not in areas
        assert top_units_for(people.commune_a_staff) == [ward]
        assert [c.name for c in children_with_counts(tree.town)[0]] == ["Điện Bàn Bắc", "Điện Hồng"]


def test_a_closed_units_page_lists_its_children_as_on_its_last_day(client, tree, people, houses):
    ward = reorganise(people.town_office)
    client.force_login(people.town_office)
    old = client.get(reverse("orgunits:detail", args=[tree.commune_a.pk])).context["children"]
    assert old == [tree.area_a1]
    town = client.get(reverse("orgunits:detail", args=[tree.town.pk])).context["children"]
    assert {c.pk for c in town} == {ward.pk, tree.commune_b.pk} and ward.level == Level.COMMUNE


def test_roles_are_given_on_units_in_force_and_a_role_on_an_ended_unit_may_still_be_taken_away(
    client, tree, people, houses
):
    ward = reorganise(people.town_office)
    staff = people.commune_a_staff
    client.force_login(people.town_office)
    units = client.get(reverse("accounts:user_detail", args=[staff.pk])).context["form"].fields["unit"].queryset
    assert ward in units and tree.commune_a not in units and tree.area_a1 not in units
    old = Membership.objects.get(user=staff, unit=tree.commune_a)
    accounts.membership_remove(actor=people.town_office, membership=old)
    assert list(staff.memberships.values_list("unit", flat=True)) == [ward.pk]


def test_the_office_reviews_a_line_about_an_ended_unit_only(tree, people):
    office = people.town_office
    funds.fund_create(actor=office, unit=tree.commune_a, kind=FundKind.MOVEMENT, name="Quỹ cũ", code="vd-cu")
    reorganise(office)
    line = Change.objects.get(kind=ChangeKind.FUND)  # no balance to move: the fund stays with Vĩnh Điện
    assert line.to_unit is None and line.from_unit == tree.commune_a
    services.change_review(actor=office, change=line)
    assert Change.objects.get(pk=line.pk).reviewed_by == office
