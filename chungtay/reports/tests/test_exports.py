"""Excel tables: right totals, flat memory however many rows, made by a background job with progress."""

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest
from openpyxl import load_workbook

from chungtay.housing.models import Household
from chungtay.reports import exports
from chungtay.reports.models import ReportJob
from chungtay.reports.services import report_job_start
from chungtay.tallies import rollup
from chungtay.tallies.catalogue import FigureSet

pytestmark = pytest.mark.django_db


def rows_of(path: Path) -> list[tuple]:
    return list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))


def test_houses_by_unit_rolls_areas_up_to_communes_and_the_total(tree, make_household, tmp_path):
    make_household(tree.area_a1, status="completed", phase_year=2023)
    make_household(tree.area_a1, status="building", phase_year=2024)
    make_household(tree.area_b1, status="handed_over", phase_year=2024)
    make_household(tree.area_b1, status="withdrawn", phase_year=2024)
    path = tmp_path / "a.xlsx"
    n = exports.write_houses_by_unit(tree.town, path, progress=lambda p: None)
    assert n == 5  # town, two communes, two areas
    rows = rows_of(path)
    header = next(r for r in rows if r and r[0] == "STT")
    names = rows[rows.index(header) + 1]
    data = {r[1].strip(): dict(zip(names, r, strict=False)) for r in rows[rows.index(header) + 2 :]}
    total = data["TỔNG CỘNG — thị xã Điện Bàn"]
    assert header[-7:] == tuple(FigureSet.label(name) for name in exports.HOUSES_BY_UNIT_FIGURES)
    assert total["houses_planned"] == 3 and total["houses_completed"] == 2
    assert total["houses_planned (phase=2024)"] == 2 and total["houses_withdrawn"] == 1
    assert total["houses_support_amount"] == 180_000_000
    assert data["phường Vĩnh Điện"]["houses_planned"] == 2
    assert data["Thôn 1"]["houses_handed_over"] == 1


def test_funds_per_unit_are_each_units_subtree_figures_under_the_catalogues_labels(people, tree, tmp_path):
    from chungtay.funds.models import Channel, FundKind
    from chungtay.funds.services import donor_find_or_create, fund_create, receipt_record

    for unit, amount, code in ((tree.town, 70_000_000, "t"), (tree.commune_a, 5_000_000, "a")):
        fund = fund_create(actor=people.town_office, unit=unit, kind=FundKind.MOVEMENT, name=f"Quỹ {code}", code=code)
        receipt_record(
            actor=people.town_office,
            fund=fund,
            donor=donor_find_or_create(unit=unit, name="Nhà Hảo Tâm"),
            amount=amount,
            received_on=dt.date(2024, 5, 1),
            channel=Channel.BANK,
            bank_ref=f"FT{code}",
        )
    path = tmp_path / "q.xlsx"
    exports.write_funds_by_unit(tree.town, path, progress=lambda p: None)
    rows = rows_of(path)
    header = next(r for r in rows if r and r[0] == "STT")
    names = rows[rows.index(header) + 1]
    assert header[2:] == tuple(FigureSet.label(name) for name in exports.FUNDS_BY_UNIT_FIGURES)
    by_name = {r[1].strip(): dict(zip(names, r, strict=False)) for r in rows[rows.index(header) + 2 :]}
    total = by_name["TỔNG CỘNG — thị xã Điện Bàn"]
    assert total["money_received"] == 75_000_000 and total["money_unallocated"] == 75_000_000
    assert by_name["phường Vĩnh Điện"]["money_received"] == 5_000_000
    assert by_name["xã Điện Hồng"]["money_received"] == 0


def _bulk_households(area, norm, n: int, start: int = 0) -> None:
    Household.objects.bulk_create(
        Household(
            code=f"B-{i:06d}",
            area=area,
            head_name=f"Hộ Số {i}",
            head_name_folded=f"ho so {i}",
            category="poor",
            support_kind="new",
            phase_year=2024,
            decision_number="1/QĐ",
            decision_date=dt.date(2024, 1, 1),
            norm=norm,
            state_support=60_000_000,
        )
        for i in range(start, start + n)
    )
    rollup.mark_stale([area.pk])  # bulk_create passes by the services, which keep the subtree figures


def _peak(unit, path) -> int:
    tracemalloc.start()
    exports.write_household_list(unit, path, progress=lambda p: None)
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak


def test_the_household_list_streams_so_memory_does_not_grow_with_rows(tree, norm, tmp_path, monkeypatch):
    # Both runs must be larger than one fetched chunk, or the small run would hold fewer rows at once.
    monkeypatch.setattr(exports, "CHUNK", 200)
    exports.write_household_list(tree.town, tmp_path / "warm.xlsx", progress=lambda p: None)  # imports, caches
    _bulk_households(tree.area_a1, norm, 1_000)
    small = _peak(tree.town, tmp_path / "small.xlsx")
    _bulk_households(tree.area_b1, norm, 9_000, start=1_000)
    big = _peak(tree.town, tmp_path / "big.xlsx")
    # Ten times the rows: a table held in memory would need about ten times the memory; the streamed
    # export stays within a small factor (driver buffers of one chunk, allocator noise).
    assert big < 4 * small, (small, big)
    rows = rows_of(tmp_path / "big.xlsx")
    assert rows[-1][1] == "TỔNG CỘNG" and rows[-1][2] == "10.000 hộ" and rows[-1][9] == 10_000 * 60_000_000


def test_a_background_job_reports_progress_to_100_and_serves_the_file(
    client, people, tree, make_household, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    for _ in range(3):
        make_household(tree.area_a1)
    client.force_login(people.board)
    response = client.post("/bao-cao/xuat/", {"kind": "household_list", "don_vi": tree.commune_a.pk})
    job = ReportJob.objects.get()
    assert response.status_code == 302 and f"viec={job.pk}" in response["Location"]
    status = client.get(f"/bao-cao/xuat/{job.pk}/?json=1").json()
    assert status["status"] == "done" and status["progress"] == 100 and status["rows"] == 3
    assert status["url"] == f"/bao-cao/xuat/{job.pk}/tai/" and status["file_name"].endswith(".xlsx")
    fragment = client.get(f"/bao-cao/xuat/{job.pk}/").content.decode()
    assert "100%" in fragment and "hx-trigger" not in fragment and "Tải về" in fragment
    download = client.get(status["url"])
    path = tmp_path / "dl.xlsx"
    path.write_bytes(b"".join(download.streaming_content))
    assert rows_of(path)[-1][2] == "3 hộ"
    client.force_login(people.commune_a_staff)  # someone else's job is not theirs to see
    assert client.get(f"/bao-cao/xuat/{job.pk}/").status_code == 404


def test_a_running_job_keeps_polling(client, people, tree):
    job = ReportJob.objects.create(
        user=people.board, unit=tree.town, kind="household_list", status="running", progress=40
    )
    client.force_login(people.board)
    fragment = client.get(f"/bao-cao/xuat/{job.pk}/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment and "40%" in fragment


def test_a_failed_job_says_why(people, tree, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("đĩa đầy")

    monkeypatch.setitem(exports.WRITERS, "household_list", boom)
    job = report_job_start(user=people.board, unit=tree.town, kind="household_list")
    assert job.status == "failed" and "đĩa đầy" in job.error


def test_the_household_list_shows_each_households_status_of_the_day_as_the_map_and_public_page_do(
    tree, make_household, tmp_path
):
    from chungtay.figures.households import status_on
    from chungtay.housing.models import ProgressUpdate, Status

    surveyed = make_household(tree.area_a1, status=Status.SURVEYED)  # not started: keeps the status it has
    started = make_household(tree.area_a1, status=Status.STARTED)
    ProgressUpdate.objects.create(household=started, stage="start", percent=10, date=dt.date(2024, 8, 1))
    labels = dict(Status.choices)
    for day in (dt.date(2024, 7, 1), dt.date(2024, 9, 1)):
        path = tmp_path / f"list-{day}.xlsx"
        exports.write_household_list(tree.town, path, progress=lambda p: None, as_of=day)
        shown = {row[1]: row[8] for row in rows_of(path) if row and row[1] in (surveyed.code, started.code)}
        assert shown == {h.code: str(labels[status_on(h.pk, day)]) for h in (surveyed, started)}
    assert shown[surveyed.code] == str(labels[Status.SURVEYED])
