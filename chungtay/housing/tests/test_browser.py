"""In a real browser: a commune imports its list, an area board records a stage on a phone, the office
follows each unit's progress against its phase."""

import datetime as dt
import shutil
from pathlib import Path

import pytest

from chungtay.housing import photos, services
from chungtay.housing.models import Household
from conftest import login

from .conftest import HOUSE
from .data import make_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).resolve().parents[3] / "docs" / "screenshots"


def test_a_commune_user_imports_the_excel_list_after_fixing_the_faulty_rows(page, people, areas, norms, tmp_path):
    login(page, "staff_a")
    faulty = tmp_path / "danh-sach-loi.xlsx"
    faulty.write_bytes(make_files.workbook(make_files.faulty()))
    page.goto(page.base_url + "/nha-o/nhap/")
    page.set_input_files("input[type=file]", str(faulty))
    page.click("text=Tải lên và chọn cột")
    header = page.inner_text("[data-testid=detected-header]")
    assert "Họ và tên chủ hộ" in header and "Loại hộ / Hộ nghèo" in header
    assert page.input_value("select[name=col_head_name]") == "1"
    page.click("[data-testid=check-file]")
    errors = page.inner_text("[data-testid=import-errors]")
    assert "Không tìm thấy khu dân cư “Khối phố 9” thuộc phường Vĩnh Điện." in errors
    assert "Đánh dấu cả “Xây mới” và “Sửa chữa”" in errors and "trùng với dòng 10" in errors
    rows = [r.split("\t")[0] for r in errors.splitlines()[1:]]
    assert {"11", "12", "13", "14", "15"} <= set(rows)
    assert Household.objects.count() == 0

    good = tmp_path / "danh-sach-dung.xlsx"
    good.write_bytes(make_files.workbook([make_files.GOOD[0]]))
    page.goto(page.base_url + "/nha-o/nhap/")
    page.set_input_files("input[type=file]", str(good))
    page.click("text=Tải lên và chọn cột")
    page.click("[data-testid=check-file]")
    assert "sẽ thêm mới: 4" in page.inner_text("[data-testid=import-counts]")
    assert "✓ khớp" in page.inner_text("[data-testid=import-totals]")
    assert Household.objects.count() == 0
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("text=4 hộ mới")
    assert "Nguyễn Văn Mẫu" in page.inner_text("[data-testid=household-table]")
    assert Household.objects.count() == 4


def test_an_area_board_records_a_stage_with_a_photo_on_a_phone(phone_page, people, areas, make_household, tmp_path):
    household = make_household(areas["a1"], name="Trương Thị Nhà")
    services.progress_record(actor=None, household=household, stage="start", date=dt.date(2024, 5, 1))
    jpeg = tmp_path / "IMG_20240601.jpg"
    jpeg.write_bytes(
        photos.make_jpeg(
            size=(2400, 1800), taken_at=dt.datetime(2024, 6, 1, 9), lat=float(HOUSE[0]), lon=float(HOUSE[1])
        )
    )
    page = phone_page
    login(page, "area_a1")
    page.click("button.navbar-toggler")
    page.click("#menu >> text=Nhà ở")
    page.click("text=" + household.code)
    page.click("[data-testid=record-progress]")
    # The click navigates: measure the form's page once it is there, not the one being left.
    page.wait_for_selector("select[name=stage]")
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.input_value("select[name=stage]") == "foundation"
    page.fill("input[name=date]", "01/06/2024")
    page.set_input_files("input[name=photos]", str(jpeg))
    page.wait_for_selector("[data-testid=photo-previews] img")
    page.fill("textarea[name=note]", "Đã đổ móng, gia đình phấn khởi.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "nha-o-cap-nhat-tien-do.png"), full_page=True)
    page.click("[data-testid=save-progress]")
    page.wait_for_selector("text=Đã ghi “Xong móng” với 1 ảnh.")
    assert page.locator("[data-testid=progress-updates] img").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    shot = tmp_path / "phone.png"
    page.screenshot(path=str(shot), full_page=True)
    shutil.copy(shot, SHOTS / "nha-o-dien-thoai.png")
    update = household.updates.get(stage="foundation")
    assert update.reporter.username == "area_a1" and update.photos.get().width == 1600


# On a fixed day when the 2024 and 2025 phases have both come, whatever day the suite runs on.
@pytest.mark.time_machine(dt.datetime(2025, 11, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))))
def test_the_office_sees_each_units_progress_against_its_phase(page, people, areas, make_household, tmp_path):
    done = make_household(areas["a1"], name="Hộ Xong", citizen_id="", phase_year=2024)
    make_household(areas["a2"], name="Hộ Chậm Một", citizen_id="", phase_year=2024)
    make_household(areas["b1"], name="Hộ Chậm Hai", citizen_id="", phase_year=2025)
    services.progress_record(actor=None, household=done, stage="completed", date=dt.date(2024, 9, 1))
    login(page, "office")
    page.goto(page.base_url + "/nha-o/tien-do/")
    units = page.inner_text("[data-testid=unit-progress]")
    assert "phường Vĩnh Điện" in units and "xã Điện Hồng" in units
    assert "1/2" in units and "0/1" in units
    totals = page.inner_text("[data-testid=phase-totals]")
    assert "2024" in totals and "2025" in totals and "50%" in totals
    late = page.inner_text("[data-testid=behind-schedule]")
    assert "Hộ Chậm Một" in late and "Hộ Chậm Hai" in late and "Hộ Xong" not in late
    page.click("[data-testid=unit-progress] >> text=phường Vĩnh Điện")
    page.wait_for_selector("h1:has-text('phường Vĩnh Điện')")
    assert "Hộ Chậm Hai" not in page.inner_text("[data-testid=behind-schedule]")
    page.screenshot(path=str(tmp_path / "progress.png"), full_page=True)
    shutil.copy(tmp_path / "progress.png", SHOTS / "nha-o-tien-do.png")


def test_the_office_adds_a_household_choosing_the_commune_then_the_area(page, people, areas, norms, monkeypatch):
    from chungtay.orgunits import pickers

    monkeypatch.setattr(pickers, "FEW", 3)  # the town's four areas are "many": the form asks for the commune first
    login(page, "office")
    page.goto(page.base_url + "/nha-o/ho/them/")
    cascade = "[data-testid=unit-cascade-area]"
    page.select_option(f"{cascade} select[name=area__cap]", label="phường Vĩnh Điện")
    page.wait_for_selector(f"{cascade} select[name=area] option:text('Khối phố 2 (Vĩnh Điện)')", state="attached")
    assert "Thôn 1" not in page.inner_text(f"{cascade} select[name=area]")
    page.select_option("select[name=area]", label="Khối phố 2 (Vĩnh Điện)")
    page.fill("input[name=head_name]", "Lê Thị Chọn Khu")
    page.select_option("select[name=category]", "poor")
    page.select_option("select[name=support_kind]", "repair")
    page.fill("input[name=phase_year]", "2025")
    page.click("form.card button[type=submit]")
    page.wait_for_selector("text=Đã thêm hộ")
    assert Household.objects.get(head_name="Lê Thị Chọn Khu").area == areas["a2"]
