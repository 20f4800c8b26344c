"""The reports app reads evaluation results through one function: results_table."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chungtay.campaigns.models import Movement
from chungtay.evaluation.selectors import results_table
from chungtay.reports.demo import DEMO_DAY
from chungtay.reports.services import evaluation_rows

# The demo stands around the day it is loaded; on DEMO_DAY (02/12) the communes' assessments are reviewed.
pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_results_come_in_rank_order_with_their_bands(shared_demo, db):
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    rows = results_table(movement)
    levels: list[list[dict]] = []  # every level in turn (the town on its own set, then the communes)
    for row in rows:
        if row["rank"] == 1:
            levels.append([])
        levels[-1].append(row)
    assert max(len(level) for level in levels) >= 10  # the demo has 14 reviewed communes
    for level in levels:
        totals = [row["total"] for row in level]
        assert totals == sorted(totals, reverse=True)
        assert [row["rank"] for row in level] == list(range(1, len(level) + 1))
    assert all(row["band"] for row in rows)
    assert evaluation_rows(movement)[0]["unit"] == rows[0]["unit"]


def test_the_communes_ranked_by_the_town_come_first_and_every_row_names_its_level(shared_demo, db, tmp_path):
    """The results table of the tổng kết (Word) and of the Excel export: the same rows in the same order, the
    communes the town ranks itself before the town's own result, each with its level."""
    import io

    import openpyxl
    from docx import Document

    from chungtay.orgunits.models import Level
    from chungtay.reports import exports
    from chungtay.reports.services import review_docx

    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    rows = results_table(movement)
    levels = [row["level"] for row in rows]
    assert levels[0] == Level.COMMUNE.label and str(Level.DISTRICT.label) in levels
    assert levels == sorted(levels, key=lambda name: name != Level.COMMUNE.label)  # communes, then the town
    expected = [(row["level"], row["unit"], str(row["rank"])) for row in rows]

    document = Document(io.BytesIO(review_docx(movement, kind="tong-ket", as_of=DEMO_DAY)))
    table = next(t for t in document.tables if t.rows[0].cells[0].text == "Cấp")
    assert [c.text for c in table.rows[0].cells] == ["Cấp", "Đơn vị", "Tổng điểm", "Xếp loại", "Thứ hạng"]
    in_word = [(r.cells[0].text, r.cells[1].text, r.cells[4].text) for r in table.rows[1:]]

    path = tmp_path / "ket-qua.xlsx"
    exports.write("evaluation", movement.issuing_unit, path, progress=lambda percent: None, as_of=DEMO_DAY)
    sheet = openpyxl.load_workbook(path).active
    found = [[c.value for c in r] for r in sheet.iter_rows()]
    start = next(i for i, r in enumerate(found) if r[:3] == ["STT", "Cấp", "Đơn vị"]) + 1
    in_excel = [(r[1], r[2], str(r[5])) for r in found[start : start + len(rows)]]
    assert in_word == in_excel == expected
