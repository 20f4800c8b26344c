"""Importing units: all-or-nothing, errors by row in Vietnamese, re-import adds nothing."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile

from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.orgunits.demo import demo_units_csv
from chungtay.orgunits.imports import commit_unit_import, plan_unit_import
from chungtay.orgunits.models import Level, OrgUnit

SHARED_CSV = Path(__file__).resolve().parents[1] / "data" / "dien-ban-2024-units.csv"


def batch_for(data: bytes, name: str, user) -> ImportBatch:
    batch = ImportBatch(kind="orgunits", file_name=name, sha256="x", status=ImportStatus.CHECKED, created_by=user)
    batch.file.save(name, ContentFile(data), save=False)
    batch.save()
    return batch


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create(username="root", is_superuser=True, is_staff=True)


def test_the_shared_dien_ban_file_imports_whole(db, superuser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = SHARED_CSV.read_bytes()
    plan = plan_unit_import(data=data, filename="units.csv", user=superuser)
    assert plan.ok, plan.errors
    assert plan.counts() == {"rows": 22, "create": 22, "unchanged": 0, "errors": 0}
    commit_unit_import(actor=superuser, batch=batch_for(data, "units.csv", superuser))
    town = OrgUnit.objects.get(name="Điện Bàn")
    assert town.kind == "thi_xa" and town.level == Level.DISTRICT
    wards = OrgUnit.objects.filter(parent=town, kind="phuong").count()
    communes = OrgUnit.objects.filter(parent=town, kind="xa").count()
    assert (wards, communes) == (12, 8)


def test_importing_the_same_file_again_changes_nothing(db, superuser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = demo_units_csv().encode()
    commit_unit_import(actor=superuser, batch=batch_for(data, "a.csv", superuser))
    before = OrgUnit.objects.count()
    second = plan_unit_import(data=data, filename="a.csv", user=superuser)
    assert second.counts()["create"] == 0 and second.counts()["unchanged"] == before == 162
    commit_unit_import(actor=superuser, batch=batch_for(data, "a.csv", superuser))
    assert OrgUnit.objects.count() == before


BAD = """level,kind,name,parent
province,tỉnh,Quảng Nam,
district,thị xã,Điện Bàn,Quảng Nam
commune,phường,Vĩnh Điện,Điện Bàn
commune,phường,Vĩnh Điện,Điện Bàn
area,khối phố,Khối phố 1,Không Có
commune,phường,Điện Ngọc,Khối phố 9
province,tỉnh,Sai Cấp,Điện Bàn
planet,xã,Sao Hỏa,Điện Bàn
commune,thôn,Thôn Lạc,Điện Bàn
commune,xã,,Điện Bàn
"""


def test_every_bad_row_is_reported_by_number_and_nothing_is_imported(db, superuser):
    plan = plan_unit_import(data=BAD.encode(), filename="bad.csv", user=superuser)
    assert not plan.ok
    by_row = {}
    for error in plan.errors:
        by_row.setdefault(error["row"], []).append(error["message"])
    assert "trùng với dòng 4" in " ".join(by_row[5])  # duplicate
    assert "Không tìm thấy đơn vị cấp trên “Không Có”" in " ".join(by_row[6])  # unknown parent
    assert "Không tìm thấy" in " ".join(by_row[7])
    assert "không thể trực thuộc" in " ".join(by_row[8])  # wrong level
    assert "Cấp “planet” không hợp lệ" in " ".join(by_row[9])
    assert "không thuộc cấp xã" in " ".join(by_row[10])
    assert "Thiếu tên" in " ".join(by_row[11])
    assert OrgUnit.objects.count() == 0


def test_a_faulty_file_is_rejected_at_commit_and_writes_nothing(db, superuser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    batch = batch_for(BAD.encode(), "bad.csv", superuser)
    plan = commit_unit_import(actor=superuser, batch=batch)
    batch.refresh_from_db()
    assert not plan.ok and batch.status == ImportStatus.FAILED
    assert OrgUnit.objects.count() == 0


def test_an_excel_file_with_a_title_row_imports_like_the_csv(db, superuser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["DANH SÁCH ĐƠN VỊ HÀNH CHÍNH NĂM 2024"])
    ws.append([])
    ws.append(["Cấp", "Loại", "Tên", "Đơn vị cấp trên"])
    ws.append(["province", "tỉnh", "Quảng Nam", None])
    ws.append(["district", "thị xã", "Điện Bàn", "Quảng Nam"])
    ws.append(["commune", "phường", "Vĩnh Điện", "Điện Bàn"])
    buffer = io.BytesIO()
    wb.save(buffer)
    plan = plan_unit_import(data=buffer.getvalue(), filename="don-vi.xlsx", user=superuser)
    assert plan.ok, plan.errors
    assert [r.number for r in plan.rows] == [4, 5, 6]


def test_staff_cannot_create_units_outside_what_they_manage(people, tree):
    data = "level,kind,name,parent\narea,thôn,Thôn 9,Điện Hồng\n".encode()
    plan = plan_unit_import(data=data, filename="x.csv", user=people.commune_a_staff)
    assert not plan.ok
    assert "không có quyền" in plan.errors[0]["message"]
    ok = plan_unit_import(data=data, filename="x.csv", user=people.town_office)
    assert ok.ok and ok.counts()["create"] == 1


def test_a_file_that_is_not_a_table_gets_a_vietnamese_error(db, superuser):
    plan = plan_unit_import(data=b"\x00\x01PK garbage", filename="units.xlsx", user=superuser)
    assert not plan.ok
    assert plan.errors[0]["row"] is None
