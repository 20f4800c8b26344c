"""The same unit and day show the same money and house figures on every surface that shows them: the
staff funds pages, the public portal, the public API summary and the Excel table of funds per unit.

The scenario (conftest): the town's fund receives 150 million and pays 30 to a household of the ward
Vĩnh Điện; the state budget pays that household 60 more; the ward's own fund receives 20 and pays
nothing. So the ward's funds paid 0 while its households received 90 million: two figures, two labels.
"""

import datetime as dt

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chungtay.core import dates
from chungtay.figures.testing import shown
from chungtay.reports import exports
from chungtay.tallies import catalogue

pytestmark = pytest.mark.django_db

MAY = dt.date(2024, 5, 31)  # before the state's payment, the July receipt and the ward's own receipt


def one_each(found: dict[str, list]) -> dict[str, int | None]:
    """{name: value} of a surface; a figure shown twice for one unit must show one value."""
    for name, values in found.items():
        assert len(set(values)) == 1, (name, values)
    return {name: values[0] for name, values in found.items()}


def staff_overview(client, user, unit, day=None) -> dict[str, int | None]:
    client.force_login(user)
    params = {"ngay": f"{day:%d/%m/%Y}"} if day else {}
    html = client.get(reverse("funds:overview"), params).content.decode()
    return one_each(shown(html, unit=unit.pk))


def portal_page(client, page_unit, unit) -> dict[str, int | None]:
    html = client.get(reverse("portal:unit", args=[page_unit.pk])).content.decode()
    return one_each(shown(html, unit=unit.pk))


def api_summary(day=None) -> dict[int, dict[str, int | None]]:
    params = {"ngay": day.isoformat()} if day else {}
    report = APIClient().get(reverse("api:public-summary"), params).json()["report"]
    assert report["as_of"] == (day or dates.today()).isoformat()
    rows = {report["unit"]["id"]: report["figures"]}
    rows |= {child["unit"]["id"]: child["figures"] for child in report["children"]}
    return rows


def excel_rows(unit, tmp_path, day=None) -> dict[str, dict[str, int]]:
    path = tmp_path / "tien-theo-don-vi.xlsx"
    exports.write_funds_by_unit(unit, path, progress=lambda p: None, as_of=day)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "STT")
    names = rows[rows.index(header) + 1]
    assert list(header[2:]) == [catalogue.FigureSet.label(n) for n in names[2:]]  # the catalogue's labels
    out = {}
    for row in rows[rows.index(header) + 2 :]:
        title = row[1].replace("TỔNG CỘNG — ", "").strip()
        out[title] = {name: value for name, value in zip(names[2:], row[2:], strict=True)}
    return out


def agree(*surfaces: tuple[str, dict]) -> set[str]:
    """Every figure shown on two of the surfaces has one value; returns the names compared."""
    compared = set()
    for i, (name_a, a) in enumerate(surfaces):
        for name_b, b in surfaces[i + 1 :]:
            for figure in set(a) & set(b):
                assert a[figure] == b[figure], (figure, name_a, a[figure], name_b, b[figure])
                compared.add(figure)
    return compared


def test_the_ward_shows_its_funds_paid_nothing_and_its_households_received_90_million_on_every_surface(
    client, scenario, tree, people, tmp_path
):
    ward = tree.commune_a
    staff = staff_overview(client, people.commune_a_staff, ward)
    public = portal_page(client, ward, ward)
    from_town_page = portal_page(client, tree.town, ward)  # the ward's row of the town's table
    api = api_summary()[ward.pk]
    excel = excel_rows(tree.town, tmp_path)[ward.title]
    compared = agree(("staff", staff), ("portal", public), ("portal row", from_town_page), ("api", api),
                     ("excel", excel))  # fmt: skip
    assert {"money_paid_from_funds", "money_households_received", "money_received"} <= compared
    assert staff["money_paid_from_funds"] == 0 and staff["money_households_received"] == 90_000_000
    assert public["money_households_received"] == 90_000_000 and api["disbursed"] == 90_000_000
    # The catalogue is the oracle for the values the surfaces agree on.
    expected = catalogue.for_unit(ward)
    assert {name: expected[name] for name in compared} == {name: staff.get(name, public.get(name)) for name in compared}


@pytest.mark.parametrize("day", [None, MAY], ids=["today", "31-05-2024"])
def test_the_town_shows_the_same_figures_on_the_staff_page_the_api_and_the_excel_table(
    client, scenario, tree, people, tmp_path, day
):
    town = tree.town
    staff = staff_overview(client, people.town_office, town, day)
    api = api_summary(day)
    excel = excel_rows(town, tmp_path, day)
    surfaces = [("staff", staff), ("api", api[town.pk]), ("excel", excel[town.title])]
    if day is None:  # the portal shows today's figures
        surfaces.append(("portal", portal_page(client, town, town)))
    compared = agree(*surfaces)
    assert {"money_received", "money_paid_from_funds", "money_households_received",
            "money_households_allocated", "money_other_sources_paid"} <= compared  # fmt: skip
    expected = catalogue.for_unit(town, as_of=day)
    assert all(staff[name] == expected[name] for name in staff)
    # The ward's row of the API and of the Excel table, as of the same day.
    assert agree(("api", api[tree.commune_a.pk]), ("excel", excel[tree.commune_a.title]))
    if day == MAY:
        assert staff["money_received"] == 100_000_000 and staff["money_households_received"] == 30_000_000
    else:
        assert staff["money_received"] == 170_000_000 and staff["money_households_received"] == 90_000_000


@pytest.mark.parametrize("day", [None, MAY], ids=["today", "31-05-2024"])
def test_a_funds_row_on_the_overview_equals_its_own_page(client, scenario, people, day):
    client.force_login(people.town_office)
    params = {"ngay": f"{day:%d/%m/%Y}"} if day else {}
    overview = client.get(reverse("funds:overview"), params).content.decode()
    fund = scenario.town_fund
    row = one_each(shown(overview, fund=fund.pk))
    page = one_each(shown(client.get(reverse("funds:fund_detail", args=[fund.pk])).content.decode(), fund=fund.pk))
    if day is None:
        assert agree(("overview row", row), ("fund page", page)) >= {"fund_received", "fund_paid"}
    assert row["fund_received"] == (100_000_000 if day else 150_000_000)
    assert row["fund_paid"] == 30_000_000 and row["fund_allocated_unpaid"] == 10_000_000


def test_the_overview_says_the_day_and_refuses_a_bad_or_future_one_in_vietnamese(client, scenario, people):
    client.force_login(people.town_office)
    page = client.get(reverse("funds:overview"), {"ngay": "31/05/2024"}).content.decode()
    assert "Số liệu đến ngày 31/05/2024" in page
    bad = client.get(reverse("funds:overview"), {"ngay": "31/02/2024"}).content.decode()
    assert "Ngày không hợp lệ" in bad and f"Số liệu đến ngày {dates.today():%d/%m/%Y}" in bad
    future = dates.today() + dt.timedelta(days=1)
    later = client.get(reverse("funds:overview"), {"ngay": f"{future:%d/%m/%Y}"}).content.decode()
    assert "số liệu chỉ tính đến hôm nay" in later


def test_the_api_summary_refuses_a_day_after_today(scenario):
    future = dates.today() + dt.timedelta(days=1)
    response = APIClient().get(reverse("api:public-summary"), {"ngay": future.isoformat()})
    assert response.status_code == 400 and "ngay" in response.json()
