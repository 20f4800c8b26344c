"""The public portal, the staff dashboard, the open-data summary, the Excel exports and the public API
show the same figures for the same unit and day, today and as of an earlier day; a household's money
rows add up to its total on the staff page, the public page and the API.

The scenario is the one of figures/tests/conftest.py (houses and money on known days of 2024).
"""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from chungtay.core import dates
from chungtay.figures import funds as fund_figures
from chungtay.figures import idle
from chungtay.figures.testing import shown
from chungtay.reports.models import ReportJob
from chungtay.reports.services import report_job_run
from chungtay.tallies import catalogue

from .test_money_on_every_surface import agree, api_summary, one_each

pytestmark = pytest.mark.django_db

MAY = dt.date(2024, 5, 31)  # h1 completed, 30 million paid from the town fund; June's and July's money not yet
DAYS = pytest.mark.parametrize("day", [None, MAY], ids=["today", "31-05-2024"])


def _ngay(day) -> dict[str, str]:
    return {"ngay": f"{day:%d/%m/%Y}"} if day else {}


def portal(client, page_unit, unit, day=None) -> dict:
    html = client.get(reverse("portal:unit", args=[page_unit.pk]), _ngay(day)).content.decode()
    return one_each(shown(html, unit=unit.pk))


def dashboard(client, user, unit, day=None) -> dict:
    client.force_login(user)
    html = client.get(reverse("reports:dashboard"), {"don_vi": unit.pk, **_ngay(day)}).content.decode()
    client.logout()
    return one_each(shown(html, unit=unit.pk))


def open_data(client, day=None) -> dict[int, dict]:
    params = {"ngay": day.isoformat()} if day else {}
    response = client.get(reverse("portal:download", args=["units-summary", "csv"]), params)
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = {}
    for row in csv.DictReader(io.StringIO(text)):
        rows[int(row["unit_id"])] = {k: int(v) if v.lstrip("-").isdigit() else None for k, v in row.items()
                                     if k in catalogue.FIGURES}  # fmt: skip
        assert row["as_of"] == f"{day or dates.today():%Y-%m-%d}"
    return rows


def excel(path) -> dict[str, dict]:
    """{unit title: {figure name: value}} of a per-unit table (names in the row below the header)."""
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    header = next(r for r in rows if r and r[0] == "STT")
    names = rows[rows.index(header) + 1]
    return {
        r[1].replace("TỔNG CỘNG — ", "").strip(): {
            n: v for n, v in zip(names, r, strict=False) if n in catalogue.FIGURES
        }
        for r in rows[rows.index(header) + 2 :]
    }


def export_through_the_job(client, user, unit, kind, day) -> tuple[dict[str, dict], list]:
    """Ask for the table on the export form as the user would; the worker runs the job (at once in tests)."""
    client.force_login(user)
    data = {"don_vi": unit.pk, "kind": kind, "as_of": f"{day:%d/%m/%Y}" if day else ""}
    assert client.post(reverse("reports:exports") + f"?don_vi={unit.pk}", data).status_code == 302
    client.logout()
    job = ReportJob.objects.latest("pk")
    job = report_job_run(job.pk) or ReportJob.objects.get(pk=job.pk)
    assert job.status == "done", job.error
    path = job.file.path
    heading = [r for r in load_workbook(path, read_only=True).active.iter_rows(values_only=True)][:3]
    return excel(path), heading


@DAYS
def test_a_unit_shows_the_same_figures_on_the_portal_the_dashboard_open_data_excel_and_the_api(
    client, scenario, tree, people, day
):
    town, ward = tree.town, tree.commune_a
    funds, _ = export_through_the_job(client, people.town_office, town, "funds_by_unit", day)
    houses, heading = export_through_the_job(client, people.town_office, town, "houses_by_unit", day)
    summary, api = open_data(client, day), api_summary(day)
    for unit in (town, ward):
        surfaces = [
            ("portal", portal(client, unit, unit, day)),
            ("portal row", portal(client, town, unit, day)) if unit != town else ("portal row", {}),
            ("dashboard", dashboard(client, people.town_office, unit, day)),
            ("open data", summary[unit.pk]),
            ("excel funds", funds[unit.title]),
            ("excel houses", houses[unit.title]),
            ("api", api[unit.pk]),
        ]
        compared = agree(*surfaces)
        assert {"houses_planned", "houses_completed", "money_received", "money_households_received"} <= compared
        expected = catalogue.for_unit(unit, as_of=day)
        # Money allocated to households and idle money, as of a past day from kept month-ends (issue 22):
        # on every surface that shows them, and equal to the rows' recomputation.
        assert "money_households_allocated" in compared
        on_the_dashboard = dict(surfaces)["dashboard"]["money_idle"]
        assert on_the_dashboard == expected["money_idle"]
        if day is not None:
            rows = idle._idle_from_rows([unit], day, idle.cutoff_of(day))[unit.pk]["money_idle"]
            allocated = fund_figures._households_money_from_rows([unit], day)[unit.pk]["money_households_allocated"]
            assert (on_the_dashboard, api[unit.pk]["money_households_allocated"]) == (rows, allocated)
        assert all(summary[unit.pk][name] == expected[name] for name in summary[unit.pk]), unit
    shown_day = day or dates.today()
    assert f"Số liệu đến ngày {shown_day:%d/%m/%Y}" in [cell for row in heading for cell in row if cell]
    if day == MAY:  # June's and July's money, and h2's start, came later
        assert summary[town.pk]["money_received"] == 100_000_000 and summary[town.pk]["houses_started"] == 1
        # February's 100 million is past the cut-off (02/03): 40 of it went to h1 in April, 60 lie idle.
        assert dashboard(client, people.town_office, town, day)["money_idle"] == 60_000_000
    else:
        assert summary[town.pk]["money_received"] == 170_000_000 and summary[town.pk]["houses_started"] == 2


def test_the_portal_says_the_day_keeps_it_on_links_and_refuses_a_future_one(client, scenario, tree):
    page = client.get(reverse("portal:unit", args=[tree.town.pk]), {"ngay": "31/05/2024"}).content.decode()
    assert "Số liệu đến ngày 31/05/2024" in page
    assert f'href="{reverse("portal:unit", args=[tree.commune_a.pk])}?ngay=31/05/2024"' in page
    future = dates.today() + dt.timedelta(days=2)
    later = client.get(reverse("portal:home"), {"ngay": f"{future:%d/%m/%Y}"}).content.decode()
    assert "số liệu chỉ tính đến hôm nay" in later and f"Số liệu đến ngày {dates.today():%d/%m/%Y}" in later


def test_the_portal_caches_each_day_apart(client, scenario, tree, settings):
    settings.FIGURES_CACHE_SECONDS = 60
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "days"}}
    today = portal(client, tree.town, tree.town)
    may = portal(client, tree.town, tree.town, MAY)
    assert today["money_received"] == 170_000_000 and may["money_received"] == 100_000_000
    assert portal(client, tree.town, tree.town)["money_received"] == 170_000_000


def test_open_data_refuses_a_bad_or_future_day(client, scenario):
    url = reverse("portal:download", args=["units-summary", "json"])
    assert client.get(url, {"ngay": "31/05/2024"}).status_code == 400
    assert client.get(url, {"ngay": (dates.today() + dt.timedelta(days=1)).isoformat()}).status_code == 400


def test_the_export_form_refuses_a_day_after_today(client, people, tree):
    client.force_login(people.town_office)
    future = dates.today() + dt.timedelta(days=1)
    response = client.post(reverse("reports:exports"), {"don_vi": tree.town.pk, "kind": "funds_by_unit",
                                                        "as_of": f"{future:%d/%m/%Y}"})  # fmt: skip
    assert response.status_code == 200 and "số liệu chỉ tính đến hôm nay" in response.content.decode()
    assert not ReportJob.objects.exists()


@pytest.mark.parametrize("day", [None, dt.date(2024, 5, 25)], ids=["today", "25-05-2024"])
def test_a_households_rows_add_up_to_its_total_on_the_staff_page_the_public_page_and_the_api(
    client, scenario, people, day
):
    h1 = scenario.houses[0]
    client.force_login(people.town_office)
    staff = shown(client.get(reverse("funds:household", args=[h1.pk])).content.decode(), household=h1.pk)
    client.logout()
    public = shown(client.get(reverse("portal:household", args=[h1.code]), _ngay(day)).content.decode(),
                   household=h1.pk)  # fmt: skip
    params = {"ngay": day.isoformat()} if day else {}
    api = APIClient().get(reverse("api:public-household-detail", args=[h1.code]), params).json()
    from chungtay.figures.funds import for_household

    oracle = for_household(h1, as_of=day)
    surfaces = [("public", public), ("api", {"household_planned": [api["money_total"]["planned"]],
                                            "household_allocated": [api["money_total"]["allocated"]],
                                            "household_received": [api["money_total"]["disbursed"]]})]  # fmt: skip
    if day is None:
        surfaces.append(("staff", staff))  # the staff page shows today's
    for name, found in surfaces:
        for total in ("household_planned", "household_allocated", "household_received"):
            parts = [v for key, values in found.items() if key.startswith(total + "_") for v in values]
            assert found[total] == [oracle[total]], (name, total)
            if name != "api":
                assert sum(parts) == oracle[total], (name, total, parts)
    rows = api["money"]
    assert sum(r["allocated"] for r in rows) == api["money_total"]["allocated"] == oracle.household_allocated
    assert sum(r["disbursed"] for r in rows) == api["money_total"]["disbursed"] == oracle.household_received
    if day is None:  # 30 from the town fund, 60 from the state budget
        assert oracle.household_received == 90_000_000 and oracle.household_received_state == 60_000_000
    else:  # by 25 May only the fund's 30 million had been paid
        assert oracle.household_received == 30_000_000 and oracle.household_received_state == 0
        assert oracle.household_allocated == 100_000_000
