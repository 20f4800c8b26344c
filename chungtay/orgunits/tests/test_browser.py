"""In a real browser (Debian's Chromium through Playwright)."""

import shutil
from pathlib import Path

import pytest

from conftest import login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
README_SHOT = Path(__file__).resolve().parents[3] / "docs" / "screenshots" / "don-vi-dien-thoai.png"


def test_a_commune_user_logs_in_and_sees_only_their_subtree_on_a_phone(phone_page, people, tree, artifacts_dir):
    page = phone_page
    login(page, "staff_a")
    assert "Xin chào" in page.content()
    # The menu collapses behind the toggler at 360 px.
    page.click("button.navbar-toggler")
    page.click("text=Đơn vị")
    page.wait_for_load_state("networkidle")
    body = page.inner_text("main")
    assert "Ủy ban MTTQ Việt Nam phường Vĩnh Điện" in body
    assert "Khối phố 1" in body
    assert "Điện Hồng" not in body and "Quảng Nam" not in body
    # No sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # Search ignores diacritics and stays inside the subtree.
    page.fill("#tim-don-vi", "khoi pho")
    page.wait_for_selector("[data-testid=unit-search-results] a")
    assert page.inner_text("[data-testid=unit-search-results]").strip().startswith("Khối phố 1")
    page.fill("#tim-don-vi", "dien hong")
    page.wait_for_selector("text=Không có đơn vị phù hợp.")
    shot = artifacts_dir / "commune-user-phone.png"
    page.fill("#tim-don-vi", "")
    page.wait_for_selector("[data-testid=unit-search-results]", state="detached")
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    README_SHOT.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(shot, README_SHOT)
    # Going straight to a sibling's page is "not found".
    response = page.goto(page.base_url + f"/don-vi/{tree.commune_b.pk}/")
    assert response.status == 404


def test_an_office_user_imports_units_with_a_dry_run_first(page, people, tree, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    login(page, "office")
    page.goto(page.base_url + "/don-vi/nhap/")
    bad = tmp_path / "sai.csv"
    bad.write_text("level,kind,name,parent\narea,thôn,Thôn 2,Không Có\narea,thôn,Thôn 3,Điện Hồng\n", encoding="utf-8")
    page.set_input_files("input[type=file]", str(bad))
    page.click("text=Kiểm tra tệp")
    errors = page.inner_text("[data-testid=import-errors]")
    assert "2" in errors and "Không tìm thấy đơn vị cấp trên “Không Có”" in errors
    assert tree.commune_b.children_set.count() == 1  # nothing written
    good = tmp_path / "dung.csv"
    good.write_text(
        "level,kind,name,parent\narea,thôn,Thôn 2,Điện Hồng\narea,thôn,Thôn 3,Điện Hồng\n", encoding="utf-8"
    )
    page.goto(page.base_url + "/don-vi/nhap/")
    page.set_input_files("input[type=file]", str(good))
    page.click("text=Kiểm tra tệp")
    assert "sẽ thêm mới: 2" in page.inner_text("main")
    assert tree.commune_b.children_set.count() == 1  # still nothing before confirming
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("text=Đã nhập 2 đơn vị mới")
    assert sorted(tree.commune_b.children_set.values_list("name", flat=True)) == [
        "Thôn 1",
        "Thôn 2",
        "Thôn 3",
    ]


def test_the_language_switch_turns_the_interface_to_english(page, people, tree):
    login(page, "office")
    page.select_option("#ngon-ngu", "en")
    page.click("[data-testid=language-form] button")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("#menu").inner_text().count("Units") == 1
