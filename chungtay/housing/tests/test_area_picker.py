"""The household form's area picker at any scale (issue 22): a plain select while the user may choose among a
few areas, the commune first (htmx) past that; the server checks the chosen area either way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chungtay.housing.models import Household
from chungtay.orgunits import pickers

PICKER = reverse("housing:area_picker")


@pytest.fixture
def many(monkeypatch):
    """As if the town had more areas than a plain select lists (four here, against a limit of three)."""
    monkeypatch.setattr(pickers, "FEW", 3)


def options(html: str, unit) -> bool:  # type: ignore[no-untyped-def]
    return f'<option value="{unit.pk}"' in html


def household_data(area) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"area": area.pk, "head_name": "Hồ Thị Mới", "category": "poor", "support_kind": "repair",
            "phase_year": "2025", "decision_number": "8584/QĐ-UBND", "decision_date": "20/12/2023",
            "state_support": "", "override_reason": ""}  # fmt: skip


def test_with_a_few_areas_the_form_lists_them_all_in_one_select(client, people, areas):
    client.force_login(people.town_office)
    page = client.get(reverse("housing:household_create")).content.decode()
    assert "data-unit-cascade" not in page
    assert all(options(page, area) for area in areas.values())


def test_past_a_few_areas_the_form_asks_for_the_commune_first_then_lists_its_areas(client, people, areas, tree, many):
    client.force_login(people.town_office)
    page = client.get(reverse("housing:household_create")).content.decode()
    assert 'data-testid="unit-cascade-area"' in page and f'hx-get="{PICKER}"' in page
    assert options(page, tree.commune_a) and options(page, tree.commune_b)
    assert not any(options(page, area) for area in areas.values())
    fragment = client.get(PICKER, {"area__cap": tree.commune_a.pk}).content.decode()
    assert options(fragment, areas["a1"]) and options(fragment, areas["a2"]) and not options(fragment, areas["b1"])
    assert "Khối phố 2 (Vĩnh Điện)" in fragment
    # The commune's empty option again: back to the communes, no area listed.
    fragment = client.get(PICKER, {"area__cap": "", "area__tren": tree.town.pk}).content.decode()
    assert options(fragment, tree.commune_b) and not options(fragment, areas["b1"])


def test_the_edit_form_opens_on_the_households_commune_with_its_area_chosen(
    client, people, areas, tree, make_household, many
):
    household = make_household(areas["b2"], name="Hộ Thôn Hai", citizen_id="")
    client.force_login(people.town_office)
    page = client.get(reverse("housing:household_edit", args=[household.pk])).content.decode()
    assert f'<option value="{tree.commune_b.pk}" selected>' in page
    assert f'<option value="{areas["b2"].pk}" selected>' in page and not options(page, areas["a1"])


def test_the_server_checks_the_chosen_area_whatever_the_picker_showed(client, people, areas, norms, many):
    client.force_login(people.town_office)
    response = client.post(reverse("housing:household_create"), household_data(areas["b2"]))
    assert response.status_code == 302 and Household.objects.get(head_name="Hồ Thị Mới").area == areas["b2"]
    client.force_login(people.commune_a_staff)
    response = client.post(reverse("housing:household_create"), household_data(areas["b1"]))
    assert response.status_code == 200 and Household.objects.count() == 1
    assert response.context["form"].errors["area"]


def test_the_picker_lists_only_units_inside_the_users_scope(client, people, tree, areas, many):
    client.force_login(people.commune_b_staff)
    assert client.get(PICKER, {"area__cap": tree.commune_a.pk}).status_code == 403
    assert client.get(PICKER, {"area__cap": tree.other_district.pk}).status_code == 403
    client.force_login(people.inspector)  # reads households, adds none
    assert client.get(PICKER, {"area__cap": tree.commune_a.pk}).status_code == 403


def test_the_picker_answers_in_a_few_queries(client, people, tree, areas, many, django_assert_max_num_queries):
    client.force_login(people.town_office)
    client.get(PICKER, {"area__cap": tree.commune_a.pk})
    with django_assert_max_num_queries(12):
        fragment = client.get(PICKER, {"area__cap": tree.commune_a.pk}).content.decode()
    assert options(fragment, areas["a2"])
