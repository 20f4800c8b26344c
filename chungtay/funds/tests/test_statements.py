"""Bank statements as banks export them: dry run, totals, de-duplication, matching, queue."""

import hashlib
import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.base import ContentFile

from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.funds.ledger import account_for, verify
from chungtay.funds.models import AccountKind, BankStatement, MatchStatus, Receipt, StatementLine
from chungtay.funds.statements import commit_statement, plan_statement

SAMPLE = Path(__file__).resolve().parents[2] / "core" / "tests" / "data" / "sao-ke-mau.csv"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def batch_for(data: bytes, name: str, fund, user) -> ImportBatch:
    batch = ImportBatch(
        kind="bank_statement",
        unit=fund.unit,
        file_name=name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        status=ImportStatus.CHECKED,
        created_by=user,
    )
    batch.file.save(name, ContentFile(data), save=False)
    batch.save()
    return batch


def test_the_sample_statement_checks_its_totals_in_a_dry_run(town_fund):
    town_fund.account_number = "0000123456789"
    plan = plan_statement(data=SAMPLE.read_bytes(), filename="sao-ke.csv", fund=town_fund)
    assert plan.ok, plan.errors
    assert plan.counts() == {"rows": 5, "new": 5, "skipped": 0, "credit": 66_500_000, "debit": 120_011_000, "errors": 0}
    assert plan.account_number == "0000123456789"
    assert Receipt.objects.count() == 0  # a dry run writes nothing


def test_a_statement_of_another_account_is_refused(town_fund):
    plan = plan_statement(data=SAMPLE.read_bytes(), filename="sao-ke.csv", fund=town_fund)
    assert not plan.ok and "không phải tài khoản của quỹ" in plan.errors[0]["message"]


def test_committing_creates_receipts_for_named_donors_and_queues_the_rest(people, town_fund):
    town_fund.account_number = "0000123456789"
    town_fund.save()
    data = SAMPLE.read_bytes()
    _plan, statement = commit_statement(
        actor=people.town_office, batch=batch_for(data, "a.csv", town_fund, people.town_office), fund=town_fund
    )
    assert statement is not None and statement.lines_added == 5
    donors = sorted(Receipt.objects.values_list("donor__name", flat=True))
    assert donors == ["CTY TNHH MAU", "HOI CUU CHIEN BINH", "NGUYEN VAN THU"]  # the bank's capitals kept
    fee = StatementLine.objects.get(bank_ref="FEE2333901")
    assert fee.status == MatchStatus.FEE
    transfer_out = StatementLine.objects.get(bank_ref="FT23339003")
    assert transfer_out.status == MatchStatus.UNMATCHED
    assert account_for(AccountKind.FUND_CASH, fund=town_fund).balance == 66_500_000 - 11_000
    assert verify() == []


def test_the_same_statement_twice_adds_nothing(people, town_fund):
    town_fund.account_number = "0000123456789"
    town_fund.save()
    data = SAMPLE.read_bytes()
    commit_statement(
        actor=people.town_office, batch=batch_for(data, "a.csv", town_fund, people.town_office), fund=town_fund
    )
    again = plan_statement(data=data, filename="a.csv", fund=town_fund)
    assert again.counts()["new"] == 0 and again.counts()["skipped"] == 5
    commit_statement(
        actor=people.town_office, batch=batch_for(data, "b.csv", town_fund, people.town_office), fund=town_fund
    )
    assert StatementLine.objects.count() == 5 and Receipt.objects.count() == 3


def xlsx_statement(rows, total_credit) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["SAO KÊ TÀI KHOẢN"])
    ws.append(["Từ ngày 01/01/2024 đến ngày 31/01/2024"])
    ws.append([])
    ws.append(["STT", "Ngày GD", "Số bút toán", "Diễn giải", "Phát sinh nợ", "Phát sinh có"])
    for i, (when, ref, memo, credit) in enumerate(rows, 1):
        ws.append([i, when, ref, memo, None, credit])
    ws.append(["Cộng phát sinh", None, None, None, 0, total_credit])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def test_overlapping_periods_in_excel_import_only_the_new_lines(people, town_fund):
    first = xlsx_statement(
        [
            ("02/01/2024 09:00:00", "REF1", "TRAN VAN BA ung ho", "1.000.000"),
            ("03/01/2024", "REF2", "LE THI CUC ung ho", "2.000.000"),
        ],
        "3.000.000",
    )
    second = xlsx_statement(
        [
            ("03/01/2024", "REF2", "LE THI CUC ung ho", "2.000.000"),
            ("04/01/2024", "REF3", "ung ho xoa nha tam", "500.000"),
        ],
        "2.500.000",
    )
    commit_statement(
        actor=people.town_office, batch=batch_for(first, "t1.xlsx", town_fund, people.town_office), fund=town_fund
    )
    _plan, statement = commit_statement(
        actor=people.town_office, batch=batch_for(second, "t2.xlsx", town_fund, people.town_office), fund=town_fund
    )
    # Both files state January: one record for the statement, the second file adds only its new line.
    assert (statement.lines_added, statement.lines_skipped) == (3, 1)
    assert BankStatement.objects.count() == 1 and ImportBatch.objects.latest("pk").counts["new"] == 1
    queued = StatementLine.objects.get(bank_ref="REF3")
    assert queued.status == MatchStatus.UNMATCHED and queued.suggestion["designation"] == "phong_trao"


def test_bad_rows_and_wrong_totals_are_reported_by_row(town_fund):
    data = xlsx_statement(
        [
            ("31/02/2024", "R1", "A B ung ho", "1.000"),
            ("05/01/2024", "R2", "C D ung ho", "mười nghìn"),
            ("06/01/2024", "R3", "E F ung ho", "2.000"),
            ("07/01/2024", "R3", "G H ung ho", "3.000"),
        ],
        "9.999",
    )
    plan = plan_statement(data=data, filename="x.xlsx", fund=town_fund)
    by_row = {(e["row"], e["field"]) for e in plan.errors}
    assert (5, "Ngày giao dịch") in by_row
    assert (6, "Ghi có") in by_row
    assert (8, "Số tham chiếu") in by_row
    assert any("Tổng ghi có trong tệp" in e["message"] for e in plan.errors)
    assert not plan.ok
