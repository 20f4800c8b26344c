"""One scale, in its own process: (re)create the database, generate, measure, save JSON."""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import django
import psycopg

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "var" / "bench"


def recreate_database(host: str, name: str) -> None:
    with psycopg.connect(f"{host}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def machine() -> dict[str, str]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
        cursor.execute("SHOW shared_buffers")
        buffers = cursor.fetchone()[0]
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines() if line.startswith("MemTotal"))
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "ram_gb": f"{int(mem.split()[1]) / 1024 / 1024:.1f}",
        "postgresql": f"{pg} (shared_buffers {buffers})",
        "python": platform.python_version(),
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scale")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--http-seconds", type=int)
    parser.add_argument("--only", default="")
    parser.add_argument("--db-host", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--database",
        default="",
        help="default chungtay_bench_<scale>; your own on a shared machine",
    )
    args = parser.parse_args()

    from bench.scales import SCALES

    scale = SCALES[args.scale]
    db = args.database or f"chungtay_bench_{scale.name}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "bench.settings"
    os.environ["DATABASE_URL"] = f"{args.db_host}/{db}"
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    os.environ.setdefault("CHUNGTAY_REQUIRE_2FA", "0")
    started = time.perf_counter()
    result: dict = {"scale": scale.name, "database": db}
    if not args.keep:
        print(f"  recreating {db}", flush=True)
        recreate_database(args.db_host, db)
    # With --keep too: other apps' new migrations must reach the kept database.
    subprocess.check_call([sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=dict(os.environ))
    django.setup()
    from bench import measures
    from bench.generate import Generator

    if not args.keep:
        result["generation"] = Generator(scale, log=lambda m: print(m, flush=True)).run()
    else:
        previous = OUT / f"{scale.name}.json"
        if previous.exists():
            result["generation"] = json.loads(previous.read_text()).get("generation", {})
    result["machine"] = machine()
    result["counts"] = measures.counts()
    print(f"  rows: {result['counts']}", flush=True)
    only = {x for x in args.only.split(",") if x}
    result["measures"] = measures.run_all(scale, only=only, http_seconds=args.http_seconds)
    result["seconds"] = round(time.perf_counter() - started)
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{scale.name}.json"
    if only and path.exists():  # a partial run updates only the measures it ran
        old = json.loads(path.read_text())
        keep = [m for m in old.get("measures", []) if m["group"] not in {m2["group"] for m2 in result["measures"]}]
        result["measures"] = keep + result["measures"]
        result.setdefault("generation", old.get("generation", {}))
    path.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
