"""The pages: recording in-kind help through the form (with Vietnamese errors), the household pages (staff
and public), the member organisations' tab of a movement, and one in-kind figure on every surface."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.evaluation import metrics
from chungtay.figures.testing import shown
from chungtay.members import services
from chungtay.members.models import InKindContribution, MemberOrgRegistration
from chungtay.tallies import catalogue

from .conftest import TODAY, day, in_kind

pytestmark = pytest.mark.django_db


def form_data(**overrides) -> dict[str, str]:
    data = {
        "giver_kind": "residents", "giver_name": "Nhân dân Khối phố 1", "kind": "material",
        "description": "Tôn lợp", "quantity": "2,5", "measure": "tấm", "value": "1.250.000",
        "given_on": f"{day(-1):%d/%m/%Y}",
    }  # fmt: skip
    data.update(overrides)
    return data


def test_an_area_board_records_help_from_the_household_page_and_sees_it_there(client, people, tree, house):
    h = house(tree.area_a1)
    client.force_login(people.area_board)
    page = client.get(reverse("housing:household_detail", args=[h.pk])).content.decode()
    assert f"{reverse('members:in_kind_create')}?ho={h.pk}" in page
    response = client.post(f"{reverse('members:in_kind_create')}?ho={h.pk}", form_data(household=h.code))
    assert response.status_code == 302
    item = InKindContribution.objects.get()
    assert item.quantity == Decimal("2.5") and item.value == 1_250_000 and item.created_by == people.area_board
    page = client.get(reverse("housing:household_detail", args=[h.pk])).content.decode()
    assert shown(page, household=h.pk)["household_in_kind_value"] == [1_250_000]
    assert "Tôn lợp" in page and "Nhân dân Khối phố 1" in page


def test_bad_input_comes_back_with_vietnamese_messages_on_the_fields(client, people, tree, house):
    h = house(tree.area_a1)
    client.force_login(people.commune_a_staff)
    bad = form_data(household=h.code, quantity="hai", value="12a", given_on="31/02/2024")
    page = client.post(reverse("members:in_kind_create"), bad).content.decode()
    assert "Số lượng không hợp lệ: “hai”" in page
    assert "Số tiền không hợp lệ: “12a”" in page
    assert "Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy" in page
    page = client.post(reverse("members:in_kind_create"), form_data(household=h.code, giver_name="")).content
    assert "Ghi tên người, đơn vị đóng góp" in page.decode()
    assert not InKindContribution.objects.exists()


def test_a_household_outside_ones_subtree_cannot_be_chosen(client, people, tree, house):
    other = house(tree.area_b1)
    client.force_login(people.commune_a_staff)
    page = client.post(reverse("members:in_kind_create"), form_data(household=other.code)).content.decode()
    assert "Hộ đã chọn không có trong địa bàn của bạn." in page
    assert client.get(f"{reverse('members:in_kind_create')}?ho={other.pk}").status_code == 404
    client.force_login(people.inspector)
    assert client.get(reverse("members:in_kind_create")).status_code == 403


def test_the_public_household_page_shows_the_help_without_naming_private_givers(client, people, tree, house, women_a):
    h = house(tree.area_a1)
    services.in_kind_record(actor=people.commune_a_staff, data=in_kind(household=h, giver_name="Ông Nguyễn Văn Tư"))
    services.in_kind_record(
        actor=people.commune_a_staff,
        data=in_kind(household=h, giver_kind="member_org", member_org=women_a, giver_name="", kind="labour",
                     description="Công phụ hồ", quantity=Decimal(10), measure="", value=3_000_000),
    )  # fmt: skip
    page = client.get(reverse("portal:household", args=[h.code])).content.decode()
    figures = shown(page, household=h.pk)
    assert figures["household_in_kind_value"] == [7_500_000] and figures["household_in_kind_workdays"] == [10]
    assert "Nguyễn Văn Tư" not in page and "Nhà hảo tâm, doanh nghiệp" in page
    assert women_a.name in page and h.head_name not in page


def test_the_office_follows_member_organisations_registrations_in_the_movement(client, people, tree, launched, women_a):
    client.force_login(people.commune_a_staff)
    url = reverse("members:register", args=[launched.pk, women_a.pk])
    client.post(url, {"commitments": "", "registered_on": f"{day(0):%d/%m/%Y}"})
    assert not MemberOrgRegistration.objects.exists()
    client.post(url, {"commitments": "Góp 100 ngày công", "registered_on": f"{day(0):%d/%m/%Y}"})
    reg = MemberOrgRegistration.objects.get()
    client.post(reverse("members:results", args=[reg.pk]), {"results": "Đã góp 40 ngày công",
                                                           "results_on": f"{day(0):%d/%m/%Y}"})  # fmt: skip
    # Its activities go through the movement's activity form, marked with it.
    client.post(reverse("campaigns:activity_create", args=[launched.pk, tree.commune_a.pk]), {
        "kind": "propaganda", "title": "Tuyên truyền giúp hội viên nghèo", "held_on": f"{day(-1):%d/%m/%Y}",
        "member_org": str(women_a.pk), "document_kind": "minutes",
    })  # fmt: skip
    client.force_login(people.town_office)
    page = client.get(reverse("members:movement_orgs", args=[launched.pk])).content.decode()
    assert "Góp 100 ngày công" in page and "Đã góp 40 ngày công" in page and "1 / 1 tổ chức đã đăng ký" in page
    assert launched.activities.get().member_org == women_a
    assert '<td class="text-end" data-testid="org-activities">1' in page
    client.force_login(people.commune_b_staff)
    assert client.post(url, {"commitments": "x", "registered_on": f"{day(0):%d/%m/%Y}"}).status_code == 404


def test_one_in_kind_figure_on_the_household_pages_the_dashboard_the_review_report_and_the_api(
    client, people, tree, house, launched, women_a
):
    h = house(tree.area_a1)
    early, late = day(-20), day(-3)
    services.in_kind_record(actor=people.commune_a_staff, data=in_kind(household=h, given_on=early))
    services.in_kind_record(
        actor=people.area_board,
        data=in_kind(household=h, giver_kind="member_org", member_org=women_a, giver_name="", kind="labour",
                     description="Công phụ hồ", quantity=Decimal("12.5"), measure="", value=3_750_000, given_on=late),
    )  # fmt: skip
    expected = 4_500_000 + 3_750_000
    assert catalogue.value("in_kind_value", tree.town) == expected

    client.force_login(people.town_office)
    household = shown(client.get(reverse("housing:household_detail", args=[h.pk])).content.decode(), household=h.pk)
    public = shown(client.get(reverse("portal:household", args=[h.code])).content.decode(), household=h.pk)
    dashboard = shown(client.get(reverse("reports:dashboard"), {"don_vi": tree.town.pk}).content.decode())
    review_url = reverse("reports:review", args=[launched.pk, "so-ket"])
    review = shown(client.get(review_url, {"as_of": f"{TODAY:%d/%m/%Y}"}).content.decode())
    api = APIClient().get(reverse("api:public-summary")).json()["report"]
    assert api["unit"]["id"] == tree.town.pk
    assert household["household_in_kind_value"] == public["household_in_kind_value"] == [expected]
    assert dashboard["in_kind_value"] == review["in_kind_value"] == [expected]
    assert api["figures"]["in_kind_value"] == expected
    portal = shown(client.get(reverse("portal:unit", args=[tree.town.pk])).content.decode(), unit=tree.town.pk)
    assert portal["in_kind_value"] == [expected] and portal["in_kind_workdays"] == [13]
    assert dashboard["in_kind_workdays"] == [13] and api["figures"]["in_kind_workdays"] == 13  # 12,5 rounded
    assert "in_kind_value" not in shown(client.get(reverse("funds:overview")).content.decode())  # not cash

    # As of a day between the two contributions every surface shows only the first.
    between = early + dt.timedelta(days=1)
    params = {"don_vi": tree.town.pk, "ngay": f"{between:%d/%m/%Y}"}
    dashboard = shown(client.get(reverse("reports:dashboard"), params).content.decode())
    review = shown(client.get(review_url, {"as_of": f"{between:%d/%m/%Y}"}).content.decode())
    api = APIClient().get(reverse("api:public-summary"), {"ngay": between.isoformat()}).json()["report"]
    public = shown(client.get(reverse("portal:household", args=[h.code]), {"ngay": f"{between:%d/%m/%Y}"})
                   .content.decode(), household=h.pk)  # fmt: skip
    assert dashboard["in_kind_value"] == review["in_kind_value"] == [4_500_000]
    assert api["figures"]["in_kind_value"] == 4_500_000 and public["household_in_kind_value"] == [4_500_000]


def test_criterion_3_2_2b_shows_in_kind_help_beside_cash_and_does_not_count_it(people, tree, house, launched):
    h = house(tree.area_a1)
    before = metrics.non_state_share(tree.commune_a, launched, Decimal(10), as_of=TODAY)
    services.in_kind_record(actor=people.commune_a_staff, data=in_kind(household=h))
    after = metrics.non_state_share(tree.commune_a, launched, Decimal(10), as_of=TODAY)
    assert (after.value, after.points) == (before.value, before.points)
    assert "Ngoài tiền mặt (không tính vào tỷ lệ): giá trị hiện vật, ngày công quy đổi 4.500.000 đ" in (
        after.explanation
    )
    assert after.detail["in_kind_value"] == catalogue.value("in_kind_value", tree.commune_a) == 4_500_000
