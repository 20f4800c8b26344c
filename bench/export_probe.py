"""One export in a fresh process, for its own peak memory:

    python -m bench.export_probe list PREFIX OUT.xlsx          # reports.exports.write_household_list
    python -m bench.export_probe official PREFIX OUT.xlsx N    # housing.exports.export_households, first N

PREFIX is a unit path prefix ("0001" = the whole country); N = 0 means every household under it.
Prints one JSON line: rows, seconds, bytes, max_rss_mb (the process's peak RSS), setup_rss_mb (RSS
after Django is set up, before the export), ru_maxrss_mb.

The peak is VmHWM from /proc/self/status, not getrusage's ru_maxrss: Linux carries ru_maxrss over
an exec from the parent (a child of a 1.4 GB bench process reports 1.4 GB before it has done
anything), while VmHWM belongs to the new process's own memory. ru_maxrss is printed for
comparison and used only where /proc is missing. Settings and database come from the environment
(DJANGO_SETTINGS_MODULE, DATABASE_URL), as the bench child sets them.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path


def rss_mb(field: str) -> float | None:
    """VmHWM (peak) or VmRSS (now) of this process, in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def run(kind: str, prefix: str, out: Path, limit: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.contrib.auth import get_user_model

    from chungtay.housing.exports import export_households
    from chungtay.housing.models import Household
    from chungtay.orgunits.models import OrgUnit
    from chungtay.reports.exports import write_household_list

    if kind == "list":
        unit = OrgUnit(path=prefix, name="bench", kind="tinh", level=1)
        setup = rss_mb("VmRSS")
        t = time.perf_counter()
        n = write_household_list(unit, out, progress=lambda p: None)
    elif kind == "official":
        root = OrgUnit.objects.get(depth=1)
        admin = get_user_model().objects.get(username="bench_admin")
        qs = Household.objects.filter(area__path__startswith=prefix)
        if limit:
            first = qs.order_by("area__path", "head_name_folded", "pk").values("pk")[:limit]
            qs = Household.objects.filter(pk__in=first)
        setup = rss_mb("VmRSS")
        t = time.perf_counter()
        n = export_households(qs, out, unit=root, user=admin)
    else:
        raise SystemExit(f"unknown export {kind!r} (list, official)")
    seconds = time.perf_counter() - t
    ru_maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    peak = rss_mb("VmHWM")
    return {
        "kind": kind,
        "rows": n,
        "seconds": seconds,
        "bytes": out.stat().st_size,
        "max_rss_mb": ru_maxrss if peak is None else peak,
        "setup_rss_mb": setup,
        "ru_maxrss_mb": ru_maxrss,
    }


def main(argv: list[str]) -> int:
    if len(argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    kind, prefix, out = argv[0], argv[1], Path(argv[2])
    limit = int(argv[3]) if len(argv) == 4 else 0
    print(json.dumps(run(kind, prefix, out, limit)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
