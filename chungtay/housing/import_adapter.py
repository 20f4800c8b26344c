"""The approved household list in the one import pipeline (core.imports): upload → column mapping →
dry run → confirm. A thin wrapper over housing.imports' reader, planner and commit."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungtay.core.access import has_perm
from chungtay.core.imports import ImportAdapter, MappingStep, Plan, Target, grouped, read_file
from chungtay.core.models import ImportBatch, ImportMapping
from chungtay.core.tabular import TabularError, column_letter
from chungtay.orgunits.selectors import top_units_for

from .forms import ImportMappingForm, ImportUploadForm
from .imports import (
    KIND,
    ImportSettings,
    commit_household_import,
    detect_decision,
    load_table,
    plan_household_import,
    suggest,
)

PREVIEW_ROWS = 12


class HouseholdImport(ImportAdapter):
    kind = KIND
    label = gettext_lazy("Danh sách hộ")
    title = gettext_lazy("Nhập danh sách hộ được hỗ trợ")
    permission = "housing.edit"
    upload_form = ImportUploadForm
    has_mapping = True
    urls = {
        "upload": "housing:import", "mapping": "housing:import_mapping", "check": "housing:import_preview",
        "confirm": "housing:import_confirm",
    }  # fmt: skip
    nav_template = "housing/_nav.html"
    intro_template = "housing/import/_intro.html"
    summary_template = "housing/import/_summary.html"
    rows_template = "housing/import/_rows.html"
    upload_button = gettext_lazy("Tải lên và chọn cột")
    row_noun = gettext_lazy("hộ")
    mapping_note = gettext_lazy(
        "Các dòng “hộ” là dữ liệu; dòng tên xã/phường cho biết hộ thuộc đơn vị nào; dòng “Cộng”, “TỔNG CỘNG” "
        "dùng để đối chiếu. Nếu dòng tiêu đề nhận sai, sửa số dòng tiêu đề rồi bấm kiểm tra."
    )

    def target(self, user: Any, **kwargs: Any) -> Target:
        # The list is read against the person's whole scope; the batch is kept under their top unit.
        return Target(unit=next((u for u in top_units_for(user) if has_perm(user, self.permission, u)), None))

    def read(self, *, data: bytes, filename: str) -> None:
        load_table(data, filename)

    def mapping_step(self, *, batch: ImportBatch, data: bytes, post: Any, params: Any) -> MappingStep:
        saved_settings = ImportSettings.from_json(batch.mapping) if batch.mapping else None
        header_row = (post or {}).get("header_row") or params.get("dong")
        header_depth = (post or {}).get("header_depth") or params.get("so_dong")
        row = int(header_row) if header_row and header_row.isdigit() else None
        depth = int(header_depth) if header_depth and header_depth.isdigit() else None
        if saved_settings and row is None:
            row, depth = saved_settings.header_row, saved_settings.header_depth
        warning = ""
        try:
            table = load_table(data, batch.file_name, header_row=row, header_depth=depth)
        except TabularError as exc:
            warning = exc.message
            table = load_table(data, batch.file_name)
        columns = [(c.index, c.label) for c in table.columns]
        saved = list(ImportMapping.objects.filter(kind=KIND, unit=batch.unit).order_by("name")) if batch.unit else []
        use = params.get("mau")
        chosen = next((m for m in saved if m.pk == int(use)), None) if use and use.isdigit() else None
        if saved_settings:
            suggested = saved_settings.columns
        elif chosen:
            suggested = {k: (int(v) if v is not None else None) for k, v in chosen.columns.items()}
        else:
            suggested = suggest(table)
        number, day = detect_decision(table)
        initial = {
            "header_row": table.header_rows[0], "header_depth": len(table.header_rows),
            "decision_number": (saved_settings.decision_number if saved_settings else "") or number or "8584/QĐ-UBND",
            "decision_date": (saved_settings.decision_date if saved_settings else None) or day,
            **{f"col_{k}": "" if v is None else str(v) for k, v in suggested.items()},
        }  # fmt: skip
        form = ImportMappingForm(post, columns=columns, initial=initial)
        context = {
            "table": table, "saved": saved, "warning": warning,
            "preview": [r for r in table.rows if r.kind != "blank"][:PREVIEW_ROWS],
            "letters": [column_letter(c.index) for c in table.columns],
        }  # fmt: skip
        return MappingStep(form=form, context=context)

    def mapping_from(self, form: Any) -> dict[str, Any]:
        data = form.cleaned_data
        return ImportSettings(
            columns=form.columns(), decision_number=data["decision_number"], decision_date=data["decision_date"],
            header_row=data["header_row"], header_depth=data["header_depth"],
        ).as_json()  # fmt: skip

    def check(self, *, batch: ImportBatch, actor: Any, target: Target) -> Plan:
        settings = ImportSettings.from_json(batch.mapping)
        return plan_household_import(data=read_file(batch), filename=batch.file_name, user=actor, settings=settings)

    def commit(self, *, batch: ImportBatch, actor: Any, target: Target) -> tuple[Plan, str]:
        plan = commit_household_import(actor=actor, batch=batch)
        if not plan.ok:
            return plan, ""
        c = plan.counts()
        done = _("Đã nhập danh sách: %(created)s hộ mới, %(updated)s hộ cập nhật, %(unchanged)s hộ giữ nguyên.") % {
            "created": c["create"], "updated": c["update"], "unchanged": c["unchanged"],
        }  # fmt: skip
        return plan, done

    def done_url(self, target: Target) -> str:
        return reverse("housing:index")

    def batch_counts(self, batch: ImportBatch) -> str:
        if not batch.counts:
            return ""
        return _("mới %(create)s, cập nhật %(update)s, giữ nguyên %(unchanged)s, lỗi %(errors)s") % grouped(
            batch.counts, "create", "update", "unchanged", "errors"
        )
