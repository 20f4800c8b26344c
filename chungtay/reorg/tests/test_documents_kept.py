"""Every 2024 document is the same after the 2025 reorganisation as before it: the tổng kết (its
figures and its Word text), the Excel tables of houses, households, money and scores, for the town
and the province that the reorganisation closes."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from chungtay.orgunits.models import Level, OrgUnit, Role
from chungtay.reorg import services
from chungtay.reorg.plan import build
from chungtay.reports.exports import WRITERS
from chungtay.reports.services import review_context, review_docx
from chungtay.reports.tests.test_review import docx_text
from conftest import make_user

pytestmark = pytest.mark.django_db
D = dt.date
MAPPING = (
    "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
    "Đà Nẵng,thành phố,,Quảng Nam,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Vĩnh Điện,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Điện Hồng,toàn bộ,\n"
)
DAYS = (D(2024, 6, 30), D(2024, 12, 31))


def sheets(path) -> list[list[tuple]]:
    workbook = load_workbook(path, read_only=True)
    return [list(ws.iter_rows(values_only=True)) for ws in workbook.worksheets]


def documents(movement, tree, tmp_path, tag: str) -> dict[str, object]:
    out: dict[str, object] = {}
    for day in DAYS:
        for kind in ("so-ket", "tong-ket"):
            out[f"{kind} {day}"] = review_context(movement, kind=kind, as_of=day, number="25/BC-MTTQ-BTT")
        out[f"docx {day}"] = docx_text(review_docx(movement, kind="tong-ket", as_of=day, signer_name="Lê Văn Khánh"))
        for unit in (tree.province, tree.town, tree.commune_a):
            for name, writer in WRITERS.items():
                path = tmp_path / f"{tag}-{name}-{unit.pk}-{day}.xlsx"
                writer(unit, path, progress=lambda _p: None, as_of=day)
                out[f"{name} {unit.name} {day}"] = sheets(path)
    return out


def test_every_2024_document_is_unchanged_by_the_reorganisation(year, tree, people, tmp_path):
    office = make_user("tinh", tree.province, Role.OFFICE)
    before = documents(year, tree, tmp_path, "before")
    plan = build(data=MAPPING.encode(), filename="phuong-an.csv", effective_on=D(2025, 7, 1),
                 number="1234/NQ-UBTVQH15", removed_levels=[Level.DISTRICT])  # fmt: skip
    assert plan.ok, plan.errors
    assert plan.households  # the 2024 households do move to the new ward
    services.commit(actor=office, plan=plan)
    assert OrgUnit.objects.filter(name="Điện Bàn", level=Level.COMMUNE, valid_from=D(2025, 7, 1)).exists()
    after = documents(year, tree, tmp_path, "after")
    assert before.keys() == after.keys()
    for key in before:
        assert before[key] == after[key], key
    assert before[f"tong-ket {DAYS[1]}"]["houses_planned"] == 3
