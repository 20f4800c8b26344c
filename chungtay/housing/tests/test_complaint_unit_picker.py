"""The complaint form's receiving unit at any scale (issue 22): a plain select while the user may receive for a
few units, level by level past that (the province, a district or a commune receives); the server checks the
chosen unit either way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chungtay.housing.models import Complaint
from chungtay.orgunits.models import Level, Role
from chungtay.orgunits.services import unit_create
from chungtay.tests.builders import make_user
from chungtay.tests.pickers import cascade, offered

PICKER = reverse("housing:complaint_unit_picker")
OUTSIDE = "Đơn vị tiếp nhận: hãy chọn trong phạm vi bạn được giao."


@pytest.fixture
def third_commune(tree):
    """A third commune: the town office receives for four units, more than the limit of three (`many`)."""
    return unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name="Điện Phước")


def complaint(unit) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"unit": unit.pk, "kind": "complaint", "received_on": "02/01/2024", "channel": "phone",
            "complainant_name": "Người Gửi Chọn", "concerns": "unit", "content": "Nội dung thử"}  # fmt: skip


def test_with_a_few_units_the_complaint_form_lists_them_all_in_one_select(client, people, tree, third_commune):
    client.force_login(people.town_office)
    page = client.get(reverse("housing:complaint_create")).content.decode()
    assert "data-unit-cascade" not in page
    assert all(offered(page, u.pk) for u in (tree.town, tree.commune_a, tree.commune_b, third_commune))


def test_past_a_few_units_the_complaint_form_offers_the_province_and_its_districts_then_a_districts_communes(
    client, tree, third_commune, many
):
    client.force_login(make_user("tinh", tree.province, Role.OFFICE))
    picker = cascade(client.get(reverse("housing:complaint_create")).content.decode(), "unit")
    assert f'hx-get="{PICKER}"' in picker
    assert all(offered(picker, u.pk) for u in (tree.province, tree.town, tree.other_district))
    assert not any(offered(picker, u.pk) for u in (tree.commune_a, tree.commune_b, third_commune, tree.area_a1))
    # A select of the two districts to go down to; the province and its districts to choose from.
    assert picker.count("<option") == 3 + 4
    fragment = client.get(PICKER, {"unit__cap": tree.town.pk}).content.decode()
    assert all(offered(fragment, u.pk) for u in (tree.town, tree.commune_a, tree.commune_b, third_commune))
    assert not offered(fragment, tree.area_a1.pk)


def test_a_unit_chosen_in_the_cascade_receives_the_complaint(client, people, tree, third_commune, many):
    client.force_login(people.town_office)
    response = client.post(reverse("housing:complaint_create"), complaint(third_commune))
    assert response.status_code == 302
    assert Complaint.objects.get(complainant_name="Người Gửi Chọn").unit == third_commune


def test_a_unit_outside_the_users_scope_is_refused_naming_the_field(client, people, tree, third_commune, many):
    client.force_login(people.town_office)
    response = client.post(reverse("housing:complaint_create"), complaint(tree.other_district))
    assert response.status_code == 200 and not Complaint.objects.exists()
    assert response.context["form"].errors["unit"] == [OUTSIDE] and OUTSIDE in response.content.decode()


def test_the_complaint_unit_picker_reads_only_inside_the_users_scope(client, people, tree, third_commune, many):
    client.force_login(people.town_office)
    assert client.get(PICKER, {"unit__cap": tree.other_district.pk}).status_code == 403
    client.force_login(people.inspector)  # reads complaints, receives none
    assert client.get(PICKER, {"unit__cap": tree.commune_a.pk}).status_code == 403
