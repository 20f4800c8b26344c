"""A big CSV statement through the streaming path (issue 19: ≥ 50,000 rows/s for 1,000,000 rows on PostgreSQL).

The file is the one `bench.measures` writes (`write_statement`: one SMS fee in 50 lines, every other
line a transfer naming one of 997 donors). Each run imports it into a fresh fund of the town that
`bench.statement_confirm` builds, through `statement_stream` — the path `import_statement` takes for
big CSV files, which leaves what the page's confirm leaves: the dry run (staging table, the checks
in SQL, the running balance), then the confirm (every named credit a receipt posted to the ledger
and numbered, every fee posted, every row audited, one transaction), then the same file again (all
skipped). Beside them, in the same run: a plain load of the same file into a table of its own
(COPY on PostgreSQL, inserts on SQLite), the baseline. The load average is printed with the figures:
the machine is shared, and the ratios to the baseline are the figures to compare between runs.

    python -m bench.statement_stream --rows 100000 [--database postgres://postgres@127.0.0.1:5432/ct_stmt_bench]
        [--runs 1] [--profile] [--dry-only]

Without --database, its own SQLite file (var/bench/statement-stream.sqlite3).
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
from urllib.parse import urlparse

from bench.pages import sqlite_environment

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
TARGET = 50_000  # rows/s


def _environment(database: str) -> dict[str, str]:
    env = sqlite_environment(WORK / "statement-stream.sqlite3")
    if database:
        env["DATABASE_URL"] = database
    return env


def prepare(database: str) -> None:
    """The database (created on PostgreSQL when missing) with its tables."""
    WORK.mkdir(parents=True, exist_ok=True)
    if database:
        import psycopg

        url = urlparse(database)
        name = url.path.lstrip("/")
        with psycopg.connect(database.replace(url.path, "/postgres"), autocommit=True) as admin:
            if not admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                admin.execute(f'CREATE DATABASE "{name}"')
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=_environment(database), check=True, cwd=ROOT)


def _baseline(path: Path) -> float:
    """A plain load of the same file into a table of its own: COPY (PostgreSQL) or inserts (SQLite)."""
    import csv

    from django.db import connection, transaction

    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE bench_load (txn text, ref text, debit bigint, credit bigint, "
                       "balance bigint, memo text)")  # fmt: skip
        if connection.vendor == "postgresql":
            with (
                cursor.connection.cursor().copy("COPY bench_load FROM STDIN (FORMAT csv, HEADER true)") as copy,
                path.open("rb") as f,
            ):
                while chunk := f.read(1 << 20):
                    copy.write(chunk)
        else:
            with path.open(encoding="utf-8", newline="") as f:
                rows = csv.reader(f)
                next(rows)
                cursor.executemany("INSERT INTO bench_load VALUES (%s, %s, %s, %s, %s, %s)", list(rows))
        cursor.execute("DROP TABLE bench_load")
    return time.perf_counter() - started


def _backend_cpu() -> float:
    """CPU seconds the database server process of this connection has used (PostgreSQL on this machine), else 0.

    On a shared machine the wall time says how long others' work made us wait; the CPU times of this
    process and of its PostgreSQL backend say what the import itself costs.
    """
    from django.db import connection

    if connection.vendor != "postgresql":
        return 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:  # a server on another machine
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def measure(rows: int, runs: int, database: str, profile: bool, dry_only: bool) -> list[dict]:
    os.environ.update(_environment(database))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection

    from chungtay.funds import statement_stream
    from chungtay.funds.models import FundKind, Receipt
    from chungtay.funds.services import fund_create

    from .measures import row, write_statement
    from .statement_confirm import _town

    town, office = _town()
    path = WORK / f"statement-{rows}.csv"
    if not path.exists():
        write_statement(path, rows)
    size = path.stat().st_size
    loads = [os.getloadavg()[0]]
    base, dry, commit, again, dry_cpu, commit_cpu = [], [], [], [], [], []
    dry_db, commit_db = [], []  # CPU of the PostgreSQL backend
    for run in range(runs):
        base.append(_baseline(path))
        fund = fund_create(actor=office, unit=town, kind=FundKind.MOVEMENT, name=f"Quỹ thử {time.time_ns()}",
                           code=f"s{time.time_ns()}")  # fmt: skip
        started, cpu, db = time.perf_counter(), time.process_time(), _backend_cpu()
        with path.open("rb") as f:
            plan = statement_stream.plan_statement_csv(f, fund=fund, size=size)
        dry.append(time.perf_counter() - started)
        dry_cpu.append(time.process_time() - cpu)
        dry_db.append(_backend_cpu() - db)
        assert plan.ok and plan.new == rows, (plan.counts, plan.errors[:3])
        line = (f"run {run}: plain load {base[-1]:.1f} s, dry run {dry[-1]:.1f} s (CPU {dry_cpu[-1]:.1f} s, "
                f"database {dry_db[-1]:.1f} s)")  # fmt: skip
        if not dry_only:
            if profile:
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            started, cpu, db = time.perf_counter(), time.process_time(), _backend_cpu()
            with path.open("rb") as f:
                done = statement_stream.commit_statement_csv(f, fund=fund, actor=office, file_name=path.name,
                                                             size=size)  # fmt: skip
            commit.append(time.perf_counter() - started)
            commit_cpu.append(time.process_time() - cpu)
            commit_db.append(_backend_cpu() - db)
            if profile:
                import pstats

                profiler.disable()
                pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "tottime")).print_stats(30)
            assert done.ok and done.new == rows, (done.counts, done.errors[:3])
            receipts = Receipt.objects.filter(fund=fund).count()
            started = time.perf_counter()
            with path.open("rb") as f:
                repeated = statement_stream.plan_statement_csv(f, fund=fund, size=size)
            again.append(time.perf_counter() - started)
            assert repeated.skipped == rows
            line += (f", confirm {commit[-1]:.1f} s (CPU {commit_cpu[-1]:.1f} s, database {commit_db[-1]:.1f} s, "
                     f"{receipts:,} receipts), again {again[-1]:.1f} s; peak {_peak_mb():.0f} MB")  # fmt: skip
        loads.append(os.getloadavg()[0])
        print(line + f"; load average {loads[-1]:.1f}", flush=True)

    n, b = rows, statistics.median(base)
    where = f"{connection.vendor} ({connection.settings_dict['NAME']})"
    load = f"load average {min(loads):.1f}–{max(loads):.1f} on {os.cpu_count()} cores"
    out = [
        row("statement_stream", f"Streaming dry run of a {n:,}-row CSV statement, {connection.vendor}", "",
            round(n / statistics.median(dry)), round(n / b), "rows/s", None,
            f"median of {runs}, {statistics.median(dry):.1f} s (CPU {statistics.median(dry_cpu):.1f} s, database "
            f"{statistics.median(dry_db):.1f} s): staging "
            f"table, checks in SQL, running balance; baseline = plain load of the same file ({b:.1f} s); {load}; "
            f"{where}"),
    ]  # fmt: skip
    if commit:
        total = statistics.median([d + c for d, c in zip(dry, commit, strict=True)])
        # What the import costs in CPU, this process and its database backend together: the rows/s it would
        # make with those cores to itself (the machine is shared; its wall time waits for others' work).
        own = statistics.median([a + b + c + d for a, b, c, d in zip(dry_cpu, dry_db, commit_cpu, commit_db,
                                                                       strict=True)])  # fmt: skip
        out += [
            row("statement_stream", f"Import of a {n:,}-row CSV statement (dry run + confirm), {connection.vendor}",
                f"≥ {TARGET:,} rows/s", round(n / total), round(n / b), "rows/s", n / total >= TARGET,
                f"median of {runs}: {total:.1f} s; confirm {statistics.median(commit):.1f} s, CPU "
                f"{statistics.median(commit_cpu):.1f} s ({receipts:,} receipts posted, numbered and audited); "
                f"baseline = plain load of the same file ({b:.1f} s); {load}"),
            row("statement_stream", "  same, CPU of the process and its database backend", "", round(n / own),
                round(n / b), "rows/s", None,
                f"{own:.1f} s of CPU in all: dry run {statistics.median(dry_cpu):.1f} + "
                f"{statistics.median(dry_db):.1f} s (Python + PostgreSQL), confirm "
                f"{statistics.median(commit_cpu):.1f} + {statistics.median(commit_db):.1f} s; peak memory of the "
                f"process {_peak_mb():.0f} MB"),
            row("statement_stream", "  same, confirm alone", "", round(n / statistics.median(commit)), round(n / b),
                "rows/s", None, "CPU " + ", ".join(f"{c:.1f}" for c in commit_cpu) + " s, database "
                + ", ".join(f"{c:.1f}" for c in commit_db) + " s"),
            row("statement_stream", "  re-import of the same file: all skipped (dry run)", "",
                round(n / statistics.median(again)), round(n / b), "rows/s", None),
        ]  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--database", default="", help="postgres://…; default: its own SQLite file")
    parser.add_argument("--profile", action="store_true", help="print a profile of the confirm")
    parser.add_argument("--dry-only", action="store_true", help="the dry run and the baseline only")
    args = parser.parse_args()
    prepare(args.database)
    results = measure(args.rows, args.runs, args.database, args.profile, args.dry_only)
    for result in results:
        print(result)
    name = f"statement-stream-{args.rows}-{'pg' if args.database else 'sqlite'}.json"
    (WORK / name).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
