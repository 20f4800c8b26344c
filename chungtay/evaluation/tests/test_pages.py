import pytest
from django.urls import reverse

from chungtay.evaluation.models import AssessmentStatus

from .conftest import FULL, lines_by_code, participation

pytestmark = pytest.mark.django_db


def client_for(client, user):  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def test_commune_staff_fill_in_and_submit_their_own_self_assessment(client, movement, tree, people):
    c = client_for(client, people.commune_a_staff)
    url = reverse("evaluation:self_assess", args=[movement.pk, tree.commune_a.pk])
    page = c.get(url)
    assert page.status_code == 200 and "Tự chấm điểm" in page.content.decode()
    a = participation(movement, tree.commune_a).assessments.get()
    lines = lines_by_code(a)
    data = {f"score_{lines[code].pk}": str(v) for code, v in FULL.items()}
    data[f"score_{lines['3.2.1.a'].pk}"] = "35"
    response = c.post(url, {**data, "action": "submit"})
    assert "Tiêu chí 3.2.1.a: điểm tự chấm 35 vượt điểm tối đa 30." in response.content.decode()
    assert 'value="35"' in response.content.decode()  # what was typed is kept
    data[f"score_{lines['3.2.1.a'].pk}"] = "28,5"
    response = c.post(url, {**data, "action": "submit"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED and str(a.self_total) == "101.50"
    told = c.get(response["Location"]).content.decode()
    assert f"Văn phòng {tree.town.committee_title} sẽ thẩm định" in told  # the town reviews its communes


def test_commune_a_cannot_see_or_edit_commune_b(client, movement, tree, people, submitted):
    b = submitted(tree.commune_b, people.commune_b_staff)
    c = client_for(client, people.commune_a_staff)
    assert c.get(reverse("evaluation:assessment_detail", args=[b.pk])).status_code == 404
    assert c.get(reverse("evaluation:self_assess", args=[movement.pk, tree.commune_b.pk])).status_code == 404
    assert c.get(reverse("evaluation:review", args=[b.pk])).status_code == 403
    board = c.get(reverse("evaluation:board", args=[movement.pk])).content.decode()
    assert "Vĩnh Điện" in board and "Điện Hồng" not in board


def test_the_office_reviews_but_does_not_fill_in_a_communes_self_assessment(client, movement, tree, people):
    c = client_for(client, people.town_office)
    assert c.get(reverse("evaluation:self_assess", args=[movement.pk, tree.commune_a.pk])).status_code == 403


def test_the_inspector_reads_everything_and_changes_nothing(client, movement, tree, people, submitted):
    a = submitted(tree.commune_a, people.commune_a_staff)
    c = client_for(client, people.inspector)
    assert c.get(reverse("evaluation:assessment_detail", args=[a.pk])).status_code == 200
    assert c.get(reverse("evaluation:ranking", args=[movement.pk])).status_code == 200
    line = lines_by_code(a)["3.2.1.a"]
    for name, args, data in [
        ("evaluation:review", [a.pk], {f"review_{line.pk}": "1", f"reason_{line.pk}": "x"}),
        ("evaluation:assessment_return", [a.pk], {"comment": "x"}),
        ("evaluation:self_assess", [movement.pk, tree.commune_a.pk], {}),
        ("evaluation:ranking_approve", [movement.pk], {}),
        ("evaluation:award_form_create", [movement.pk], {}),
    ]:
        assert c.post(reverse(name, args=args), data).status_code == 403, name
    a.refresh_from_db()
    assert a.status == AssessmentStatus.SUBMITTED


def test_the_office_returns_an_assessment_from_the_review_page(client, movement, tree, people, submitted):
    a = submitted(tree.commune_a, people.commune_a_staff)
    c = client_for(client, people.town_office)
    line = lines_by_code(a)["3.2.1.a"]
    response = c.post(reverse("evaluation:review", args=[a.pk]), {f"review_{line.pk}": "20", f"reason_{line.pk}": ""})
    assert "cần ghi lý do" in response.content.decode()
    c.post(reverse("evaluation:assessment_return", args=[a.pk]), {"comment": "Bổ sung biên bản"})
    a.refresh_from_db()
    assert a.status == AssessmentStatus.RETURNED


def test_the_board_page_makes_a_constant_number_of_queries(
    client, movement, tree, people, submitted, django_assert_max_num_queries
):
    from chungtay.orgunits.models import Level
    from chungtay.orgunits.services import unit_create

    c = client_for(client, people.town_office)
    url = reverse("evaluation:board", args=[movement.pk])
    submitted(tree.commune_a, people.commune_a_staff)
    c.get(url)
    with django_assert_max_num_queries(25) as few:
        c.get(url)
    from chungtay.campaigns import services as campaigns

    for i in range(6):
        unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name=f"Xã Thêm {i}")
    campaigns.participants_add_level(actor=people.town_office, movement=movement, level=Level.COMMUNE)
    for unit in (tree.commune_b,):
        submitted(unit, people.commune_b_staff)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = c.get(url)
    assert response.content.decode().count("data-unit=") == 8


def test_ranking_and_awards_pages_render_for_the_board(client, movement, people):
    c = client_for(client, people.board)
    for name in ("evaluation:ranking", "evaluation:awards", "evaluation:board"):
        assert c.get(reverse(name, args=[movement.pk])).status_code == 200, name
    assert c.get(reverse("evaluation:index")).status_code == 200
