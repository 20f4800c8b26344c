"""In a real browser on a 360 px phone: an area board records the workdays residents gave a household."""

import pytest

from chungtay.figures.testing import shown
from chungtay.members.models import InKindContribution
from conftest import login

from .conftest import day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_area_board_records_workdays_for_a_household_on_a_phone(phone_page, people, tree, house):
    h = house(tree.area_a1)
    page = phone_page
    login(page, "area_a1")
    page.goto(f"{page.base_url}/nha-o/ho/{h.pk}/")
    page.click("[data-testid=record-in-kind]")
    assert page.input_value("select[name=household]") == h.code
    page.select_option("select[name=giver_kind]", "residents")
    page.fill("input[name=giver_name]", "Nhân dân Khối phố 1")
    page.select_option("select[name=kind]", "labour")
    page.fill("input[name=description]", "Công phụ hồ, dọn mặt bằng")
    page.fill("input[name=quantity]", "7,5")
    page.fill("input[name=value]", "")
    page.fill("input[name=given_on]", f"{day(-1):%d/%m/%Y}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.click("[data-testid=save-in-kind]")
    page.wait_for_selector("text=Ghi giá trị quy đổi (đồng).")
    assert not InKindContribution.objects.exists()
    page.fill("input[name=value]", "2.250.000")
    page.click("[data-testid=save-in-kind]")
    page.wait_for_selector("[data-testid=in-kind-rows]")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    figures = shown(page.content(), household=h.pk)
    assert figures["household_in_kind_value"] == [2_250_000] and figures["household_in_kind_workdays"] == [8]
    item = InKindContribution.objects.get()
    assert item.measure == "ngày công" and item.created_by.username == "area_a1"
