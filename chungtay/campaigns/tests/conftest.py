"""A movement like 199/KH-MTTQ-BTT on the shared test tree, with dates around TODAY so that
"on time" and "late" mean what they would in a running year. TODAY is a fixed day and the clock is
moved there (time-machine), so the results do not depend on the day the suite runs."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from chungtay.campaigns import services
from chungtay.campaigns.models import CriterionKind, MilestoneKind, Movement, Recurrence
from chungtay.orgunits.models import Level
from chungtay.tests import builders

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name: str = "tep.pdf") -> io.BytesIO:
    data = io.BytesIO(PDF)
    data.name = name
    return data


TODAY = dt.date(2024, 3, 4)  # the movement runs 2024-02-23 → 2024-09-20; every milestone falls in 2024


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
    # The personas' passwords need not be Argon2 here; this keeps each test's setup fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


COMMUNE_CRITERIA = [
    ("3.2.1", "", CriterionKind.GROUP, 0, ""),
    ("3.2.1.a", "3.2.1", CriterionKind.REVIEWED, 15, ""),
    ("3.2.1.b", "3.2.1", CriterionKind.REVIEWED, 15, ""),
    ("3.2.1.d", "3.2.1", CriterionKind.COMPUTED, 10, "obligations_on_time"),
    ("3.2.2", "", CriterionKind.GROUP, 0, ""),
    ("3.2.2.c", "3.2.2", CriterionKind.COMPUTED, 60, "housing_completion_vs_phase"),
    ("3.2.3", "", CriterionKind.GROUP, 0, ""),
    ("3.2.3.a", "3.2.3", CriterionKind.BONUS, 5, ""),
]


@pytest.fixture
def movement(tree, people) -> Movement:
    office = people.town_office
    m = services.movement_create(
        actor=office, issuing_unit=tree.town, symbol="199/KH-MTTQ-BTT", issued_on=day(-10),
        title="Phong trào thi đua năm nay", starts_on=day(-10), ends_on=day(200), review_month=day(230),
        registration_deadline=day(10), purposes="- Đổi mới\n- Hỗ trợ nhà ở",
    )  # fmt: skip
    builders.criteria_add(actor=office, movement=m, level=Level.COMMUNE, rows=COMMUNE_CRITERIA)
    services.criterion_add(
        actor=office, movement=m, level=Level.AREA, code="1", kind=CriterionKind.REVIEWED,
        max_points=Decimal(100), title="Tuyên truyền, vận động",
    )  # fmt: skip
    services.participants_add_level(actor=office, movement=m, level=Level.COMMUNE)
    services.participants_add_level(actor=office, movement=m, level=Level.AREA)
    for kind, due, recurrence, until in [
        (MilestoneKind.REGISTRATION, day(10), Recurrence.ONCE, None),
        (MilestoneKind.OWN_PLAN, day(20), Recurrence.ONCE, None),
        (MilestoneKind.LAUNCH, day(30), Recurrence.ONCE, None),
        (MilestoneKind.PROGRESS_REPORT, day(5), Recurrence.MONTHLY, day(100)),
        (MilestoneKind.SELF_ASSESSMENT, day(150), Recurrence.ONCE, None),
    ]:
        services.milestone_add(
            actor=office, movement=m, kind=kind, level=Level.COMMUNE, due_on=due, recurrence=recurrence, until=until
        )
    services.milestone_add(actor=office, movement=m, kind=MilestoneKind.REGISTRATION, level=Level.AREA, due_on=day(15))
    return m


@pytest.fixture
def launched(movement, people) -> Movement:
    services.movement_launch(actor=people.town_office, movement=movement)
    movement.refresh_from_db()
    return movement
