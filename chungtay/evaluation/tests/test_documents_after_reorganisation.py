"""The 2024 award papers are the same after the 2025 reorganisation as before it (issue 24): the tờ trình,
the decision and its certificates still name the units as they were on the day they were made (phường Vĩnh
Điện, xã Điện Hồng, thị xã Điện Bàn), though those units have ended and their households moved."""

# ruff: noqa: F811 - the fixture imported below is requested by name
from __future__ import annotations

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from docx import Document

from chungtay.evaluation import documents, services
from chungtay.evaluation.selectors import awardees
from chungtay.orgunits.models import Level, OrgUnit, Role
from chungtay.reorg import services as reorg_services
from chungtay.reorg.plan import build
from conftest import make_user

from .test_documents import NAMES, decision  # noqa: F401

pytestmark = pytest.mark.django_db
MAPPING = (
    "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
    "Đà Nẵng,thành phố,,Quảng Nam,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Vĩnh Điện,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Điện Hồng,toàn bộ,\n"
)
EFFECTIVE = dt.date(2025, 7, 1)


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    cells = [c.text for t in doc.tables for r in t.rows for c in r.cells]
    return "\n".join([*(p.text for p in doc.paragraphs), *cells])


def papers(decision) -> dict[str, object]:  # type: ignore[no-untyped-def]
    decision.refresh_from_db()
    out: dict[str, object] = {
        kind: docx_text(documents.render_docx(decision, kind)) for kind in ("to-trinh", "quyet-dinh")
    }
    out["decision"] = documents.decision_context(decision)
    out["memo"] = documents.memo_context(decision)
    out["certificates"] = documents.certificate_context(decision, awardees(decision))
    return out


def test_the_2024_memo_decision_and_certificates_are_unchanged_by_the_reorganisation(
    decision, tree, people, time_machine
):  # fmt: skip
    services.decision_sign(actor=people.board, decision=decision, store_documents=False)
    before = papers(decision)
    for name in NAMES:
        assert name in str(before["quyet-dinh"]), name

    time_machine.move_to(dt.datetime.combine(EFFECTIVE, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    plan = build(data=MAPPING.encode(), filename="phuong-an.csv", effective_on=EFFECTIVE,
                 number="1234/NQ-UBTVQH15", removed_levels=[Level.DISTRICT])  # fmt: skip
    assert plan.ok, plan.errors
    reorg_services.commit(actor=make_user("tinh", tree.province, Role.OFFICE), plan=plan)
    tree.commune_a.refresh_from_db()
    assert tree.commune_a.valid_to is not None  # Vĩnh Điện has ended: the papers are read on old units
    assert OrgUnit.objects.filter(name="Điện Bàn", level=Level.COMMUNE, valid_from=EFFECTIVE).exists()

    after = papers(decision)
    assert before.keys() == after.keys()
    for key in before:
        assert after[key] == before[key], key
