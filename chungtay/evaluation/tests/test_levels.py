"""The board's level choice offers the district level only where the movement has participants there."""

from decimal import Decimal

import pytest
from django.urls import reverse

from chungtay.campaigns import services as campaigns
from chungtay.campaigns.models import MovementStatus
from chungtay.core.errors import DomainError
from chungtay.evaluation import services
from chungtay.evaluation.models import Assessment, AssessmentStatus
from chungtay.orgunits.models import Level, Role
from conftest import make_user


def _levels(client, movement, cap=""):  # type: ignore[no-untyped-def]
    url = reverse("evaluation:board", args=[movement.pk]) + (f"?cap={cap}" if cap else "")
    return [value for value, _label in client.get(url).context["levels"]]


def test_a_movement_without_district_participants_offers_no_district_level(client, movement, people):
    client.force_login(people.town_office)
    assert _levels(client, movement) == [Level.COMMUNE, Level.AREA]
    assert Level.DISTRICT in _levels(client, movement, cap=Level.DISTRICT)  # asked for: still shown


def test_a_movement_with_district_participants_offers_the_district_level(client, movement, people):
    campaigns.participants_add_level(actor=people.town_office, movement=movement, level=Level.DISTRICT)
    client.force_login(people.town_office)
    assert _levels(client, movement) == [Level.COMMUNE, Level.AREA, Level.DISTRICT]


def test_the_towns_own_set_is_entered_during_the_evaluation_and_the_province_reviews_the_town(
    client, movement, tree, people
):  # fmt: skip
    """The province's guidance for district-level committees often arrives after launch: the office enters
    it as the district level's set while the evaluation runs, the town scores itself, and the province's
    office reviews the town (the town's office may not review its own committee)."""
    office = people.town_office
    campaigns.participants_add_level(actor=office, movement=movement, level=Level.DISTRICT)
    for status in (MovementStatus.UNDER_WAY, MovementStatus.EVALUATING):
        campaigns.movement_transition(actor=office, movement=movement, to=status)
    for code, parent, kind, points in (
        ("1", "", "group", 0),
        ("1.1", "1", "reviewed", 60),
        ("1.2", "1", "reviewed", 40),
    ):
        campaigns.criterion_add(
            actor=office, movement=movement, level=Level.DISTRICT, code=code, parent_code=parent, kind=kind,
            max_points=Decimal(points), title=f"Hướng dẫn của tỉnh, tiêu chí {code}",
        )  # fmt: skip
    campaigns.criteria_set_publish(actor=office, movement=movement, level=Level.DISTRICT)

    client.force_login(office)
    own = reverse("evaluation:self_assess", args=[movement.pk, tree.town.pk])
    client.get(own)
    assessment = Assessment.objects.get(participation__unit=tree.town)
    lines = {line.criterion.code: line.pk for line in assessment.lines.select_related("criterion")}
    told = client.post(
        own, {"action": "submit", f"score_{lines['1.1']}": "55", f"score_{lines['1.2']}": "38"}, follow=True
    ).content.decode()
    assert f"Văn phòng {tree.province.committee_title} sẽ thẩm định" in told  # its own goes up to the province
    assessment.refresh_from_db()
    assert (assessment.status, assessment.self_total) == (AssessmentStatus.SUBMITTED, Decimal(93))
    with pytest.raises(DomainError, match="không sửa tiêu chí được nữa"):
        campaigns.criterion_add(
            actor=office, movement=movement, level=Level.DISTRICT, code="1.3", parent_code="1", kind="reviewed",
            max_points=Decimal(5), title="Thêm sau khi đã chấm",
        )  # fmt: skip
    with pytest.raises(DomainError, match="chính đơn vị mình"):
        services.assessment_mark_reviewed(actor=office, assessment=assessment)

    client.force_login(make_user("province_office", tree.province, Role.OFFICE))
    board = client.get(reverse("evaluation:board", args=[movement.pk]) + f"?cap={Level.DISTRICT}")
    assert [row.unit for row in board.context["rows"]] == [tree.town]
    review = reverse("evaluation:review", args=[assessment.pk])
    client.post(
        review, {"action": "done", f"review_{lines['1.2']}": "35", f"reason_{lines['1.2']}": "Thiếu báo cáo quý IV"}
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.final_total) == (AssessmentStatus.REVIEWED, Decimal(90))
