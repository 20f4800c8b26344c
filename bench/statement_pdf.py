"""Reading a bank's printed statement (PDF) beside `pdftotext` reading the same file, in the same run.

Issue 19's target: a 12,000-page PDF statement read in at most 3× the time `pdftotext` (poppler, C++)
needs for the same file, memory flat. The file is made once: forty distinct pages printed by WeasyPrint
in Vietcombank's layout, then repeated (PDFium copies pages) up to the size asked. Our reader is the
streaming path's (`statement_stream.PdfStatement.rows`: pages read one at a time, each line handed on
as the layout reader recognises it, what `import_statement` stages for a big PDF), measured twice: in
one process, and with the table's pages read by two worker processes (pdftotext uses one core; the
machine has two). Each reader runs in its own process, so its peak memory (VmHWM) is its own; the
workers' peak is the largest of theirs (ru_maxrss of the children). The figure is the median of the runs.

    python -m bench.statement_pdf --pages 1000 12000 --runs 1
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
TARGET_RATIO = 3.0

# The reader's peak is read from /proc (VmHWM: this process's own, not a value inherited from the
# parent as ru_maxrss can be), with its resident size after Django is set up, before the file is read.
READER = """
import json, sys, time, os
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1]) / 1024
import resource
import django
django.setup()
from chungtay.funds.statement_stream import PdfStatement, StreamedStatement
import pypdfium2
ready = status("VmRSS")
started = time.perf_counter()
cpu = time.process_time()
summary = StreamedStatement()
lines = sum(1 for _ in PdfStatement(sys.argv[1], workers=int(sys.argv[2])).rows(summary))
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "cpu": time.process_time() - cpu, "lines": lines,
                  "errors": summary.error_count, "rss_mb": status("VmHWM"), "ready_mb": ready,
                  "workers_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def make_pdf(pages: int) -> Path:
    """A statement of `pages` pages (fictional account), made once and kept under var/bench."""
    path = WORK / f"statement-{pages}.pdf"
    if path.exists():
        return path
    import django

    django.setup()
    import pypdfium2 as pdfium

    from chungtay.funds.tests.test_statement_layouts import month
    from chungtay.funds.tests.test_statement_pdf import printed

    # The pages as the bank prints them, the middle ones repeated: the header block on the first page,
    # the totals and closing balance on the last.
    seed = pdfium.PdfDocument(printed("vietcombank", month(range(1, 31)) * 4, period=(1, 30)))
    last = len(seed) - 1
    body = list(range(1, last)) or [0]
    out = pdfium.PdfDocument.new()
    out.import_pages(seed, list(range(last)))
    while len(out) < pages - 1:
        out.import_pages(seed, body[: pages - 1 - len(out)])
    out.import_pages(seed, [last])
    WORK.mkdir(parents=True, exist_ok=True)
    out.save(path)
    return path


def _pdftotext(path: Path) -> dict:
    started = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M %U %S", "pdftotext", "-layout", str(path), "/dev/null"],
        capture_output=True,
        text=True,
        check=True,
    )
    peak, user, system = done.stderr.strip().splitlines()[-1].split()
    return {"seconds": time.perf_counter() - started, "rss_mb": int(peak) / 1024, "cpu": float(user) + float(system)}


def _ours(path: Path, workers: int) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", READER, str(path), str(workers)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _load() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def measure(pages: int, runs: int = 3, workers: tuple[int, ...] = (0, 2)) -> list[dict]:
    from .measures import row

    path = make_pdf(pages)
    rows = []
    for n in workers:
        load_before = _load()
        base = [_pdftotext(path) for _ in range(runs)]
        ours = [_ours(path, n) for _ in range(runs)]
        base_s = statistics.median(r["seconds"] for r in base)
        ours_s = statistics.median(r["seconds"] for r in ours)
        spread = f"{min(r['seconds'] for r in ours):.1f}–{max(r['seconds'] for r in ours):.1f} s"
        how = "one process" if n < 2 else f"{n} worker processes"
        cpu = statistics.median(r["cpu"] for r in ours)
        base_cpu = statistics.median(r["cpu"] for r in base)
        rows += [
            row(
                "statement-pdf",
                f"read a {pages:,}-page PDF statement, {how} (pdftotext baseline)",
                f"≤ {TARGET_RATIO:g}× pdftotext",
                round(ours_s, 2),
                round(base_s, 2),
                "s",
                ours_s <= TARGET_RATIO * base_s,
                f"median of {runs}, ours {spread}; {ours[0]['lines']:,} lines, {ours[0]['errors']} errors; "
                f"CPU of the reading process {cpu:.1f} s, pdftotext's {base_cpu:.1f} s; load {load_before} → {_load()}",
            ),
            row(
                "statement-pdf",
                f"  peak memory reading {pages:,} pages, {how} (pdftotext baseline)",
                "flat",
                round(max(r["rss_mb"] for r in ours)),
                round(max(r["rss_mb"] for r in base)),
                "MB",
                None,
                f"{ours[0]['ready_mb']:.0f} MB after Django and the PDF library are loaded"
                + (f"; each worker's peak {max(r['workers_mb'] for r in ours):.0f} MB" if n >= 2 else "")
                + f"; the file {path.stat().st_size / 2**20:.1f} MB; pdftotext by /usr/bin/time",
            ),
        ]
        print(json.dumps(rows[-2:], ensure_ascii=False), flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[1_200, 12_000])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [r for pages in args.pages for r in measure(pages, args.runs)]
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "statement-pdf.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
