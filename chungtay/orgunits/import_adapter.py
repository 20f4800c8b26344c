"""The units list in the one import pipeline (core.imports): upload → dry run → confirm, no mapping
step (the header names the columns). A thin wrapper over orgunits.imports' planner and commit."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungtay.core.access import has_perm
from chungtay.core.imports import ImportAdapter, Plan, Target, grouped, read_file
from chungtay.core.models import ImportBatch

from .forms import ImportForm
from .imports import commit_unit_import, plan_unit_import
from .selectors import top_units_for


class UnitImport(ImportAdapter):
    kind = "orgunits"
    label = gettext_lazy("Danh sách đơn vị")
    title = gettext_lazy("Nhập danh sách đơn vị")
    permission = "units.manage"
    upload_form = ImportForm
    urls = {"upload": "orgunits:import", "check": "orgunits:import_preview", "confirm": "orgunits:import_confirm"}
    intro_template = "orgunits/import/_intro.html"
    summary_template = "orgunits/import/_summary.html"
    rows_template = "orgunits/import/_rows.html"

    def target(self, user: Any, **kwargs: Any) -> Target:
        # Each row is checked against the person's rule where it goes (plan_unit_import); the batch is
        # kept under the first unit they manage.
        return Target(unit=next((u for u in top_units_for(user) if has_perm(user, self.permission, u)), None))

    def check(self, *, batch: ImportBatch, actor: Any, target: Target) -> Plan:
        plan = plan_unit_import(data=read_file(batch), filename=batch.file_name, user=actor)
        batch.mapping = dict(plan.mapping)
        return plan

    def commit(self, *, batch: ImportBatch, actor: Any, target: Target) -> tuple[Plan, str]:
        plan = commit_unit_import(actor=actor, batch=batch)
        if not plan.ok:
            return plan, ""
        c = plan.counts()
        done = _("Đã nhập %(created)s đơn vị mới; %(unchanged)s đơn vị đã có, giữ nguyên.") % {
            "created": c["create"], "unchanged": c["unchanged"],
        }  # fmt: skip
        return plan, done

    def batch_counts(self, batch: ImportBatch) -> str:
        if not batch.counts:
            return ""
        return _("mới %(create)s, đã có %(unchanged)s, lỗi %(errors)s") % grouped(
            batch.counts, "create", "unchanged", "errors"
        )
