"""The oracle in a real browser (issue 16): the office and a visitor read the same figures on the staff
dashboard, the funds overview and the public pages, today and as of a day typed into "Số liệu đến ngày",
and every figure on screen is the catalogue's value for its unit, fund or phase."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chungtay.figures.testing import number
from conftest import login

from .test_oracle_demo import Oracle

DAY = dt.date(2026, 12, 7)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.time_machine(dt.datetime.combine(DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
]

READ = """els => els.map(e => {
  const o = e.closest('[data-unit],[data-fund],[data-household]');
  const ph = e.closest('[data-phase]');
  let owner = null;
  if (o) owner = o.dataset.unit !== undefined ? ['unit', o.dataset.unit]
    : o.dataset.fund !== undefined ? ['fund', o.dataset.fund] : ['household', o.dataset.household];
  return [owner, ph ? ph.dataset.phase : null, e.dataset.figure, e.textContent];
})"""


def on_screen(pg) -> list:
    return pg.eval_on_selector_all("[data-figure]", READ)


def check(oracle: Oracle, where: str, rows: list, *, unit, day: dt.date) -> None:
    for owner, phase, name, text in rows:
        kind, ident = owner if owner else ("unit", str(unit.pk))
        if ident == "total":
            ident = str(unit.pk)
        if not ident.isdigit():
            continue
        oracle.compare(where, kind, int(ident), day, name, number(text), int(phase) if phase else None)


def choose_day(pg, day: dt.date) -> None:
    pg.fill("#ngay", f"{day:%d/%m/%Y}")
    pg.press("#ngay", "Enter")
    pg.wait_for_load_state("networkidle")
    assert f"{day:%d/%m/%Y}" in pg.inner_text("[data-testid=as-of]")


def test_the_office_and_a_visitor_see_the_catalogues_figures_on_every_page_today_and_as_of_a_chosen_day(
    page, scenario, tree
):
    oracle = Oracle()
    may = dt.date(2024, 5, 31)
    login(page, "office")
    page.goto(page.base_url + "/bao-cao/")
    check(oracle, "dashboard", on_screen(page), unit=tree.town, day=DAY)
    choose_day(page, may)
    check(oracle, "dashboard (31/05/2024)", on_screen(page), unit=tree.town, day=may)
    page.goto(page.base_url + "/quy/")
    check(oracle, "funds", on_screen(page), unit=tree.town, day=DAY)
    choose_day(page, may)
    check(oracle, "funds (31/05/2024)", on_screen(page), unit=tree.town, day=may)

    page.goto(page.base_url + f"/cong-khai/don-vi/{tree.town.pk}/")
    check(oracle, "portal", on_screen(page), unit=tree.town, day=DAY)
    choose_day(page, may)
    check(oracle, "portal (31/05/2024)", on_screen(page), unit=tree.town, day=may)

    assert not oracle.wrong, "\n".join(oracle.wrong[:30])
    # The figures issue 16 saw disagree were on screen, on several pages and both days.
    for name in ("money_paid_from_funds", "money_households_received", "money_received", "houses_completed"):
        assert oracle.checked[name] >= 3, (name, oracle.checked)
