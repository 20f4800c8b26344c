"""The demo enters plan 199/KH-MTTQ-BTT in full and loads twice without duplicates."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from chungtay.campaigns import selectors
from chungtay.campaigns.demo import current_movement
from chungtay.campaigns.models import (
    Activity,
    Criterion,
    GoodModel,
    GoodModelStatus,
    Movement,
    MovementStatus,
    Obligation,
)
from chungtay.orgunits.models import Level
from chungtay.reports.demo import DEMO_DAY
from chungtay.tallies import catalogue

# The demo tells 2024's story up to DEMO_DAY: load it on that day, whatever day the suite runs on.
pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_demo_has_the_2024_plan_with_its_criteria_participants_and_stages(shared_demo, db):
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    # On DEMO_DAY (02/12) the period (to 31/10) is over: the movement is being evaluated.
    assert movement.status == MovementStatus.EVALUATING and movement.plan_document
    assert (movement.starts_on.isoformat(), movement.ends_on.isoformat()) == ("2024-03-14", "2024-10-31")
    assert movement.review_month.isoformat() == "2024-12-01"
    assert movement.legal_references.count() == 8
    assert {"32/HD-MTTQ-BTT", "01/CT-UBND", "8584/QĐ-UBND", "02/KL-MTTW-ĐCT"} <= set(
        movement.legal_references.values_list("number", flat=True)
    )
    counts = {
        lvl: movement.participations.filter(level=lvl).count() for lvl in (Level.DISTRICT, Level.COMMUNE, Level.AREA)
    }
    assert counts == {Level.DISTRICT: 1, Level.COMMUNE: 20, Level.AREA: 140}
    tree = selectors.criteria_tree(selectors.current_set(movement, Level.COMMUNE))
    assert tree.base_total == Decimal(100) and tree.bonus_total == Decimal(5)
    metrics = {r.criterion.code: r.criterion.metric_key for r in tree.rows if r.criterion.metric_key}
    assert metrics == {
        "3.2.1.d": "obligations_on_time", "3.2.2.a": "complaints_and_fund_rules",
        "3.2.2.b": "non_state_share", "3.2.2.c": "housing_completion_vs_phase",
    }  # fmt: skip
    assert GoodModel.objects.get().status == GoodModelStatus.RECOGNISED
    obligations, activities = Obligation.objects.count(), Activity.objects.count()
    call_command("load_demo", "--quiet-logins")
    assert Movement.objects.count() == 1
    assert (Obligation.objects.count(), Activity.objects.count()) == (obligations, activities)


def test_the_demos_communes_do_most_of_their_work_on_time_a_little_late_and_leave_a_few_things_overdue(shared_demo, db):
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    f = catalogue.for_unit(movement.issuing_unit, as_of=DEMO_DAY, movement=movement)
    assert f.obligations_on_time > f.obligations_done_late > f.obligations_overdue > 0
    assert f.obligations_overdue * 10 < f.obligations_due  # a few, not every obligation
    # Every commune that assessed itself registered, sent its own plan and held its launch conference.
    for obligation in Obligation.objects.filter(milestone__movement=movement, milestone__kind="self_assessment"):
        if obligation.fulfilled_at is not None:
            done = Obligation.objects.filter(
                milestone__movement=movement, unit=obligation.unit, fulfilled_at__isnull=False,
                milestone__kind__in=["registration", "own_plan", "launch"],
            )  # fmt: skip
            assert done.count() == 3, obligation.unit


def test_the_current_movement_speaks_of_the_city_and_its_wards_not_the_old_town(shared_demo_new_map, db):
    """On the new map the wards and communes are under the city: the current movement's criteria, purposes
    and requirements do not say "thị xã" (the 2024 movement keeps its own words)."""
    movement = current_movement()
    assert movement is not None
    titles = list(Criterion.objects.filter(criteria_set__movement=movement).values_list("title", flat=True))
    assert titles and [t for t in titles if "thị xã" in t] == []
    assert "thị xã" not in movement.purposes + movement.requirements
    story = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    assert Criterion.objects.filter(criteria_set__movement=story, title__contains="thị xã").exists()
