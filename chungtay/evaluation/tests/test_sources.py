"""Criteria from their sources (issue 18): a criterion set to take its points from the contest "Cán bộ
Mặt trận cơ sở giỏi" or from the unit's recognised good models is filled from the figures catalogue (as
of the day), the unit cannot type it, and the office may override it in review only with a reason,
kept in the audit log."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry

from chungtay.campaigns import services as campaigns
from chungtay.core.errors import DomainError
from chungtay.evaluation import services
from chungtay.evaluation.models import AssessmentLine, Source
from chungtay.tallies import catalogue

from .conftest import FULL, day, lines_by_code, participation

pytestmark = pytest.mark.django_db


@pytest.fixture
def sourced(movement, tree, people):
    """3.2.1.b (20 points, reviewed) from the contest, 3.2.3.a (5 points, bonus) from good models; a ward
    cadre of Vĩnh Điện scored 90/100 and a Vĩnh Điện good model recognised; Điện Hồng has neither."""
    office = people.town_office
    services.criterion_source_set(actor=office, movement=movement, code="3.2.1.b", source=Source.CONTEST)
    services.criterion_source_set(actor=office, movement=movement, code="3.2.3.a", source=Source.GOOD_MODELS)
    contest = campaigns.contest_create(actor=office, movement=movement, title="Cán bộ Mặt trận cơ sở giỏi")
    first = campaigns.round_add(actor=office, contest=contest, name="Sơ khảo")
    entrant = campaigns.entrant_add(actor=office, contest=contest, unit=tree.commune_a, person_name="Trần Văn A")
    campaigns.judge_scores_record(actor=office, contest_round=first, scores={entrant.pk: Decimal(90)})
    model = campaigns.good_model_propose(
        actor=people.commune_a_staff, participation=participation(movement, tree.commune_a),
        title="Tổ tự quản nhà ở", field="housing", description="Mỗi tổ nhận đỡ đầu một hộ",
    )  # fmt: skip
    campaigns.good_model_decide(actor=people.board, good_model=model, recognise=True)
    return movement


def test_the_contest_figures_count_scores_recorded_by_the_day(sourced, tree):
    assert catalogue.value("contest_entrants", tree.commune_a, movement=sourced) == 1
    assert catalogue.value("contest_best_percent", tree.commune_a, movement=sourced) == 90
    assert catalogue.value("contest_best_percent", tree.town, movement=sourced) == 90  # the subtree's best
    assert catalogue.value("contest_entrants", tree.commune_a, movement=sourced, as_of=day(-1)) == 0
    assert catalogue.value("contest_entrants", tree.commune_b, movement=sourced) == 0


def test_sourced_criteria_take_their_points_and_ignore_what_the_unit_types(sourced, submitted, tree, people):
    a = submitted(tree.commune_a, people.commune_a_staff, {**FULL, "3.2.1.b": 0, "3.2.3.a": 0})
    b = submitted(tree.commune_b, people.commune_b_staff, {**FULL, "3.2.1.b": 20, "3.2.3.a": 5})
    la, lb = lines_by_code(a), lines_by_code(b)
    assert la["3.2.1.b"].self_score == Decimal(18) and "90%" in la["3.2.1.b"].computed_detail["explanation"]
    assert "cơ sở giỏi: 90%" in la["3.2.1.b"].computed_detail["explanation"]
    assert "mặt trận" not in la["3.2.1.b"].computed_detail["explanation"]  # "Mặt trận" keeps its capital
    assert la["3.2.3.a"].self_score == Decimal(5) and la["3.2.3.a"].computed_detail["source"] == "good_models"
    assert lb["3.2.1.b"].self_score == Decimal(0) and lb["3.2.3.a"].self_score == Decimal(0)
    assert a.self_total - b.self_total == Decimal(18 + 5)  # the rest of the two forms is the same


def test_the_office_overrides_a_sourced_score_only_with_a_reason_and_it_is_audited(sourced, submitted, tree, people):
    b = submitted(tree.commune_b, people.commune_b_staff)
    line = lines_by_code(b)["3.2.3.a"]
    with pytest.raises(DomainError, match=r"3\.2\.3\.a: điểm thẩm định 5 khác điểm tự chấm 0, cần ghi lý do"):
        services.review_save(actor=people.town_office, assessment=b, entries={line.pk: ("5", "")})
    reason = "Mô hình “Bữa cơm nghĩa tình” được Thường trực tỉnh biểu dương, chưa nhập vào phần mềm"
    services.review_save(actor=people.town_office, assessment=b, entries={line.pk: ("5", reason)})
    line.refresh_from_db()
    assert line.review_score == Decimal(5) and line.review_reason == reason
    entry = LogEntry.objects.get_for_object(AssessmentLine.objects.get(pk=line.pk)).filter(
        changes__has_key="review_score"
    ).first()  # fmt: skip
    assert entry is not None and entry.actor == people.town_office


def test_a_source_is_refused_for_a_computed_or_unknown_criterion(movement, people):
    with pytest.raises(DomainError, match="tính từ số liệu hoặc điểm trừ"):
        services.criterion_source_set(actor=people.town_office, movement=movement, code="3.2.1.d", source="contest")
    with pytest.raises(DomainError, match=r"Không có tiêu chí mã “9\.9”"):
        services.criterion_source_set(actor=people.town_office, movement=movement, code="9.9", source="contest")
    assert services.criterion_source_set(actor=people.town_office, movement=movement, code="3.2.1.b", source="") is None
