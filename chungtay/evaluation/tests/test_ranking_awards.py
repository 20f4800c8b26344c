import datetime as dt
import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chungtay.core.errors import DomainError
from chungtay.evaluation import selectors, services
from chungtay.evaluation.models import Assessment, AssessmentStatus, ProposalStatus, Recipient
from chungtay.orgunits.models import Level

from .conftest import day, lines_by_code, self_score

pytestmark = pytest.mark.django_db


def test_bands_follow_the_reviewed_total(reviewed, bands):
    a, b = reviewed
    assert a.final_total == Decimal(101) and a.band == bands["Xuất sắc"]
    assert b.final_total == Decimal(78) and b.band == bands["Khá"]


def test_moving_a_band_reclassifies_reviewed_units(reviewed, bands, movement, people):
    services.band_save(actor=people.town_office, movement=movement, name="Tốt", minimum=Decimal(75), band=bands["Tốt"])
    reviewed[1].refresh_from_db()
    assert reviewed[1].band.name == "Tốt"


def test_approval_waits_for_every_submitted_assessment_to_be_reviewed(submitted, tree, people, movement, bands):
    submitted(tree.commune_a, people.commune_a_staff)
    with pytest.raises(DomainError, match="chưa thẩm định xong: phường Vĩnh Điện"):
        services.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE)


def test_approval_ranks_and_locks_every_write(reviewed, movement, people, tree):
    a, b = reviewed
    services.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE, note="Nhất trí")
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.rank, b.rank) == (1, 2) and a.status == AssessmentStatus.APPROVED
    line = lines_by_code(a)["3.2.1.a"]
    attempts = [
        lambda: services.review_save(actor=people.town_office, assessment=a, entries={line.pk: ("1", "x")}),
        lambda: services.assessment_return(actor=people.town_office, assessment=a, comment="Sửa"),
        lambda: self_score(people.commune_a_staff, a, {"3.2.1.a": "1"}),
        lambda: services.assessment_refresh(actor=people.commune_a_staff, assessment=a),
        lambda: services.band_save(actor=people.town_office, movement=movement, name="Mới", minimum=Decimal(50)),
        lambda: services.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError):
            attempt()
    a.refresh_from_db()
    assert a.final_total == Decimal(101)


def _fake(total, penalty, computed, submitted_minute, path):  # type: ignore[no-untyped-def]
    from types import SimpleNamespace

    from django.utils import timezone

    return SimpleNamespace(
        final_total=Decimal(total), penalty_points=Decimal(penalty), computed_points=Decimal(computed),
        submitted_at=timezone.make_aware(dt.datetime(2024, 10, 1) + dt.timedelta(minutes=submitted_minute)),
        participation=SimpleNamespace(unit=SimpleNamespace(path=path)),
    )  # fmt: skip


def test_ties_are_broken_by_the_written_rules_in_order():
    first = _fake(90, 0, 40, 50, "0003")
    fewer_penalty = _fake(90, 1, 50, 10, "0001")
    more_computed = _fake(90, 0, 30, 5, "0002")
    earlier = _fake(90, 0, 40, 40, "0009")
    assert selectors.ranked([fewer_penalty, more_computed, first, earlier]) == [
        earlier, first, more_computed, fewer_penalty,
    ]  # fmt: skip


row = st.tuples(st.integers(60, 100), st.integers(0, 3), st.integers(0, 40), st.integers(0, 5), st.integers(1, 9999))


@settings(max_examples=60, deadline=None)
@given(st.lists(row, min_size=2, max_size=12, unique_by=lambda r: r[4]))
def test_the_ranking_is_a_total_order_consistent_with_the_rules(rows):
    items = [_fake(t, p, c, m, f"{path:04d}") for t, p, c, m, path in rows]
    ranked = selectors.ranked(items)
    assert selectors.ranked(list(reversed(items))) == ranked  # the input order does not matter
    for upper, lower in itertools.pairwise(ranked):
        assert upper.final_total >= lower.final_total
        if upper.final_total == lower.final_total:
            assert upper.penalty_points <= lower.penalty_points
            if upper.penalty_points == lower.penalty_points:
                assert upper.computed_points >= lower.computed_points
                if upper.computed_points == lower.computed_points:
                    assert upper.submitted_at <= lower.submitted_at


def test_quota_refuses_one_proposal_too_many(approved, movement, people, tree):
    flag = services.award_form_create(
        actor=people.town_office, movement=movement, name="Cờ thi đua", issuer="Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
        recipient=Recipient.COLLECTIVE, quota=1, decided_here=False,
    )  # fmt: skip
    services.proposal_add(actor=people.town_office, award_form=flag, unit=tree.commune_a, achievements="Dẫn đầu")
    with pytest.raises(DomainError, match="đã đủ 1 đề nghị"):
        services.proposal_add(actor=people.town_office, award_form=flag, unit=tree.commune_b, achievements="Tốt")


def test_only_units_at_or_above_the_minimum_band_are_proposed(approved, movement, people, tree, bands):
    form = services.award_form_create(
        actor=people.town_office, movement=movement, name="Bằng khen", issuer="Ủy ban MTTQ Việt Nam tỉnh",
        recipient=Recipient.COLLECTIVE, quota=5, minimum_band=bands["Tốt"], decided_here=False,
    )  # fmt: skip
    with pytest.raises(DomainError, match=r"xếp loại “Khá”.*từ “Tốt” trở lên"):
        services.proposal_add(actor=people.town_office, award_form=form, unit=tree.commune_b, achievements="…")
    made = services.proposals_from_ranking(actor=people.town_office, award_form=form, count=3)
    assert [p.unit for p in made] == [tree.commune_a]
    assert "xếp loại Xuất sắc, xếp thứ 1" in made[0].achievements


def test_an_individual_proposal_needs_a_name(approved, movement, people, tree):
    form = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã",
        recipient=Recipient.INDIVIDUAL, quota=3,
    )  # fmt: skip
    with pytest.raises(DomainError, match="họ và tên"):
        services.proposal_add(actor=people.town_office, award_form=form, unit=tree.commune_a, achievements="x")
    p = services.proposal_add(
        actor=people.town_office, award_form=form, unit=tree.commune_a, person_name="Trần Thị Hồng Nhung",
        position="Phó Chủ tịch", achievements="Vận động 12 căn nhà",
    )  # fmt: skip
    assert p.nominee == "Trần Thị Hồng Nhung"


def test_a_vote_passes_with_more_than_half_of_those_present(approved, movement, people, tree):
    form = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã",
        recipient=Recipient.COLLECTIVE, quota=3,
    )  # fmt: skip
    pa = services.proposal_add(actor=people.town_office, award_form=form, unit=tree.commune_a, achievements="a")
    pb = services.proposal_add(actor=people.town_office, award_form=form, unit=tree.commune_b, achievements="b")
    meeting = services.meeting_create(
        actor=people.town_office, movement=movement, held_on=day(1), place="Hội trường", chair="Chủ tịch", attendees=9
    )
    assert services.vote_record(actor=people.town_office, meeting=meeting, proposal=pa, agree=5, disagree=4).passed
    assert not services.vote_record(
        actor=people.town_office, meeting=meeting, proposal=pb, agree=4, disagree=3, abstain=2
    ).passed
    pb.refresh_from_db()
    assert pb.status == ProposalStatus.REJECTED
    with pytest.raises(DomainError, match="vượt số thành viên dự họp"):
        services.vote_record(actor=people.town_office, meeting=meeting, proposal=pa, agree=9, disagree=1)
    assert services.vote_passes(5, 9) and not services.vote_passes(5, 10)


def test_a_decision_takes_the_passed_proposals_and_signing_marks_them_decided(approved, movement, people, tree):
    form = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã",
        recipient=Recipient.COLLECTIVE, quota=3,
    )  # fmt: skip
    pa = services.proposal_add(actor=people.town_office, award_form=form, unit=tree.commune_a, achievements="a")
    meeting = services.meeting_create(
        actor=people.town_office, movement=movement, held_on=day(1), place="Hội trường", chair="Chủ tịch", attendees=5
    )
    services.vote_record(actor=people.town_office, meeting=meeting, proposal=pa, agree=5, disagree=0)
    decision = services.decision_create(
        actor=people.town_office, movement=movement, number="25/QĐ-MTTQ-BTT", signed_on=day(2),
        signer_name="Phan Văn Hòa",
    )  # fmt: skip
    services.decision_sign(actor=people.board, decision=decision, store_documents=False)
    pa.refresh_from_db()
    assert pa.status == ProposalStatus.DECIDED and pa.decision == decision
    with pytest.raises(DomainError, match="đã được ký"):
        services.decision_sign(actor=people.board, decision=decision, store_documents=False)


def test_cross_review_refuses_the_own_unit_records_recusals_and_flags_disagreement(reviewed, movement, people, tree):
    group = services.cross_group_create(
        actor=people.town_office, movement=movement, name="Cụm 1", units=[tree.commune_a, tree.commune_b]
    )
    a, b = reviewed
    with pytest.raises(DomainError, match="chính mình"):
        services.cross_review_record(
            actor=people.commune_a_staff, assessment=a, reviewer_unit=tree.commune_a, scores={}
        )
    with pytest.raises(DomainError, match="lý do"):
        services.cross_review_record(
            actor=people.commune_b_staff, assessment=a, reviewer_unit=tree.commune_b, recused=True
        )
    recusal = services.cross_review_record(
        actor=people.commune_b_staff, assessment=a, reviewer_unit=tree.commune_b, recused=True,
        reason="Chủ tịch xã là người thân của cán bộ phường",
    )  # fmt: skip
    assert recusal.recused and recusal.total is None
    low = {line.pk: "0" for line in a.lines.all()}
    review = services.cross_review_record(
        actor=people.commune_b_staff, assessment=a, reviewer_unit=tree.commune_b, scores=low
    )
    assert review.total == Decimal(0) and review.disagreement  # 0 against the office's 101, margin 10
    close = {ln.pk: str(ln.effective_review) for ln in b.lines.all()}
    fair = services.cross_review_record(
        actor=people.commune_a_staff, assessment=b, reviewer_unit=tree.commune_a, scores=close
    )
    assert fair.total == b.review_total and not fair.disagreement
    assert group.members.count() == 2


def test_assessment_keeps_its_criteria_version_when_a_new_one_appears(movement, tree, people):
    from chungtay.campaigns import services as campaigns

    from .conftest import participation

    a = services.assessment_open(actor=people.commune_a_staff, participation=participation(movement, tree.commune_a))
    first = a.criteria_set_id
    campaigns.criterion_add(
        actor=people.town_office, movement=movement, level=Level.COMMUNE, code="3.2.4", kind="reviewed",
        max_points=Decimal(5), title="Tiêu chí mới",
    )  # fmt: skip
    again = services.assessment_open(
        actor=people.commune_a_staff, participation=participation(movement, tree.commune_a)
    )
    assert again.criteria_set_id == first and Assessment.objects.count() == 1


def test_the_meeting_form_names_its_secretary_and_the_meeting_page_shows_who_keeps_the_minutes(
    approved, movement, people, client
):
    from django.urls import reverse

    from chungtay.evaluation.models import Meeting

    client.force_login(people.town_office)
    url = reverse("evaluation:meeting_create", kwargs={"movement_pk": movement.pk})
    fields = {"held_on": day(1).strftime("%d/%m/%Y"), "place": "Hội trường", "chair": "Lê Văn Khánh", "attendees": 9}
    refused = client.post(url, fields, follow=True).content.decode()
    assert "Thư ký" in refused and not Meeting.objects.filter(movement=movement).exists()
    response = client.post(url, {**fields, "secretary": "Phan Thị Thu Sương"}, follow=True)
    meeting = Meeting.objects.get(movement=movement)
    assert meeting.secretary == "Phan Thị Thu Sương"
    assert "Thư ký: Phan Thị Thu Sương" in response.content.decode()
