"""Dashboard and timeliness figures, checked by hand on small data, in a fixed number of queries."""

import datetime as dt

import pytest

from chungtay.funds.models import Channel, FundKind
from chungtay.funds.services import donor_find_or_create, fund_create, receipt_record
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create
from chungtay.reports import selectors

from .conftest import TODAY

# Today is the conftest's day: the fixtures set households' statuses without dated stages, which the
# kept figures (today) count; an earlier day recomputes from dated rows (test_dashboard_figures).
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.time_machine(dt.datetime.combine(TODAY, dt.time(9), tzinfo=dt.timezone(dt.timedelta(hours=7)))),
]


@pytest.fixture
def houses(tree, make_household):
    a1, b1 = tree.area_a1, tree.area_b1
    make_household(a1, status="handed_over", phase_year=2023, completed_on=dt.date(2023, 9, 10), lat=15.89, lon=108.25)
    make_household(a1, status="completed", completed_on=dt.date(2024, 8, 5), lat=15.891, lon=108.251)
    make_household(a1, status="building", lat=15.892, lon=108.252)
    make_household(b1, status="approved")
    make_household(b1, status="withdrawn", state_support=60_000_000)
    make_household(tree.other_district, status="completed")  # outside Điện Bàn: never counted


def test_the_summary_counts_houses_by_phase_and_status_for_the_subtree(tree, houses):
    f = selectors.unit_summary(tree.town, as_of=TODAY).figures
    assert f["houses_planned"] == 4  # the withdrawn one is not planned any more
    assert (f["houses_started"], f["houses_completed"], f["houses_handed_over"]) == (3, 2, 1)
    assert f["houses_not_started"] == 1 and f["houses_withdrawn"] == 1
    assert f["houses_support_amount"] == 240_000_000
    assert f["houses_done_percent"] == 50
    s = selectors.unit_summary(tree.town, as_of=TODAY)
    assert [(r["phase_year"], r["houses_planned"], r["houses_completed"]) for r in s.by_phase] == [
        (2023, 1, 1),
        (2024, 3, 1),
    ]
    commune = selectors.unit_summary(tree.commune_b, as_of=TODAY).figures
    assert commune["houses_planned"] == 1 and commune["houses_completed"] == 0


def test_money_mobilised_is_the_subtree_total_and_matches_what_was_received(people, tree):
    town_fund = fund_create(
        actor=people.town_office, unit=tree.town, kind=FundKind.FOR_THE_POOR, name="Quỹ thị xã", code="vnn-db"
    )
    commune_fund = fund_create(
        actor=people.town_office, unit=tree.commune_a, kind=FundKind.MOVEMENT, name="Quỹ phường", code="xnt-vd"
    )
    for fund, amount, ref in ((town_fund, 50_000_000, "FT1"), (commune_fund, 10_000_000, "FT2")):
        receipt_record(
            actor=people.town_office,
            fund=fund,
            donor=donor_find_or_create(unit=fund.unit, name="Nhà Hảo Tâm"),
            amount=amount,
            received_on=dt.date(2024, 5, 1),
            channel=Channel.BANK,
            bank_ref=ref,
        )
    assert selectors.money_summary(tree.town)["money_received"] == 60_000_000
    assert selectors.money_summary(tree.town)["money_unallocated"] == 60_000_000
    assert selectors.money_summary(tree.commune_a)["money_received"] == 10_000_000
    bars = {row.unit.pk: row.figures for row in selectors.children_breakdown(tree.town, as_of=TODAY)}
    assert bars[tree.commune_a.pk]["money_received"] == 10_000_000
    assert bars[tree.commune_b.pk]["money_received"] == 0


def test_obligations_complaints_registrations_are_counted_on_time_late_and_excused(
    tree, participate, obligation, complaint
):
    participate(tree.commune_a)
    participate(tree.commune_b, late=True)
    participate(tree.area_a1, registered=False)
    obligation(tree.commune_a, dt.date(2024, 3, 31), done_on=dt.date(2024, 3, 30))  # on time
    obligation(tree.commune_b, dt.date(2024, 3, 31), done_on=dt.date(2024, 4, 5))  # late but done
    obligation(tree.area_a1, dt.date(2024, 3, 31))  # missing
    obligation(tree.commune_a, dt.date(2024, 4, 15), kind="launch", excused="Bão số 4, hoãn hội nghị")
    obligation(tree.commune_b, dt.date(2024, 12, 20), kind="launch")  # not due yet
    complaint(tree.commune_a, due_on=dt.date(2024, 11, 1))  # open, late
    complaint(tree.commune_b, due_on=dt.date(2024, 12, 30), received_on=dt.date(2024, 11, 30))  # open
    complaint(tree.commune_b, due_on=dt.date(2024, 10, 1), status="resolved")
    f = selectors.unit_summary(tree.town, as_of=TODAY).figures
    obligations = {k: v for k, v in f.items() if k.startswith("obligations_")}
    assert obligations == {
        "obligations_total": 5, "obligations_due": 3, "obligations_on_time": 1, "obligations_done_late": 1,
        "obligations_overdue": 1, "obligations_excused": 1, "obligations_open": 1, "obligations_on_time_percent": 33,
    }  # fmt: skip
    assert (f["units_participating"], f["units_registered"], f["units_registered_late"]) == (3, 2, 1)
    assert (f["complaints_open"], f["complaints_overdue"], f["complaints_received"]) == (2, 1, 3)
    bars = {row.unit.pk: row.figures for row in selectors.children_breakdown(tree.town, as_of=TODAY)}
    assert bars[tree.commune_a.pk]["obligations_overdue"] == 1  # the area's missing plan counts for its commune
    assert bars[tree.commune_a.pk]["complaints_overdue"] == 1 and bars[tree.commune_b.pk]["complaints_open"] == 1


def test_per_unit_bars_and_the_monthly_series_add_up(tree, houses):
    rows = {row.unit.pk: row.figures for row in selectors.children_breakdown(tree.town, as_of=TODAY)}
    assert (rows[tree.commune_a.pk]["houses_planned"], rows[tree.commune_a.pk]["houses_completed"]) == (3, 2)
    assert (rows[tree.commune_b.pk]["houses_planned"], rows[tree.commune_b.pk]["houses_completed"]) == (1, 0)
    series = selectors.progress_series(tree.town)
    assert series["labels"] == ["07/2023", "09/2023", "06/2024", "08/2024"]
    assert series["cum_completed"][-1] == 2 and series["cum_started"][-1] == 2
    points = selectors.map_points(tree.town)
    assert len(points) == 3 and all(p["url"].startswith("/nha-o/ho/") for p in points)


def test_the_dashboard_selectors_cost_the_same_queries_with_many_more_units(
    tree, houses, django_assert_max_num_queries, make_household
):
    def run():
        selectors.unit_summary(tree.town, as_of=TODAY)
        selectors.children_breakdown(tree.town, as_of=TODAY)
        selectors.progress_series(tree.town)
        selectors.map_points(tree.town)

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from chungtay.tallies import rollup

    rollup.refresh_pending()  # reads are measured here; refreshing after writes is measured below
    with CaptureQueriesContext(connection) as small:
        run()
    for i in range(8):
        commune = unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name=f"Xã Mới {i}")
        area = unit_create(actor=None, parent=commune, level=Level.AREA, kind="thon", name="Thôn 1")
        make_household(area, status="completed", completed_on=dt.date(2024, 7, 1))
    rollup.refresh_pending()
    with django_assert_max_num_queries(len(small.captured_queries)):
        run()
    assert len(selectors.children_breakdown(tree.town, as_of=TODAY)) == 10


def test_timeliness_gives_reporting_rates_per_unit_and_per_milestone_with_excuse_reasons(
    tree, participate, obligation, movement, django_assert_max_num_queries
):
    participate(tree.commune_a)
    participate(tree.commune_b)
    for month in (4, 5, 6):
        due = dt.date(2024, month, 25)
        obligation(tree.commune_a, due, kind="progress_report", done_on=due)  # all on time
        done_b = {4: dt.date(2024, 5, 2), 5: None, 6: dt.date(2024, 6, 20)}[month]
        obligation(tree.commune_b, due, kind="progress_report", done_on=done_b)
    obligation(tree.commune_a, dt.date(2024, 4, 15), kind="launch", done_on=dt.date(2024, 4, 8))
    obligation(tree.commune_b, dt.date(2024, 4, 15), kind="launch", excused="Sáp nhập thôn, tổ chức cùng đợt sau")
    with django_assert_max_num_queries(4):
        table = selectors.timeliness(movement, tree.town, as_of=TODAY)
    rows = {row.unit.pk: row for row in table.rows}
    a, b = rows[tree.commune_a.pk], rows[tree.commune_b.pk]
    assert (a.total.expected, a.total.received, a.total.on_time) == (4, 4, 4)
    assert (b.total.expected, b.total.received, b.total.on_time, b.total.missing) == (3, 2, 1, 1)
    assert b.total.completeness == 67 and b.total.timeliness == 33
    labels = [m.kind for m in table.milestones]
    launch = labels.index("launch")
    assert b.cells[launch].state == "excused"
    assert b.cells[launch].reasons == ["15/04/2024: Sáp nhập thôn, tổ chức cùng đợt sau"]
    reports = labels.index("progress_report")
    assert b.cells[reports].state == "missing" and a.cells[reports].state == "on_time"
    assert (table.columns[reports].expected, table.columns[reports].on_time) == (6, 4)
    assert table.total.timeliness == 71  # 5 of 7 on time
    only_a = selectors.timeliness(movement, tree.commune_a, as_of=TODAY)
    assert [row.unit.pk for row in only_a.rows] == [tree.commune_a.pk]
