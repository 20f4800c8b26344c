"""The soak of issue 22: 50 users for many minutes on bench.load's server, memory and errors as it goes.

The same gunicorn (4 sync workers, pages warmed, Redis as the shared cache) and locust users as
bench.load, run for `--minutes`. Every `--every` seconds (10) it samples the resident memory (VmRSS)
of the gunicorn master and of each worker, the CPU of these and of their PostgreSQL backends, and
the load average; locust writes every request (bench/locustfile.py, BENCH_REQUESTS), from which each
minute's requests, errors, p50 and p95 are counted. A worker that gunicorn replaced (its pid
changed) is counted as a restart. It prints a Markdown table for bench/RESULTS.md and keeps the
samples as JSON:

    DATABASE_URL=postgres://…/chungtay_bench_national python -m bench.soak national --minutes 10
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"


def _percentile(values: list[float], share: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def soak(minutes: float, every: float, cache: str) -> dict:
    from bench.load import WORK as LOAD_WORK
    from bench.load import process_cpu_seconds, rss_mb, serving

    seconds = int(minutes * 60)
    requests_file = WORK / "soak-requests.tsv"
    requests_file.unlink(missing_ok=True)
    samples: list[dict] = []
    with serving(cache=cache) as server:
        command, env = server.locust(seconds, LOAD_WORK / "locust-soak", requests_file=requests_file)
        started = time.time()
        locust = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(WORK / "locust-soak.log", "w"),  # noqa: SIM115
        )
        try:
            next_sample = started
            while locust.poll() is None:
                if time.time() >= next_sample:
                    pids = server.pids()
                    samples.append(
                        {
                            "t": round(time.time() - started, 1),
                            "load": _load_average(),
                            "cpu_s": round(server.cpu_seconds(), 2),
                            "db_cpu_s": round(server.database_cpu_seconds(), 2),
                            "locust_cpu_s": round(process_cpu_seconds(locust.pid), 2),
                            "pids": pids,
                            "rss_mb": {name: round(rss_mb(pid), 1) for name, pid in pids.items()},
                        }
                    )
                    next_sample += every
                time.sleep(0.5)
        finally:
            if locust.poll() is None:
                locust.terminate()
                locust.wait(30)
    gunicorn_errors = sum(
        1 for line in (LOAD_WORK / "gunicorn.log").read_text(errors="replace").splitlines() if "[ERROR]" in line
    )
    return {
        "started": started,
        "seconds": seconds,
        "cache": cache,
        "samples": samples,
        "minutes": _per_minute(requests_file, started, seconds),
        "gunicorn_errors": gunicorn_errors,
    }


def _per_minute(requests_file: Path, started: float, seconds: int) -> list[dict]:
    by_minute: dict[int, list[tuple[float, int]]] = {}
    if requests_file.exists():
        for line in requests_file.read_text().splitlines():
            at, ms, failed, _name = line.split("\t", 3)
            minute = int((float(at) - started) // 60)
            by_minute.setdefault(minute, []).append((float(ms), int(failed)))
    out = []
    for minute in range(math.ceil(seconds / 60)):
        rows = by_minute.get(minute, [])
        times = [ms for ms, _ in rows]
        out.append(
            {
                "minute": minute + 1,
                "requests": len(rows),
                "errors": sum(failed for _, failed in rows),
                "p50_ms": _percentile(times, 0.50),
                "p95_ms": _percentile(times, 0.95),
            }
        )
    return out


def _restarts(samples: list[dict]) -> int:
    seen: set[int] = set()
    for sample in samples:
        seen.update(pid for name, pid in sample["pids"].items() if name != "master")
    return max(0, len(seen) - 4)


def table(result: dict) -> str:
    """Per minute: requests, errors, p50, p95, the load, the CPU per request (gunicorn, PostgreSQL) and
    the memory (MB) of the master and of the workers (smallest–largest, sum) at the minute's last sample."""
    lines = [
        "| Minute | Requests | Errors | p50 ms | p95 ms | Load | gunicorn CPU ms a request "
        "| PostgreSQL CPU ms a request | Master MB | Workers MB (min–max) | Workers MB, sum |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    samples = result["samples"]
    cpu_before = samples[0]["cpu_s"] if samples else 0.0
    db_before = samples[0]["db_cpu_s"] if samples else 0.0
    for minute in result["minutes"]:
        inside = [s for s in samples if s["t"] < minute["minute"] * 60] or samples[:1]
        last = inside[-1]
        workers = [mb for name, mb in last["rss_mb"].items() if name != "master"] or [0.0]
        cpu_ms = 1000 * (last["cpu_s"] - cpu_before) / max(minute["requests"], 1)
        db_ms = 1000 * (last["db_cpu_s"] - db_before) / max(minute["requests"], 1)
        cpu_before, db_before = last["cpu_s"], last["db_cpu_s"]
        lines.append(
            f"| {minute['minute']} | {minute['requests']:,} | {minute['errors']} | {minute['p50_ms']:.0f} | "
            f"{minute['p95_ms']:.0f} | {last['load']:.1f} | {cpu_ms:.1f} | {db_ms:.1f} | "
            f"{last['rss_mb']['master']:.0f} | {min(workers):.0f}–{max(workers):.0f} | {sum(workers):.0f} |"
        )
    first, last = samples[0], samples[-1]
    growth = {
        name: last["rss_mb"].get(name, 0.0) - mb for name, mb in first["rss_mb"].items() if name in last["rss_mb"]
    }
    total = sum(m["requests"] for m in result["minutes"])
    errors = sum(m["errors"] for m in result["minutes"])
    lines.append("")
    lines.append(
        f"{total:,} requests, {errors} errors, {result['gunicorn_errors']} error lines in gunicorn's log, "
        f"{_restarts(samples)} worker restarts; locust's own CPU "
        f"{1000 * last.get('locust_cpu_s', 0.0) / max(total, 1):.1f} ms a request; "
        f"memory from the first sample ({first['t']:.0f} s) to the last "
        f"({last['t']:.0f} s): "
        + ", ".join(f"{name} {mb:+.1f} MB" for name, mb in growth.items())
        + f"; cache {result['cache']}."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scale", help="only names the output (the database is DATABASE_URL's)")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--every", type=float, default=10, help="seconds between memory samples")
    parser.add_argument("--cache", choices=["redis", "local"], default="redis")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    WORK.mkdir(parents=True, exist_ok=True)
    result = soak(args.minutes, args.every, args.cache)
    out = Path(args.out or WORK / f"soak-{args.scale}.json")
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    text = table(result)
    out.with_suffix(".md").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
