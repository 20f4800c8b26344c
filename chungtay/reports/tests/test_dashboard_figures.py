"""The dashboards show the catalogue's figures: every element marked data-figure="<name>" holds the
catalogue's value for its unit and day, the rows add up to the cards, an earlier day shows the
earlier values, and the timeliness matrix counts obligations as the catalogue does."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from chungtay.core import dates
from chungtay.figures.tests.conftest import house, norm  # noqa: F401 - the shared builders, as fixtures
from chungtay.funds import services as funds
from chungtay.funds.models import Channel, FundKind, SourceKind
from chungtay.housing import services as housing
from chungtay.reports import selectors
from chungtay.tallies import catalogue

pytestmark = pytest.mark.django_db
D = dt.date
_codes = itertools.count(1)
BEFORE_MAY, END_OF_JUNE = D(2024, 5, 1), D(2024, 6, 30)


class Shown(HTMLParser):
    """{(where, name): text}: `where` is "card", a row's data-unit ("<pk>", "direct", "total") or
    "phase:<year>", for every element with data-figure."""

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[tuple[str, str], str] = {}
        self._stack: list[tuple[str, str | None, str | None, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"br", "input", "img", "meta", "link", "hr"}:
            return
        a = dict(attrs)
        where = None
        if a.get("data-testid") == "dashboard-cards":
            where = "card"
        elif "data-unit" in a:
            where = a["data-unit"]
        elif "data-phase" in a:
            where = f"phase:{a['data-phase']}"
        self._stack.append((tag, where, a.get("data-figure"), []))

    def handle_endtag(self, tag: str) -> None:
        if not self._stack:
            return
        _tag, _where, name, parts = self._stack.pop()
        text = "".join(parts)
        for entry in reversed(self._stack):
            entry[3].append(text)
            break
        if name:
            where = next((w for _t, w, _n, _p in reversed(self._stack) if w), "page")
            assert (where, name) not in self.found, f"{name} shown twice in {where}"
            self.found[(where, name)] = text.strip()

    def handle_data(self, data: str) -> None:
        if self._stack:
            self._stack[-1][3].append(data)


def number(text: str) -> int | None:
    """ "60.000.000 đ" → 60000000, "33%" → 33, "—" → None."""
    if text == "—":
        return None
    return int(re.sub(r"[^\d-]", "", text))


def shown(client, url: str) -> dict[tuple[str, str], int | None]:
    response = client.get(url)
    assert response.status_code == 200
    parser = Shown()
    parser.feed(response.content.decode())
    return {key: number(text) for key, text in parser.found.items()}


@pytest.fixture
def town(tree, people, house, participate, obligation):  # noqa: F811 - pytest passes the imported fixture
    """Vĩnh Điện: a house started in March and completed on 20/05, one started in June, one withdrawn in
    April; Điện Hồng: one not started. The town fund receives 100 million in February and pays 30 to the
    first house on 22/05; the commune fund receives 20 in June; the state budget pays 60 in June.
    Obligations: on time, done late (in May), overdue, excused, not yet due."""
    office = people.town_office
    h1, h2, gone = house(tree.area_a1), house(tree.area_a1), house(tree.area_a1)
    house(tree.area_b1)
    housing.progress_record(actor=office, household=h1, stage="start", date=D(2024, 3, 1))
    done = housing.progress_record(actor=office, household=h1, stage="completed", date=D(2024, 5, 20))
    housing.progress_verify(actor=people.commune_a_staff, update=done)  # checked in the field before paying
    housing.progress_record(actor=office, household=h2, stage="start", date=D(2024, 6, 15))
    housing.household_withdraw(actor=office, household=gone, reason="Chuyển đi nơi khác", on=D(2024, 4, 10))
    town_fund = funds.fund_create(actor=office, unit=tree.town, kind=FundKind.FOR_THE_POOR,
                                  name="Quỹ Vì người nghèo thị xã", code="vnn-bt")  # fmt: skip
    commune_fund = funds.fund_create(actor=office, unit=tree.commune_a, kind=FundKind.MOVEMENT,
                                     name="Quỹ vận động phường", code="vd-bt")  # fmt: skip
    state = funds.source_create(actor=office, unit=tree.town, kind=SourceKind.STATE_BUDGET, name="Ngân sách tỉnh")
    for fund, amount, day, ref in ((town_fund, 100_000_000, D(2024, 2, 5), "BT1"),
                                   (commune_fund, 20_000_000, D(2024, 6, 3), "BT2")):  # fmt: skip
        funds.receipt_record(actor=office, fund=fund, donor=funds.DonorRef(name="Công ty Thử Nghiệm"), amount=amount,
                             received_on=day, channel=Channel.BANK, bank_ref=ref)  # fmt: skip
    funds.allocation_record(actor=office, household=h1, amount=40_000_000, date=D(2024, 4, 2),
                            decision="12/QĐ-MTTQ", fund=town_fund)  # fmt: skip
    funds.allocation_record(actor=office, household=h1, amount=60_000_000, date=D(2024, 4, 2),
                            decision="8584/QĐ-UBND", source=state)  # fmt: skip
    for amount, day, origin in ((30_000_000, D(2024, 5, 22), {"fund": town_fund}),
                                (60_000_000, D(2024, 6, 10), {"source": state})):  # fmt: skip
        voucher = funds.disbursement_record(actor=office, household=h1, amount=amount, date=day,
                                            voucher_number=f"PC{day:%m%d}", stage="completed", **origin)  # fmt: skip
        funds.disbursement_approve(actor=people.board, disbursement=voucher)
    for unit in (tree.town, tree.commune_a, tree.commune_b, tree.area_a1):
        participate(unit)
    obligation(tree.commune_a, D(2024, 3, 31), done_on=D(2024, 3, 30))  # on time
    obligation(tree.commune_b, D(2024, 3, 31), done_on=D(2024, 5, 5))  # late, done in May
    obligation(tree.area_a1, D(2024, 3, 31))  # overdue
    obligation(tree.town, D(2024, 3, 31), done_on=D(2024, 3, 1))  # the town's own, on time
    obligation(tree.commune_a, D(2024, 4, 15), kind="launch", excused="Bão số 4, hoãn hội nghị")
    obligation(tree.commune_b, D(2025, 12, 20), kind="launch")  # not yet due
    return tree


def _url(unit, day: D | None) -> str:
    return f"/bao-cao/?don_vi={unit.pk}" + (f"&ngay={day:%d/%m/%Y}" if day else "")


@pytest.mark.parametrize("day", [None, BEFORE_MAY, END_OF_JUNE])
def test_the_dashboard_shows_the_catalogue_value_of_every_figure_for_the_unit_and_each_child(client, people, town, day):
    client.force_login(people.board)
    page = shown(client, _url(town.town, day))
    cards = {name: value for (where, name), value in page.items() if where == "card"}
    assert {"money_received", "money_paid_from_funds", "money_households_received", "houses_completed",
            "obligations_overdue", "obligations_on_time_percent", "good_models_proposed"} <= set(cards)  # fmt: skip
    expected = catalogue.for_unit(town.town, as_of=day)
    for name, value in cards.items():
        assert value == expected[name], name
    rows = dict(catalogue.for_children(town.town, as_of=day))
    for child, figures in rows.items():
        row = {name: value for (where, name), value in page.items() if where == str(child.pk)}
        assert set(row) >= {"houses_planned", "money_received", "money_households_received", "obligations_overdue"}
        for name, value in row.items():
            assert value == figures[name], (child.title, name)
    total = {name: value for (where, name), value in page.items() if where == "total"}
    for name, value in total.items():
        assert value == expected[name], name


def test_the_cards_equal_the_sum_of_their_rows_for_every_additive_figure(client, people, town):
    client.force_login(people.board)
    for unit in (town.province, town.town, town.commune_a):
        summary = selectors.unit_summary(unit, as_of=END_OF_JUNE)
        rows = selectors.children_breakdown(unit, as_of=END_OF_JUNE)
        direct = selectors.direct_row(summary, rows)
        parts = rows + ([direct] if direct else [])
        additive = [n for n in rows[0].figures if selectors.additive(n)]
        assert len(additive) > 20
        for name in additive:
            assert summary.figures[name] == sum(r.figures[name] for r in parts), (unit.title, name)
    # The province holds no fund and no obligation itself: its cards are the sum of its children's rows.
    province = selectors.unit_summary(town.province, as_of=END_OF_JUNE)
    assert selectors.direct_row(province, selectors.children_breakdown(town.province, as_of=END_OF_JUNE)) is None
    # On the page: the town's own fund and obligation are a row of their own, and the rows add up.
    page = shown(client, _url(town.town, END_OF_JUNE))
    for name in ("money_received", "money_paid_from_funds", "money_households_received", "houses_planned",
                 "houses_completed", "obligations_overdue", "complaints_open"):  # fmt: skip
        rows_sum = sum(v or 0 for (where, n), v in page.items() if n == name and (where.isdigit() or where == "direct"))
        assert page[("card", name)] == page[("total", name)] == rows_sum, name
    assert page[("direct", "money_received")] == 100_000_000 and page[("direct", "money_households_received")] == 0


def test_a_dashboard_before_a_receipt_and_a_stage_shows_the_earlier_values(client, people, town):
    client.force_login(people.board)
    before, after = shown(client, _url(town.town, BEFORE_MAY)), shown(client, _url(town.town, END_OF_JUNE))
    a = str(town.commune_a.pk)
    assert (before[(a, "houses_completed")], after[(a, "houses_completed")]) == (0, 1)  # completed on 20/05
    assert (before[(a, "money_received")], after[(a, "money_received")]) == (0, 20_000_000)  # received in June
    assert (before[("card", "money_paid_from_funds")], after[("card", "money_paid_from_funds")]) == (0, 30_000_000)
    assert after[("card", "money_households_received")] == 90_000_000  # fund and state budget
    assert (before[("card", "obligations_overdue")], after[("card", "obligations_overdue")]) == (2, 1)
    assert (before[("card", "obligations_done_late")], after[("card", "obligations_done_late")]) == (0, 1)
    assert before[("card", "houses_planned")] == 3  # withdrawn on 10/04
    assert ("phase:2024", "houses_completed") in after
    page = client.get(_url(town.town, BEFORE_MAY)).content.decode()
    assert "Số liệu đến ngày 01/05/2024" in page
    assert "tính đến hết tháng của ngày đã chọn" in page  # the monthly chart is cut at that month
    assert f'href="?don_vi={town.commune_a.pk}&amp;ngay=01/05/2024"' in page  # drilling down keeps the day


@pytest.mark.parametrize(
    ("value", "message"),
    [("31/02/2024", "Ngày không hợp lệ"), ("hôm qua", "Ngày không hợp lệ"), ("01/01/2999", "Chưa có số liệu")],
)
def test_a_bad_or_future_day_is_refused_in_vietnamese_and_today_is_shown(client, people, town, value, message):
    client.force_login(people.board)
    response = client.get(f"/bao-cao/?don_vi={town.town.pk}&ngay={value}")
    page = response.content.decode()
    assert response.status_code == 200 and 'data-testid="as-of-error"' in page and message in page
    assert "(hôm nay)" in page


@pytest.mark.parametrize("day", [D(2024, 4, 1), END_OF_JUNE, None])
def test_the_timeliness_total_equals_the_catalogue_for_the_same_unit_movement_and_day(
    client, people, town, movement, day
):
    as_of = day or dates.today()
    for unit in (town.town, town.commune_a):
        table = selectors.timeliness(movement, unit, as_of=as_of)
        f = catalogue.for_unit(unit, as_of=as_of, movement=movement)
        total = table.total
        assert (total.expected, total.on_time, total.received - total.on_time, total.missing, total.excused,
                total.open) == (f.obligations_due, f.obligations_on_time, f.obligations_done_late,
                                f.obligations_overdue, f.obligations_excused, f.obligations_open)  # fmt: skip
        assert total.timeliness == f.obligations_on_time_percent
    client.force_login(people.town_office)
    suffix = f"&ngay={day:%d/%m/%Y}" if day else ""
    page = shown(client, f"/bao-cao/dung-han/?don_vi={town.town.pk}&phong_trao={movement.pk}{suffix}")
    f = catalogue.for_unit(town.town, as_of=as_of, movement=movement)
    on_page = {name: value for (_where, name), value in page.items()}
    assert on_page and all(value == f[name] for name, value in on_page.items())


def test_overdue_on_time_and_late_read_the_same_words_on_the_home_page_and_the_workspace(
    client, people, tree, movement, participate, obligation
):
    participate(tree.commune_a)
    participate(tree.area_a1)
    obligation(tree.commune_a, D(2024, 3, 31))  # overdue: the commune's own
    obligation(tree.area_a1, D(2024, 3, 31))  # overdue: its area's
    obligation(tree.commune_a, D(2024, 4, 15), kind="launch", done_on=D(2024, 4, 20))  # done late
    client.force_login(people.commune_a_staff)
    page = client.get(reverse("dashboard")).content.decode()
    # Per unit on the home page, the subtree in the follow-up card: each label says which.
    assert "1 việc quá hạn chưa thực hiện (của riêng đơn vị)" in page
    home = Shown()
    home.feed(page)
    assert (
        number(home.found[("page", "obligations_overdue")])
        == 2
        == catalogue.value("obligations_overdue", tree.commune_a)
    )
    assert "toàn bộ đơn vị và cấp dưới" in page and "việc trễ hạn" not in page
    workspace = client.get(reverse("campaigns:workspace", args=[movement.pk, tree.commune_a.pk])).content.decode()
    assert "Quá hạn chưa thực hiện" in workspace and "Hoàn thành trễ hạn" in workspace
    assert "Trễ hạn" not in workspace and "Xong, trễ hạn" not in workspace
