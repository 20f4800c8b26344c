"""Bank statements in the one import pipeline (core.imports): upload → dry run → confirm and reconcile.

A thin wrapper over funds.statements' `plan_statement` and `commit_statement`, which the command
`import_statement` calls too (its big CSV files take funds.statement_stream): the page and the command
read, check and write alike. The target is the fund the URL names."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungtay.core.access import get_visible_or_404
from chungtay.core.imports import ImportAdapter, Plan, Target, grouped, read_file
from chungtay.core.models import ImportBatch

from . import statements
from .forms import StatementUploadForm
from .models import Fund, MatchStatus
from .statement_layouts import LABELS


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

    def check(self, *, batch: ImportBatch, actor: Any, target: Target) -> Plan:
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
        plan, statement = statements.commit_statement(actor=actor, batch=batch, fund=target.obj)
        if statement is None:
            return plan, ""
        matched = statement.lines.filter(status=MatchStatus.MATCHED).count()
        waiting = statement.lines.filter(status=MatchStatus.UNMATCHED).count()
        done = _(
            "Đã nhập %(added)s giao dịch (bỏ qua %(skipped)s đã có); tự khớp %(matched)s, chờ đối soát %(waiting)s."
        ) % {"added": statement.lines_added, "skipped": statement.lines_skipped, "matched": matched,
             "waiting": waiting}  # fmt: skip
        return plan, done

    def done_url(self, target: Target) -> str:
        return reverse("funds:reconcile")

    def batch_counts(self, batch: ImportBatch) -> str:
        if not batch.counts:
            return ""
        return _("%(rows)s giao dịch, mới %(new)s, bỏ qua %(skipped)s, lỗi %(errors)s") % grouped(
            batch.counts, "rows", "new", "skipped", "errors"
        )
