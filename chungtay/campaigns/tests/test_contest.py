"""The contest "Cán bộ Mặt trận cơ sở giỏi": judges recuse for their own unit; results average the rest."""

from decimal import Decimal

import pytest
from django.urls import reverse

from chungtay.campaigns import selectors, services
from chungtay.campaigns.models import JudgeScore
from chungtay.core.errors import DomainError
from chungtay.orgunits.models import Membership, Role


@pytest.fixture
def contest(launched, tree, people):
    contest = services.contest_create(actor=people.town_office, movement=launched, title="Cán bộ Mặt trận cơ sở giỏi")
    first = services.round_add(actor=people.town_office, contest=contest, name="Sơ khảo")
    a = services.entrant_add(actor=people.town_office, contest=contest, unit=tree.commune_a, person_name="Trần Văn A")
    b = services.entrant_add(actor=people.town_office, contest=contest, unit=tree.commune_b, person_name="Lê Thị B")
    return contest, first, a, b


def test_a_judge_from_an_entrants_unit_is_recorded_as_recused(contest, tree, people):
    _, first, a, b = contest
    Membership.objects.create(user=people.board, unit=tree.commune_a, role=Role.BOARD)  # also sits in Vĩnh Điện
    services.judge_scores_record(actor=people.board, contest_round=first, scores={a.pk: Decimal(95), b.pk: Decimal(70)})
    mine = {s.entrant_id: s for s in JudgeScore.objects.filter(judge=people.board)}
    assert mine[a.pk].recused and mine[a.pk].score is None
    assert not mine[b.pk].recused and mine[b.pk].score == 70


def test_results_average_non_recused_scores_and_rank_them(contest, tree, people):
    _, first, a, b = contest
    second = services.round_add(actor=people.town_office, contest=contest[0], name="Chung khảo")
    Membership.objects.create(user=people.board, unit=tree.commune_a, role=Role.BOARD)
    services.judge_scores_record(
        actor=people.town_office, contest_round=first, scores={a.pk: Decimal(80), b.pk: Decimal(90)}
    )
    services.judge_scores_record(
        actor=people.board, contest_round=first, scores={a.pk: Decimal(100), b.pk: Decimal(70)}
    )
    services.judge_scores_record(actor=people.admin, contest_round=first, scores={a.pk: Decimal(90), b.pk: Decimal(80)})
    services.judge_scores_record(actor=people.town_office, contest_round=second, scores={a.pk: Decimal("10.5")})
    rounds, rows = selectors.contest_results(contest[0])
    assert [r.name for r in rounds] == ["Sơ khảo", "Chung khảo"]
    by_name = {r.entrant.person_name: r for r in rows}
    assert by_name["Trần Văn A"].by_round[first.pk] == Decimal("85.00")  # (80 + 90) / 2; the recused 100 left out
    assert by_name["Lê Thị B"].by_round[first.pk] == Decimal("80.00")
    assert by_name["Trần Văn A"].total == Decimal("95.50") and by_name["Trần Văn A"].rank == 1
    assert by_name["Lê Thị B"].rank == 2


def test_a_score_outside_the_scale_is_refused_naming_the_entrant(contest, people):
    _, first, a, _b = contest
    with pytest.raises(DomainError, match="Trần Văn A") as info:
        services.judge_scores_record(actor=people.town_office, contest_round=first, scores={a.pk: Decimal(101)})
    assert info.value.field == f"score_{a.pk}"
    assert JudgeScore.objects.count() == 0


def test_an_entrant_must_come_from_a_participating_unit(contest, tree, people):
    with pytest.raises(DomainError, match="không tham gia"):
        services.entrant_add(actor=people.town_office, contest=contest[0], unit=tree.other_district, person_name="X")


def test_the_scoring_page_shows_recusal_and_saves(client, contest, tree, people):
    _, first, a, b = contest
    Membership.objects.create(user=people.board, unit=tree.commune_b, role=Role.BOARD)
    client.force_login(people.board)
    page = client.get(reverse("campaigns:round_score", args=[first.pk])).content.decode()
    assert "Không chấm (cùng đơn vị)" in page
    response = client.post(
        reverse("campaigns:round_score", args=[first.pk]), {f"score_{a.pk}": "88,5", f"score_{b.pk}": "99"}
    )
    assert response.status_code == 302
    assert JudgeScore.objects.get(entrant=a).score == Decimal("88.5")
    assert JudgeScore.objects.get(entrant=b).recused
    bad = client.post(reverse("campaigns:round_score", args=[first.pk]), {f"score_{a.pk}": "abc"})
    assert "không phải là số" in bad.content.decode()


def test_commune_staff_cannot_judge(client, contest, people):
    client.force_login(people.commune_a_staff)
    assert client.get(reverse("campaigns:round_score", args=[contest[1].pk])).status_code == 403
