"""The maps and the public household page as of a day (issue 16): the staff map's points and the
public map's cells show each house at the stage it had reached that day, among those on the list that
day, so they add up to the catalogue's house figures for the unit and day; the public household page
and the API detail show the household's status and progress up to that day, beside its money as of
that day.

The scenario is the one of figures/tests/conftest.py, every house given a position.
"""

from __future__ import annotations

import datetime as dt
import html as html_lib
import json
import re
from collections import Counter
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.core import dates
from chungtay.figures import funds as fund_figures
from chungtay.figures import households as household_stages
from chungtay.figures.testing import shown
from chungtay.housing.models import Household
from chungtay.portal import public
from chungtay.reorg.models import HouseholdMove
from chungtay.reports import selectors as map_selectors
from chungtay.tallies import catalogue

pytestmark = pytest.mark.django_db
D = dt.date
MARCH, MAY, JUNE, FEB_2025 = D(2024, 3, 31), D(2024, 5, 31), D(2024, 6, 30), D(2025, 2, 1)
DAYS = pytest.mark.parametrize("day", [MARCH, MAY, JUNE, FEB_2025, None], ids=str)
DONE = {"completed", "handed_over"}
STARTED = DONE | {"started", "building"}


@pytest.fixture
def located(scenario):
    for i, household in enumerate(Household.objects.order_by("pk")):
        household.lat, household.lon = Decimal("15.80") + Decimal("0.05") * i, Decimal("108.20")
        household.save(update_fields=["lat", "lon"])
    return scenario


def _ngay(day: dt.date | None) -> dict[str, str]:
    return {"ngay": f"{day:%d/%m/%Y}"} if day else {}


def embedded_map_data(html: str) -> list[dict]:
    """The staff dashboard's map points, embedded in its page."""
    found = re.search(r'<script id="du-lieu-ban-do" type="application/json">(.*?)</script>', html, re.S)
    assert found, "the page has no map data"
    return json.loads(html_lib.unescape(found.group(1)))


def map_data(html: str, client) -> list[dict]:
    """The cells the page's map loads: from the URL the page names (data-src), as the browser does."""
    found = re.search(r'id="ban-do"[^>]*data-src="([^"]+)"', html)
    assert found, "the page names no map data"
    response = client.get(html_lib.unescape(found.group(1)))
    assert response.status_code == 200 and response["Cache-Control"].startswith("public")
    return json.loads(response.content)["cells"]


def house_figures(unit, day: dt.date | None) -> dict[str, int]:
    f = catalogue.for_unit(unit, as_of=day)
    return {name: f[name] for name in ("houses_planned", "houses_started", "houses_completed", "houses_handed_over")}


def counted(statuses: list[str]) -> dict[str, int]:
    return {
        "houses_planned": len(statuses),
        "houses_started": sum(s in STARTED for s in statuses),
        "houses_completed": sum(s in DONE for s in statuses),
        "houses_handed_over": sum(s == "handed_over" for s in statuses),
    }


@DAYS
def test_the_staff_map_shows_each_house_at_its_stage_on_the_day_as_the_catalogue_counts_it(located, tree, day):
    for unit in (tree.town, tree.commune_a, tree.commune_b):
        points = map_selectors.map_points(unit, as_of=day)  # what the dashboard puts in its map's data
        assert counted([p["status"] for p in points]) == house_figures(unit, day), (unit.name, day)
        bubbles = map_selectors.map_bubbles(unit, as_of=day)  # past MAP_LIMIT houses: one per child
        for child, f in catalogue.for_children(unit, as_of=day):
            for bubble in (b for b in bubbles if b["id"] == child.pk):
                assert (bubble["planned"], bubble["completed"]) == (f.houses_planned, f.houses_completed)


def test_the_staff_map_on_an_earlier_day_leaves_out_houses_not_yet_decided_or_already_withdrawn(located, tree):
    h1, h2, h3, gone, later = located.houses

    def statuses(day):
        return {p["code"]: p["status"] for p in map_selectors.map_points(tree.town, as_of=day)}

    assert statuses(MARCH) == {h1.code: "started", h2.code: "approved", h3.code: "approved", gone.code: "approved"}
    assert statuses(MAY) == {h1.code: "completed", h2.code: "approved", h3.code: "approved"}
    assert statuses(FEB_2025) == {h1.code: "completed", h2.code: "started", h3.code: "approved", later.code: "approved"}
    # The area's own list of households (the dashboard of an area) gives the same stage on that day.
    listed = {h.code: h.status_on for h in map_selectors.area_households(tree.area_a1, as_of=MARCH)}
    assert listed == {h1.code: "started", h2.code: "approved", h3.code: "approved", gone.code: "approved"}
    assert {h.code: h.status_on for h in map_selectors.area_households(tree.area_a1)}[gone.code] == "withdrawn"


@DAYS
def test_the_public_map_cells_add_up_to_the_catalogue_for_the_unit_and_day(located, tree, client, day):
    for unit in (tree.town, tree.commune_a):
        html = client.get(reverse("portal:unit", args=[unit.pk]), _ngay(day)).content.decode()
        cells = map_data(html, client)
        expected = house_figures(unit, day)
        assert sum(c["households"] for c in cells) == expected["houses_planned"], (unit.name, day)
        assert sum(c["completed"] for c in cells) == expected["houses_completed"], (unit.name, day)


def test_the_public_household_page_shows_the_stage_and_progress_of_the_day_beside_its_money(located, client):
    h1, _h2, _h3, _gone, later = located.houses

    def page(household, day):
        html = client.get(reverse("portal:household", args=[household.code]), _ngay(day)).content.decode()
        status = re.search(r'data-testid="status">(.*?)</b>', html).group(1)
        timeline = re.findall(r"<li class=\"mb-1\">.*?</li>", html[html.find('data-testid="timeline"') :], re.S)
        return html, status, timeline if 'data-testid="timeline"' in html else []

    _html, status, timeline = page(h1, D(2024, 2, 1))
    assert status == "Đã phê duyệt" and timeline == []
    html, status, timeline = page(h1, D(2024, 4, 15))
    assert status == "Đã khởi công" and len(timeline) == 1 and "01/03/2024" in timeline[0]
    assert "20/05/2024" not in html
    # Its money on that page is the catalogue's for that day (30 million paid on 22/05 not yet).
    money = shown(html, household=h1.pk)
    assert money["household_received"] == [0]
    html, status, timeline = page(h1, None)
    assert status == "Đã hoàn thành" and len(timeline) == 2
    assert shown(html, household=h1.pk)["household_received"] == [90_000_000]
    _html, status, _timeline = page(later, JUNE)
    assert status == "Chưa có trong danh sách được phê duyệt"
    assert household_stages.status_on(later.pk, JUNE) is None


def test_the_public_api_detail_gives_status_timeline_and_money_of_the_same_day(located):
    h1 = located.houses[0]
    api = APIClient()
    for day, status, steps in ((D(2024, 4, 15), "started", 1), (dates.today(), "completed", 2)):
        data = api.get(reverse("api:public-household-detail", args=[h1.code]), {"ngay": day.isoformat()}).json()
        assert data["status"] == status
        assert len(data["timeline"]) == steps
        assert data["money_as_of"] == day.isoformat()
        assert data["money_total"]["disbursed"] == fund_figures.for_household(h1, as_of=day).household_received


def test_a_household_stage_on_a_day_is_counted_once_in_the_catalogues_house_figures(located, tree):
    for day in (MARCH, MAY, JUNE, FEB_2025):
        statuses = Counter(household_stages.status_on(h.pk, day) for h in located.houses)
        statuses.pop(None, None)
        statuses.pop("withdrawn", None)
        assert counted(list(statuses.elements())) == house_figures(tree.town, day), day


def test_a_household_moved_by_a_reorganisation_is_on_the_map_of_the_unit_it_belonged_to_that_day(located, tree):
    h1 = located.houses[0]
    h1.area = tree.area_b1  # moved to Điện Hồng on 01/01/2025 (reorg.HouseholdMove keeps where it was)
    h1.save(update_fields=["area"])
    HouseholdMove.objects.create(household=h1, from_area=tree.area_a1, to_area=tree.area_b1, moved_on=D(2025, 1, 1))
    for unit, day, there in ((tree.commune_a, MAY, True), (tree.commune_b, MAY, False), (tree.commune_b, None, True)):
        points = map_selectors.map_points(unit, as_of=day)
        assert (h1.code in {p["code"] for p in points}) is there, (unit.name, day)
        assert counted([p["status"] for p in points]) == house_figures(unit, day), (unit.name, day)
        cells = public.map_cells(public.unit_get(unit.pk), as_of=day)
        assert sum(c["households"] for c in cells) == house_figures(unit, day)["houses_planned"], (unit.name, day)
    listed = {h.code for h in map_selectors.area_households(tree.area_a1, as_of=MAY)}
    assert h1.code in listed and h1.code not in {h.code for h in map_selectors.area_households(tree.area_a1)}


@pytest.mark.parametrize("day", [MAY, None], ids=str)
def test_the_dashboard_page_draws_the_map_of_the_day_asked_for(located, tree, people, client, day):
    client.force_login(people.town_office)
    for unit in (tree.town, tree.commune_a):
        html = client.get(reverse("reports:dashboard"), {"don_vi": unit.pk, **_ngay(day)}).content.decode()
        assert counted([p["status"] for p in embedded_map_data(html)]) == house_figures(unit, day), (unit.name, day)
    html = client.get(reverse("reports:dashboard"), {"don_vi": tree.area_a1.pk, **_ngay(day)}).content.decode()
    table = html[html.index('data-testid="households"') :]
    table = table[: table.index("</table>")]
    assert table.count("Đã hoàn thành") == 1  # h1, completed on 20/05/2024
    assert table.count("Rút khỏi danh sách") == 1  # withdrawn on 10/04/2024, listed as such on both days
    march = client.get(reverse("reports:dashboard"), {"don_vi": tree.area_a1.pk, **_ngay(MARCH)}).content.decode()
    march = march[march.index('data-testid="households"') :]
    march = march[: march.index("</table>")]
    assert march.count("Rút khỏi danh sách") == 0 and march.count("Đã khởi công") == 1
