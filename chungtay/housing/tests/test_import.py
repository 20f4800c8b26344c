"""Importing the approved list from the Excel file communes keep, and exporting it back."""

import datetime as dt
import io

import pytest

from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.core.tabular import read_table
from chungtay.housing.exports import export_households
from chungtay.housing.imports import (
    ImportSettings,
    commit_household_import,
    detect_decision,
    load_table,
    plan_household_import,
    suggest,
)
from chungtay.housing.models import Household

from .data import make_files

DECISION = ("8584/QĐ-UBND", dt.date(2023, 12, 20))


def settings_for(data: bytes, name: str = "ds.xlsx") -> ImportSettings:
    table = load_table(data, name)
    return ImportSettings(columns=suggest(table), decision_number=DECISION[0], decision_date=DECISION[1])


def plan(data: bytes, user, settings=None):
    return plan_household_import(data=data, filename="ds.xlsx", user=user, settings=settings or settings_for(data))


def commit(data: bytes, user, settings=None):
    from django.core.files.base import ContentFile

    settings = settings or settings_for(data)
    batch = ImportBatch(kind="households", file_name="ds.xlsx", sha256="x", size=len(data), created_by=user,
                        status=ImportStatus.CHECKED, mapping=settings.as_json())  # fmt: skip
    batch.file.save("ds.xlsx", ContentFile(data), save=False)
    batch.save()
    return commit_household_import(actor=user, batch=batch), batch


def exported(households, **kwargs) -> bytes:
    out = io.BytesIO()
    export_households(households, out, **kwargs)
    return out.getvalue()


@pytest.fixture
def office(people, areas, norms):
    return people.town_office


def test_the_good_file_reads_seven_households_in_two_communes(office):
    result = plan(make_files.workbook(), office)
    assert result.errors == []
    assert result.counts() == {"rows": 7, "create": 7, "update": 0, "unchanged": 0, "errors": 0}
    by_name = {r.data.head_name: r.data for r in result.rows}
    assert by_name["Võ Thị Tạm"].area.name == "Thôn 1" and by_name["Võ Thị Tạm"].area.parent.name == "Điện Hồng"
    assert by_name["Lê Văn Ví Dụ"].area.name == "Khối phố 1"  # stray spaces
    assert by_name["Trần Thị Thử"].state_support == 30_000_000  # text with dots
    assert by_name["Phạm Thị Minh Họa"].state_support == 30_000_000  # "30,000,000 đ"
    assert [t["ok"] for t in result.totals] == [True, True, True]


def test_the_decision_is_found_in_the_title_rows():
    table = read_table(make_files.workbook(), "ds.xlsx")
    assert detect_decision(table) == DECISION


def test_the_mapping_suggests_every_column_of_the_official_layout():
    table = load_table(make_files.workbook(), "ds.xlsx")
    letters = {k: table.columns[v].letter for k, v in suggest(table).items() if v is not None}
    assert letters == {
        "order": "A", "head_name": "B", "birth_year": "C", "gender": "D", "citizen_id": "E", "area": "F",
        "poor": "G", "near_poor": "H", "policy": "I", "build": "J", "repair": "K", "year": "L", "amount": "M",
        "note": "N",
    }  # fmt: skip


def test_committing_writes_everything_and_importing_again_changes_nothing(office):
    result, batch = commit(make_files.workbook(), office)
    assert result.ok and batch.status == ImportStatus.COMMITTED and Household.objects.count() == 7
    override = Household.objects.get(head_name="Bùi Thị Mô Phỏng")
    assert override.state_support == 45_000_000 and override.override_reason == "Neo đơn"
    assert Household.objects.get(head_name="Trần Thị Thử").citizen_id == "049158000102"
    before = {h.pk: h.updated_at for h in Household.objects.all()}
    again = plan(make_files.workbook(), office)
    assert again.counts()["unchanged"] == 7 and again.counts()["create"] == 0
    commit(make_files.workbook(), office)
    assert {h.pk: h.updated_at for h in Household.objects.all()} == before


def test_a_changed_row_updates_only_that_household(office):
    commit(make_files.workbook(), office)
    sections = [(unit, list(rows)) for unit, rows in make_files.GOOD]
    row = list(sections[0][1][0])
    row[7] = 2025  # phase year moved
    sections[0][1][0] = tuple(row)
    result = plan(make_files.workbook(sections), office)
    assert result.counts()["update"] == 1 and result.counts()["unchanged"] == 6
    assert next(r for r in result.rows if r.action == "update").changed == ["phase_year"]


def test_the_faulty_file_lists_every_mistake_by_sheet_row_and_writes_nothing(office):
    result = plan(make_files.workbook(make_files.faulty()), office)
    found = {(e["row"], e["field"]): e["message"] for e in result.errors}
    assert found[(11, "Khu dân cư")] == "Không tìm thấy khu dân cư “Khối phố 9” thuộc phường Vĩnh Điện."
    assert "cả “Xây mới” và “Sửa chữa”" in found[(12, "Hình thức: Xây mới")]
    assert "không phải số tiền: 'ba mươi triệu'" in found[(13, "Kinh phí hỗ trợ (đồng)")]
    assert "trùng với dòng 10" in found[(14, "Họ và tên chủ hộ")]
    assert found[(15, "Họ và tên chủ hộ")] == "Thiếu họ và tên chủ hộ."
    assert found[(18, "Năm thực hiện (phân kỳ)")] == "Thiếu năm thực hiện (phân kỳ)."
    assert sorted({e["row"] for e in result.errors}) == [11, 12, 13, 14, 15, 18]
    assert not result.ok
    result, batch = commit(make_files.workbook(make_files.faulty()), office)
    assert batch.status == ImportStatus.FAILED and Household.objects.count() == 0


def test_wrong_subtotals_and_grand_total_are_reported_on_their_rows(office):
    data = make_files.workbook(subtotals={1: 150_000_000}, grand_total=1)
    result = plan(data, office)
    messages = {e["row"]: e["message"] for e in result.errors}
    assert set(messages) == {14, 20}
    assert "tệp ghi 150.000.000 đ nhưng các hộ phía trên cộng lại 180.000.000 đ" in messages[14]
    assert "Dòng “TỔNG CỘNG”" in messages[20]


def test_headers_and_names_in_nfd_read_the_same(office):
    result = plan(make_files.workbook(nfd=True), office)
    assert result.errors == [] and result.counts()["create"] == 7
    assert {r.data.head_name for r in result.rows} >= {"Bùi Thị Mô Phỏng", "Đặng Văn Khảo"}


def test_a_commune_user_may_import_only_their_own_commune(people, areas, norms):
    result = plan(make_files.workbook(), people.commune_a_staff)
    rows = {e["row"] for e in result.errors}
    assert {15, 16, 17, 18} <= rows  # the "XÃ ĐIỆN HỒNG" section is outside their scope
    only_a = make_files.workbook([make_files.GOOD[0]])
    assert plan(only_a, people.commune_a_staff).ok


def test_years_outside_the_norm_are_refused_like_the_sample_file(office, areas):
    from pathlib import Path

    from chungtay.orgunits.services import unit_create

    for name in ("Khối phố 3", "Khối phố 5", "Khối phố 7"):
        unit_create(actor=None, parent=areas["a1"].parent, level=4, kind="khoi_pho", name=name)
    for name in ("Thôn 4", "Thôn 6", "Thôn 7"):
        unit_create(actor=None, parent=areas["b1"].parent, level=4, kind="thon", name=name)
    sample = Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "ho-duoc-ho-tro-mau.xlsx"
    data = sample.read_bytes()
    settings = settings_for(data)
    assert detect_decision(load_table(data, "x.xlsx"))[0] == "15/QĐ-MTTQ-BTT"
    result = plan(data, office, settings)
    assert [(e["row"], e["field"]) for e in result.errors] == [
        (14, "Năm thực hiện (phân kỳ)"),
        (21, "Năm thực hiện (phân kỳ)"),
    ]
    assert "năm 2026" in result.errors[0]["message"]


def test_a_missing_column_choice_is_reported_before_reading_rows(office):
    data = make_files.workbook()
    settings = settings_for(data)
    settings.columns["area"] = None
    result = plan(data, office, settings)
    assert result.errors[0]["row"] is None and "Khu dân cư" in result.errors[0]["message"]


def test_the_export_has_the_official_layout_and_imports_back_unchanged(office, areas):
    commit(make_files.workbook(), office)
    data = exported(Household.objects.all(), unit=areas["a1"].parent.parent, user=office)
    table = read_table(data, "xuat.xlsx")
    kinds = [r.kind for r in table.rows]
    assert table.header_rows == [6, 7] and kinds.count("subtotal") == 2 and kinds.count("total") == 1
    assert {r.section for r in table.data_rows()} == {"PHƯỜNG VĨNH ĐIỆN", "XÃ ĐIỆN HỒNG"}
    assert kinds[-1] == "signature" and "numbering" in kinds
    assert detect_decision(table) == DECISION
    again = plan(data, office)
    assert again.errors == [] and again.counts()["unchanged"] == 7
    assert all(t["ok"] for t in again.totals)


def test_the_export_masks_names_and_hides_ids_outside_the_private_scope(office, areas, monkeypatch):
    from chungtay.core import access

    commit(make_files.workbook(), office)
    monkeypatch.setitem(access.ROLE_PERMISSIONS, "office", access.ROLE_PERMISSIONS["office"] - {"housing.private"})
    office = type(office).objects.get(pk=office.pk)
    table = read_table(exported(Household.objects.all(), unit=areas["a1"].parent, user=office), "x.xlsx")
    text = " ".join(str(v) for r in table.rows for v in r.cells if v is not None)
    assert "Nguyễn V. M." in text and "Nguyễn Văn Mẫu" not in text and "049062000101" not in text
