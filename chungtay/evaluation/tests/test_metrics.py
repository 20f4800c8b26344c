"""Computed criteria on small data with numbers checked by hand."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from chungtay.campaigns.models import Milestone, MilestoneKind, Obligation
from chungtay.evaluation import metrics, services
from chungtay.housing.models import Complaint, FundingPlanLine
from chungtay.tallies import rollup

from .conftest import TODAY, day, lines_by_code, participation

pytestmark = pytest.mark.django_db


def test_housing_completion_counts_the_years_phase_and_ignores_withdrawn_households(
    movement, tree, make_household, django_assert_max_num_queries
):
    year = movement.ends_on.year
    for _ in range(3):
        make_household(tree.area_a1, status="completed")
    make_household(tree.area_a1, status="handed_over")
    make_household(tree.area_a1, status="building")
    make_household(tree.area_a1, status="withdrawn", withdrawn_reason="Chuyển đi nơi khác")
    make_household(tree.area_a1, status="completed", phase_year=year + 1)  # another phase: not counted
    make_household(tree.area_b1, status="building")  # another commune
    rollup.ensure_fresh()  # the writes' cost: the kept subtree figures catch up with the new households
    # Then a fixed number, whatever the subtree's size: the freshness check and the kept figures.
    with django_assert_max_num_queries(2):
        result = metrics.housing_completion_vs_phase(tree.commune_a, movement, Decimal(20), as_of=TODAY)
    assert result.value == Decimal("0.8") and result.points == Decimal("16.00")
    assert result.explanation == f"4/5 hộ phân kỳ {year} đã hoàn thành (80%)."


def test_complaints_take_points_off_and_overdue_ones_more(movement, tree, people, make_household):
    received = dt.date(2024, 1, 15)  # in the movement's year (2024), long before the as-of day
    h = make_household(tree.area_a1)
    base = {"origin_unit": tree.commune_a, "unit": tree.commune_a, "concerns": "household", "household": h,
            "channel": "letter", "complainant_name": "Người gửi", "content": "Nội dung"}  # fmt: skip
    Complaint.objects.create(kind="complaint", received_on=received, due_on=received + dt.timedelta(days=30),
                             status="resolved", resolution="Đã giải quyết", **base)  # fmt: skip
    Complaint.objects.create(kind="denunciation", received_on=received, due_on=received + dt.timedelta(days=1),
                             status="processing", **base)  # fmt: skip
    Complaint.objects.create(kind="petition", received_on=received, due_on=received + dt.timedelta(days=30),
                             status="received", **base)  # a petition is not a complaint: not counted  # fmt: skip
    result = metrics.complaints_and_fund_rules(tree.commune_a, movement, Decimal(20), as_of=TODAY)
    # 2 complaints (−25% each) and 1 overdue (−25% more) of 20 points → 5 points.
    assert result.points == Decimal("5.00")
    assert "2 đơn khiếu nại, tố cáo" in result.explanation and "1 đơn quá hạn" in result.explanation
    clean = metrics.complaints_and_fund_rules(tree.commune_b, movement, Decimal(20), as_of=TODAY)
    assert clean.points == Decimal(20) and "không có khiếu nại" in clean.explanation


def test_non_state_share_reaches_full_points_at_thirty_percent(movement, tree, make_household):
    h1, h2 = make_household(tree.area_a1), make_household(tree.area_a1)
    FundingPlanLine.objects.create(household=h1, source="state", amount=60_000_000)
    FundingPlanLine.objects.create(household=h1, source="sponsor", amount=10_000_000)
    FundingPlanLine.objects.create(household=h2, source="state", amount=60_000_000)
    FundingPlanLine.objects.create(household=h2, source="front_fund", amount=15_000_000)
    FundingPlanLine.objects.create(household=h2, source="own_share", amount=50_000_000)  # not a source combined in
    result = metrics.non_state_share(tree.commune_a, movement, Decimal(10), as_of=TODAY)
    # 25.000.000 / 145.000.000 = 17,2% of a 30% target → 10 × 0.1724 / 0.3 = 5.75
    assert result.value == Decimal("0.1724") and result.points == Decimal("5.75")
    assert "25.000.000 đ / 145.000.000 đ (17,2%)" in result.explanation
    FundingPlanLine.objects.create(household=h2, source="other_programme", amount=40_000_000)
    assert metrics.non_state_share(tree.commune_a, movement, Decimal(10), as_of=TODAY).points == Decimal(10)


def _at(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time(16)))


def test_obligations_on_time_counts_what_fell_due_and_ignores_excused_ones(movement, tree):
    milestone = Milestone.objects.create(
        movement=movement, kind=MilestoneKind.PROGRESS_REPORT, level=3, due_on=day(-60)
    )
    unit = tree.commune_a
    for due, fulfilled, excused in [
        (day(-60), day(-61), ""),  # on time
        (day(-50), day(-50), ""),  # on the due day: on time
        (day(-40), day(-38), ""),  # late
        (day(-30), None, ""),  # missing
        (day(-20), None, "Bão lũ, được miễn"),  # excused: not counted
        (day(20), None, ""),  # not due yet: not counted
    ]:
        Obligation.objects.create(
            milestone=milestone, unit=unit, due_on=due, fulfilled_at=_at(fulfilled) if fulfilled else None,
            excused_reason=excused,
        )  # fmt: skip
    result = metrics.obligations_on_time(unit, movement, Decimal(10), as_of=TODAY)
    assert result.value == Decimal("0.5") and result.points == Decimal("5.00")
    assert result.explanation == "2/4 việc đến hạn được báo cáo đúng hạn trên hệ thống (50%)."


def test_computed_figures_reach_the_self_assessment_line(movement, tree, people, make_household):
    make_household(tree.area_a1, status="completed")
    make_household(tree.area_a1, status="building")
    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    line = lines_by_code(a)["3.2.2.c"]
    assert line.self_score == Decimal("15.00") and line.computed_value == Decimal("0.5")
    assert line.computed_detail["planned"] == 2 and "1/2 hộ" in line.computed_detail["explanation"]


def test_complaints_are_overdue_as_of_the_day_asked_not_the_day_the_code_runs(movement, tree, make_household):
    h = make_household(tree.area_a1)
    Complaint.objects.create(
        kind="complaint", received_on=dt.date(2024, 9, 1), due_on=dt.date(2024, 10, 1), status="processing",
        origin_unit=tree.commune_a, unit=tree.commune_a, concerns="household", household=h, channel="letter",
        complainant_name="Người gửi", content="Nội dung",
    )  # fmt: skip
    before_due = metrics.complaints_and_fund_rules(tree.commune_a, movement, Decimal(20), as_of=dt.date(2024, 9, 20))
    after_due = metrics.complaints_and_fund_rules(tree.commune_a, movement, Decimal(20), as_of=dt.date(2024, 10, 2))
    before_received = metrics.complaints_and_fund_rules(
        tree.commune_a, movement, Decimal(20), as_of=dt.date(2024, 8, 31)
    )
    assert (before_due.points, after_due.points, before_received.points) == (Decimal(15), Decimal(10), Decimal(20))


def test_the_assessment_takes_its_figures_on_the_day_it_is_computed_but_not_after_the_movement_ends(movement):
    assert metrics.assessment_as_of(movement, TODAY) == TODAY
    assert metrics.assessment_as_of(movement, movement.ends_on + dt.timedelta(days=40)) == movement.ends_on
