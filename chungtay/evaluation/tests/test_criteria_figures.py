"""A computed criterion and the figures catalogue give the same number for the same unit and day, and
the evaluation's own figures (self-assessed, scored, approved) stand as they did on a date."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from chungtay.campaigns.models import Milestone, MilestoneKind, Obligation
from chungtay.evaluation import metrics, services
from chungtay.housing.models import Complaint, FundingPlanLine, ProgressUpdate
from chungtay.tallies import catalogue

from .conftest import TODAY, day, participation

pytestmark = pytest.mark.django_db
DAYS = (day(-45), day(-20), day(-1), TODAY)  # TODAY reads the kept figures, the others the dated rows


def _at(d: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time(15)))


@pytest.fixture
def commune_year(movement, tree, make_household):
    """Vĩnh Điện in the movement's year: houses completed on different days, one withdrawn, funding
    plans, a complaint and a denunciation, a petition, and its own obligations met early, late or never."""
    a1 = tree.area_a1
    for completed in (day(-40), day(-10), None):
        h = make_household(a1, status="completed" if completed else "building")
        ProgressUpdate.objects.create(household=h, stage="start", date=day(-60), percent=10)
        if completed:
            ProgressUpdate.objects.create(household=h, stage="completed", date=completed, percent=100)
        FundingPlanLine.objects.create(household=h, source="state", amount=60_000_000)
        FundingPlanLine.objects.create(household=h, source="sponsor", amount=10_000_000)
        FundingPlanLine.objects.create(household=h, source="own_share", amount=20_000_000)
    make_household(a1, status="withdrawn", withdrawn_on=day(-30), withdrawn_reason="Chuyển đi nơi khác")
    make_household(a1, phase_year=movement_year(movement) + 1, status="completed")  # another phase
    base = {"origin_unit": tree.commune_a, "unit": tree.commune_a, "concerns": "unit", "channel": "letter",
            "complainant_name": "Người gửi", "content": "Nội dung"}  # fmt: skip
    Complaint.objects.create(kind="complaint", received_on=day(-50), due_on=day(-25), status="processing", **base)
    Complaint.objects.create(kind="denunciation", received_on=day(-15), due_on=day(15), status="received", **base)
    Complaint.objects.create(kind="petition", received_on=day(-50), due_on=day(-40), status="received", **base)
    report = Milestone.objects.create(movement=movement, kind=MilestoneKind.PROGRESS_REPORT, level=3, due_on=day(-50))
    for due, done in ((day(-50), day(-51)), (day(-30), day(-28)), (day(-5), None), (day(10), day(-2))):
        Obligation.objects.create(milestone=report, unit=tree.commune_a, due_on=due,
                                  fulfilled_at=_at(done) if done else None)  # fmt: skip
    return tree.commune_a


def movement_year(movement):
    return metrics.movement_year(movement)


def test_each_computed_criterion_equals_the_catalogue_figure_for_the_same_unit_and_day(movement, commune_year):
    unit, year, ten = commune_year, metrics.movement_year(movement), Decimal(10)
    seen = set()
    for as_of in DAYS:
        f = catalogue.for_unit(unit, as_of=as_of, phase=year)
        own = catalogue.for_unit(unit, as_of=as_of, movement=movement)
        houses = metrics.housing_completion_vs_phase(unit, movement, ten, as_of=as_of).detail
        assert (houses["done"], houses["planned"]) == (f.houses_completed, f.houses_planned)
        rules = metrics.complaints_and_fund_rules(unit, movement, ten, as_of=as_of).detail
        assert (rules["complaints"], rules["overdue"], rules["unreconciled"]) == (
            f.complaints_grave_received, f.complaints_grave_overdue, f.statement_lines_unmatched)  # fmt: skip
        plan = metrics.non_state_share(unit, movement, ten, as_of=as_of).detail
        assert (plan["total"], plan["state"], plan["other"]) == (f.plan_combined, f.plan_state, f.plan_non_state)
        work = metrics.obligations_on_time(unit, movement, ten, as_of=as_of).detail
        assert (work["due"], work["on_time"]) == (own.own_obligations_due, own.own_obligations_on_time)
        seen.add((houses["done"], houses["planned"], rules["complaints"], rules["overdue"], work["due"]))
    # The days differ where the data did (nothing changed between the last two): not one number read four times.
    assert len(seen) == 3
    assert catalogue.for_unit(unit, as_of=day(-45), phase=year).houses_planned == 4  # not yet withdrawn
    assert catalogue.for_unit(unit, as_of=TODAY, phase=year).houses_completed == 2


def test_a_units_own_obligations_leave_out_its_subtrees_and_its_self_assessment(movement, tree, commune_year):
    area = Milestone.objects.create(movement=movement, kind=MilestoneKind.PROGRESS_REPORT, level=4, due_on=day(-50))
    Obligation.objects.create(milestone=area, unit=tree.area_a1, due_on=day(-50))  # the area's, overdue
    selfcheck = Milestone.objects.get(movement=movement, kind=MilestoneKind.SELF_ASSESSMENT)
    Obligation.objects.filter(milestone=selfcheck, unit=tree.commune_a).update(due_on=day(-3))  # overdue, not scored
    f = catalogue.for_unit(tree.commune_a, as_of=TODAY, movement=movement)
    # Its own four reports: on time, late, overdue, and one done early (on time, so due).
    assert (f.own_obligations_due, f.own_obligations_on_time, f.own_obligations_overdue) == (4, 2, 1)
    assert f.obligations_overdue == f.own_obligations_overdue + 2  # the subtree adds the area's and the self-assessment


def test_a_unit_counts_as_self_assessed_from_its_first_submission_even_after_a_return(
    submitted, movement, tree, people, time_machine
):
    first_day = TODAY
    a = submitted(tree.commune_a, people.commune_a_staff)
    services.assessment_return(actor=people.town_office, assessment=a, comment="Bổ sung biên bản")
    time_machine.move_to(dt.datetime.combine(day(5), dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    a = services.assessment_submit(actor=people.commune_a_staff, assessment=a)
    assert timezone.localdate(a.submitted_at) == day(5)
    assert timezone.localdate(a.first_submitted_at) == first_day
    figures = catalogue.for_unit(tree.town, as_of=first_day, movement=movement)
    assert (figures.units_self_assessed, figures.units_scored) == (1, 0)
    services.assessment_mark_reviewed(actor=people.town_office, assessment=a)
    assert catalogue.for_unit(tree.town, as_of=day(4), movement=movement).units_scored == 0
    assert catalogue.for_unit(tree.town, as_of=day(5), movement=movement).units_scored == 1
    assert participation(movement, tree.commune_a).assessments.get().pk == a.pk
