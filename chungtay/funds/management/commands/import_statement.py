"""Import a bank statement file from the command line: the page's dry run and confirm, for big files.

    manage.py import_statement sao-ke.xlsx --fund QUY-VNN [--dry-run] [--json] [--user office]

The same code path as the page (`statements.stage_statement`, then `statements.commit_statement`),
so the counts agree. A CSV file of more than `statement_stream.STREAM_BYTES` (about 100,000 lines)
takes the streaming path instead (`statement_stream`: the page's checks and reconciliation, run by
run, without holding the lines), which leaves what the page's path leaves; so does a PDF of more
than `statement_stream.STREAM_PDF_PAGES` pages, read a page at a time. `--json` prints one
line: rows, credits, credit_total, debits, debit_total, skipped and errors (a list of {row, field,
message}). Progress goes to stderr.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from chungtay.funds import statement_stream, statements
from chungtay.funds.models import Fund
from chungtay.funds.statement_layouts import OutOfDayOrder
from chungtay.funds.statements import PlanSummary


class Command(BaseCommand):
    help = "Nhập một tệp sao kê ngân hàng (Excel, CSV, PDF) vào một quỹ; --dry-run chỉ kiểm tra."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--fund", required=True, help="Mã quỹ")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ kiểm tra, không ghi gì")
        parser.add_argument("--json", action="store_true", help="In kết quả thành một dòng JSON")
        parser.add_argument("--user", help="Tên đăng nhập của người nhập (ghi vào nhật ký)")

    def handle(self, *args, **options):
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"Không có tệp {path}.")
        fund = Fund.objects.filter(code=options["fund"]).select_related("unit").first()
        if fund is None:
            raise CommandError(f"Không có quỹ mã {options['fund']}.")
        actor = None
        if options["user"]:
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(f"Không có người dùng {options['user']}.")
        size = path.stat().st_size
        if path.suffix.lower() == ".csv" and size > statement_stream.STREAM_BYTES:
            self._stream(path, size, fund, actor, options)
            return
        if path.suffix.lower() == ".pdf" and self._stream_pdf(path, fund, actor, options):
            return
        plan, batch = statements.stage_statement(
            data=path.read_bytes(), filename=path.name, fund=fund, actor=actor, progress=self._progress
        )
        if plan.ok and not options["dry_run"]:
            plan, _statement = statements.commit_statement(actor=actor, batch=batch, fund=fund)
        self._report(plan.summary(), plan.ok, options)

    def _stream(self, path: Path, size: int, fund: Fund, actor, options) -> None:
        with path.open("rb") as handle:
            if options["dry_run"]:
                result = statement_stream.plan_statement_csv(handle, fund=fund, progress=self._progress, size=size)
            else:
                result = statement_stream.commit_statement_csv(
                    handle, fund=fund, actor=actor, file_name=path.name, progress=self._progress, size=size
                )
        self._report(result.summary(), result.ok, options)

    def _stream_pdf(self, path: Path, fund: Fund, actor, options) -> bool:
        """A big PDF, page by page; False when the page's path must read it (small, unreadable, or a
        statement without references whose days are not listed together)."""
        source = statement_stream.big_pdf(path)
        if source is None:
            return False  # short, or unreadable: the page's path reads it (and says why, in the person's words)
        try:
            if options["dry_run"]:
                result = statement_stream.plan_statement_csv(source, fund=fund, progress=self._bar,
                                                             size=source.size)  # fmt: skip
            else:
                result = statement_stream.commit_statement_csv(source, fund=fund, actor=actor, file_name=path.name,
                                                               progress=self._bar, size=source.size)  # fmt: skip
        except OutOfDayOrder:
            self.stderr.write("Các ngày trong sao kê không liền nhau: đọc cả tệp một lần.")
            return False
        self._report(result.summary(), result.ok, options)
        return True

    def _report(self, summary: PlanSummary, ok: bool, options) -> None:
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False, default=str))
        else:
            self.stdout.write(
                f"{summary['rows']} giao dịch: {summary['credits']} ghi có ({summary['credit_total']:,} đ), "
                f"{summary['debits']} ghi nợ ({summary['debit_total']:,} đ), {summary['skipped']} đã có."
            )
            for error in summary["errors"]:
                self.stdout.write(f"  dòng {error['row'] or '—'} {error['field']}: {error['message']}")
            if ok:
                self.stdout.write("Chỉ kiểm tra, chưa ghi gì." if options["dry_run"] else "Đã nhập.")
        if not ok:
            sys.exit(1)

    def _progress(self, done: int, total: int) -> None:
        """A bar on stderr: `done` of `total` lines (the page's path) or bytes (the streaming path)."""
        if total < 2_000:
            return  # a bar for small files is noise
        self._bar(done, total)

    def _bar(self, done: int, total: int) -> None:
        """`done` of `total` (pages of a big PDF: every one counts)."""
        width = 30
        filled = width * done // total
        self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}", ending="")
        if done == total:
            self.stderr.write("")
