"""An anonymous visitor on a phone: searches the ledger without diacritics, opens a household,
finds how to donate. Screenshots go to docs/screenshots/portal-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import SENTINELS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"] + 1


def test_a_visitor_searches_the_ledger_without_diacritics_on_a_phone(phone_page, world):
    page = phone_page
    page.goto(page.base_url + "/cong-khai/ung-ho/")
    assert "5 khoản" not in page.inner_text("[data-testid=receipt-totals]")
    page.fill("[data-testid=receipt-search]", "nguyen van")
    page.wait_for_selector("[data-testid=receipt-totals]:has-text('1 khoản')")
    rows = page.inner_text("[data-testid=receipt-rows]")
    assert "Nguyễn Văn An Khang" in rows and "50.000.000 đ" in rows
    assert "q=nguyen" in page.url  # the search can be shared as a link
    page.fill("[data-testid=receipt-search]", "tran bi mat")
    page.wait_for_selector("text=Không có khoản ủng hộ nào khớp.")
    _no_sideways_scroll(page)
    page.fill("[data-testid=receipt-search]", "")
    page.wait_for_selector("[data-testid=receipt-totals]:has-text('4 khoản')")
    page.screenshot(path=str(SCREENSHOTS / "portal-so-ung-ho.png"), full_page=True)


def test_a_household_page_shows_the_masked_name_and_no_private_field(phone_page, world):
    page = phone_page
    page.goto(page.base_url + f"/cong-khai/ho/{world.consenting.code}/")
    assert page.inner_text("[data-testid=masked-name]") == "Nguyễn V. S."
    text = page.inner_text("body")
    for key in ("citizen_id", "phone", "address", "health", "head_full_name", "progress_note"):
        assert SENTINELS[key] not in text
    page.wait_for_function(
        "Array.from(document.querySelectorAll('[data-testid=photos] img')).every(i => i.naturalWidth > 0)"
    )
    _no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "portal-ho.png"), full_page=True)


def test_the_donate_page_shows_a_qr_image(phone_page, world):
    page = phone_page
    page.goto(page.base_url + "/cong-khai/cach-ung-ho/")
    qr = page.locator("[data-testid=vietqr]").first
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0")
    assert "0041000123456" in page.inner_text("[data-testid=fund]")
    _no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "portal-cach-ung-ho.png"), full_page=True)


def test_the_home_page_works_without_map_tiles(phone_page, world):
    page = phone_page
    page.route("**/tile.openstreetmap.org/**", lambda route: route.abort())
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(page.base_url + "/cong-khai/")
    assert "Phong trào thi đua năm 2024" in page.inner_text("[data-testid=movement]")
    assert "105.000.000 đ" in page.inner_text("[data-testid=mobilised]")
    page.wait_for_selector("text=Không tải được bản đồ nền")
    assert page.locator("[data-testid=map-list]").evaluate("d => d.open")
    assert page.locator("#bieu-do-don-vi").count() == 1
    # The cells come from their own URL after the page is shown: one marker per cell of that answer.
    page.wait_for_selector("#ban-do[data-ready='1']")
    src = page.get_attribute("#ban-do", "data-src")
    cells = page.request.get(page.base_url + src).json()["cells"]
    assert cells and page.get_attribute("#ban-do", "data-markers") == str(len(cells))
    assert errors == []
    _no_sideways_scroll(page)
    page.screenshot(path=str(SCREENSHOTS / "portal-tong-quan.png"), full_page=True)


def test_an_anonymous_visitor_finds_the_portal_from_the_landing_page(page, world):
    page.goto(page.base_url + "/")
    page.click("[data-testid=portal-link]")
    page.wait_for_selector("[data-testid=portal-nav]")
    page.click("[data-testid=portal-nav] >> text=Dữ liệu mở")
    assert "CC BY 4.0" in page.inner_text("main")
