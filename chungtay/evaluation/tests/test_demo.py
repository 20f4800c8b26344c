"""The demo leaves the evaluation a few clicks from a signed decision, and loads twice without duplicates."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.urls import reverse

from chungtay.accounts.models import User
from chungtay.campaigns.models import GoodModel, GoodModelStatus, Movement
from chungtay.campaigns.selectors import criteria_tree, current_set
from chungtay.evaluation.metrics import q2
from chungtay.evaluation.models import (
    Assessment,
    AssessmentLine,
    AssessmentStatus,
    AwardForm,
    Band,
    CriterionSource,
    Source,
)
from chungtay.orgunits.models import Level
from chungtay.reports.demo import DEMO_DAY
from chungtay.tallies import catalogue

# The demo tells 2024's story up to DEMO_DAY: load it on that day, whatever day the suite runs on.
pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_demo_evaluates_the_20_communes_up_to_the_board_and_loads_twice(shared_demo, db):
    qs = Assessment.objects.filter(participation__level=3)
    assert qs.count() == 20
    counts = {s: qs.filter(status=s).count() for s in ("draft", "submitted", "returned", "reviewed")}
    assert counts == {"draft": 1, "submitted": 2, "returned": 3, "reviewed": 14}
    assert qs.filter(late=True).count() == 1
    reviewed = qs.filter(status="reviewed")
    assert reviewed.filter(band__name="Xuất sắc").exists() and reviewed.filter(band__name="Khá").exists()
    assert len(set(reviewed.values_list("final_total", flat=True))) > 8  # a spread, not one score
    assert AwardForm.objects.get(name="Cờ thi đua").quota == 1
    assert sorted(Band.objects.values_list("name", flat=True)) == ["Khá", "Trung bình", "Tốt", "Xuất sắc"]
    assessments, forms = Assessment.objects.count(), AwardForm.objects.count()
    call_command("load_demo", "--quiet-logins")
    assert (Assessment.objects.count(), AwardForm.objects.count()) == (assessments, forms)


def test_the_demo_takes_the_3_2_3_bonus_from_the_good_models_recognised_inside_the_movement(shared_demo, db):
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    assert CriterionSource.objects.get(movement=movement, code="3.2.3.a").source == Source.GOOD_MODELS
    model = GoodModel.objects.get(movement=movement, status=GoodModelStatus.RECOGNISED)
    assert model.decided_at is not None
    assert movement.starts_on <= model.proposed_at.date() <= model.decided_at.date() <= movement.ends_on
    lines = AssessmentLine.objects.filter(
        assessment__participation__movement=movement, criterion__code="3.2.3.a", assessment__submitted_at__isnull=False
    ).select_related("assessment__participation__unit", "criterion")
    assert lines.exists()
    for line in lines:
        unit = line.assessment.participation.unit
        recognised = catalogue.value("good_models_recognised", unit, as_of=movement.ends_on, movement=movement)
        assert line.computed_detail["source"] == Source.GOOD_MODELS
        assert line.self_score == (line.criterion.max_points if recognised else 0)
    assert lines.filter(assessment__participation__unit=model.unit, self_score__gt=0).exists()


def test_the_demo_takes_3_2_1c_from_the_results_of_the_contest(shared_demo, db):
    """Every commune sent a cadre to the contest "Cán bộ Mặt trận cơ sở giỏi": its 3.2.1c points are the
    criterion's maximum times its entrant's result as of the day the assessment was computed."""
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    assert CriterionSource.objects.get(movement=movement, code="3.2.1.c").source == Source.CONTEST
    lines = AssessmentLine.objects.filter(
        assessment__participation__movement=movement, criterion__code="3.2.1.c", assessment__submitted_at__isnull=False
    ).select_related("assessment__participation__unit", "criterion")
    assert lines.exists()
    for line in lines:
        unit, as_of = line.assessment.participation.unit, dt.date.fromisoformat(line.computed_detail["as_of"])
        best = catalogue.value("contest_best_percent", unit, as_of=as_of, movement=movement)
        assert line.computed_detail["source"] == Source.CONTEST
        assert catalogue.value("contest_entrants", unit, as_of=as_of, movement=movement) > 0, unit
        assert line.self_score == q2(line.criterion.max_points * best / 100) > 0, unit
    assert len({line.self_score for line in lines}) > 5  # the results spread the points


def test_the_town_scores_itself_on_its_own_set_and_the_provinces_office_reviews_it(shared_demo, db, client, settings):
    """The district level's set (the province's guidance, entered with the plan): the town's self-assessment
    is reviewed by the province's office, whose board shows the town scored."""
    settings.REQUIRE_2FA = False
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    tree = criteria_tree(current_set(movement, Level.DISTRICT))
    assert tree.base_total == Decimal(100) and tree.bonus_total > 0
    province_office = User.objects.get(username="quangnam")
    town = Assessment.objects.get(participation__movement=movement, participation__level=Level.DISTRICT)
    assert (town.status, town.reviewed_by) == (AssessmentStatus.REVIEWED, province_office)
    assert town.final_total < town.self_total  # the province took points off, with its reason
    assert town.lines.exclude(review_reason="").exists()
    client.force_login(province_office)
    board = client.get(reverse("evaluation:board", args=[movement.pk]) + f"?cap={Level.DISTRICT}")
    assert [(row.unit, row.assessment) for row in board.context["rows"]] == [(movement.issuing_unit, town)]


def test_the_demo_dates_its_reviews_so_the_scores_as_of_a_day_are_those_the_units_had_then(shared_demo, db):
    from chungtay.evaluation.selectors import results_table

    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    now = {row["unit"]: row for row in results_table(movement)}
    yesterday = results_table(movement, as_of=DEMO_DAY - dt.timedelta(days=1))
    assert len(yesterday) >= 10  # reviewed in October and November
    for row in yesterday:  # not 0 points and no band, as when the audit log said the scores came later
        assert row["total"] > 0 and row["band"], row
        assert (row["total"], row["band"]) == (now[row["unit"]]["total"], now[row["unit"]]["band"])
