"""Commune A cannot see, register or upload for commune B; inspectors only read."""

import pytest
from django.urls import reverse

from chungtay.campaigns.models import Activity, MilestoneKind, Obligation, Participation
from chungtay.core.models import Document

from .conftest import pdf


def url(name, movement, unit):
    return reverse(f"campaigns:{name}", args=[movement.pk, unit.pk])


UNIT_PAGES = ["register", "own_plan", "report_submit", "activity_create", "evidence", "goodmodel_propose"]


@pytest.mark.parametrize("name", ["workspace", *UNIT_PAGES])
def test_commune_a_staff_gets_not_found_for_commune_b(client, launched, tree, people, name):
    client.force_login(people.commune_a_staff)
    assert client.get(url(name, launched, tree.commune_b)).status_code == 404
    assert client.get(url(name, launched, tree.commune_a)).status_code == 200


def test_commune_a_staff_cannot_register_or_upload_for_commune_b(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    response = client.post(url("register", launched, tree.commune_b), {"commitments": "Giả mạo"})
    assert response.status_code == 404
    response = client.post(url("own_plan", launched, tree.commune_b), {"title": "KH", "file": pdf()})
    assert response.status_code == 404
    assert not Participation.objects.get(movement=launched, unit=tree.commune_b).registered_at
    assert Document.objects.count() == 0


def test_commune_staff_act_for_their_own_residential_areas(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    response = client.post(url("register", launched, tree.area_a1), {"commitments": "Khối phố 1 cam kết"})
    assert response.status_code == 302
    assert Participation.objects.get(movement=launched, unit=tree.area_a1).registered_at


def test_the_tracking_matrix_shows_only_the_users_subtree(client, launched, tree, people):
    client.force_login(people.commune_a_staff)
    body = client.get(reverse("campaigns:tracking", args=[launched.pk])).content.decode()
    assert "Vĩnh Điện" in body and "Khối phố 1" in body
    assert "Điện Hồng" not in body and "Thôn 1" not in body


def test_a_draft_is_invisible_to_communes_and_visible_to_the_office(client, movement, people):
    client.force_login(people.commune_a_staff)
    assert client.get(reverse("campaigns:movement_detail", args=[movement.pk])).status_code == 404
    assert "199/KH-MTTQ-BTT" not in client.get(reverse("campaigns:movement_list")).content.decode()
    client.force_login(people.town_office)
    assert client.get(reverse("campaigns:movement_detail", args=[movement.pk])).status_code == 200


def test_a_sibling_district_sees_nothing_of_the_movement(client, launched, tree, people):
    from chungtay.orgunits.models import Role
    from conftest import make_user

    outsider = make_user("duyxuyen", tree.other_district, Role.OFFICE)
    client.force_login(outsider)
    assert client.get(reverse("campaigns:movement_detail", args=[launched.pk])).status_code == 404
    assert client.get(url("workspace", launched, tree.commune_a)).status_code == 404
    assert client.get(reverse("campaigns:participants", args=[launched.pk])).status_code == 404


def test_the_inspector_reads_everything_and_changes_nothing(client, launched, tree, people):
    client.force_login(people.inspector)
    for page in ("movement_detail", "tracking", "goodmodel_list"):
        assert client.get(reverse(f"campaigns:{page}", args=[launched.pk])).status_code == 200
    assert client.get(url("workspace", launched, tree.commune_b)).status_code == 200
    assert client.post(url("register", launched, tree.commune_b), {"commitments": "x"}).status_code == 403
    response = client.post(url("activity_create", launched, tree.commune_b), {"kind": "training", "title": "x"})
    assert response.status_code == 403
    assert (
        client.post(reverse("campaigns:movement_transition", args=[launched.pk]), {"to": "under_way"}).status_code
        == 403
    )
    assert client.get(reverse("campaigns:movement_edit", args=[launched.pk])).status_code == 403
    assert Activity.objects.count() == 0
    assert not Participation.objects.filter(registered_at__isnull=False).exists()


def test_commune_staff_cannot_set_the_movement_up(client, launched, people):
    client.force_login(people.commune_a_staff)
    for name in ("movement_edit", "participants", "milestones", "movement_copy"):
        assert client.get(reverse(f"campaigns:{name}", args=[launched.pk])).status_code == 403
    response = client.post(reverse("campaigns:criteria", args=[launched.pk, 3]), {"code": "9", "title": "x"})
    assert response.status_code == 403


def test_only_the_office_of_the_issuing_unit_may_excuse(client, launched, tree, people):
    obligation = Obligation.objects.filter(unit=tree.commune_a, milestone__kind=MilestoneKind.LAUNCH).get()
    client.force_login(people.commune_a_staff)
    response = client.post(reverse("campaigns:obligation_excuse", args=[obligation.pk]), {"reason": "Tự miễn"})
    assert response.status_code == 403
    obligation.refresh_from_db()
    assert not obligation.excused_reason
