"""The demo leaves the evaluation a few clicks from a signed decision, and loads twice without duplicates."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from chungtay.campaigns.models import GoodModel, GoodModelStatus, Movement
from chungtay.evaluation.models import Assessment, AssessmentLine, AwardForm, Band, CriterionSource, Source
from chungtay.figures import catalogue
from chungtay.reports.demo import DEMO_DAY

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
    call_command("load_demo", "--quiet-logins")
    assert Assessment.objects.count() == 20 and AwardForm.objects.count() == 4


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


def test_the_demo_dates_its_reviews_so_the_scores_as_of_a_day_are_those_the_units_had_then(shared_demo, db):
    from chungtay.evaluation.selectors import results_table

    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    now = {row["unit"]: row for row in results_table(movement)}
    yesterday = results_table(movement, as_of=DEMO_DAY - dt.timedelta(days=1))
    assert len(yesterday) >= 10  # reviewed in October and November
    for row in yesterday:  # not 0 points and no band, as when the audit log said the scores came later
        assert row["total"] > 0 and row["band"], row
        assert (row["total"], row["band"]) == (now[row["unit"]]["total"], now[row["unit"]]["band"])
