import datetime as dt
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.utils import timezone

from chungtay.campaigns.models import MilestoneKind, Obligation
from chungtay.core.errors import DomainError
from chungtay.evaluation import services
from chungtay.evaluation.models import AssessmentLine, AssessmentStatus

from .conftest import FULL, day, lines_by_code, participation, self_score

pytestmark = pytest.mark.django_db


def test_opening_an_assessment_makes_one_line_per_scored_criterion_on_the_frozen_version(movement, tree, people):
    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    assert a.criteria_set.is_frozen
    assert sorted(lines_by_code(a)) == ["3.2.1.a", "3.2.1.b", "3.2.1.c", "3.2.1.d", "3.2.2.c", "3.2.3.a", "3.2.3.b"]
    assert a.due_on == day(10)
    again = services.assessment_open(
        actor=people.commune_a_staff, participation=participation(movement, tree.commune_a)
    )
    assert again.pk == a.pk


def test_computed_lines_are_prefilled_and_show_their_figures(movement, tree, people):
    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    housing = lines_by_code(a)["3.2.2.c"]
    assert housing.self_score == Decimal(30)  # no household in the phase: full points, said so
    assert "Không có hộ nào trong phân kỳ" in housing.computed_detail["explanation"]


def test_a_self_score_above_the_maximum_is_refused_naming_the_criterion(movement, tree, people):
    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    with pytest.raises(DomainError) as exc:
        self_score(people.commune_a_staff, a, {"3.2.1.a": "31"})
    assert "Tiêu chí 3.2.1.a" in exc.value.message and "vượt điểm tối đa 30" in exc.value.message
    for bad, expected in [("-1", "không được âm"), ("abc", "không phải là số điểm"), ("2,555", "2 chữ số")]:
        with pytest.raises(DomainError) as exc:
            self_score(people.commune_a_staff, a, {"3.2.1.b": bad})
        assert expected in exc.value.message


def test_a_yes_no_criterion_takes_only_zero_or_its_maximum(movement, tree, people):
    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    with pytest.raises(DomainError, match="chỉ nhận 0 hoặc 10"):
        self_score(people.commune_a_staff, a, {"3.2.1.c": "5"})
    self_score(people.commune_a_staff, a, {"3.2.1.c": "10"})


def test_the_database_refuses_a_negative_score_even_without_the_service(movement, tree, people):
    from django.db import IntegrityError, transaction

    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    with pytest.raises(IntegrityError), transaction.atomic():
        AssessmentLine.objects.filter(assessment=a).update(self_score=Decimal(-1))


def test_totals_add_bonus_and_take_off_penalty_points(movement, tree, people):
    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    a = self_score(people.commune_a_staff, a, {**FULL, "3.2.3.b": "2"})
    # 28 + 18 + 10 + 10 (no obligation due: full) + 30 (no household: full) + 5 bonus - 2 penalty
    assert a.self_total == Decimal(99)


def test_submitting_needs_every_score_and_flags_a_late_submission(movement, tree, people):
    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    with pytest.raises(DomainError, match=r"Chưa tự chấm điểm tiêu chí: 3\.2\.1\.a"):
        services.assessment_submit(actor=people.commune_a_staff, assessment=a)
    self_score(people.commune_a_staff, a, FULL)
    late_day = timezone.make_aware(dt.datetime.combine(day(11), dt.time(9)))
    a = services.assessment_submit(actor=people.commune_a_staff, assessment=a, now=late_day)
    assert a.status == AssessmentStatus.SUBMITTED and a.late
    obligation = Obligation.objects.get(
        milestone__kind=MilestoneKind.SELF_ASSESSMENT, unit=tree.commune_a, milestone__movement=movement
    )
    assert obligation.fulfilled_at == late_day


def test_a_submission_on_the_due_day_is_not_late(movement, tree, people, submitted):
    a = services.assessment_open(actor=people.commune_b_staff, participation=participation(movement, tree.commune_b))
    self_score(people.commune_b_staff, a, FULL)
    on_time = timezone.make_aware(dt.datetime.combine(day(10), dt.time(23, 30)))
    assert not services.assessment_submit(actor=people.commune_b_staff, assessment=a, now=on_time).late


def test_a_submitted_assessment_cannot_be_changed_by_the_unit(submitted, tree, people):
    a = submitted(tree.commune_a, people.commune_a_staff)
    with pytest.raises(DomainError, match="đã nộp"):
        self_score(people.commune_a_staff, a, {"3.2.1.a": "10"})


def test_a_reviewer_score_that_differs_needs_a_reason(submitted, tree, people):
    a = submitted(tree.commune_a, people.commune_a_staff)
    line = lines_by_code(a)["3.2.1.a"]
    with pytest.raises(DomainError) as exc:
        services.review_save(actor=people.town_office, assessment=a, entries={line.pk: ("25", "")})
    assert "3.2.1.a" in exc.value.message and "cần ghi lý do" in exc.value.message
    assert exc.value.field == f"reason_{line.pk}"
    a = services.review_save(
        actor=people.town_office, assessment=a, entries={line.pk: ("25", "Quy chế chưa có biên bản thông qua")}
    )
    a = services.assessment_mark_reviewed(actor=people.town_office, assessment=a)
    assert a.self_total == Decimal(101) and a.review_total == Decimal(98) and a.final_total == Decimal(98)


def test_the_same_score_as_the_unit_needs_no_reason(submitted, tree, people):
    a = submitted(tree.commune_a, people.commune_a_staff)
    line = lines_by_code(a)["3.2.1.b"]
    services.review_save(actor=people.town_office, assessment=a, entries={line.pk: ("18", "")})
    line.refresh_from_db()
    assert line.review_score is None and line.effective_review == Decimal(18)


def test_the_office_returns_an_assessment_and_the_unit_resubmits(submitted, tree, people):
    a = submitted(tree.commune_a, people.commune_a_staff)
    with pytest.raises(DomainError, match="Cần ghi nội dung"):
        services.assessment_return(actor=people.town_office, assessment=a, comment="  ")
    a = services.assessment_return(actor=people.town_office, assessment=a, comment="Bổ sung biên bản 3.2.1.a")
    assert a.status == AssessmentStatus.RETURNED and a.times_returned == 1
    a = self_score(people.commune_a_staff, a, {"3.2.1.a": "26"})
    a = services.assessment_submit(actor=people.commune_a_staff, assessment=a)
    assert a.status == AssessmentStatus.SUBMITTED and not a.late and a.self_total == Decimal(99)


def test_nobody_reviews_their_own_unit(submitted, tree, people):
    from chungtay.orgunits.models import Membership, Role

    Membership.objects.create(user=people.town_office, unit=tree.commune_a, role=Role.OFFICE)
    a = submitted(tree.commune_a, people.commune_a_staff)
    with pytest.raises(DomainError, match="chính đơn vị mình"):
        services.assessment_mark_reviewed(actor=people.town_office, assessment=a)


def test_score_changes_are_in_the_audit_log(submitted, tree, people):
    a = submitted(tree.commune_a, people.commune_a_staff)
    line = lines_by_code(a)["3.2.1.a"]
    services.review_save(actor=people.town_office, assessment=a, entries={line.pk: ("20", "Thiếu minh chứng")})
    entries = LogEntry.objects.get_for_object(line)
    assert entries.filter(actor=people.commune_a_staff, changes__icontains="self_score").exists()
    assert entries.filter(actor=people.town_office, changes__icontains="review_score").exists()
