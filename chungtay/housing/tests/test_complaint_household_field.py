"""The complaint form names the household it concerns: from a select while the user has a few households, by
its code past that (a province's 15,735 households took 10 s to render as options; issue 22)."""

from __future__ import annotations

from django.urls import reverse

from chungtay.housing.models import Complaint
from chungtay.orgunits import pickers


def complaint_data(tree, household: str) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"unit": tree.commune_a.pk, "kind": "complaint", "received_on": "02/01/2024", "channel": "phone",
            "complainant_name": "Người Gửi Thử", "concerns": "household", "household": household,
            "content": "Nội dung thử"}  # fmt: skip


def test_with_a_few_households_the_complaint_form_offers_them_by_code_and_area(client, people, areas, make_household):
    household = make_household(areas["a2"], name="Hộ Khối Hai", citizen_id="")
    client.force_login(people.town_office)
    page = client.get(reverse("housing:complaint_create")).content.decode()
    assert f'<option value="{household.code}">{household.code} — Khối phố 2 (Vĩnh Điện)</option>' in page


def test_past_a_few_households_the_complaint_form_takes_the_code_typed(
    client, people, tree, areas, make_household, monkeypatch
):
    monkeypatch.setattr(pickers, "FEW", 0)
    mine = make_household(areas["a1"], name="Hộ Của Xã A", citizen_id="")
    other = make_household(areas["b1"], name="Hộ Của Xã B", citizen_id="")
    client.force_login(people.commune_a_staff)
    page = client.get(reverse("housing:complaint_create")).content.decode()
    assert 'type="text" name="household"' in page and f'value="{mine.code}"' not in page
    response = client.post(reverse("housing:complaint_create"), complaint_data(tree, f" {other.code.lower()} "))
    assert response.status_code == 200 and response.context["form"].errors["household"]
    response = client.post(reverse("housing:complaint_create"), complaint_data(tree, f" {mine.code.lower()} "))
    assert response.status_code == 302 and Complaint.objects.get().household == mine
