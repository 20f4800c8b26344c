"""The funds forms' unit and fund pickers at any scale (issue 22): a province office records for hundreds of
funds and units. Past a few, the receipt's designated unit is chosen level by level, and the fund a transfer
goes to or an allocation draws on is chosen unit first, then among the funds of that unit and of its
children; the server checks the choice against everything the user may choose either way."""

from __future__ import annotations

import pytest
from django.urls import reverse

from chungtay.funds.forms import TransferForm
from chungtay.funds.models import Allocation, Fund, Receipt, Transfer
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create
from chungtay.tests.pickers import cascade, last_select, offered

OUTSIDE = "%s: hãy chọn trong phạm vi bạn được giao."


@pytest.fixture
def third_commune(tree):
    return unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name="Điện Phước")


def receipt(unit) -> dict[str, object]:  # type: ignore[no-untyped-def]
    return {"donor_name": "Công ty Ánh Dương", "donor_kind": "doanh_nghiep", "amount": "5.000.000",
            "received_on": "05/06/2024", "channel": "tien_mat", "receipt_number": "BL-009",
            "designation": "don_vi", "designated_unit": unit.pk}  # fmt: skip


# --- The receipt's designated unit -------------------------------------------------------------


def test_with_a_few_units_the_receipt_form_lists_them_all_in_one_select(client, people, tree, town_fund):
    client.force_login(people.town_office)
    page = client.get(reverse("funds:receipt_create", args=[town_fund.pk])).content.decode()
    assert "data-unit-cascade" not in page
    assert all(offered(page, u.pk) for u in (tree.town, tree.commune_a, tree.commune_b))


def test_past_a_few_units_the_receipt_form_offers_the_funds_unit_and_its_children(
    client, tree, province_office, funds, third_commune, many
):
    client.force_login(province_office)
    url = reverse("funds:receipt_create", args=[funds["province"].pk])
    picker = cascade(client.get(url).content.decode(), "designated_unit")
    assert all(offered(picker, u.pk) for u in (tree.province, tree.town, tree.other_district))
    assert not any(offered(picker, u.pk) for u in (tree.commune_a, tree.commune_b, third_commune))
    assert picker.count("<option") == 3 + 4  # the districts to go down to; the province and the districts
    fragment = client.get(
        reverse("funds:receipt_unit_picker", args=[funds["province"].pk]), {"designated_unit__cap": tree.town.pk}
    ).content.decode()
    assert all(offered(fragment, u.pk) for u in (tree.town, tree.commune_a, tree.commune_b, third_commune))


def test_a_unit_chosen_in_the_cascade_is_saved_on_the_receipt_and_one_outside_is_refused(
    client, people, tree, town_fund, third_commune, many
):
    client.force_login(people.town_office)
    url = reverse("funds:receipt_create", args=[town_fund.pk])
    assert client.post(url, receipt(third_commune)).status_code == 302
    assert Receipt.objects.get().designated_unit == third_commune
    response = client.post(url, receipt(tree.other_district))  # another district: not below the town's fund
    assert response.status_code == 200 and Receipt.objects.count() == 1
    assert response.context["form"].errors["designated_unit"] == [OUTSIDE % "Đơn vị được ủng hộ"]


# --- The fund a transfer goes to ---------------------------------------------------------------


def test_past_a_few_funds_the_transfer_form_offers_the_funds_of_one_unit_and_its_children(
    client, province_office, tree, funds, many
):
    client.force_login(province_office)
    page = client.get(reverse("funds:transfer_create", args=[funds["province"].pk])).content.decode()
    picker = cascade(page, "to_fund")
    choices = last_select(picker, "to_fund")  # the selects above it list units, whose ids may be the funds'
    assert offered(choices, funds["town"].pk) and offered(choices, funds["other"].pk)
    assert not offered(choices, funds["a"].pk) and not offered(choices, funds["b"].pk)
    assert picker.count("<option") == 3 + 3  # the districts to go down to; the districts' two funds
    fragment = client.get(
        reverse("funds:transfer_fund_picker", args=[funds["province"].pk]), {"to_fund__cap": tree.town.pk}
    ).content.decode()
    choices = last_select(fragment, "to_fund")
    assert all(offered(choices, funds[k].pk) for k in ("town", "a", "b")) and not offered(choices, funds["other"].pk)


def test_a_fund_chosen_in_the_cascade_receives_the_transfer_and_one_outside_is_refused(
    client, people, province_office, funds, give, many
):
    give(funds["province"], 50_000_000, actor=province_office)
    client.force_login(province_office)
    url = reverse("funds:transfer_create", args=[funds["province"].pk])
    data = {"to_fund": funds["b"].pk, "amount": "10.000.000", "date": "10/06/2024", "decision": "QĐ 1"}
    assert client.post(url, data).status_code == 302
    assert Transfer.objects.get().to_fund == funds["b"]
    # The town's fund sends only below the town: the sibling district's fund is refused.
    give(funds["town"], 50_000_000)
    client.force_login(people.town_office)
    url = reverse("funds:transfer_create", args=[funds["town"].pk])
    response = client.post(url, {**data, "to_fund": funds["other"].pk})
    assert response.status_code == 200 and Transfer.objects.count() == 1
    assert response.context["form"].errors["to_fund"] == [OUTSIDE % "Chuyển đến quỹ"]


# --- The fund or source an allocation draws on -------------------------------------------------


def test_past_a_few_funds_the_allocation_form_offers_the_funds_of_one_unit_and_its_children(
    client, province_office, tree, funds, many
):
    client.force_login(province_office)
    picker = cascade(client.get(reverse("funds:allocation_create")).content.decode(), "origin")
    assert all(offered(picker, f"fund:{funds[k].pk}") for k in ("province", "town", "other"))
    assert not any(offered(picker, f"fund:{funds[k].pk}") for k in ("a", "b"))
    fragment = client.get(reverse("funds:origin_picker"), {"origin__cap": tree.commune_b.pk}).content.decode()
    assert offered(fragment, f"fund:{funds['b'].pk}") and not offered(fragment, f"fund:{funds['town'].pk}")
    disbursement = cascade(client.get(reverse("funds:disbursement_create")).content.decode(), "origin")
    assert offered(disbursement, f"fund:{funds['other'].pk}") and not offered(disbursement, f"fund:{funds['a'].pk}")


def test_a_fund_chosen_in_the_cascade_pays_the_allocation_and_one_outside_is_refused(
    client, people, province_office, tree, funds, give, make_household, many
):
    household = make_household(tree.area_b1)
    give(funds["b"], 80_000_000)
    client.force_login(province_office)
    data = {"origin": f"fund:{funds['b'].pk}", "household_code": household.code, "amount": "10.000.000",
            "date": "10/06/2024", "decision": "QĐ 15/QĐ-MTTQ-BTT"}  # fmt: skip
    response = client.post(reverse("funds:allocation_create"), data)
    assert response.status_code == 302 and Allocation.objects.get().fund == funds["b"]
    client.force_login(people.town_office)
    response = client.post(reverse("funds:allocation_create"), {**data, "origin": f"fund:{funds['province'].pk}"})
    assert response.status_code == 200 and Allocation.objects.count() == 1
    assert response.context["form"].errors["origin"] == [OUTSIDE % "Nguồn"]


def test_the_fund_pickers_read_only_inside_the_users_scope(client, people, tree, funds, many):
    client.force_login(people.town_office)
    assert client.get(reverse("funds:origin_picker"), {"origin__cap": tree.other_district.pk}).status_code == 403
    picker = reverse("funds:transfer_fund_picker", args=[funds["province"].pk])  # a fund above the town's
    assert client.get(picker, {"to_fund__cap": tree.town.pk}).status_code == 404
    client.force_login(people.inspector)  # reads funds, records nothing
    assert client.get(reverse("funds:origin_picker"), {"origin__cap": tree.town.pk}).status_code == 403


def test_the_fund_cascade_reads_only_what_it_shows_in_three_queries(tree, funds, many, django_assert_num_queries):
    form = TransferForm(
        funds=Fund.objects.exclude(pk=funds["province"].pk).order_by("unit__path"),
        picker_url=reverse("funds:transfer_fund_picker", args=[funds["province"].pk]), roots=[tree.province],
    )  # fmt: skip
    # Whether there are more than a few; the province's districts to go down to; their funds. (Django's own Select
    # would read every fund once more, to see whether the first option is an empty one.)
    with django_assert_num_queries(3):
        html = str(form["to_fund"])
    assert offered(last_select(html, "to_fund"), funds["town"].pk)
