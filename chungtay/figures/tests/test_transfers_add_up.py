"""Money moved between funds has its own figures, and every surface's money adds up with them (issue 16):

    received + transferred in − transferred out − allocated (paid or not) − fees = unallocated cash

for a unit's subtree and for one fund, on the staff funds page (card, table, each fund's page), the
dashboard's card, the Excel table of money per unit, the staff API and the sơ kết/tổng kết, today and on
an earlier day. The scenario of conftest, plus: Duy Xuyên's fund (outside the town) receives 30 million in
March and sends 25 to the town's fund in August — the town's "Nhận chuyển từ quỹ khác", as a
reorganisation moves an old unit's balance; the town's fund sends 10 million to the ward's fund in June
(inside the town: nothing crosses the town's border, the ward received it), and the ward's fund sends
4 million back in October, undone by a reversing entry in November.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.figures import funds as fund_figures
from chungtay.figures.testing import shown
from chungtay.funds import services as funds
from chungtay.funds.models import Channel, FundKind
from chungtay.reports.services import REVIEW_MONEY, review_docx
from chungtay.reports.tests import conftest as reports_tests
from chungtay.reports.tests.test_review import docx_text
from chungtay.tallies import catalogue

from .test_surfaces_as_of import export_through_the_job

pytestmark = pytest.mark.django_db
movement = reports_tests.movement  # the reports tests' movement of the town
D = dt.date
JUNE, DECEMBER = D(2024, 6, 30), D(2024, 12, 15)
DAYS = pytest.mark.parametrize("day", [None, JUNE], ids=["today", "30-06-2024"])


def unit_gap(f: Any) -> int:
    """What a unit's money misses to add up (0 when it does)."""
    return (
        f["money_received"] + f["money_transferred_in"] - f["money_transferred_out"]
        - f["money_allocated_unpaid"] - f["money_paid_from_funds"] - f["money_fees"] - f["money_unallocated"]
    )  # fmt: skip


def fund_gap(f: Any) -> int:
    return (
        f["fund_received"] + f["fund_transferred_in"] - f["fund_transferred_out"]
        - f["fund_allocated_unpaid"] - f["fund_paid"] - f["fund_fees"] - f["fund_unallocated"]
    )  # fmt: skip


def one_each(found: dict[str, list]) -> dict[str, int]:
    for name, values in found.items():
        assert len(set(values)) == 1, (name, values)
    return {name: values[0] for name, values in found.items()}


@pytest.fixture
def moved(scenario, tree, people):
    office = people.town_office
    outside = funds.fund_create(actor=None, unit=tree.other_district, kind=FundKind.FOR_THE_POOR,
                                name="Quỹ Vì người nghèo huyện Duy Xuyên", code="vnn-dx")  # fmt: skip
    funds.receipt_record(actor=None, fund=outside, donor=funds.DonorRef(name="Công ty Duy Xuyên"), amount=30_000_000,
                         received_on=D(2024, 3, 1), channel=Channel.BANK, bank_ref="DX000001")  # fmt: skip
    funds.transfer_record(actor=None, from_fund=outside, to_fund=scenario.town_fund, amount=25_000_000,
                          date=D(2024, 8, 1), decision="Quyết định 5/QĐ-MTTQ")  # fmt: skip
    funds.transfer_record(actor=office, from_fund=scenario.town_fund, to_fund=scenario.commune_fund,
                          amount=10_000_000, date=D(2024, 6, 20))  # fmt: skip
    back = funds.transfer_record(actor=office, from_fund=scenario.commune_fund, to_fund=scenario.town_fund,
                                 amount=4_000_000, date=D(2024, 10, 1))  # fmt: skip
    funds.entry_reverse(actor=office, entry=back.entry, reason="Chuyển nhầm", date=D(2024, 11, 5))
    return outside


def test_transfers_count_where_they_cross_a_units_border_and_stop_counting_once_reversed(moved, scenario, tree):
    town, ward, province = tree.town, tree.commune_a, tree.province
    october = D(2024, 10, 15)
    assert catalogue.value("money_transferred_in", town) == 25_000_000  # from Duy Xuyên; the ward's 10 stay inside
    assert catalogue.value("money_transferred_out", town) == 0
    assert catalogue.value("money_transferred_in", province) == 0  # Duy Xuyên is inside the province
    assert catalogue.value("money_transferred_in", ward, as_of=JUNE) == 10_000_000
    assert catalogue.value("money_transferred_out", ward, as_of=october) == 4_000_000
    assert catalogue.value("money_transferred_out", ward) == 0  # reversed on 05/11/2024
    fund = fund_figures.for_fund(scenario.town_fund, as_of=october)
    assert (fund.fund_transferred_in, fund.fund_transferred_out) == (29_000_000, 10_000_000)
    for day in (None, JUNE, october, DECEMBER):
        for unit in (province, town, ward, tree.commune_b, tree.other_district):
            assert unit_gap(catalogue.for_unit(unit, as_of=day)) == 0, (unit.name, day)
        for f in (scenario.town_fund, scenario.commune_fund, moved):
            assert fund_gap(fund_figures.for_fund(f, as_of=day)) == 0, (f.code, day)


@DAYS
def test_the_staff_funds_page_adds_up_on_its_card_its_table_and_each_funds_page(
    client, moved, scenario, tree, people, day
):
    client.force_login(people.town_office)
    params = {"ngay": f"{day:%d/%m/%Y}"} if day else {}
    html = client.get(reverse("funds:overview"), params).content.decode()
    card = one_each(shown(html, unit=tree.town.pk))
    expected = catalogue.for_unit(tree.town, as_of=day)
    assert card == {name: expected[name] for name in card}
    card["money_allocated_unpaid"] = card["money_allocated"] - card["money_paid_from_funds"]
    assert card["money_transferred_in"] == (25_000_000 if day is None else 0)
    assert unit_gap(card) == 0
    assert one_each(shown(html, fund=moved.pk)) == {}  # Duy Xuyên's fund is outside the office's scope
    for fund in (scenario.town_fund, scenario.commune_fund):
        row = one_each(shown(html, fund=fund.pk))
        assert fund_gap(row) == 0, (fund.code, row)
        page = client.get(reverse("funds:fund_detail", args=[fund.pk]), params).content.decode()
        on_page = one_each(shown(page, fund=fund.pk))
        on_page["fund_allocated_unpaid"] = on_page["fund_allocated"] - on_page["fund_paid"]
        assert fund_gap(on_page) == 0, (fund.code, on_page)
        assert {name: on_page[name] for name in row} == row


@DAYS
def test_the_dashboard_card_the_excel_table_and_the_staff_api_add_up(client, moved, scenario, tree, people, day):
    town, ward = tree.town, tree.commune_a
    client.force_login(people.town_office)
    excel, _heading = export_through_the_job(client, people.town_office, town, "funds_by_unit", day)
    client.force_login(people.town_office)
    for unit in (town, ward):
        params = {"don_vi": unit.pk, **({"ngay": f"{day:%d/%m/%Y}"} if day else {})}
        html = client.get(reverse("reports:dashboard"), params).content.decode()
        card = one_each(shown(html, unit=unit.pk))
        card["money_allocated_unpaid"] = card["money_allocated"] - card["money_paid_from_funds"]
        assert unit_gap(card) == 0, (unit.name, card)
        assert unit_gap(excel[unit.title]) == 0, (unit.name, excel[unit.title])
        expected = catalogue.for_unit(unit, as_of=day)
        assert (
            excel[unit.title]["money_transferred_in"] == expected.money_transferred_in == card["money_transferred_in"]
        )
    api = APIClient()
    api.force_authenticate(people.town_office)
    ngay = {"ngay": day.isoformat()} if day else {}
    for fund in (scenario.town_fund, scenario.commune_fund):
        figures = api.get(reverse("api:fund-detail", args=[fund.pk]), ngay).json()["figures"]
        assert fund_gap(figures) == 0, (fund.code, figures)
        assert figures["fund_transferred_in"] == fund_figures.for_fund(fund, as_of=day).fund_transferred_in


def test_the_mid_term_and_final_reports_money_lines_add_up(moved, movement, tree):
    for kind, day in (("so-ket", JUNE), ("tong-ket", DECEMBER)):
        text = docx_text(review_docx(movement, kind=kind, as_of=day))
        f = catalogue.for_unit(tree.town, as_of=day, movement=movement)
        lines = {}
        for name in REVIEW_MONEY:
            found = re.search(rf"- {re.escape(f.label(name))}: ([\d.]+) đ;", text)
            assert found, (kind, name)
            lines[name] = int(found.group(1).replace(".", ""))
        assert lines == {name: f[name] for name in REVIEW_MONEY}
        lines["money_allocated_unpaid"] = lines["money_allocated"] - lines["money_paid_from_funds"]
        assert unit_gap(lines) == 0, (kind, lines)
    assert lines["money_transferred_in"] == 25_000_000  # December: Duy Xuyên's August transfer


def test_an_ended_units_fund_still_holding_an_unpaid_allocation_stays_on_the_funds_page(
    client, moved, scenario, tree, people
):
    from chungtay.orgunits.models import OrgUnit

    # The ward ends with 2024 after its fund allocated 5 million to a house it never paid.
    funds.allocation_record(actor=people.town_office, household=scenario.houses[1], amount=5_000_000,
                            date=D(2024, 9, 1), decision="15/QĐ-MTTQ", fund=scenario.commune_fund)  # fmt: skip
    OrgUnit.objects.filter(pk=tree.commune_a.pk).update(valid_to=D(2024, 12, 31))
    client.force_login(people.town_office)
    html = client.get(reverse("funds:overview")).content.decode()
    held = one_each(shown(html, fund=scenario.commune_fund.pk))
    assert held["fund_allocated_unpaid"] == 5_000_000 and fund_gap(held) == 0
    assert 'data-testid="ended-fund-table"' in html
    # On a day the ward was in force its fund is in the main table, not apart.
    june = client.get(reverse("funds:overview"), {"ngay": "30/06/2024"}).content.decode()
    assert 'data-testid="ended-fund-table"' not in june and one_each(shown(june, fund=scenario.commune_fund.pk))
