"""A household that changes area takes the money allocated and paid to it along: the figures "Hộ trên
địa bàn đã được phân bổ" and "Hộ trên địa bàn đã nhận" count a household's money where the household
is, like its house is counted (docs/decisions/0005: "today's kept figures follow the households").

The scenario (conftest): the first household of Khối phố 1 (Vĩnh Điện) was allocated 40 million from
the town's fund and 60 from the state budget, and was paid 30 + 60: 100 million allocated (paid
included), 90 received. Two ways move it:
- a reorganisation (dated): Vĩnh Điện is merged into a new ward, Điện Bàn Bắc, from 01/07/2025. From
  that day the money is the new ward's; as of a day before it stays Vĩnh Điện's;
- the household's own form, its area corrected to Thôn 1 (Điện Hồng): undated, a correction of the
  record, so the house and its money are Điện Hồng's on every day (as the house figures treat it).
Every surface must agree: the kept figures with their recomputation from the rows (`rollup.verify`),
a past day's figures with the rows of that day, the staff dashboard and funds page, the public portal
and the public API.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.figures import definitions
from chungtay.figures import funds as fund_figures
from chungtay.figures.testing import shown
from chungtay.funds import services as funds
from chungtay.funds.models import Fund
from chungtay.housing import services as housing
from chungtay.housing.models import Household
from chungtay.orgunits.models import Level, OrgUnit, Role
from chungtay.reorg import services as reorg
from chungtay.reorg.plan import build
from chungtay.tallies import catalogue, rollup
from chungtay.tallies.catalogue import Params
from conftest import make_user

pytestmark = pytest.mark.django_db
D = dt.date

MOVED_ON = D(2025, 7, 1)
BEFORE = D(2025, 6, 30)  # a month-end: read from the kept month-ends
AFTER = D(2025, 7, 15)  # after the move, before today: a month-end plus the change of July
ALLOCATED, RECEIVED = 100_000_000, 90_000_000  # the first household's, paid included / paid
HOUSEHOLD_FIGURES = ("money_households_allocated", "money_households_received")
MERGE = "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\nĐiện Bàn Bắc,phường,Điện Bàn,Vĩnh Điện,toàn bộ,\n"


def one_each(found: dict[str, list]) -> dict[str, int | None]:
    for name, values in found.items():
        assert len(set(values)) == 1, (name, values)
    return {name: values[0] for name, values in found.items()}


def _day(day: dt.date | None) -> dict[str, str]:
    return {"ngay": f"{day:%d/%m/%Y}"} if day else {}


def surfaces(client, people, user, parent: OrgUnit, unit: OrgUnit, day: dt.date | None) -> dict[str, dict]:
    """What each surface shows for `unit` (a child of `parent`) as of `day` (today when None): the staff
    dashboard's card of the unit (as `user`, the unit's staff) and its row in the town office's table of
    `parent`, the staff funds page of `user` (whose top unit is `unit`), the public portal's card and
    row, and the public API's row."""
    client.force_login(user)
    dashboard = client.get(reverse("reports:dashboard"), _day(day)).content.decode()
    funds_page = client.get(reverse("funds:overview"), _day(day)).content.decode()
    client.force_login(people.town_office)
    parent_page = client.get(reverse("reports:dashboard"), {"don_vi": parent.pk, **_day(day)}).content.decode()
    client.logout()
    portal = client.get(reverse("portal:unit", args=[unit.pk]), _day(day)).content.decode()
    portal_parent = client.get(reverse("portal:unit", args=[parent.pk]), _day(day)).content.decode()
    api_params = {"ngay": day.isoformat()} if day else {}
    report = APIClient().get(reverse("api:public-unit-detail", args=[parent.pk]), api_params).json()
    api_row = next((c["figures"] for c in report["children"] if c["unit"]["id"] == unit.pk), None)
    found = {
        "staff dashboard": one_each(shown(dashboard, unit=unit.pk)),
        "staff dashboard row": one_each(shown(parent_page, unit=unit.pk)),
        "staff funds page": one_each(shown(funds_page, unit=unit.pk)),
        "portal": one_each(shown(portal, unit=unit.pk)),
        "portal row": one_each(shown(portal_parent, unit=unit.pk)),
    }
    if api_row is not None:  # the unit was in force on the day
        found["public API row"] = {name: api_row[name] for name in HOUSEHOLD_FIGURES}
    return found


def assert_shown_everywhere(client, people, user, parent, unit: OrgUnit, day: dt.date | None, expected: dict) -> None:
    """Every surface that shows one of the households' money figures of `unit` shows the expected value,
    and the catalogue gives it too."""
    shown_by: dict[str, set[str]] = {}
    for surface, figures in surfaces(client, people, user, parent, unit, day).items():
        shown_by[surface] = set(figures) & set(expected)
        assert shown_by[surface], (surface, "shows none of", expected)
        for name in shown_by[surface]:
            assert figures[name] == expected[name], (surface, unit.name, day, name, figures[name])
    assert set().union(*shown_by.values()) == set(expected)
    asked = catalogue.for_unit(unit, as_of=day)
    assert {name: asked[name] for name in expected} == expected, (unit.name, day)


def assert_past_days_equal_the_rows(*days: dt.date) -> None:
    """As of each day, the figures (kept month-end plus the change after it) equal the recomputation
    from every dated row, each household under its area of that day."""
    for day in days:
        units = list(OrgUnit.objects.order_by("path"))
        for depth in sorted({u.depth for u in units}):
            level = [u for u in units if u.depth == depth]
            p = Params(as_of=day)
            assert fund_figures.households_money(level, p) == fund_figures._households_money_from_rows(level, day)
            paid = {pk: {"money_households_received": row["money_households_received"]}
                    for pk, row in definitions.money(level, p).items()}  # fmt: skip
            from_rows = definitions._money_history(level, p)
            assert paid == {pk: {"money_households_received": row["money_households_received"]}
                            for pk, row in from_rows.items()}, day  # fmt: skip


def moved_money(allocated: int, received: int) -> dict[str, int]:
    return {"money_households_allocated": allocated, "money_households_received": received}


@pytest.fixture(params=["from the rows", "back from today"])
def first_month_end(request, monkeypatch):
    """Both ways a past day's first month-end is computed: from the rows up to it, or back from today's
    kept figures — which holds only if today's kept figures put the money where the household is."""
    back = request.param == "back from today"
    monkeypatch.setattr(fund_figures, "nearer_today", lambda day: back)
    monkeypatch.setattr(definitions, "nearer_today", lambda day: back)
    return request.param


def test_a_household_moved_by_a_reorganisation_takes_its_money_to_the_new_ward_from_the_day_of_the_move(
    client, tree, people, scenario, first_month_end
):
    province_office = make_user("tinh", tree.province, Role.OFFICE)
    plan = build(data=MERGE.encode(), filename="phuong-an.csv", effective_on=MOVED_ON, number="1234/NQ-UBTVQH15",
                 title="Sắp xếp đơn vị hành chính cấp xã", removed_levels=[])  # fmt: skip
    assert plan.ok, plan.errors
    reorg.commit(actor=province_office, plan=plan)
    ward = OrgUnit.objects.get(name="Điện Bàn Bắc", level=Level.COMMUNE)
    household = Household.objects.select_related("area").get(pk=scenario.houses[0].pk)
    assert household.area.parent == ward

    assert rollup.verify() == []
    assert_past_days_equal_the_rows(BEFORE, AFTER)
    nothing = moved_money(0, 0)
    staff_a = people.commune_a_staff  # given the same role on the new ward by the reorganisation
    # Today and after the move: the new ward's; Vĩnh Điện, ended, has none.
    for day in (None, AFTER):
        assert_shown_everywhere(client, people, staff_a, tree.town, ward, day, moved_money(ALLOCATED, RECEIVED))
        assert catalogue.for_unit(tree.commune_a, as_of=day).group("money")["money_households_received"] == 0
        assert catalogue.for_unit(tree.commune_a, as_of=day)["money_households_allocated"] == 0
    # The day before: Vĩnh Điện's, as it was; the new ward did not exist yet.
    assert_shown_everywhere(
        client, people, staff_a, tree.town, tree.commune_a, BEFORE, moved_money(ALLOCATED, RECEIVED)
    )
    assert {name: catalogue.for_unit(ward, as_of=BEFORE)[name] for name in HOUSEHOLD_FIGURES} == nothing
    # The town holds both, on every day.
    for day in (None, AFTER, BEFORE):
        town = catalogue.for_unit(tree.town, as_of=day)
        assert {name: town[name] for name in HOUSEHOLD_FIGURES} == moved_money(ALLOCATED, RECEIVED), day


def test_a_household_whose_area_is_corrected_on_its_form_takes_its_money_to_the_corrected_commune(
    client, tree, people, scenario, first_month_end
):
    household = Household.objects.get(pk=scenario.houses[0].pk)
    data = housing.HouseholdData(
        area=tree.area_b1, head_name=household.head_name, category=household.category,
        support_kind=household.support_kind, phase_year=household.phase_year,
        decision_number=household.decision_number, decision_date=household.decision_date,
    )  # fmt: skip
    housing.household_update(actor=people.town_office, household=household, data=data)

    assert rollup.verify() == []
    assert_past_days_equal_the_rows(D(2024, 5, 31), D(2024, 6, 30), AFTER)
    # No move is recorded: the record was wrong, so on every day (as its house) its money is Điện Hồng's.
    for day in (None, D(2024, 6, 30)):
        assert_shown_everywhere(client, people, people.commune_b_staff, tree.town, tree.commune_b, day,
                                moved_money(ALLOCATED, RECEIVED))  # fmt: skip
        assert_shown_everywhere(
            client, people, people.commune_a_staff, tree.town, tree.commune_a, day, moved_money(0, 0)
        )
        houses = catalogue.for_unit(tree.commune_b, as_of=day)
        assert houses["houses_completed"] == 1  # the house went with its money


def test_the_new_wards_fund_allocating_the_money_transferred_to_it_keeps_the_figures_equal_to_a_recount(
    tree, people, scenario
):
    """The reorganisation moves the ward fund's 20 million by a transfer; allocating it takes a piece of
    that transfer, not of a receipt (funds.Funding.transfer_in), which the rebuild must leave out of the
    receipts' months as the kept figures do (it grouped it under no unit, and the recount crashed)."""
    province_office = make_user("tinh", tree.province, Role.OFFICE)
    plan = build(data=MERGE.encode(), filename="phuong-an.csv", effective_on=MOVED_ON, number="1234/NQ-UBTVQH15",
                 title="Sắp xếp đơn vị hành chính cấp xã", removed_levels=[])  # fmt: skip
    reorg.commit(actor=province_office, plan=plan)
    ward = OrgUnit.objects.get(name="Điện Bàn Bắc", level=Level.COMMUNE)
    new_fund = Fund.objects.get(unit=ward)
    moved = Household.objects.get(pk=scenario.houses[1].pk)  # in the new ward now
    allocation = funds.allocation_record(actor=province_office, household=moved, amount=5_000_000,
                                         date=D(2025, 7, 10), decision="3/QĐ-MTTQ", fund=new_fund)  # fmt: skip
    assert allocation.fundings.get().transfer_in is not None

    assert rollup.verify() == []
    assert catalogue.for_unit(ward)["money_households_allocated"] == ALLOCATED + 5_000_000
