"""The streaming path for big CSV statements leaves what the page's confirm leaves (issue 19).

One CSV statement of every kind of line the matcher meets, confirmed once through the page's path
(`commit_statement`) and once, after rolling that back, through the streaming path in runs of three
lines: the same ledger (entries in the same order, hash chain intact), donors, receipts and their
numbers, lines, balances, receipt tally, kept figures and audit records.
"""

from __future__ import annotations

import hashlib
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.db import connection, transaction

from chungtay.core.models import ImportBatch
from chungtay.figures.funds import FUND_FIGURES, for_fund
from chungtay.funds import statement_sql, statement_stream
from chungtay.funds.ledger import verify
from chungtay.funds.models import Account, BankStatement, Donor, JournalEntry, MatchStatus, Receipt, StatementLine
from chungtay.funds.services import donor_find_or_create
from chungtay.funds.statements import commit_statement, plan_statement
from chungtay.funds.tests.test_statement_confirm import outcome, september
from chungtay.funds.tests.test_statements import batch_for
from chungtay.tallies import rollup
from chungtay.tallies.models import OwnMoney, OwnMonthMoney, TreeMoney, TreeMonthMoney


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def csv_statement(lines: list[tuple[str, str, str, int, int]], opening: int = 0) -> bytes:
    """A plain CSV export: one header row of ordinary captions, a running balance, the bank's totals."""
    out = ["Ngày giao dịch,Số tham chiếu,Ghi nợ,Ghi có,Số dư,Nội dung"]
    balance = opening
    for i, (when, ref, memo, debit, credit) in enumerate(lines):
        balance += credit - debit
        out.append(f'{when} 08:{i % 60:02d}:00,{ref},{debit or ""},{credit or ""},{balance},"{memo}"')
    out.append(f"Tổng cộng,,{sum(x[3] for x in lines)},{sum(x[4] for x in lines)},,")
    return ("\n".join(out) + "\n").encode()


# When a row was written, and what depends on it: an entry's hash covers its posting time (the chain
# is checked by ledger.verify instead), a stored file's name the files already there.
MOMENTS = {"created_at", "posted_at", "committed_at", "hash", "prev_hash", "file"}


def audit_records() -> list[tuple]:
    """Every audit record, with the ids of what it names replaced by what identifies those rows."""
    name = {}
    for model, key in ((StatementLine, "bank_ref"), (Receipt, "bank_ref"), (JournalEntry, "seq"),
                       (Donor, "name_folded"), (BankStatement, "period_from"), (Account, "key"),
                       (ImportBatch, "file_name")):  # fmt: skip
        for pk, value in model.objects.values_list("pk", key):
            name[(model._meta.model_name, str(pk))] = f"{model._meta.model_name}:{value}"
    targets = {"statement": "bankstatement", "receipt": "receipt", "fee_entry": "journalentry",
               "entry": "journalentry", "donor": "donor", "account": "account", "batch": "importbatch",
               "id": None}  # fmt: skip
    records = []
    for entry in LogEntry.objects.select_related("content_type").order_by("pk"):
        model = entry.content_type.model
        changes = {}
        for fieldname, (old, new) in (entry.changes or {}).items():
            if fieldname in MOMENTS:
                continue
            if fieldname in targets:
                new = name.get((targets[fieldname] or model, new), new)
            changes[fieldname] = (old, new)
        records.append((model, name.get((model, entry.object_pk), entry.object_pk), entry.action, entry.actor_id,
                        entry.actor_email, entry.remote_addr, entry.object_repr, json.dumps(changes, sort_keys=True),
                        entry.serialized_data, entry.additional_data, entry.changes_text))  # fmt: skip
    return sorted(records)


def figures(fund) -> dict:
    kept = {
        model.__name__: [{k: v for k, v in row.items() if k != "id"} for row in model.objects.order_by("pk").values()]
        for model in (OwnMoney, OwnMonthMoney, TreeMoney, TreeMonthMoney)
    }
    fund_figures = for_fund(fund)
    return {**kept, "fund": {name: fund_figures[name] for name in FUND_FIGURES}}


def everything(fund) -> dict:
    return {"outcome": outcome(fund), "audit": audit_records(), "figures": figures(fund),
            "statement": list(BankStatement.objects.filter(fund=fund).values(
                "period_from", "period_to", "total_debit", "total_credit", "opening_balance", "closing_balance",
                "lines_added", "lines_skipped"))}  # fmt: skip


def test_the_streamed_confirm_leaves_what_the_pages_confirm_leaves(people, tree, town_fund, make_household, give,
                                                                   monkeypatch):  # fmt: skip
    codes = [make_household(tree.area_a1).code, make_household(tree.area_a1).code]
    donor_find_or_create(unit=tree.town, name="Nguyễn Văn Hảo")
    give(town_fund, 400_000)  # FT00000001, entered by hand before the statement came
    # A new year restarts the receipts' numbers; memos with quotes, a backslash and Vietnamese letters go into
    # the hashed JSON (escaped as json.dumps escapes them) and the audit records' suggestion (as \uXXXX).
    lines = [*september(codes), *september(codes, copy=1),
             ("07/09/2024", "FT00000001", "NGUYEN VAN HAO ung ho", 0, 400_000),
             ("02/01/2025", "FT2501", "TRAN VAN BA ung ho nam moi", 0, 100_000),
             ("03/01/2025", "FT2502", 'Trần Thị Bích ủng hộ \\ ""xóa nhà tạm"" phường Vĩnh Điện', 0, 150_000),
             ("03/01/2025", "FT2503", "PHI SMS thang 12", 11_000, 0)]  # fmt: skip
    lines.sort(key=lambda x: x[0][6:] + x[0][3:5] + x[0][:2])  # in the order of time
    data = csv_statement(lines)
    office = people.town_office

    with transaction.atomic():
        batch = batch_for(data, "sao-ke.csv", town_fund, office)
        plan = plan_statement(data=data, filename="sao-ke.csv", fund=town_fund)
        assert plan.ok, plan.errors
        commit_statement(actor=office, batch=batch, fund=town_fund)
        page = everything(town_fund)
        transaction.set_rollback(True)

    assert StatementLine.objects.count() == 0
    monkeypatch.setattr(statement_stream, "CSV_BATCH", 3)  # runs of three lines: donors, numbers, fees carry over
    monkeypatch.setattr(statement_sql, "CHUNK", 3)  # PostgreSQL: memos, donors and entries read in chunks of three
    dry = statement_stream.plan_statement_csv(io.BytesIO(data), fund=town_fund)
    assert dry.summary() == plan.summary()
    assert (dry.opening_balance, dry.closing_balance) == (plan.opening_balance, plan.closing_balance)
    batch = batch_for(data, "sao-ke.csv", town_fund, office)
    set_based = []  # PostgreSQL writes the postings from the staging table, SQLite through the page's code
    monkeypatch.setattr(statement_stream, "post_staged", lambda **kw: set_based.append(statement_sql.post_staged(**kw)))
    streamed = statement_stream.commit_statement_csv(io.BytesIO(data), fund=town_fund, actor=office, batch=batch)
    assert streamed.ok, streamed.errors
    assert len(set_based) == (connection.vendor == "postgresql")
    got = everything(town_fund)

    assert got == page
    statuses = [status for _ref, status, *_ in got["outcome"]["lines"]]
    assert statuses.count(MatchStatus.MATCHED) == 15 and statuses.count(MatchStatus.FEE) == 3
    serials = {(r[4].year, r[-1]) for r in got["outcome"]["receipts"]}
    assert {(2025, 1), (2025, 2)} <= serials and (2024, 12) in serials
    assert StatementLine.objects.get(bank_ref="FT2502").memo.count('"') == 2
    assert verify() == [] and rollup.verify() == []


def test_a_streamed_statement_checks_what_the_page_checks(town_fund):
    lines = [("02/09/2024", "R1", "TRAN VAN BA ung ho", 0, 1_000), ("03/09/2024", "R2", "LE THI CUC ung ho", 0, 2_000),
             ("03/09/2024", "R3", "VO THI HOA", 0, 3_000), ("04/09/2024", "R1", "PHAM VAN", 0, 4_000)]  # fmt: skip
    # R3's balance breaks the running balance; R1 comes twice; the file's total counts the repeated line.
    data = csv_statement(lines).replace(b",6000,", b",6500,")
    page = plan_statement(data=data, filename="x.csv", fund=town_fund)
    streamed = statement_stream.plan_statement_csv(io.BytesIO(data), fund=town_fund)
    assert not streamed.ok
    assert sorted(map(str, streamed.summary()["errors"])) == sorted(map(str, page.summary()["errors"]))
    assert {e["field"] for e in streamed.errors} == {"Số tham chiếu", "Ghi có", "Số dư"}


def test_the_command_streams_a_big_csv_and_its_dry_run_agrees_with_the_page(people, town_fund, tmp_path,
                                                                            monkeypatch):  # fmt: skip
    lines = [("02/09/2024", "FT01", "TRAN VAN BA ung ho", 0, 1_000_000),
             ("03/09/2024", "FT02", "ung ho mien bac", 0, 200_000),
             ("04/09/2024", "FT03", "PHI SMS BANKING", 11_000, 0)]  # fmt: skip
    data = csv_statement(lines)
    path = tmp_path / "sao-ke.csv"
    path.write_bytes(data)
    monkeypatch.setattr(statement_stream, "STREAM_BYTES", 10)  # this file counts as big
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", town_fund.code, "--dry-run", "--json", stdout=out)
    assert json.loads(out.getvalue()) == plan_statement(data=data, filename="sao-ke.csv", fund=town_fund).summary()
    assert StatementLine.objects.count() == 0
    call_command("import_statement", str(path), "--fund", town_fund.code, "--user", people.town_office.username,
                 stdout=io.StringIO())  # fmt: skip
    assert StatementLine.objects.filter(fund=town_fund).count() == 3
    assert Receipt.objects.get(fund=town_fund).donor.name == "TRAN VAN BA"
    # The streamed file is known by its hash and size, as the page's upload of the same file would be.
    streamed_batch = BankStatement.objects.get(fund=town_fund).batch
    assert (streamed_batch.sha256, streamed_batch.size) == (hashlib.sha256(data).hexdigest(), len(data))
    assert batch_for(data, "lai.csv", town_fund, people.town_office).sha256 == streamed_batch.sha256
    out = io.StringIO()
    call_command("import_statement", str(path), "--fund", town_fund.code, "--json", stdout=out)
    assert json.loads(out.getvalue())["skipped"] == 3
    assert BankStatement.objects.filter(fund=town_fund).count() == 1
