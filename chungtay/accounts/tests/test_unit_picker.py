"""The unit picker of the user and role forms at any scale (issue 22): a plain select while the office manages
a few units, level by level past that (a role can be given on a unit of any level); the server checks the
chosen unit against the office's subtree either way."""

from __future__ import annotations

from django.urls import reverse

from chungtay.accounts.models import User
from chungtay.tests.pickers import cascade, offered

PICKER = reverse("accounts:unit_picker")
OUTSIDE = "Đơn vị: hãy chọn trong phạm vi bạn được giao."


def offers(html: str, unit) -> bool:  # type: ignore[no-untyped-def]
    return offered(html, unit.pk)


def new_user(unit) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"username": "moi", "full_name": "Hồ Thị Mới", "password": "Mot-mat-khau-dai", "unit": unit.pk,
            "role": "unit_staff"}  # fmt: skip


def test_with_a_few_units_the_user_form_lists_them_all_in_one_select(client, people, tree):
    client.force_login(people.town_office)
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert "data-unit-cascade" not in page
    units = [tree.town, tree.commune_a, tree.commune_b, tree.area_a1, tree.area_b1]
    assert all(offers(page, unit) for unit in units) and not offers(page, tree.other_district)


def test_past_a_few_units_the_user_form_offers_one_level_at_a_time(client, people, tree, many):
    client.force_login(people.town_office)
    page = client.get(reverse("accounts:user_create")).content.decode()
    assert 'data-testid="unit-cascade-unit"' in page and f'hx-get="{PICKER}"' in page
    # The town itself and its communes, not the areas below them.
    assert offers(page, tree.town) and offers(page, tree.commune_a) and offers(page, tree.commune_b)
    assert not offers(page, tree.area_a1) and not offers(page, tree.area_b1)
    # Two selects: the communes to go down to (and an empty option); the town and its communes (and an empty).
    assert cascade(page, "unit").count("<option") == 3 + 4
    fragment = client.get(PICKER, {"unit__cap": tree.commune_a.pk}).content.decode()
    assert offers(fragment, tree.commune_a) and offers(fragment, tree.area_a1) and not offers(fragment, tree.area_b1)


def test_the_role_form_on_a_users_page_is_the_same_cascade(client, people, tree, many):
    client.force_login(people.town_office)
    page = client.get(reverse("accounts:user_detail", args=[people.commune_b_staff.pk])).content.decode()
    assert 'data-testid="unit-cascade-unit"' in page and not offers(page, tree.area_b1)


def test_a_unit_chosen_in_the_cascade_is_saved_with_the_new_user(client, people, tree, many):
    client.force_login(people.town_office)
    response = client.post(reverse("accounts:user_create"), new_user(tree.area_b1))
    assert response.status_code == 302
    assert User.objects.get(username="moi").memberships.get().unit == tree.area_b1
    client.post(
        reverse("accounts:membership_add", args=[people.commune_b_staff.pk]),
        {"unit": tree.commune_a.pk, "role": "inspector"},
    )
    assert people.commune_b_staff.memberships.filter(unit=tree.commune_a, role="inspector").exists()


def test_a_unit_outside_the_offices_subtree_is_refused_naming_the_field(client, people, tree, many):
    client.force_login(people.town_office)
    response = client.post(reverse("accounts:user_create"), new_user(tree.other_district))
    assert response.status_code == 200 and not User.objects.filter(username="moi").exists()
    assert response.context["form"].errors["unit"] == [OUTSIDE]
    assert OUTSIDE in response.content.decode()
    url = reverse("accounts:membership_add", args=[people.commune_b_staff.pk])
    page = client.post(url, {"unit": tree.province.pk, "role": "inspector"}, follow=True).content.decode()
    assert OUTSIDE in page and not people.commune_b_staff.memberships.filter(unit=tree.province).exists()


def test_the_unit_picker_reads_only_inside_the_managers_scope(client, people, tree, many):
    client.force_login(people.town_office)
    assert client.get(PICKER, {"unit__cap": tree.other_district.pk}).status_code == 403
    client.force_login(people.commune_a_staff)  # manages no user
    assert client.get(PICKER, {"unit__cap": tree.commune_a.pk}).status_code == 403
