"""Server and database time of every staff page at a bench scale (issue 22: ≤ 300 ms p95 each).

Signed in as the bench's office user (whole country in scope; `--user bench_commune` for a commune's
staff), it crawls from the home page as
bench.pages does (every link and GET form, the first URL of each view, plus the pages bench.load
requests), then requests each page `--runs` times through Django's whole stack in one process and
reports per page: median and slowest time, the median time spent in the database, the median CPU
time of this process (Python, without PostgreSQL's: the part a loaded machine inflates least) and
the number of queries. With FIGURES_CACHE_SECONDS=0 every request computes its figures, as the first request
after a write does. Run on a bench database made by `python -m bench.run <scale>`:

    DATABASE_URL=postgres://…/chungtay_bench_province python -m bench.staff_pages [--runs 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from bench.pages import crawl

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"


class _DatabaseClock:
    def __init__(self) -> None:
        self.seconds, self.queries = 0.0, 0

    def __call__(self, execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.seconds += time.perf_counter() - started
            self.queries += 1


def measure(runs: int, limit: int, only: list[str] | None = None, username: str = "bench_office") -> list[dict]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from chungtay.accounts.models import User

    from .load import _paths

    client = Client()
    client.force_login(User.objects.get(username=username))
    pages = {url: url for url in only} if only else crawl(client, ["/", *_paths()["staff"]], limit, by_url=True)
    out = []
    for url in sorted(set(pages.values())):
        client.get(url)  # warm, as a running server is
        times, db, cpu, queries = [], [], [], 0
        for _ in range(runs):
            clock = _DatabaseClock()
            started, started_cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(clock):
                response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)  # this process only: not PostgreSQL's
            db.append(clock.seconds * 1000)
            queries = clock.queries
        out.append(
            {
                "url": url,
                "status": response.status_code,
                "median_ms": round(statistics.median(times), 1),
                "slowest_ms": round(max(times), 1),
                "db_ms": round(statistics.median(db), 1),
                "cpu_ms": round(statistics.median(cpu), 1),
                "queries": queries,
            }
        )
        row = out[-1]
        print(f"{row['median_ms']:8.1f} {row['db_ms']:8.1f} {row['cpu_ms']:8.1f} {queries:4d}  {url}", flush=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--limit", type=int, default=400, help="URLs visited by the crawl at most")
    parser.add_argument("--out", default=str(WORK / "staff_pages.json"))
    parser.add_argument("--only", nargs="*", help="these URLs instead of the crawl")
    parser.add_argument(
        "--user", default="bench_office", help="signed in as (bench_commune: a commune's staff, one commune in scope)"
    )
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    results = measure(args.runs, args.limit, args.only, args.user)
    over = [r for r in results if r["median_ms"] > 300]
    print(f"{len(results)} staff pages, {len(over)} with a median over 300 ms")
    Path(args.out).write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
