"""In a real browser: the one import pipeline (core.imports) walked for the units list and the household
list by the same office user — the same steps, the same check page, the same list of recent batches with
each batch's state, and the same file uploaded again recognised as already imported."""

import pytest

from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.housing.models import Household
from conftest import login

from .data import make_files

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_office_walks_units_and_households_through_the_same_import_steps(page, people, areas, norms, tmp_path):
    login(page, "office")

    units = tmp_path / "don-vi.csv"
    units.write_text("level,kind,name,parent\narea,thôn,Thôn 3,Điện Hồng\narea,thôn,Thôn 4,Điện Hồng\n",
                     encoding="utf-8")  # fmt: skip
    page.goto(page.base_url + "/don-vi/nhap/")
    steps = page.locator("[data-testid=import-steps] li")
    assert steps.all_inner_texts() == ["1. Tải lên", "2. Kiểm tra", "3. Nhập"]
    page.set_input_files("input[type=file]", str(units))
    page.click("text=Kiểm tra tệp")
    assert "sẽ thêm mới: 2" in page.inner_text("[data-testid=import-counts]")
    assert page.inner_text("[data-testid=import-status]") == "Trạng thái: Đã kiểm tra"
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("text=Đã nhập 2 đơn vị mới")
    assert page.inner_text("[data-testid=import-batches]").count("Đã nhập") == 1

    households = tmp_path / "danh-sach.xlsx"
    households.write_bytes(make_files.workbook([make_files.GOOD[0]]))
    page.goto(page.base_url + "/nha-o/nhap/")
    assert steps.all_inner_texts() == ["1. Tải lên", "2. Chọn cột", "3. Kiểm tra", "4. Nhập"]
    page.set_input_files("input[type=file]", str(households))
    page.click("text=Tải lên và chọn cột")
    page.click("[data-testid=check-file]")
    assert page.inner_text("[data-testid=import-status]") == "Trạng thái: Đã kiểm tra"
    assert "sẽ thêm mới: 4" in page.inner_text("[data-testid=import-counts]")
    page.click("[data-testid=confirm-import]")
    page.wait_for_selector("text=4 hộ mới")
    assert Household.objects.count() == 4

    # The list of recent batches names each batch's state; a committed batch opens as imported.
    page.goto(page.base_url + "/nha-o/nhap/")
    batches = page.inner_text("[data-testid=import-batches]")
    assert "danh-sach.xlsx" in batches and "Đã nhập" in batches and "mới 4" in batches
    page.click("[data-testid=import-batches] >> text=danh-sach.xlsx")
    assert "Tệp này đã được nhập." in page.inner_text("main")
    assert page.query_selector("[data-testid=confirm-import]") is None

    # The same file again is recognised (same sha256) and imports nothing new.
    page.goto(page.base_url + "/nha-o/nhap/")
    page.set_input_files("input[type=file]", str(households))
    page.click("text=Tải lên và chọn cột")
    page.click("[data-testid=check-file]")
    assert "đã được nhập lúc" in page.inner_text("main")
    assert "sẽ thêm mới: 0" in page.inner_text("[data-testid=import-counts]")
    states = sorted(ImportBatch.objects.values_list("kind", "status"))
    assert states == [("households", ImportStatus.CHECKED), ("households", ImportStatus.COMMITTED),
                      ("orgunits", ImportStatus.COMMITTED)]  # fmt: skip
