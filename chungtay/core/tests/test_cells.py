"""Formula injection (issue 15 item 3): text that a spreadsheet would take for a formula reaches
every CSV and Excel file we write as text, with a quote in front; numbers stay numbers.

Three layers: the helper itself (`chungtay.core.cells`); a scan of the source that fails when a
module writes CSV or Excel without the helper, or writes through it without a probe below; and
the probes, which feed hostile names, notes and unit names through every export and read every
cell of what comes out.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter
from django.urls import reverse

from chungtay.core import cells
from chungtay.core.cells import csv_cell, is_risky, neutralise, restore
from chungtay.core.tabular import read_table
from chungtay.core.text import mask_name, nfc

# The two seen in the wild (issue 15), then one per character on OWASP's list.
EVIL = [
    '=HYPERLINK("http://evil.example/x","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
]
ORDINARY = ["Nguyễn Văn An", "Khối phố 1", "8584/QĐ-UBND", "x", "", "(1)", "HT00101", "049062000101", "Cộng I"]


# --- The helper ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [*EVIL, " =1", "\n=1", "\u00a0-1", "＝1+1", "＋1", "－1", "＠SUM(A1)", "-", "+"])
def test_text_a_spreadsheet_would_read_as_a_formula_gets_a_quote(text):
    assert is_risky(text)
    assert neutralise(text) == "'" + text
    assert restore(neutralise(text)) == text


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_text_is_left_alone(text):
    assert neutralise(text) == text and restore(text) == text


def test_numbers_stay_numbers_even_negative_ones():
    from decimal import Decimal

    for number in (-5_000_000, 0, 12, -1.5, Decimal("-30000000"), True):
        assert neutralise(number) is number and csv_cell(number) is number
    assert csv_cell(None) is None and csv_cell(dt.date(2024, 5, 1)) == "2024-05-01"


def test_a_quote_that_guards_nothing_is_kept_when_read_back():
    # Bank statements quote account numbers to keep the leading zero; that quote is data.
    assert restore("'0041000123456") == "'0041000123456" and restore("'") == "'"
    # Text that already starts with a quote before "=" gets one more, so it reads back whole.
    assert neutralise("'=1") == "''=1" and restore("''=1") == "'=1" and restore("'=1") == "=1"


def test_the_csv_writer_guards_every_text_cell_and_leaves_numbers():
    out = io.StringIO()
    cells.csv_writer(out).writerows([[*EVIL, -5_000_000, 12, "Nguyễn Văn An", None, dt.date(2024, 5, 1)]])
    [row] = list(csv.reader(io.StringIO(out.getvalue(), newline="")))
    assert row == ["'" + e for e in EVIL] + ["-5000000", "12", "Nguyễn Văn An", "", "2024-05-01"]


def test_the_workbook_writes_text_as_text_whatever_write_method_is_used(tmp_path):
    path = tmp_path / "x.xlsx"
    wb = cells.workbook(path, {"constant_memory": True})
    ws = wb.add_worksheet("Sheet")
    ws.write(0, 0, EVIL[0])
    ws.write_string(0, 1, EVIL[1])
    ws.write_row(1, 0, EVIL[2:])
    ws.write_column(2, 0, ["=1+1", "http://evil.example/y"])
    ws.merge_range(4, 0, 4, 3, "-2+3")
    ws.write_row(5, 0, [-5_000_000, 30_000_000.5, "Nguyễn Văn An", "-"])
    wb.close()
    sheet = openpyxl.load_workbook(path).active
    assert not any(c.data_type == "f" or c.hyperlink for row in sheet.iter_rows() for c in row)
    values = [
        [v.replace("_x000D_", "\r") if isinstance(v, str) else v for v in r] for r in sheet.iter_rows(values_only=True)
    ]
    assert values[0][:2] == ["'" + e for e in EVIL[:2]]
    assert values[1][:5] == ["'" + e for e in EVIL[2:]]
    assert [values[2][0], values[3][0], values[4][0]] == ["'=1+1", "http://evil.example/y", "'-2+3"]
    assert values[5][:4] == [-5_000_000, 30_000_000.5, "Nguyễn Văn An", "'-"]


# --- No writer without the helper ----------------------------------------------------------------
PACKAGE = Path(__file__).resolve().parents[2]  # chungtay/
# Writing CSV or Excel by any route we know of: the csv module's writers, xlsxwriter, openpyxl's
# Workbook (its load_workbook is for reading and stays allowed), pandas.
WRITING = re.compile(
    r"\bcsv\s*\.\s*(?:writer|DictWriter)\b"
    r"|^\s*from\s+csv\s+import\s+[^\n]*\b(?:writer|DictWriter)\b"
    r"|^\s*(?:import|from)\s+xlsxwriter\b"
    r"|\bopenpyxl\s*\.\s*(?:Workbook|workbook\.Workbook)\b"
    r"|^\s*from\s+openpyxl(?:\.\w+)*\s+import\s+[^\n]*\bWorkbook\b"
    r"|\.to_(?:csv|excel)\s*\(",
    re.MULTILINE,
)
THROUGH_HELPER = re.compile(r"\bcells\s*\.\s*(?:csv_writer|workbook)\s*\(")


def _sources() -> dict[str, str]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent)
        if "tests" in relative.parts or "migrations" in relative.parts:
            continue
        found[".".join(relative.with_suffix("").parts)] = path.read_text(encoding="utf-8")
    return found


def test_the_scan_recognises_every_way_of_writing_it_looks_for():
    for line in ("w = csv.writer(out)", "csv.DictWriter(f, names)", "from csv import writer", "import xlsxwriter",
                 "from xlsxwriter.workbook import Workbook", "wb = openpyxl.Workbook()",
                 "from openpyxl import Workbook", "df.to_csv(path)", "df.to_excel(path)"):  # fmt: skip
        assert WRITING.search(line), line
    for line in ("csv.reader(text)", "openpyxl.load_workbook(data)", "cells.csv_writer(out)", "import openpyxl"):
        assert not WRITING.search(line), line


def test_no_module_writes_csv_or_excel_except_through_the_helper():
    writers = {name for name, text in _sources().items() if WRITING.search(text)}
    assert writers == {"chungtay.core.cells"}


def test_every_module_that_writes_through_the_helper_has_a_probe_here():
    users = {name for name, text in _sources().items() if THROUGH_HELPER.search(text)}
    assert users == {module for module, _ in PROBES.values()}


# --- Every export, fed hostile data -----------------------------------------------------------------
def _csv_cells(text: str) -> list[Any]:
    return [cell for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")) for cell in row]


def _xlsx_cells(data: bytes | Path) -> list[Any]:
    book = openpyxl.load_workbook(data if isinstance(data, Path) else io.BytesIO(data))
    found = []
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula: {cell.value}"
                # xlsxwriter stores a carriage return as _x000D_, which openpyxl does not decode.
                value = cell.value.replace("_x000D_", "\r") if isinstance(cell.value, str) else cell.value
                found.append(value)
    return found


def _is_number_text(text: str) -> bool:
    return re.fullmatch(r"-?\d+(?:\.\d+)?", text) is not None


@pytest.fixture
def hostile(tree, people, db):
    """EVIL as donor names, household names, notes and codes, a commune, an area and a fund; next
    to them an ordinary household and donor the exports must show unchanged."""
    from chungtay.funds.models import Channel, FundKind
    from chungtay.funds.services import allocation_record, donor_find_or_create, fund_create, receipt_record
    from chungtay.housing import services as housing
    from chungtay.housing.models import Category, SupportKind
    from chungtay.orgunits.models import Level
    from chungtay.orgunits.services import unit_create

    actor = people.town_office
    housing.norm_create(actor=None, kind=SupportKind.NEW, amount=60_000_000, categories=[Category.POOR],
                        programme="Xóa nhà tạm", legal_basis="NQ 13/2023", valid_from=dt.date(2023, 1, 1))  # fmt: skip
    commune = unit_create(actor=None, parent=tree.town, level=Level.COMMUNE, kind="xa", name=EVIL[0])
    area = unit_create(actor=None, parent=commune, level=Level.AREA, kind="thon", name=EVIL[1])
    fund = fund_create(actor=actor, unit=tree.town, kind=FundKind.FOR_THE_POOR, name=EVIL[4], code="vnn-db")

    def household(area, name, code, note=""):
        data = housing.HouseholdData(
            area=area, head_name=name, category=Category.POOR, support_kind=SupportKind.NEW, phase_year=2024,
            decision_number="8584/QĐ-UBND", decision_date=dt.date(2023, 12, 20), citizen_id="", note=note,
        )  # fmt: skip
        made = housing.household_create(actor=None, data=data, code=code)
        allocation_record(actor=actor, household=made, amount=40_000_000, date=dt.date(2024, 6, 3),
                          decision="QĐ 1/QĐ-MTTQ", fund=fund)  # fmt: skip
        housing.progress_record(actor=None, household=made, stage="start", date=dt.date(2024, 6, 5))
        return made

    def give(name, amount):
        donor = donor_find_or_create(unit=tree.town, name=name)
        receipt_record(actor=actor, fund=fund, donor=donor, amount=amount, received_on=dt.date(2024, 5, 1),
                       channel=Channel.BANK, bank_ref=f"FT{amount}")  # fmt: skip

    give("Trần Văn Thường", 1_000_000)
    for i, evil in enumerate(EVIL):
        give(evil + f" {i}", 50_000_000 + i)  # donors are matched by name: one each
    household(tree.area_a1, "Nguyễn Văn Thường", "HT00101", note="Con liệt sĩ")
    for i, evil in enumerate(EVIL):
        household(area, evil + f" {i}", f"-{i}+1", note=evil)  # the importer refuses namesakes


# Each probe runs one export over `hostile` and returns every cell; `ordinary` must be among them.
def _open_data(slug: str) -> Callable[..., list[Any]]:
    def probe(client, **_: Any) -> list[Any]:
        response = client.get(reverse("portal:download", args=[slug, "csv"]))
        assert response.status_code == 200
        return _csv_cells(b"".join(response.streaming_content).decode("utf-8"))

    return probe


def _report(kind: str) -> Callable[..., list[Any]]:
    def probe(tree, tmp_path, monkeypatch, **_: Any) -> list[Any]:
        from chungtay.campaigns.models import Movement
        from chungtay.reports import exports, services

        if kind == "evaluation":
            # The rows come from the evaluation app; what matters here is how the writer writes them.
            Movement.objects.create(symbol=EVIL[3], issuing_unit=tree.town, issued_on=dt.date(2024, 3, 14),
                                    title=EVIL[0], theme="Chung tay", starts_on=dt.date(2024, 3, 14),
                                    ends_on=dt.date(2024, 12, 31), review_month=dt.date(2024, 12, 1))  # fmt: skip
            rows = [{"level": "Cấp xã", "unit": evil, "total": "85", "band": EVIL[4], "rank": "1"} for evil in EVIL]
            monkeypatch.setattr(services, "evaluation_rows", lambda movement, **_: rows)
        path = tmp_path / "report.xlsx"
        exports.write(kind, tree.town, path, progress=lambda percent: None)
        return _xlsx_cells(path)

    return probe


def _official_layout(tree, people, **_: Any) -> list[Any]:
    from chungtay.housing.exports import export_households
    from chungtay.housing.models import Household

    out = io.BytesIO()
    export_households(Household.objects.all(), out, unit=tree.town, user=people.town_office)
    return _xlsx_cells(out.getvalue())


def _demo_units(tmp_path, monkeypatch, **_: Any) -> list[Any]:
    from chungtay.orgunits import demo

    source = tmp_path / "units.csv"
    with source.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)  # the input file, written raw on purpose
        writer.writerows([["level", "kind", "name", "parent"], ["province", "tỉnh", "Quảng Nam", ""],
                          ["commune", "xã", EVIL[0], "Quảng Nam"], ["area", "thôn", EVIL[2], EVIL[0]]])  # fmt: skip
    monkeypatch.setattr(demo, "UNITS_CSV", source)
    return _csv_cells(demo.demo_units_csv())


def _bank_book(**_: Any) -> list[Any]:
    from chungtay.funds import papers
    from chungtay.funds.models import Channel, Fund

    fund = Fund.objects.get(code="vnn-db")
    return _xlsx_cells(papers.book_xlsx(papers.book(fund, Channel.BANK, dt.date(2024, 1, 1), dt.date(2024, 12, 31))))


def _probes() -> dict[str, tuple[str, Callable[..., list[Any]]]]:
    from chungtay.portal import opendata
    from chungtay.reports import exports

    probes = {f"open-data:{slug}": ("chungtay.portal.opendata", _open_data(slug)) for slug in opendata.DATASETS}
    probes |= {f"report:{kind}": ("chungtay.reports.exports", _report(kind)) for kind in exports.WRITERS}
    probes["housing:official-layout"] = ("chungtay.housing.exports", _official_layout)
    probes["orgunits:demo-units"] = ("chungtay.orgunits.demo", _demo_units)
    probes["funds:bank-book"] = ("chungtay.funds.papers", _bank_book)
    return probes


PROBES = _probes()
# What each export must still show as it was: ordinary text unchanged, numbers as numbers.
ORDINARY_CELLS: dict[str, list[Any]] = {
    "open-data:receipts": ["Trần Văn Thường", "1000000", "2024-05-01", "vnn-db"],
    "open-data:allocations": ["HT00101", "Khối phố 1 (Vĩnh Điện)", "40000000"],
    "open-data:households": ["HT00101", mask_name("Nguyễn Văn Thường"), "Khối phố 1", "phường Vĩnh Điện", "2024"],
    "open-data:progress": ["HT00101", "Khối phố 1 (Vĩnh Điện)", "start", "2024-06-05"],
    "open-data:units-summary": ["thị xã Điện Bàn", "phường Vĩnh Điện", "Khối phố 1", "351000021"],  # no ids
    "report:houses_by_unit": ["STT", 1, 8, 480_000_000],
    "report:household_list": ["HT00101", "Nguyễn Văn Thường", "Khối phố 1", "Vĩnh Điện", 2024, 60_000_000],
    "report:funds_by_unit": ["STT", 351_000_021, 31_000_021, 320_000_000],
    "report:evaluation": ["STT", "Đơn vị", 1, "1", "85"],
    "housing:official-layout": ["Nguyễn Văn Thường", "Khối phố 1", "HT00101", "Con liệt sĩ", 60_000_000, 480_000_000],
    "orgunits:demo-units": ["level", "Quảng Nam", "province"],
    "funds:bank-book": ["Thu ủng hộ của Trần Văn Thường", 1_000_000, "Số dư cuối kỳ"],
}


@pytest.mark.parametrize("name", PROBES)
def test_no_cell_of_any_export_starts_like_a_formula(name, hostile, client, tree, people, tmp_path, monkeypatch):
    _module, probe = PROBES[name]
    found = probe(client=client, tree=tree, people=people, tmp_path=tmp_path, monkeypatch=monkeypatch)
    texts = [c for c in found if isinstance(c, str)]
    # A negative number is "-5000" in a CSV; it was a number, not text, so it is left as it is.
    assert [t for t in texts if is_risky(t) and not _is_number_text(t)] == []
    # The hostile values did reach this export, else the probe proves nothing. (A unit's name
    # comes after its kind, "thôn =cmd…", so it may not need the quote.)
    assert any(marker in t for t in texts for marker in ("=HYPERLINK(", "=cmd|", "+1+1", "-2+3", "@SUM(A1)"))
    missing = [v for v in ORDINARY_CELLS[name] if v not in found]
    assert missing == []


def test_every_probe_says_which_ordinary_cells_it_expects():
    assert set(ORDINARY_CELLS) == set(PROBES)


def test_the_official_layout_with_hostile_names_reads_back_through_the_importer_unchanged(hostile, tree, people):
    from chungtay.housing.imports import ImportSettings, plan_household_import, suggest
    from chungtay.housing.models import Household

    out = io.BytesIO()
    from chungtay.housing.exports import export_households

    export_households(Household.objects.all(), out, unit=tree.town, user=people.town_office)
    data = out.getvalue()
    table = read_table(data, "xuat.xlsx")
    names = {r.cells[1] for r in table.rows if r.kind == "data"}
    assert {nfc(evil + f" {i}") for i, evil in enumerate(EVIL)} <= names
    settings = ImportSettings(columns=suggest(table), decision_number="8584/QĐ-UBND",
                              decision_date=dt.date(2023, 12, 20))  # fmt: skip
    result = plan_household_import(data=data, filename="xuat.xlsx", user=people.town_office, settings=settings)
    assert result.errors == [] and result.counts()["unchanged"] == Household.objects.count()


def test_xlsxwriter_alone_would_have_written_a_formula(tmp_path):
    """Why the helper exists: a plain Workbook's write() makes "=…" a formula."""
    path = tmp_path / "plain.xlsx"
    with xlsxwriter.Workbook(str(path)) as wb:
        wb.add_worksheet().write(0, 0, EVIL[0])
    assert openpyxl.load_workbook(path).active["A1"].data_type == "f"
