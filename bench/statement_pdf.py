"""Reading a bank's printed statement (PDF) beside `pdftotext` reading the same file, in the same run.

Issue 19's target: a 12,000-page PDF statement read in at most 3× the time `pdftotext` (poppler, C++)
needs for the same file, memory flat. The file is made once: forty distinct pages printed by WeasyPrint
in Vietcombank's layout, then repeated (PDFium copies pages) up to the size asked. Each reader runs in
its own process, so its peak memory (ru_maxrss) is its own; the figure is the median of three runs.

    python -m bench.statement_pdf --pages 12000
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
import django
django.setup()
from chungtay.funds.statement_layouts import read_statement
import pypdfium2
ready = status("VmRSS")
data = open(sys.argv[1], "rb").read()
started = time.perf_counter()
read = read_statement(data, "statement.pdf")
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "lines": len(read.lines), "errors": len(read.errors),
                  "rss_mb": status("VmHWM"), "ready_mb": ready}))
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
        ["/usr/bin/time", "-f", "%M", "pdftotext", "-layout", str(path), "/dev/null"],
        capture_output=True,
        text=True,
        check=True,
    )
    return {"seconds": time.perf_counter() - started, "rss_mb": int(done.stderr.strip().splitlines()[-1]) / 1024}


def _ours(path: Path) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", READER, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure(pages: int, runs: int = 3) -> list[dict]:
    from .measures import row

    path = make_pdf(pages)
    base = [_pdftotext(path) for _ in range(runs)]
    ours = [_ours(path) for _ in range(runs)]
    base_s = statistics.median(r["seconds"] for r in base)
    ours_s = statistics.median(r["seconds"] for r in ours)
    spread = f"{min(r['seconds'] for r in ours):.1f}–{max(r['seconds'] for r in ours):.1f} s"
    rows = [
        row(
            "statement-pdf",
            f"read a {pages:,}-page PDF statement (pdftotext baseline)",
            f"≤ {TARGET_RATIO:g}× pdftotext",
            round(ours_s, 2),
            round(base_s, 2),
            "s",
            ours_s <= TARGET_RATIO * base_s,
            f"median of {runs}, ours {spread}; {ours[0]['lines']:,} lines, {ours[0]['errors']} errors",
        ),
        row(
            "statement-pdf",
            f"  peak memory reading {pages:,} pages (pdftotext baseline)",
            "flat",
            round(max(r["rss_mb"] for r in ours)),
            round(max(r["rss_mb"] for r in base)),
            "MB",
            None,
            f"{ours[0]['ready_mb']:.0f} MB after Django and the PDF library are loaded; the file "
            f"{path.stat().st_size / 2**20:.1f} MB; pdftotext by /usr/bin/time",
        ),
    ]
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
