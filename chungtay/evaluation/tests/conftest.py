"""A launched movement on the shared test tree with the commune criteria of 199/KH-MTTQ-BTT
(reviewed, computed, yes/no, bonus and penalty lines), and helpers to take a unit through
self-assessment and review. Households come from the shared builder (root conftest.py: make_household).

These tests live on a fixed day, TODAY, and the clock is moved there (time-machine): "the year's
phase", "overdue" and "late" then come out the same whatever day the suite runs on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chungtay.campaigns import services as campaigns
from chungtay.campaigns.models import CriterionKind, MilestoneKind, Movement, Participation
from chungtay.evaluation import services
from chungtay.evaluation.models import Assessment
from chungtay.orgunits.models import Level
from chungtay.tests import builders

C = CriterionKind
# (code, parent, kind, points, metric)
CRITERIA = [
    ("3.2.1", "", C.GROUP, 0, ""),
    ("3.2.1.a", "3.2.1", C.REVIEWED, 30, ""),
    ("3.2.1.b", "3.2.1", C.REVIEWED, 20, ""),
    ("3.2.1.c", "3.2.1", C.YES_NO, 10, ""),
    ("3.2.1.d", "3.2.1", C.COMPUTED, 10, "obligations_on_time"),
    ("3.2.2", "", C.GROUP, 0, ""),
    ("3.2.2.c", "3.2.2", C.COMPUTED, 30, "housing_completion_vs_phase"),
    ("3.2.3", "", C.GROUP, 0, ""),
    ("3.2.3.a", "3.2.3", C.BONUS, 5, ""),
    ("3.2.3.b", "3.2.3", C.PENALTY, 5, ""),
]


TODAY = dt.date(2024, 10, 15)  # the movement runs 2024-07-07 → 2024-11-14, all within one year


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


@pytest.fixture(autouse=True)
def on_fixed_day(request, time_machine):
    # tick=True: the clock runs on from 09:00, so timestamps still order the way they were written.
    # A test marked @pytest.mark.time_machine(...) (the demo's) keeps the day it names.
    if request.node.get_closest_marker("time_machine") is None:
        time_machine.move_to(dt.datetime.combine(TODAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def movement(tree, people) -> Movement:
    office = people.town_office
    m = campaigns.movement_create(
        actor=office, issuing_unit=tree.town, symbol="199/KH-MTTQ-BTT", issued_on=day(-100),
        title="Phong trào thi đua năm 2024", starts_on=day(-100), ends_on=day(30), review_month=day(40),
    )  # fmt: skip
    builders.criteria_add(actor=office, movement=m, level=Level.COMMUNE, rows=CRITERIA)
    campaigns.participants_add_level(actor=office, movement=m, level=Level.COMMUNE)
    campaigns.milestone_add(
        actor=office, movement=m, kind=MilestoneKind.SELF_ASSESSMENT, level=Level.COMMUNE, due_on=day(10)
    )
    campaigns.movement_launch(actor=office, movement=m)
    m.refresh_from_db()
    return m


def participation(movement: Movement, unit) -> Participation:  # type: ignore[no-untyped-def]
    return Participation.objects.select_related("unit", "movement").get(movement=movement, unit=unit)


def lines_by_code(assessment: Assessment) -> dict:
    return {line.criterion.code: line for line in assessment.lines.select_related("criterion")}


def self_score(actor, assessment: Assessment, scores: dict[str, object]) -> Assessment:  # type: ignore[no-untyped-def]
    lines = lines_by_code(assessment)
    entries = {lines[code].pk: (value, f"Giải trình {code}") for code, value in scores.items()}
    return services.assessment_save(actor=actor, assessment=assessment, entries=entries)


FULL = {"3.2.1.a": 28, "3.2.1.b": 18, "3.2.1.c": 10, "3.2.3.a": 5, "3.2.3.b": 0}


@pytest.fixture
def submitted(movement, tree, people):
    """Both communes self-scored and submitted."""

    def make(unit, actor, scores=None):  # type: ignore[no-untyped-def]
        a = services.assessment_open(actor=actor, participation=participation(movement, unit))
        self_score(actor, a, scores or FULL)
        return services.assessment_submit(actor=actor, assessment=a)

    return make


# --- Ranking and awards: two communes reviewed, then the ranking approved ---------------------
@pytest.fixture
def bands(movement, people):
    office = people.town_office
    return {
        name: services.band_save(actor=office, movement=movement, name=name, minimum=Decimal(m))
        for name, m in [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 0)]
    }


@pytest.fixture
def reviewed(submitted, tree, people, bands):
    """Vĩnh Điện reviewed at 101 (Xuất sắc), Điện Hồng reviewed at 78 (Khá)."""
    a = submitted(tree.commune_a, people.commune_a_staff)
    b = submitted(tree.commune_b, people.commune_b_staff, {**FULL, "3.2.1.a": 18, "3.2.1.b": 10, "3.2.3.a": 0})
    for x in (a, b):
        services.assessment_mark_reviewed(actor=people.town_office, assessment=x)
    a.refresh_from_db()
    b.refresh_from_db()
    return a, b


@pytest.fixture
def approved(reviewed, movement, people):
    services.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE)
    return reviewed
