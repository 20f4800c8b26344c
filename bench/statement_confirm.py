"""The page's confirm of a 1,000-line bank statement on the default SQLite install (issue 19: ≤ 3 s).

A Vietcombank-layout Excel statement of `--lines` lines (fictional: named donors, some naming a
household or a ward, unnamed transfers left for a person, SMS fees) is uploaded through the page
(`/quy/<id>/sao-ke/`, the dry run) and confirmed through the page (`…/xac-nhan/`), each through
Django's whole stack in one process, signed in as the town office. Each run uses a fresh fund so
every line is new: each credit with a name becomes a receipt posted to the ledger, each fee a fee
entry, all audited, in one transaction. Beside it, in the same run and on the same file:
the page's dry run, and a bare bulk insert of the same lines into the statement-line table.

The database is its own SQLite file, made once (var/bench/statement-confirm.sqlite3; delete it to
start again): the town with a thousand households, so that memos are read against real codes.

    python -m bench.statement_confirm [--lines 1000] [--runs 3] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench.pages import sqlite_environment

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
DB = WORK / "statement-confirm.sqlite3"
TARGET_S = 3.0
HOUSEHOLDS = 1_000

SURNAMES = ("NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "HUYNH", "PHAN", "VO", "DANG", "BUI", "DO", "HO", "NGO")
MIDDLE = ("VAN", "THI", "HUU", "DUC", "MINH", "NGOC", "THANH", "QUOC")
GIVEN = ("AN", "BINH", "CUONG", "DUNG", "HA", "HAI", "HOA", "HUNG", "KHANH", "LAN", "LONG", "MAI", "NAM", "PHUC",
         "QUANG", "SON", "TAM", "THAO", "TRUNG", "TUAN", "VIET", "XUAN", "YEN")  # fmt: skip


def _environment() -> dict[str, str]:
    return sqlite_environment(DB)


def prepare() -> None:
    """The database with its tables and the static files collected (DEBUG off, as `make run`), made once."""
    if DB.exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=_environment(), check=True, cwd=ROOT)
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=_environment(), check=True, cwd=ROOT)


def txns(lines: int) -> list:
    """A busy month on the fund's account: who gives what, as the bank prints it."""
    from chungtay.funds.tests.test_statement_layouts import Txn

    out = []
    for i in range(lines):
        day = 1 + i * 30 // lines
        name = f"{SURNAMES[i % 13]} {MIDDLE[i // 13 % 8]} {GIVEN[i // 104 % 23]}"  # ~1 in 3 give twice
        ref = f"{i:05d}"
        if i % 20 == 19:
            out.append(Txn(day, ref, 5_500, 0, "PHI SMS BANKING"))
        elif i % 10 == 3:
            out.append(Txn(day, ref, 0, 200_000, "ung ho mien bac"))  # no name: waits for a person
        elif i % 10 == 5:
            out.append(Txn(day, ref, 0, 1_000_000, f"{name} chuyen tien ung ho ho HB-{i % HOUSEHOLDS:04d}", name))
        elif i % 10 == 7:
            out.append(Txn(day, ref, 0, 500_000, f"{name} ung ho phuong Vinh Dien xoa nha tam", name))
        else:
            out.append(Txn(day, ref, 0, (i % 9 + 1) * 100_000, f"MBVCB.{5_000_000 + i}.{name} chuyen tien ung ho"))
    return out


def _town():  # type: ignore[no-untyped-def]
    """The town, its two wards, a thousand households and the office's user: made on the first run."""
    import datetime as dt

    from chungtay.accounts.models import User
    from chungtay.accounts.services import user_create
    from chungtay.housing.models import Household, SupportNorm
    from chungtay.orgunits.models import Level, Membership, OrgUnit, Role
    from chungtay.orgunits.services import unit_create

    town = OrgUnit.objects.filter(name="Điện Bàn").first()
    if town is not None:
        return town, User.objects.get(username="vanphong")
    province = unit_create(actor=None, parent=None, level=Level.PROVINCE, kind="tinh", name="Quảng Nam")
    town = unit_create(actor=None, parent=province, level=Level.DISTRICT, kind="thi_xa", name="Điện Bàn")
    wards = [
        unit_create(actor=None, parent=town, level=Level.COMMUNE, kind="phuong", name=name)
        for name in ("Vĩnh Điện", "Điện Hồng")
    ]
    areas = [unit_create(actor=None, parent=w, level=Level.AREA, kind="khoi_pho", name="Khối phố 1") for w in wards]
    norm = SupportNorm.objects.create(programme="Xóa nhà tạm", kind="new", amount=60_000_000,
                                      valid_from=dt.date(2023, 1, 1), legal_basis="NQ 13/2023/NQ-HĐND")  # fmt: skip
    Household.objects.bulk_create(
        Household(code=f"HB-{n:04d}", area=areas[n % 2], head_name=f"Hộ {n}", category="poor", support_kind="new",
                  phase_year=2024, decision_number="1/QĐ", decision_date=dt.date(2023, 12, 20), norm=norm,
                  state_support=60_000_000)
        for n in range(HOUSEHOLDS)
    )  # fmt: skip
    office = user_create(actor=None, username="vanphong", full_name="Văn phòng", password="bench-only-1")
    Membership.objects.create(user=office, unit=town, role=Role.OFFICE)
    return town, office


def measure(lines: int, runs: int, profile: bool, line_by_line: bool) -> list[dict]:
    os.environ.update(_environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection, transaction
    from django.test import Client
    from django.urls import reverse

    from chungtay.core.audit import as_actor
    from chungtay.core.models import ImportBatch
    from chungtay.funds.models import BankStatement, FundKind, Receipt, StatementLine
    from chungtay.funds.services import fund_create
    from chungtay.funds.tests.test_statement_layouts import statement

    from .measures import row

    town, office = _town()
    data = statement("vietcombank", txns(lines), period=(1, 30))
    client = Client()
    client.force_login(office)
    dry, confirm, bulk, queries, confirm_cpus, dry_cpus = [], [], [], [], [], []
    for run in range(runs + 1):  # the first run warms the process (templates, caches) and is not counted
        fund = fund_create(actor=office, unit=town, kind=FundKind.MOVEMENT, name=f"Quỹ thử {time.time_ns()}",
                           code=f"b{time.time_ns()}")  # fmt: skip
        upload = SimpleUploadedFile("sao-ke-vcb.xlsx", data)
        started, cpu = time.perf_counter(), time.process_time()
        response = client.post(reverse("funds:statement_import", args=[fund.pk]), {"file": upload})
        dry_s, dry_cpu = time.perf_counter() - started, time.process_time() - cpu
        assert response.status_code == 200, response.status_code
        batch = ImportBatch.objects.filter(kind="bank_statement", unit=town).latest("pk")
        assert batch.counts.get("new") == lines, (batch.counts, batch.errors[:3])
        url = reverse("funds:statement_confirm", args=[fund.pk, batch.pk])
        captured: list[str] = []

        def count(execute, sql, params, many, context, captured=captured):  # type: ignore[no-untyped-def]
            captured.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            if profile and run == runs:
                import cProfile
                import pstats

                profiler = cProfile.Profile()
                profiler.enable()
            started, cpu = time.perf_counter(), time.process_time()
            response = client.post(url)
            confirm_s, confirm_cpu = time.perf_counter() - started, time.process_time() - cpu
            if profile and run == runs:
                profiler.disable()
                pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(45)
        assert response.status_code == 302, response.status_code
        record = BankStatement.objects.get(fund=fund)
        assert record.lines_added == lines
        receipts = Receipt.objects.filter(fund=fund).count()

        # The bare insert of the same lines: no reading, no matching, no ledger, no audit (rolled back).
        plan_lines = StatementLine.objects.filter(statement=record).order_by("row_number")
        copies = [StatementLine(fund=fund, row_number=x.row_number, bank_ref=f"X{x.bank_ref}", txn_at=x.txn_at,
                                debit=x.debit, credit=x.credit, balance=x.balance, memo=x.memo,
                                memo_folded=x.memo_folded) for x in plan_lines]  # fmt: skip
        for x in copies:
            x.statement = record
        started = time.perf_counter()
        with transaction.atomic():
            StatementLine.objects.bulk_create(copies)
            bulk_s = time.perf_counter() - started
            transaction.set_rollback(True)
        print(f"run {run}: dry run {dry_s:.2f} s (CPU {dry_cpu:.2f} s), confirm {confirm_s:.2f} s "
              f"(CPU {confirm_cpu:.2f} s, {len(captured)} queries, "
              f"{receipts} receipts), bare insert {bulk_s:.3f} s", flush=True)  # fmt: skip
        if run:
            dry.append(dry_s)
            confirm.append(confirm_s)
            confirm_cpus.append(confirm_cpu)
            dry_cpus.append(dry_cpu)
            bulk.append(bulk_s)
            queries.append(len(captured))
    before = None
    if line_by_line:  # the path the confirm took before (reconcile_line, post_fee), once, on the same file
        from chungtay.funds.statements import commit_statement
        from chungtay.funds.tests.test_statements import batch_for

        fund = fund_create(actor=office, unit=town, kind=FundKind.MOVEMENT, name=f"Quỹ thử {time.time_ns()}",
                           code=f"b{time.time_ns()}")  # fmt: skip
        batch = batch_for(data, "sao-ke-vcb.xlsx", fund, office)
        started, cpu = time.perf_counter(), time.process_time()
        with as_actor(office):
            commit_statement(actor=office, batch=batch, fund=fund, one_by_one=True)
        before = (time.perf_counter() - started, time.process_time() - cpu)
        print(f"line by line: {before[0]:.2f} s (CPU {before[1]:.2f} s)", flush=True)
    figure, dry_m, bulk_m = statistics.median(confirm), statistics.median(dry), statistics.median(bulk)
    note = (f"median of {runs}: {receipts} receipts and {lines // 20} fees posted, {lines - receipts - lines // 20} "
            f"lines queued; {statistics.median(queries):.0f} queries; confirms "
            + ", ".join(f"{s:.2f}" for s in confirm) + " s")  # fmt: skip
    load = os.getloadavg()[0]
    rows = [
        row("statement_confirm", f"Confirm of a {lines:,}-line statement (page path) on SQLite", f"≤ {TARGET_S:g} s",
            round(figure, 2), round(dry_m, 2), "s", figure <= TARGET_S,
            note + f"; load average {load:.1f} on {os.cpu_count()} cores at the end; baseline = the page's dry run "
            "of the same file"),
        row("statement_confirm", "  same, CPU time of the process", "", round(statistics.median(confirm_cpus), 2),
            round(statistics.median(dry_cpus), 2), "s", None,
            "process_time() around the request; baseline = the dry run's"),
        row("statement_confirm", "  same, beside a bare bulk insert of the same lines", "", round(figure, 2),
            round(bulk_m, 3), "s", None, "no reading, matching, ledger or audit; rolled back"),
    ]  # fmt: skip
    if before is not None:
        rows.append(row("statement_confirm", "  line by line (the path before: reconcile_line, post_fee), once", "",
                        round(before[0], 2), round(figure, 2), "s", None,
                        f"CPU {before[1]:.2f} s; commit_statement(one_by_one=True) on the same file; "
                        "baseline = the batched confirm's median"))  # fmt: skip
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print a profile of the last confirm")
    parser.add_argument("--line-by-line", action="store_true", help="also the older path once (slow: ~15 s CPU)")
    args = parser.parse_args()
    prepare()
    results = measure(args.lines, args.runs, args.profile, args.line_by_line)
    for result in results:
        print(result)
    (WORK / "statement-confirm.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
