"""Awards by the rules (issue 18): who may confer which form comes from the award rules (seeded with
the Front's defaults), one award per achievement in a movement, and the ranking is locked only when
every unit is final or left out for a recorded reason."""

import pytest

from chungtay.core.errors import DomainError
from chungtay.evaluation import selectors, services
from chungtay.evaluation.models import AwardForm, AwardRule, ProposalStatus, Recipient
from chungtay.orgunits.models import Level

from .conftest import FULL, day, participation

pytestmark = pytest.mark.django_db


def test_the_fronts_defaults_give_the_giay_khen_to_the_town_and_the_flag_to_the_province():
    assert selectors.competence("Giấy khen", Level.DISTRICT) == (True, None)
    here, above = selectors.competence("Cờ thi đua", Level.DISTRICT)
    assert not here and above.level == Level.PROVINCE
    here, above = selectors.competence("Bằng khen", Level.PROVINCE)
    assert here and above.level == Level.COUNTRY
    assert AwardRule.objects.get(form_name="Giấy khen", level=Level.DISTRICT).cash_for(Recipient.INDIVIDUAL) > 0


def test_with_no_rule_left_in_the_database_the_checks_fall_back_on_the_fronts_defaults():
    # A database emptied (a flush, a restore in progress) must not leave every award "unknown".
    AwardRule.objects.all().delete()
    here, above = selectors.competence("Cờ thi đua", Level.DISTRICT)
    assert not here and above.level == Level.PROVINCE and "tỉnh" in above.conferrer
    assert selectors.rule_for("giấy khen", Level.DISTRICT).cash_for(Recipient.COLLECTIVE) == 1_404_000
    assert selectors.competence("Huy chương", Level.DISTRICT) == (False, None)
    AwardRule.objects.create(form_name="Giấy khen", level=Level.DISTRICT, conferrer="Ban Thường trực")
    assert selectors.competence("Cờ thi đua", Level.DISTRICT) == (False, None)  # the office's rules, once any exists


def test_the_town_may_not_confer_an_emulation_flag_only_propose_it(movement, people):
    with pytest.raises(DomainError, match=r"Cờ thi đua do Ủy ban MTTQ Việt Nam tỉnh.*chỉ được đề nghị lên cấp trên"):
        services.award_form_create(
            actor=people.town_office, movement=movement, name="Cờ thi đua", issuer="Ủy ban MTTQ Việt Nam thị xã",
            recipient=Recipient.COLLECTIVE, quota=1,
        )  # fmt: skip
    with pytest.raises(DomainError, match="thuộc thẩm quyền của Ban Thường trực"):
        services.award_form_create(
            actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã",
            recipient=Recipient.COLLECTIVE, quota=1, decided_here=False,
        )  # fmt: skip
    with pytest.raises(DomainError, match="chưa có trong quy định"):
        services.award_form_create(
            actor=people.town_office, movement=movement, name="Huy chương", issuer="x",
            recipient=Recipient.COLLECTIVE, quota=1,
        )  # fmt: skip
    flag = services.award_form_create(
        actor=people.town_office, movement=movement, name="Cờ thi đua", issuer="Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
        recipient=Recipient.COLLECTIVE, quota=1, decided_here=False,
    )  # fmt: skip
    assert not flag.decided_here


def test_a_rule_changed_after_the_form_was_made_is_checked_again_at_proposal(approved, movement, people, tree):
    form = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã",
        recipient=Recipient.COLLECTIVE, quota=3,
    )  # fmt: skip
    AwardRule.objects.filter(form_name="Giấy khen", level=Level.DISTRICT).delete()
    with pytest.raises(DomainError, match="chưa có trong quy định"):
        services.proposal_add(actor=people.town_office, award_form=form, unit=tree.commune_a, achievements="a")


def _forms(movement, people):  # type: ignore[no-untyped-def]
    merit = services.award_form_create(
        actor=people.town_office, movement=movement, name="Bằng khen", issuer="Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
        recipient=Recipient.COLLECTIVE, quota=2, decided_here=False,
    )  # fmt: skip
    paper = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.COLLECTIVE, quota=6,
    )  # fmt: skip
    person = services.award_form_create(
        actor=people.town_office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.INDIVIDUAL, quota=6,
    )  # fmt: skip
    return merit, paper, person


def test_one_achievement_gets_one_award_in_a_movement(approved, movement, people, tree):
    merit, paper, person = _forms(movement, people)
    services.proposal_add(actor=people.town_office, award_form=merit, unit=tree.commune_a, achievements="Dẫn đầu")
    with pytest.raises(DomainError, match=r"phường Vĩnh Điện đã được đề nghị Bằng khen .*cùng một thành tích"):
        services.proposal_add(actor=people.town_office, award_form=paper, unit=tree.commune_a, achievements="Dẫn đầu")
    # A person of that ward is another achievement; the ranking skips the ward already proposed.
    services.proposal_add(
        actor=people.town_office, award_form=person, unit=tree.commune_a, person_name="Nguyễn Thị Thu Trang",
        achievements="Vận động 12 căn nhà",
    )  # fmt: skip
    made = services.proposals_from_ranking(actor=people.town_office, award_form=paper, count=2)
    assert [p.unit for p in made] == [tree.commune_b]


def test_the_decision_refuses_a_flag_and_a_second_award_that_slipped_in(approved, movement, people, tree):
    """Forms or proposals made before the rules (or written straight to the database) are checked
    again when the decision is drafted and when it is signed."""
    _merit, paper, _person = _forms(movement, people)
    legacy_flag = AwardForm.objects.create(
        movement=movement, name="Cờ thi đua", issuer="Ủy ban MTTQ Việt Nam thị xã", recipient=Recipient.COLLECTIVE,
        quota=1, decided_here=True, order=9,
    )  # fmt: skip
    services.proposal_add(actor=people.town_office, award_form=paper, unit=tree.commune_a, achievements="a")
    flag = legacy_flag.proposals.create(unit=tree.commune_a, achievements="a", status=ProposalStatus.PASSED)
    meeting = services.meeting_create(
        actor=people.town_office, movement=movement, held_on=day(1), place="Hội trường", chair="Chủ tịch", attendees=5
    )
    for p in paper.proposals.all():
        services.vote_record(actor=people.town_office, meeting=meeting, proposal=p, agree=5, disagree=0)
    with pytest.raises(DomainError) as refused:
        services.decision_create(
            actor=people.town_office, movement=movement, number="25/QĐ-MTTQ-BTT", signed_on=day(2),
            signer_name="Phan Văn Hòa",
        )  # fmt: skip
    assert "không được tặng Cờ thi đua" in refused.value.message
    assert "cùng một thành tích" in refused.value.message
    flag.delete()
    decision = services.decision_create(
        actor=people.town_office, movement=movement, number="25/QĐ-MTTQ-BTT", signed_on=day(2),
        signer_name="Phan Văn Hòa",
    )  # fmt: skip
    assert decision.proposals.count() == 1


def test_returned_units_hold_the_lock_back_and_stay_visible_until_excluded_with_a_reason(
    submitted, movement, people, tree, bands
):  # fmt: skip
    a = submitted(tree.commune_a, people.commune_a_staff)
    b = submitted(tree.commune_b, people.commune_b_staff, FULL)
    services.assessment_mark_reviewed(actor=people.town_office, assessment=a)
    services.assessment_return(actor=people.town_office, assessment=b, comment="Bổ sung biên bản 3.2.1.a")
    data = selectors.ranking(movement, Level.COMMUNE)
    assert [u.unit for u in data["unranked"]] == [tree.commune_b]
    assert data["unranked"][0].state == "Trả lại để bổ sung"
    with pytest.raises(DomainError, match=r"xã Điện Hồng \(Trả lại để bổ sung\)"):
        services.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE)
    with pytest.raises(DomainError, match="cần ghi lý do"):
        services.ranking_exclude(actor=people.town_office, participation=participation(movement, tree.commune_b),
                                 reason="  ")  # fmt: skip
    with pytest.raises(DomainError, match="đã được thẩm định xong"):
        services.ranking_exclude(
            actor=people.town_office, participation=participation(movement, tree.commune_a), reason="x"
        )
    services.ranking_exclude(
        actor=people.town_office, participation=participation(movement, tree.commune_b),
        reason="Không bổ sung minh chứng trong hạn",
    )  # fmt: skip
    services.ranking_approve(actor=people.board, movement=movement, level=Level.COMMUNE)
    data = selectors.ranking(movement, Level.COMMUNE)
    assert [r.participation.unit for r in data["rows"]] == [tree.commune_a]
    assert data["unranked"][0].exclusion.reason == "Không bổ sung minh chứng trong hạn"
    with pytest.raises(DomainError, match="đã được Ban Thường trực phê duyệt"):
        services.ranking_include(actor=people.town_office, participation=participation(movement, tree.commune_b))


def test_the_decision_checks_the_quota_and_the_minimum_band_again(approved, movement, people, tree, bands):
    """The office may lower a quota or raise a form's minimum band in the admin after the vote: the
    decision counts the awards and reads the bands again and says which does not hold."""
    office = people.town_office
    paper = services.award_form_create(
        actor=office, movement=movement, name="Giấy khen", issuer="Ủy ban MTTQ Việt Nam thị xã Điện Bàn",
        recipient=Recipient.COLLECTIVE, quota=2,
    )  # fmt: skip
    proposals = services.proposals_from_ranking(actor=office, award_form=paper, count=2)
    meeting = services.meeting_create(
        actor=office, movement=movement, held_on=day(1), place="Hội trường", chair="Chủ tịch", attendees=5
    )
    for p in proposals:
        services.vote_record(actor=office, meeting=meeting, proposal=p, agree=5, disagree=0)
    AwardForm.objects.filter(pk=paper.pk).update(quota=1, minimum_band=bands["Tốt"])
    with pytest.raises(DomainError) as refused:
        services.decision_create(
            actor=office, movement=movement, number="25/QĐ-MTTQ-BTT", signed_on=day(2), signer_name="Phan Văn Hòa"
        )
    assert "Giấy khen (tập thể): 2 tập thể, cá nhân vượt số lượng cho phép (1)" in refused.value.message
    assert "xã Điện Hồng: xếp loại “Khá”; Giấy khen chỉ dành cho đơn vị xếp loại từ “Tốt”" in refused.value.message
