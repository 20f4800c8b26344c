"""`python -m bench [--scale town|province|national ...] [--keep] [--http-seconds N]`.

Each scale runs in a child process (`python -m bench.run <scale>`) whose DATABASE_URL points at
chungtay_bench_<scale>: Django reads its settings once per process. The parent then writes
bench/RESULTS.md from var/bench/*.json (a national run from earlier is kept in the table).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--scale", action="append", choices=["town", "province", "national"])
    parser.add_argument("--keep", action="store_true", help="reuse an existing database instead of regenerating")
    parser.add_argument("--http-seconds", type=int, default=None, help="load test length (default 30; national 120)")
    parser.add_argument("--only", default="", help="comma-separated measures to run (default: all)")
    parser.add_argument("--db-host", default=os.environ.get("BENCH_DB", "postgres://postgres@127.0.0.1:5432"))
    parser.add_argument("--db-suffix", default="", help="database chungtay_bench_<scale><suffix>")
    args = parser.parse_args()
    scales = args.scale or ["town", "province"]
    failed = 0
    for scale in scales:
        database = f"chungtay_bench_{scale}{args.db_suffix}"
        env = dict(os.environ, DATABASE_URL=f"{args.db_host}/{database}", DJANGO_DEBUG="0")
        env.setdefault("DJANGO_SECRET_KEY", "bench-only-not-secret-" + "x" * 40)
        env["DJANGO_ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
        cmd = [sys.executable, "-m", "bench.run", scale, "--db-host", args.db_host, "--database", database]
        if args.keep:
            cmd.append("--keep")
        if args.http_seconds is not None:
            cmd += ["--http-seconds", str(args.http_seconds)]
        if args.only:
            cmd += ["--only", args.only]
        print(f"== {scale}", flush=True)
        failed |= subprocess.call(cmd, cwd=ROOT, env=env)
    from bench.report import write_results

    path = write_results()
    print(f"Results: {path}")
    return failed


if __name__ == "__main__":
    sys.exit(main())
