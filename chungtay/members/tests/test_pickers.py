"""The in-kind form at any scale (issue 22): a province office records for 15,000 households and 1,700 units.
Past a few, the household is typed by its code and the receiving unit is chosen level by level; the server
checks both against the user's scope either way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chungtay.members.models import InKindContribution
from chungtay.tests.pickers import cascade, last_select, offered

from .test_pages import form_data

pytestmark = pytest.mark.django_db
PICKER = reverse("members:in_kind_unit_picker")


def test_with_a_few_to_choose_from_the_form_lists_households_and_units_in_selects(client, people, tree, house):
    h = house(tree.area_a1)
    client.force_login(people.town_office)
    page = client.get(reverse("members:in_kind_create")).content.decode()
    assert "data-unit-cascade" not in page and offered(page, h.code)
    assert all(offered(page, u.pk) for u in (tree.town, tree.commune_a, tree.area_b1))


def test_past_a_few_the_household_is_typed_and_the_unit_chosen_level_by_level(client, people, tree, house, many):
    households = [house(tree.area_a1) for _ in range(4)]
    client.force_login(people.town_office)
    page = client.get(reverse("members:in_kind_create")).content.decode()
    assert 'name="household"' in page and not any(offered(page, h.code) for h in households)
    picker = cascade(page, "unit")
    assert f'hx-get="{PICKER}"' in picker
    assert all(offered(last_select(picker, "unit"), u.pk) for u in (tree.town, tree.commune_a, tree.commune_b))
    assert not offered(picker, tree.area_a1.pk) and not offered(picker, tree.area_b1.pk)
    fragment = client.get(PICKER, {"unit__cap": tree.commune_b.pk}).content.decode()
    assert offered(fragment, tree.area_b1.pk) and not offered(fragment, tree.area_a1.pk)


def test_the_typed_household_and_the_chosen_unit_are_saved(client, people, tree, house, launched, many):
    h, *_ = [house(tree.area_a1) for _ in range(4)]
    client.force_login(people.town_office)
    assert client.post(reverse("members:in_kind_create"), form_data(household=h.code.lower())).status_code == 302
    assert InKindContribution.objects.get().household == h
    to_unit = form_data(unit=tree.area_b1.pk, movement=launched.pk)
    assert client.post(reverse("members:in_kind_create"), to_unit).status_code == 302
    assert InKindContribution.objects.get(household=None).unit == tree.area_b1


def test_a_unit_outside_the_users_subtree_is_refused_with_the_fields_error(client, people, tree, launched, many):
    client.force_login(people.commune_a_staff)
    response = client.post(reverse("members:in_kind_create"), form_data(unit=tree.area_b1.pk, movement=launched.pk))
    assert response.status_code == 200 and not InKindContribution.objects.exists()
    assert response.context["form"].errors["unit"] == ["Đơn vị đã chọn không thuộc phạm vi của bạn."]
    assert client.get(PICKER, {"unit__cap": tree.commune_b.pk}).status_code == 403
