"""The movement form's issuing unit at any scale (issue 22): a plain select while the office manages a few
units, level by level past that (a province, district or commune issues a plan); the server checks the
chosen unit either way, and the edit form shows only the movement's own unit."""

from __future__ import annotations

from django.urls import reverse

from chungtay.campaigns.models import Movement
from chungtay.orgunits.models import Role
from chungtay.tests.builders import make_user
from chungtay.tests.pickers import cascade, last_select, offered

PICKER = reverse("campaigns:issuing_unit_picker")
OUTSIDE = "Đơn vị ban hành: hãy chọn trong phạm vi bạn được giao."


def plan(unit) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"symbol": "7/KH-MTTQ", "issuing_unit": unit.pk, "issued_on": "14/03/2024", "title": "Phong trào chọn",
            "starts_on": "14/03/2024", "ends_on": "31/10/2024", "review_month": "12/2024"}  # fmt: skip


def test_with_a_few_units_the_movement_form_lists_them_all_in_one_select(client, people, tree):
    client.force_login(people.town_office)
    page = client.get(reverse("campaigns:movement_create")).content.decode()
    assert "data-unit-cascade" not in page
    assert all(offered(page, u.pk) for u in (tree.town, tree.commune_a, tree.commune_b))


def test_past_a_few_units_the_movement_form_offers_one_level_at_a_time(client, tree, many):
    client.force_login(make_user("tinh", tree.province, Role.OFFICE))
    picker = cascade(client.get(reverse("campaigns:movement_create")).content.decode(), "issuing_unit")
    assert f'hx-get="{PICKER}"' in picker
    choices = last_select(picker, "issuing_unit")
    assert all(offered(choices, u.pk) for u in (tree.province, tree.town, tree.other_district))
    assert not offered(picker, tree.commune_a.pk) and not offered(picker, tree.commune_b.pk)
    fragment = client.get(PICKER, {"issuing_unit__cap": tree.town.pk}).content.decode()
    assert all(offered(fragment, u.pk) for u in (tree.town, tree.commune_a, tree.commune_b))


def test_a_unit_chosen_in_the_cascade_issues_the_movement_and_one_outside_is_refused(client, people, tree, many):
    client.force_login(make_user("tinh", tree.province, Role.OFFICE))
    assert client.post(reverse("campaigns:movement_create"), plan(tree.commune_b)).status_code == 302
    assert Movement.objects.get().issuing_unit == tree.commune_b
    client.force_login(people.town_office)
    response = client.post(reverse("campaigns:movement_create"), {**plan(tree.other_district), "symbol": "8/KH"})
    assert response.status_code == 200 and Movement.objects.count() == 1
    assert response.context["form"].errors["issuing_unit"] == [OUTSIDE]
    client.force_login(people.commune_a_staff)  # manages no movement
    assert client.get(PICKER, {"issuing_unit__cap": tree.commune_a.pk}).status_code == 403


def test_the_edit_form_shows_only_the_movements_own_issuing_unit(client, people, tree, movement):
    client.force_login(people.town_office)
    page = client.get(reverse("campaigns:movement_edit", args=[movement.pk])).content.decode()
    assert offered(page, tree.town.pk) and not offered(page, tree.commune_a.pk)
