"""Bank statements in the one import pipeline (core.imports): upload → dry run → confirm and reconcile.

A thin wrapper over funds.statements' `plan_statement` and `commit_statement`, which the command
`import_statement` calls too: the page and the command read, check and write alike. A PDF of more than
`statement_stream.STREAM_PDF_PAGES` pages takes, here as in the command, the streaming path
(`statement_stream.big_pdf`: read a page at a time from the stored file, the lines staged in the
database, never all in memory); the upload keeps such a file without reading it into memory either
(`streams`). The target is the fund the URL names."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungtay.core.access import get_visible_or_404
from chungtay.core.imports import ImportAdapter, Plan, Target, grouped, read_file
from chungtay.core.models import ImportBatch, ImportStatus

from . import statement_stream, statements
from .forms import StatementUploadForm
from .models import Fund, MatchStatus
from .statement_layouts import LABELS, OutOfDayOrder
from .statements import ParsedLine


@dataclass
class StreamedPlan:
    """A big PDF's dry run (`statement_stream.StreamedStatement`) as the check page and the batch read a plan:
    the header block, the counts, the errors (the first `MAX_REPORTED_ERRORS`, all of them counted) and the
    first lines."""

    streamed: statement_stream.StreamedStatement
    errors: list[dict[str, Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.errors = self.streamed.errors

    @property
    def ok(self) -> bool:
        return self.streamed.ok

    def counts(self) -> dict[str, int]:
        return self.streamed.counts

    def summary(self) -> statements.PlanSummary:
        return self.streamed.summary()

    @property
    def mapping(self) -> dict[str, Any]:
        return {"layout": self.streamed.layout, **self.streamed.mapping}

    @property
    def lines(self) -> list[ParsedLine]:
        known = self.streamed.preview_known
        return [
            ParsedLine(x.row, dt.datetime.fromisoformat(x.txn_at), x.bank_ref, x.debit, x.credit, x.balance, x.memo,
                       duplicate=x.bank_ref in known)
            for x in self.streamed.preview
        ]  # fmt: skip

    def __getattr__(self, name: str) -> Any:  # bank, account_number, period_from, opening_balance…
        return getattr(self.streamed, name)


class StatementImport(ImportAdapter):
    kind = "bank_statement"
    label = gettext_lazy("Sao kê ngân hàng")
    title = gettext_lazy("Nhập sao kê")
    permission = "funds.record"
    upload_form = StatementUploadForm
    urls = {
        "upload": "funds:statement_import", "check": "funds:statement_preview",
        "confirm": "funds:statement_confirm",
    }  # fmt: skip
    intro_template = "funds/statement/_intro.html"
    summary_template = "funds/statement/_summary.html"
    rows_template = "funds/statement/_rows.html"
    confirm_label = gettext_lazy("Xác nhận nhập và đối soát")
    errors_testid = "statement-errors"
    confirm_testid = "confirm-statement"

    def target(self, user: Any, **kwargs: Any) -> Target:
        fund = get_visible_or_404(user, Fund.objects.select_related("unit"), self.permission, "unit__path",
                                  pk=kwargs["pk"])  # fmt: skip
        return Target(unit=fund.unit, obj=fund, url_kwargs={"pk": fund.pk})

    def streams(self, filename: str) -> bool:
        return filename.lower().endswith(".pdf")

    def _big(self, batch: ImportBatch) -> statement_stream.PdfStatement | None:
        """The stored file's streaming reader when the command would stream it (a PDF of many pages)."""
        if (batch.mapping or {}).get("manual"):
            return None
        return statement_stream.big_pdf(batch.file.path)

    def check(self, *, batch: ImportBatch, actor: Any, target: Target) -> Plan:
        source = self._big(batch)
        if source is not None:
            try:
                streamed = statement_stream.plan_statement_csv(source, fund=target.obj, size=source.size)
            except OutOfDayOrder:
                pass  # days not listed together: read whole, as the command does
            else:
                streamed_plan = StreamedPlan(streamed)
                batch.mapping = streamed_plan.mapping
                return streamed_plan
        # As the confirm re-reads it (statements.commit_statement): a recognised layout is recognised again.
        manual = batch.mapping if (batch.mapping or {}).get("manual") else None
        plan = statements.plan_statement(
            data=read_file(batch), filename=batch.file_name, fund=target.obj,
            mapping={k: v for k, v in manual.items() if k in LABELS} if manual else None,
            header_row=(manual or {}).get("header_row"),
        )  # fmt: skip
        if not manual:
            batch.mapping = plan.mapping
        return plan

    def commit(self, *, batch: ImportBatch, actor: Any, target: Target) -> tuple[Plan, str]:
        streamed = self._commit_streamed(batch=batch, actor=actor, fund=target.obj)
        plan: Plan
        if streamed is None:
            plan, statement = statements.commit_statement(actor=actor, batch=batch, fund=target.obj)
        else:
            plan, statement = StreamedPlan(streamed), streamed.statement
        if statement is None:
            return plan, ""
        matched = statement.lines.filter(status=MatchStatus.MATCHED).count()
        waiting = statement.lines.filter(status=MatchStatus.UNMATCHED).count()
        done = _(
            "Đã nhập %(added)s giao dịch (bỏ qua %(skipped)s đã có); tự khớp %(matched)s, chờ đối soát %(waiting)s."
        ) % {"added": statement.lines_added, "skipped": statement.lines_skipped, "matched": matched,
             "waiting": waiting}  # fmt: skip
        return plan, done

    def _commit_streamed(
        self, *, batch: ImportBatch, actor: Any, fund: Fund
    ) -> statement_stream.StreamedStatement | None:
        """A big PDF's confirm, page by page; None when the page's path must read it whole."""
        source = self._big(batch)
        if source is None:
            return None
        try:
            streamed = statement_stream.commit_statement_csv(source, fund=fund, actor=actor, batch=batch,
                                                             file_name=batch.file_name, size=source.size)  # fmt: skip
        except OutOfDayOrder:
            return None
        if not streamed.ok:  # nothing written; the batch fails as commit_statement leaves it
            batch.move_to(ImportStatus.FAILED)
            batch.errors, batch.counts = streamed.errors, streamed.counts
            batch.save(update_fields=["status", "errors", "counts"])
        return streamed

    def done_url(self, target: Target) -> str:
        return reverse("funds:reconcile")

    def batch_counts(self, batch: ImportBatch) -> str:
        if not batch.counts:
            return ""
        return _("%(rows)s giao dịch, mới %(new)s, bỏ qua %(skipped)s, lỗi %(errors)s") % grouped(
            batch.counts, "rows", "new", "skipped", "errors"
        )
