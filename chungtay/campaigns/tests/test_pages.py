"""Pages render for their users with a constant number of queries, and setup works through forms."""

import pytest
from django.urls import reverse

from chungtay.campaigns import services
from chungtay.campaigns.models import Criterion, LegalReference, Movement, MovementStatus, Participation
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create

from .conftest import day


def test_the_tracking_page_query_count_does_not_grow_with_participants(
    client, launched, tree, people, django_assert_max_num_queries
):
    client.force_login(people.town_office)
    url = reverse("campaigns:tracking", args=[launched.pk])
    client.get(url)
    with django_assert_max_num_queries(14):
        client.get(url)
    for n in range(2, 12):
        unit_create(actor=None, parent=tree.commune_b, level=Level.AREA, kind="thon", name=f"Thôn {n}")
    services.participants_add_level(actor=people.town_office, movement=launched, level=Level.AREA)
    assert launched.participations.count() == 14
    with django_assert_max_num_queries(14):
        response = client.get(url)
    assert "Thôn 11" in response.content.decode()


def test_the_movement_list_query_count_is_constant(client, launched, tree, people, django_assert_max_num_queries):
    for n in range(5):
        services.movement_create(
            actor=people.town_office, issuing_unit=tree.town, symbol=f"{n}/KH", issued_on=day(0), title=f"PT {n}",
            starts_on=day(0), ends_on=day(10), review_month=day(30),
        )  # fmt: skip
    client.force_login(people.town_office)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("campaigns:movement_list"))
    assert response.content.decode().count("/KH") >= 6


def test_the_workspace_query_count_is_bounded(client, launched, tree, people, django_assert_max_num_queries):
    client.force_login(people.commune_a_staff)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("campaigns:workspace", args=[launched.pk, tree.commune_a.pk]))
    body = response.content.decode()
    assert "Đăng ký thi đua" in body and "Việc sắp đến hạn" in body


def test_the_office_sets_a_movement_up_through_the_forms(client, tree, people):
    client.force_login(people.town_office)
    response = client.post(reverse("campaigns:movement_create"), {
        "symbol": "199/KH-MTTQ-BTT", "issuing_unit": tree.town.pk, "issued_on": "14/03/2024",
        "title": "Phong trào 2024", "theme": "Đổi mới", "purposes": "- Một\n- Hai <script>x</script>",
        "starts_on": "14/03/2024", "ends_on": "31/10/2024", "review_month": "12/2024",
        "registration_deadline": "29/03/2024",
    })  # fmt: skip
    movement = Movement.objects.get()
    assert response.status_code == 302 and movement.review_month.month == 12
    detail = client.get(reverse("campaigns:movement_detail", args=[movement.pk])).content.decode()
    assert "<li>Hai &lt;script&gt;x&lt;/script&gt;</li>" in detail
    fragment = client.post(
        reverse("campaigns:legal_add", args=[movement.pk]),
        {"kind": "chi_thi", "number": "01/CT-UBND", "issued_on": "23/01/2024", "issuer": "UBND thị xã",
         "summary": "Thi đua"},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert "01/CT-UBND" in fragment.content.decode() and "<html" not in fragment.content.decode()
    ref = LegalReference.objects.get()
    client.post(reverse("campaigns:legal_remove", args=[movement.pk, ref.pk]), HTTP_HX_REQUEST="true")
    assert not LegalReference.objects.exists()
    crit_url = reverse("campaigns:criteria", args=[movement.pk, Level.COMMUNE])
    client.post(crit_url, {"code": "3.2.1", "title": "Năng lực", "kind": "group", "max_points": "0"})
    client.post(crit_url, {"parent": "3.2.1", "code": "3.2.1.a", "title": "Quy chế", "kind": "reviewed",
                           "max_points": "15", "evidence_kinds": ["minutes", "resolution"]})  # fmt: skip
    bad = client.post(crit_url, {"code": "3.2.1.b", "title": "Tính", "kind": "computed", "max_points": "10"})
    assert "chỉ số tính tự động" in bad.context["form"].errors["metric_key"][0]
    assert Criterion.objects.get(code="3.2.1.a").parent.code == "3.2.1"
    tree_page = client.get(crit_url).content.decode()
    assert "Biên bản</span>" in tree_page and "Nghị quyết</span>" in tree_page and "minutes</span>" not in tree_page
    client.post(reverse("campaigns:participants", args=[movement.pk]), {"level": Level.COMMUNE})
    assert Participation.objects.filter(movement=movement).count() == 2
    bad = client.post(reverse("campaigns:milestones", args=[movement.pk]), {
        "kind": "progress_report", "level": Level.COMMUNE, "due_on": "25/04/2024", "recurrence": "monthly",
    })  # fmt: skip
    assert "lặp đến" in bad.context["form"].errors["until"][0]
    client.post(reverse("campaigns:milestones", args=[movement.pk]), {
        "kind": "own_plan", "level": Level.COMMUNE, "due_on": "31/03/2024", "recurrence": "once"})  # fmt: skip
    client.post(reverse("campaigns:movement_transition", args=[movement.pk]), {"to": "launched"})
    movement.refresh_from_db()
    assert movement.status == MovementStatus.LAUNCHED


@pytest.mark.parametrize("review_month", ["13/2024", "2024-12", "tháng 12"])
def test_a_bad_review_month_is_refused_in_vietnamese(client, tree, people, review_month):
    client.force_login(people.town_office)
    response = client.post(reverse("campaigns:movement_create"), {
        "symbol": "1/KH", "issuing_unit": tree.town.pk, "issued_on": "14/03/2024", "title": "PT",
        "starts_on": "14/03/2024", "ends_on": "31/10/2024", "review_month": review_month,
    })  # fmt: skip
    assert "mm/yyyy" in response.context["form"].errors["review_month"][0]


def test_the_dashboard_links_a_commune_user_to_their_workspace(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    body = client.get(reverse("dashboard")).content.decode()
    assert reverse("campaigns:workspace", args=[launched.pk, tree.commune_a.pk]) in body
    assert reverse("campaigns:workspace", args=[launched.pk, tree.area_a1.pk]) not in body
