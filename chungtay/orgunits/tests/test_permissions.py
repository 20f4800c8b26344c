"""Each role against its own unit, a sibling unit and the parent unit."""

import pytest
from django.urls import reverse

# (persona, unit it may view?, may manage?) for: own unit, sibling, parent
VIEW = "orgunits:detail"
EDIT = "orgunits:edit"


def unit_for(tree, which):
    return getattr(tree, which)


# persona → {unit attribute: (can view, can edit)}
MATRIX = {
    "town_office": {
        "town": (True, True),
        "commune_a": (True, True),
        "province": (False, False),
        "other_district": (False, False),
    },
    "board": {"town": (True, False), "commune_a": (True, False), "province": (False, False)},
    "inspector": {
        "town": (True, False),
        "commune_b": (True, False),
        "province": (False, False),
        "other_district": (False, False),
    },
    "admin": {"town": (True, True), "province": (False, False)},
    "commune_a_staff": {
        "commune_a": (True, False),
        "area_a1": (True, False),
        "commune_b": (False, False),
        "town": (False, False),
    },
    "commune_b_staff": {"commune_b": (True, False), "commune_a": (False, False), "town": (False, False)},
    "area_board": {"area_a1": (True, False), "commune_a": (False, False), "area_b1": (False, False)},
    "nobody": {"town": (False, False), "commune_a": (False, False)},
}
CASES = [(p, u, v, e) for p, units in MATRIX.items() for u, (v, e) in units.items()]


@pytest.mark.parametrize(("persona", "unit_attr", "can_view", "can_edit"), CASES)
def test_role_matrix_for_unit_pages(client, people, tree, persona, unit_attr, can_view, can_edit):
    client.force_login(getattr(people, persona))
    unit = unit_for(tree, unit_attr)
    view = client.get(reverse(VIEW, args=[unit.pk]))
    assert view.status_code == (200 if can_view else 404 if persona != "nobody" else 403)
    edit = client.get(reverse(EDIT, args=[unit.pk]))
    assert edit.status_code in ((200,) if can_edit else (403, 404))
    client.post(reverse(EDIT, args=[unit.pk]), {"kind": unit.kind, "name": "Đổi tên", "valid_from": "01/01/2000"})
    unit.refresh_from_db()
    assert (unit.name == "Đổi tên") == can_edit


def test_a_commune_user_sees_only_their_subtree_in_the_tree(client, people, tree):
    client.force_login(people.commune_a_staff)
    response = client.get(reverse("orgunits:tree"), follow=True)
    body = response.content.decode()
    assert "Vĩnh Điện" in body and "Khối phố 1" in body
    assert "Điện Hồng" not in body and "Thôn 1" not in body


def test_the_parent_breadcrumb_is_hidden_from_commune_users(client, people, tree):
    client.force_login(people.commune_a_staff)
    body = client.get(reverse(VIEW, args=[tree.commune_a.pk])).content.decode()
    assert "Quảng Nam" not in body


def test_children_fragment_is_scoped(client, people, tree):
    client.force_login(people.commune_b_staff)
    assert client.get(reverse("orgunits:children", args=[tree.commune_a.pk])).status_code == 404


def test_only_managers_can_add_member_organisations(client, people, tree):
    url = reverse("orgunits:memberorg_add", args=[tree.commune_a.pk])
    data = {"kind": "phu_nu", "name": "Hội Liên hiệp Phụ nữ phường"}
    client.force_login(people.inspector)
    assert client.post(url, data).status_code == 403
    client.force_login(people.town_office)
    assert client.post(url, data).status_code == 302
    assert tree.commune_a.member_organisations.get().name == "Hội Liên hiệp Phụ nữ phường"


def test_an_office_can_add_a_residential_area_through_the_form(client, people, tree):
    client.force_login(people.town_office)
    url = reverse("orgunits:create_child", args=[tree.commune_a.pk])
    response = client.post(url, {"kind": "khoi_pho", "name": "Khối phố 2", "valid_from": "01/01/2024"})
    assert response.status_code == 302
    child = tree.commune_a.children_set.get(name="Khối phố 2")
    assert child.level == 4 and child.valid_from.isoformat() == "2024-01-01"


def test_a_form_error_is_in_vietnamese_and_names_the_field(client, people, tree):
    client.force_login(people.town_office)
    url = reverse("orgunits:create_child", args=[tree.commune_a.pk])
    body = client.post(url, {"kind": "khoi_pho", "name": "Khối phố 1", "valid_from": "01/01/2000"}).content.decode()
    assert "Đã có đơn vị “Khối phố 1”" in body


def test_user_management_is_limited_to_the_managers_subtree(client, people, tree):
    client.force_login(people.town_office)
    listing = client.get(reverse("accounts:user_list")).content.decode()
    assert "staff_a" in listing and "area_a1" in listing
    client.force_login(people.commune_a_staff)
    assert client.get(reverse("accounts:user_list")).status_code == 403


def test_an_office_cannot_appoint_a_system_admin_or_grant_outside_its_subtree(client, people, tree):
    client.force_login(people.town_office)
    url = reverse("accounts:membership_add", args=[people.nobody.pk])
    # nobody has no membership yet, so they are not in the office's user list: 404.
    assert client.post(url, {"unit": tree.town.pk, "role": "office"}).status_code == 404
    url = reverse("accounts:membership_add", args=[people.commune_b_staff.pk])
    client.post(url, {"unit": tree.town.pk, "role": "admin"})
    assert not people.commune_b_staff.memberships.filter(role="admin").exists()
    client.post(url, {"unit": tree.other_district.pk, "role": "unit_staff"})
    assert not people.commune_b_staff.memberships.filter(unit=tree.other_district).exists()
    client.post(url, {"unit": tree.commune_b.pk, "role": "inspector"})
    assert people.commune_b_staff.memberships.filter(unit=tree.commune_b, role="inspector").exists()


@pytest.mark.argon2
def test_an_office_creates_a_user_with_a_role(client, people, tree):
    client.force_login(people.town_office)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "moi",
            "full_name": "Hồ Thị Mới",
            "password": "Mot-mat-khau-dai",
            "unit": tree.area_b1.pk,
            "role": "area_board",
        },
    )
    assert response.status_code == 302
    from chungtay.accounts.models import User

    user = User.objects.get(username="moi")
    assert user.password.startswith("argon2")
    assert user.memberships.get().unit == tree.area_b1
