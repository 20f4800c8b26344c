"""What PostgreSQL alone needs to write N receipts (issue 19: ≥ 50,000 rows/s for a 1,000,000-row CSV).

Every credit line of a bank statement becomes a receipt (`funds_receipt`): the row the public ledger,
the donor search, the receipts' numbering, the donors' certificates and the first-in-first-out tracing
of money to houses read. This measures the floor of that one write, with nothing of the import around
it (no parsing, no staging, no journal entry, no statement line, no audit record, no foreign-key check):
a scratch table made `LIKE funds_receipt` — once with none of its indexes, once with all of them (the
same definitions, copied by PostgreSQL), once with only the public search's trigram index — filled by
one `INSERT … SELECT` of N receipts copied from the bench database's own, in one backend whose CPU time
is read from /proc (the wall time on a shared machine measures the neighbours as much as the work).
The scratch tables are dropped; nothing of the bench database changes.

    python -m bench.receipt_ceiling --database postgres://postgres@127.0.0.1:5432/chungtay_bench_province
        [--rows 1000000]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import psycopg

# Each kept receipt copied `k` times under another id, number, reference and serial, so the unique
# indexes hold; every other column (memo, donor, fund, dates) as the generator wrote it.
COPY = """
SELECT r.id + k * 100000000, amount, received_on, channel,
       CASE WHEN receipt_number = '' THEN '' ELSE receipt_number || '-' || k END,
       CASE WHEN bank_ref = '' THEN '' ELSE bank_ref || '-' || k END,
       designation, memo, memo_folded, created_by_id, designated_household_id, designated_unit_id,
       donor_id, entry_id + k * 100000000, fund_id, pledge_id, serial + k * 10000000, serial_year
FROM funds_receipt r, generate_series(0, %(copies)s - 1) AS k
ORDER BY k, r.id LIMIT %(rows)s
"""
SHAPES = [
    ("no index (the table's columns, defaults and checks)", "INCLUDING DEFAULTS INCLUDING CONSTRAINTS", ""),
    ("the 14 indexes of funds_receipt", "INCLUDING ALL", ""),
    (
        "only the public search's trigram index",
        "INCLUDING DEFAULTS INCLUDING CONSTRAINTS",
        "CREATE INDEX ON bench_receipt_ceiling USING gin (memo_folded gin_trgm_ops)",
    ),
]


def _cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / 100  # utime + stime, clock ticks of 1/100 s


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with psycopg.connect(args.database, autocommit=True) as conn:
        pid = conn.execute("SELECT pg_backend_pid()").fetchone()[0]  # type: ignore[index]
        kept = conn.execute("SELECT count(*) FROM funds_receipt").fetchone()[0]  # type: ignore[index]
        copies = -(-args.rows // max(kept, 1))
        conn.execute("CREATE TEMPORARY TABLE bench_receipt_source (LIKE funds_receipt)")
        conn.execute(
            "INSERT INTO bench_receipt_source " + COPY,
            {"copies": copies, "rows": args.rows},
        )
        print(f"{args.rows:,} receipts from {kept:,} kept; load {_load()}", flush=True)
        print("| Write of the receipts alone | Backend CPU (s) | Rows/s of CPU | Wall (s) |")
        print("|---|---:|---:|---:|")
        try:
            for label, like, extra in SHAPES:
                conn.execute("DROP TABLE IF EXISTS bench_receipt_ceiling")
                conn.execute(f"CREATE TABLE bench_receipt_ceiling (LIKE funds_receipt {like})")
                if extra:
                    conn.execute(extra)
                conn.execute("CHECKPOINT")
                started, cpu = time.perf_counter(), _cpu(pid)
                conn.execute("INSERT INTO bench_receipt_ceiling SELECT * FROM bench_receipt_source")
                spent, wall = _cpu(pid) - cpu, time.perf_counter() - started
                print(f"| {label} | {spent:.1f} | {args.rows / max(spent, 0.01):,.0f} | {wall:.1f} |", flush=True)
        finally:
            conn.execute("DROP TABLE IF EXISTS bench_receipt_ceiling")
        print(f"load {_load()}")


if __name__ == "__main__":
    main()
