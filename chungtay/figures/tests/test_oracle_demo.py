"""The cross-surface oracle (issue 16): on the demo, every figure any surface shows for a unit, a fund
or a household, as of a day, is the catalogue's value for that owner and day.

Surfaces walked (on the demo's map of the day: the city and its new wards and communes): the staff
dashboard of the city and of every commune (cards, one row per child — so
every unit of the demo — the unit's own row and the total), the timeliness page's totals, the funds
overview of every demo user who has one, every fund's page, the public portal page of the town and of
every commune (the town's table gives every commune's row), the public API summary, the staff API's funds
and the new units' page of their predecessors' results. Days: the demo's
day, the end of June and the end of March of its movement's year. A figure on a page carries
`data-figure="<name>"`; whose figure it is comes from the nearest element with `data-unit`,
`data-fund` or `data-household` around it, else the page's own unit; inside an element with
`data-phase` it is that phase year's figure.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.accounts.models import User
from chungtay.core import demo_clock
from chungtay.figures import funds as fund_figures
from chungtay.figures.testing import number
from chungtay.funds.models import Fund
from chungtay.orgunits.demo import demo_city
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.tallies import catalogue

DAY = dt.date(2026, 12, 7)
# The database comes with the shared demo (`db`, not the django_db marker, which would open the test's
# transaction before the demo's).
pytestmark = [
    pytest.mark.libreoffice,  # loading the demo converts its documents: slow
    pytest.mark.time_machine(dt.datetime.combine(DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
]
OWNERS = ("data-unit", "data-fund", "data-household")


class Shown(HTMLParser):
    """(owner kind, owner id or None, phase year or None, figure name, number) per `data-figure` element."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self) -> None:
        super().__init__()
        self.items: list[tuple[str | None, str | None, int | None, str, int | None]] = []
        self._stack: list[tuple[tuple[str, str] | None, int | None, str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.VOID:
            return
        a = dict(attrs)
        owner = next(((k, a[k] or "") for k in OWNERS if k in a), None)
        phase = int(a["data-phase"]) if (a.get("data-phase") or "").isdigit() else None
        if self._stack:
            owner = owner or self._stack[-1][0]
            phase = phase or self._stack[-1][1]
        self._stack.append((owner, phase, a.get("data-figure"), []))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.VOID or not self._stack:
            return
        owner, phase, name, parts = self._stack.pop()
        text = "".join(parts)
        if self._stack:
            self._stack[-1][3].append(text)
        if name:
            kind, ident = owner if owner else (None, None)
            self.items.append((kind, ident, phase, name, number(text)))

    def handle_data(self, data: str) -> None:
        if self._stack:
            self._stack[-1][3].append(data)


def shown(html: str) -> list[tuple[str | None, str | None, int | None, str, int | None]]:
    parser = Shown()
    parser.feed(html)
    return parser.items


class Oracle:
    def __init__(self) -> None:
        self.checked: Counter[str] = Counter()
        self.wrong: list[str] = []
        self._sets: dict[tuple, catalogue.FigureSet] = {}

    def expected(self, kind: str, ident: int, day: dt.date, name: str, phase: int | None = None) -> int | None:
        key = (kind, ident, day, phase)
        if key not in self._sets:
            if kind == "unit":
                self._sets[key] = catalogue.for_unit(OrgUnit.objects.get(pk=ident), as_of=day, phase=phase)
            elif kind == "fund":
                self._sets[key] = fund_figures.for_fund(Fund.objects.get(pk=ident), as_of=day)
            else:
                from chungtay.housing.models import Household

                self._sets[key] = fund_figures.for_household(Household.objects.get(pk=ident), as_of=day)
        return self._sets[key][name]

    def page(self, where: str, html: str, *, unit: OrgUnit | None, day: dt.date) -> None:
        for kind, ident, phase, name, value in shown(html):
            if kind is None:
                if unit is None:
                    self.wrong.append(f"{where}: {name} shown with no owner")
                    continue
                kind, ident = "data-unit", str(unit.pk)
            if ident in ("direct", "total"):
                if ident == "total" and unit is not None:
                    ident = str(unit.pk)  # the total row is the page unit's own figure
                else:
                    continue  # the unit's own row: checked by the reports tests (cards = rows + own row)
            owner = kind.removeprefix("data-")
            self.compare(f"{where} [{owner} {ident} {phase or ''}]", owner, int(ident), day, name, value, phase)

    def compare(
        self, where: str, owner: str, ident: int, day: dt.date, name: str, value: int | None, phase: int | None = None
    ) -> None:
        expected = self.expected(owner, ident, day, name, phase)
        self.checked[name] += 1
        if value != expected:
            self.wrong.append(f"{where} {day:%d/%m/%Y} {name}: shown {value}, catalogue {expected}")


@pytest.fixture
def demo(shared_demo_new_map, db):
    """The demo on DAY, loaded once and shared with the other tests of that day (conftest)."""
    assert shared_demo_new_map.day == DAY


def test_every_surface_shows_the_catalogues_value_for_every_unit_fund_and_day_of_the_demo(demo, client):
    year = demo_clock.story_year()
    days = [DAY, dt.date(year, 6, 30), dt.date(year, 3, 31)]
    # On DAY the demo stands on the map of 2025 on: the city's Front and the new wards and communes run the
    # movement of the day (the 2024 town and communes closed on 30/06/2025).
    town = demo_city()
    assert town is not None
    communes = list(OrgUnit.objects.filter(level=Level.COMMUNE, path__startswith=town.path).order_by("path"))
    oracle = Oracle()

    client.force_login(User.objects.get(username="vanphong"))
    for day in days:
        ngay = {"ngay": f"{day:%d/%m/%Y}"}
        for unit in [town, *communes]:
            html = client.get(reverse("reports:dashboard"), {"don_vi": unit.pk, **ngay}).content.decode()
            oracle.page(f"dashboard {unit.name}", html, unit=unit, day=day)
        html = client.get(reverse("reports:timeliness"), ngay).content.decode()
        oracle.page("timeliness", html, unit=town, day=day)

    for user in User.objects.filter(memberships__isnull=False).distinct().order_by("username"):
        client.force_login(user)
        for day in days:
            response = client.get(reverse("funds:overview"), {"ngay": f"{day:%d/%m/%Y}"})
            if response.status_code == 200:
                oracle.page(f"funds overview ({user.username})", response.content.decode(), unit=None, day=day)
    client.force_login(User.objects.get(username="vanphong"))
    for fund in Fund.objects.filter(unit__path__startswith=town.path).order_by("pk")[:30]:
        html = client.get(reverse("funds:fund_detail", args=[fund.pk])).content.decode()
        for _kind, _ident, _phase, name, value in shown(html):
            if name.startswith("fund_"):
                oracle.compare(f"fund page {fund.code}", "fund", fund.pk, DAY, name, value)

    # The staff API's funds as of each day, and the new units' "Kết quả của các đơn vị cũ": each old unit's
    # row is its figures as of the day asked, at the latest its last day.
    staff_api = APIClient()
    staff_api.force_authenticate(User.objects.get(username="vanphong"))
    for day in days:
        listed = staff_api.get(reverse("api:fund-list"), {"ngay": day.isoformat(), "page_size": 200}).json()
        for row in listed["results"]:
            for name, value in row["figures"].items():
                oracle.compare(f"api funds {row['code']}", "fund", row["id"], day, name, value)
        for unit in [town, *communes]:
            if not unit.successions_in.exists():
                continue
            html = client.get(reverse("reorg:history", args=[unit.pk]), {"ngay": f"{day:%d/%m/%Y}"}).content.decode()
            for _kind, ident, _phase, name, value in shown(html):
                old = OrgUnit.objects.get(pk=int(ident or 0))
                upto = min(day, old.valid_to) if old.valid_to else day
                oracle.compare(f"predecessors of {unit.name}", "unit", old.pk, upto, name, value)

    client.logout()
    for unit in [town, *communes]:
        html = client.get(reverse("portal:unit", args=[unit.pk])).content.decode()
        oracle.page(f"portal {unit.name}", html, unit=unit, day=DAY)
    api = APIClient()
    for day in days:
        report = api.get(reverse("api:public-summary"), {"ngay": day.isoformat()}).json()["report"]
        for row in [report, *report["children"]]:
            for name, value in row["figures"].items():
                if name in catalogue.FIGURES:
                    oracle.compare(f"api summary {row['unit']['name']}", "unit", row["unit"]["id"], day, name, value)

    assert not oracle.wrong, "\n".join(oracle.wrong[:40])
    # Every unit of the demo was compared, and the figures that mattered in issue 16 on several surfaces.
    key_figures = (
        "houses_completed",
        "houses_planned",
        "money_received",
        "money_paid_from_funds",
        "money_households_received",
        "obligations_overdue",
        "obligations_on_time",
        "complaints_open",
    )
    for name in key_figures:
        assert oracle.checked[name] >= 3 * (len(communes) + 1), (name, oracle.checked[name])
    assert sum(oracle.checked.values()) > 3000
