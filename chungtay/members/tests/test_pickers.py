"""The in-kind form at any scale (issue 22): a province office records for 15,000 households and 1,700 units.
Past a few, the household is typed by its code and the receiving unit is chosen level by level; the server
checks both against the user's scope either way."""

from __future__ import annotations

import functools
from types import SimpleNamespace

import pytest
from django.urls import reverse

from chungtay.members.models import InKindContribution
from chungtay.orgunits.models import MemberOrgKind
from chungtay.orgunits.services import member_org_add
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


ORG_PICKER = reverse("members:in_kind_org_picker")


@pytest.fixture
def orgs_at_every_level(tree, people, women_a, farmers_b):
    """Beside each commune's: an organisation of the province (above the town office), the town and an area."""
    add = functools.partial(member_org_add, actor=None, kind=MemberOrgKind.YOUTH)
    return SimpleNamespace(
        province=add(unit=tree.province, name="Tỉnh Đoàn Quảng Nam"), town=add(unit=tree.town, name="Thị Đoàn"),
        area=add(unit=tree.area_a1, name="Chi đoàn Khối phố 1"), commune_a=women_a, commune_b=farmers_b,
    )  # fmt: skip


def test_past_a_few_organisations_they_are_offered_by_unit_with_those_above_the_users_at_every_step(
    client, people, tree, orgs_at_every_level, many
):
    orgs = orgs_at_every_level
    client.force_login(people.town_office)
    picker = cascade(client.get(reverse("members:in_kind_create")).content.decode(), "member_org")
    assert f'hx-get="{ORG_PICKER}"' in picker
    choices = last_select(picker, "member_org")
    assert all(offered(choices, o.pk) for o in (orgs.province, orgs.town, orgs.commune_a, orgs.commune_b))
    assert not offered(choices, orgs.area.pk)
    fragment = last_select(
        client.get(ORG_PICKER, {"member_org__cap": tree.commune_a.pk}).content.decode(), "member_org"
    )
    assert all(offered(fragment, o.pk) for o in (orgs.province, orgs.commune_a, orgs.area))
    assert not offered(fragment, orgs.commune_b.pk)


def test_an_organisation_chosen_in_the_cascade_is_saved_and_one_outside_scope_is_refused(
    client, people, tree, launched, orgs_at_every_level, many
):
    orgs = orgs_at_every_level
    client.force_login(people.town_office)
    given = form_data(unit=tree.area_a1.pk, movement=launched.pk, giver_kind="member_org", member_org=orgs.area.pk)
    assert client.post(reverse("members:in_kind_create"), given).status_code == 302
    assert InKindContribution.objects.get().member_org == orgs.area
    client.force_login(people.commune_b_staff)
    other = form_data(unit=tree.area_b1.pk, movement=launched.pk, giver_kind="member_org", member_org=orgs.area.pk)
    response = client.post(reverse("members:in_kind_create"), other)
    assert response.status_code == 200 and InKindContribution.objects.count() == 1
    assert response.context["form"].errors["member_org"] == ["Tổ chức đã chọn không có."]
    assert client.get(ORG_PICKER, {"member_org__cap": tree.commune_a.pk}).status_code == 403
