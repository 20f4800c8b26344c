"""The 50-user HTTP run of bench.load repeated: every page's p95 as the median of the runs, with its spread.

Issue 22 asks each figure as the median of three runs with its spread (min–max); each run also gives
the CPU per request of the gunicorn processes and of their PostgreSQL backends, and each page's p95
inside a worker (gunicorn's access log; the rest is the wait for a worker) (bench.load). Run on a
bench database made by `python -m bench.run <scale> --database …`:

    DATABASE_URL=postgres://…/chungtay_bench_province python -m bench.http_runs province --runs 3 --seconds 30
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"


def _load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--out", default="")
    parser.add_argument("--cache", choices=["redis", "local"], default="redis", help="the workers' cache (bench.load)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from bench.load import run_load
    from bench.scales import SCALES

    scale = SCALES[args.scale]
    runs = []
    for n in range(args.runs):
        before = _load_average()
        run_load(scale, args.seconds, cache=args.cache)
        after = _load_average()
        source = WORK / f"locust-{scale.name}_stats.csv"
        shutil.copy(source, WORK / f"locust-{scale.name}-run{n + 1}_stats.csv")
        rows = {r["Name"]: r for r in csv.DictReader(source.open())}
        cpu = json.loads((WORK / f"locust-{scale.name}_cpu.json").read_text())
        cpu_ms = 1000 * cpu["cpu_seconds"] / max(cpu["requests"], 1)
        db_ms = 1000 * cpu["database_cpu_seconds"] / max(cpu["requests"], 1)
        locust_ms = 1000 * cpu["locust_cpu_seconds"] / max(cpu["requests"], 1)
        server = json.loads((WORK / f"locust-{scale.name}_server.json").read_text())
        runs.append(
            {"load": f"{before} → {after}", "rows": rows, "cpu_ms": cpu_ms, "db_cpu_ms": db_ms, "server": server}
        )
        total = rows["Aggregated"]
        print(f"run {n + 1}: p95 {total['95%']} ms, {total['Request Count']} requests, "
              f"{total['Failure Count']} failures, CPU a request: gunicorn {cpu_ms:.1f} ms, "
              f"PostgreSQL {db_ms:.1f} ms, locust {locust_ms:.1f} ms, "
              f"load {before} → {after}", flush=True)  # fmt: skip
    names = sorted({name for run in runs for name in run["rows"]}, key=lambda n: (n == "Aggregated", n))
    table = []
    for name in names:
        p95 = [float(run["rows"][name]["95%"]) for run in runs if name in run["rows"]]
        p50 = [float(run["rows"][name]["Median Response Time"]) for run in runs if name in run["rows"]]
        failures = sum(int(run["rows"][name]["Failure Count"]) for run in runs if name in run["rows"])
        inside = [run["server"][name]["p95"] for run in runs if name in run["server"]] or [0.0]
        requests = sum(int(run["rows"][name]["Request Count"]) for run in runs if name in run["rows"])
        table.append({"name": name, "p95": statistics.median(p95), "p95_min": min(p95), "p95_max": max(p95),
                      "p50": statistics.median(p50), "requests": requests, "failures": failures,
                      "in_worker_p95": statistics.median(inside)})  # fmt: skip
        print(f"{name:45s} p95 {table[-1]['p95']:7.0f} ({min(p95):.0f}–{max(p95):.0f})  p50 {table[-1]['p50']:6.0f}  "
              f"in a worker p95 {table[-1]['in_worker_p95']:6.0f}  {requests} req, {failures} fail")  # fmt: skip
    out = Path(args.out or WORK / f"http-{scale.name}.json")
    cpu, db_cpu = [run["cpu_ms"] for run in runs], [run["db_cpu_ms"] for run in runs]
    print(f"CPU a request (median of the runs, spread): gunicorn {statistics.median(cpu):.1f} ms "
          f"({min(cpu):.1f}–{max(cpu):.1f}), PostgreSQL {statistics.median(db_cpu):.1f} ms "
          f"({min(db_cpu):.1f}–{max(db_cpu):.1f}); cache {args.cache}")  # fmt: skip
    summary = {
        "runs": [r["load"] for r in runs],
        "cpu_ms_per_request": cpu,
        "database_cpu_ms_per_request": db_cpu,
        "cache": args.cache,
        "pages": table,
    }
    out.write_text(json.dumps(summary, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
