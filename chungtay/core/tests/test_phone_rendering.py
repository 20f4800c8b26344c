"""On a 360 px phone: amounts in one piece, wide tables that say they scroll, tabs that show there are more,
a photo preview the CSP lets through, a Vietnamese file button and a question before a stage without a photo."""

# ruff: noqa: F811 - the fixtures imported below are requested by name
from __future__ import annotations

import datetime as dt

import pytest

from chungtay.housing import photos
from chungtay.housing.models import ProgressUpdate

# The public world (households, money, a movement) is shared with the portal's tests.
from chungtay.portal.tests.conftest import world  # noqa: F401
from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_large_amount_stays_on_one_line_on_a_phone(phone_page, world, give):
    give(world.fund, 988_500_000, "Tổng Công ty Lớn")
    login(phone_page, "office")
    phone_page.goto(phone_page.base_url + "/quy/")
    money = phone_page.locator("[data-figure=money_received] .ct-money")
    assert money.inner_text() == "1.093.500.000 đ"
    box = money.bounding_box()
    line = phone_page.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)", money.element_handle())
    assert box["height"] < line * 1.5  # one line, not "1.093.500.00 / 0 đ"
    card = phone_page.locator("[data-figure=money_received]").bounding_box()
    assert box["x"] + box["width"] <= card["x"] + card["width"] + 1
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_a_wide_table_says_it_scrolls_and_holds_its_first_column(phone_page, world):
    login(phone_page, "office")
    phone_page.goto(phone_page.base_url + "/nha-o/")
    phone_page.wait_for_load_state("networkidle")
    box = phone_page.locator(".table-responsive.ct-scrolls").first
    assert box.get_attribute("tabindex") == "0"
    hint = phone_page.locator("[data-testid=scroll-hint]").first
    assert hint.is_visible() and "vuốt ngang" in hint.inner_text()
    first = box.locator("tbody tr td").first
    assert phone_page.evaluate("e => getComputedStyle(e).position", first.element_handle()) == "sticky"
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 360


def test_the_public_tabs_show_there_are_more_on_a_phone(phone_page, world):
    phone_page.goto(phone_page.base_url + "/cong-khai/")
    wrap = phone_page.locator("[data-testid=tabs-wrap]")
    assert "ct-more-right" in wrap.get_attribute("class")
    phone_page.locator("[data-testid=portal-nav]").evaluate("n => n.scrollTo(n.scrollWidth, 0)")
    phone_page.wait_for_function(
        "!document.querySelector('[data-testid=tabs-wrap]').classList.contains('ct-more-right')"
    )
    assert "ct-more-left" in wrap.get_attribute("class")


def test_the_photo_preview_loads_under_the_csp_and_the_button_speaks_vietnamese(phone_page, world, tmp_path):
    jpeg = tmp_path / "IMG_0001.jpg"
    jpeg.write_bytes(photos.make_jpeg(size=(800, 600), taken_at=dt.datetime(2024, 6, 1, 9), lat=15.88, lon=108.25))
    blocked = []
    phone_page.on("console", lambda m: blocked.append(m.text) if "Content Security Policy" in m.text else None)
    login(phone_page, "area_a1")
    phone_page.goto(phone_page.base_url + f"/nha-o/ho/{world.consenting.pk}/cap-nhat-tien-do/")
    button = phone_page.locator("[data-testid=file-button]")
    assert button.inner_text() == "Chọn ảnh…" and button.is_visible()
    assert phone_page.locator("input[name=photos]").bounding_box()["width"] <= 1  # hidden, still in the form
    phone_page.set_input_files("input[name=photos]", str(jpeg))
    phone_page.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=photo-previews] img'); return i && i.complete }"
    )
    assert phone_page.evaluate("document.querySelector('[data-testid=photo-previews] img').naturalWidth") > 0
    assert phone_page.locator("[data-testid=file-names]").inner_text() == "IMG_0001.jpg"
    assert not blocked, blocked


def test_saving_a_stage_without_a_photo_asks_first(phone_page, world):
    login(phone_page, "area_a1")
    url = phone_page.base_url + f"/nha-o/ho/{world.consenting.pk}/cap-nhat-tien-do/"
    phone_page.goto(url)
    before = ProgressUpdate.objects.count()
    asked = []

    def answer_no(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    phone_page.once("dialog", answer_no)
    phone_page.click("[data-testid=save-progress]")
    phone_page.wait_for_timeout(300)
    assert asked and "Chưa có ảnh" in asked[0]
    assert phone_page.url == url and ProgressUpdate.objects.count() == before
