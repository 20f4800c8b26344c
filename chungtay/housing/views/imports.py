"""Import the approved list: upload → column mapping → dry run → confirm (one transaction)."""

from __future__ import annotations

import hashlib

from django.contrib import messages
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import has_perm
from chungtay.core.audit import as_actor
from chungtay.core.models import ImportBatch, ImportMapping, ImportStatus
from chungtay.core.tabular import TabularError, column_letter
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.selectors import top_units_for

from ..forms import ImportMappingForm, ImportUploadForm
from ..imports import (
    FIELD_LABELS,
    KIND,
    ImportSettings,
    commit_household_import,
    detect_decision,
    load_table,
    plan_household_import,
    suggest,
)

PREVIEW_ROWS = 12


def _batch(request: AuthedRequest, batch_id: int, *statuses: str) -> ImportBatch:
    """Only the person who uploaded a file works on its import."""
    qs = ImportBatch.objects.filter(kind=KIND, created_by=request.user)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return get_object_or_404(qs, pk=batch_id)


def _read(batch: ImportBatch) -> bytes:
    batch.file.open("rb")
    try:
        return batch.file.read()
    finally:
        batch.file.close()


def upload(request: AuthedRequest) -> HttpResponse:
    """Step 1: keep the file and go to the mapping step. Nothing about households is written."""
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        data = file.read()
        try:
            load_table(data, file.name)
        except TabularError as exc:
            form.add_error("file", exc.message)
        else:
            unit = next((u for u in top_units_for(request.user) if has_perm(request.user, "housing.edit", u)), None)
            batch = ImportBatch(
                kind=KIND, file_name=file.name[:255], sha256=hashlib.sha256(data).hexdigest(), size=len(data),
                status=ImportStatus.DRY_RUN, created_by=request.user, unit=unit,
            )  # fmt: skip
            with as_actor(request.user):
                batch.file.save(file.name, ContentFile(data), save=False)
                batch.save()
            return redirect("housing:import_mapping", batch_id=batch.pk)
    batches = ImportBatch.objects.filter(kind=KIND, created_by=request.user).select_related("unit")[:10]
    return render(request, "housing/import.html", {"form": form, "batches": batches})


def mapping(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Step 2: show the detected header; the person confirms or changes each field's column."""
    batch = _batch(request, batch_id, ImportStatus.DRY_RUN, ImportStatus.REJECTED)
    data = _read(batch)
    saved_settings = ImportSettings.from_json(batch.mapping) if batch.mapping else None
    header_row = request.POST.get("header_row") or request.GET.get("dong")
    header_depth = request.POST.get("header_depth") or request.GET.get("so_dong")
    row = int(header_row) if header_row and header_row.isdigit() else None
    depth = int(header_depth) if header_depth and header_depth.isdigit() else None
    if saved_settings and row is None:
        row, depth = saved_settings.header_row, saved_settings.header_depth
    try:
        table = load_table(data, batch.file_name, header_row=row, header_depth=depth)
    except TabularError as exc:
        messages.error(request, exc.message)
        table = load_table(data, batch.file_name)
    columns = [(c.index, c.label) for c in table.columns]
    saved = list(ImportMapping.objects.filter(kind=KIND, unit=batch.unit).order_by("name")) if batch.unit else []
    chosen = None
    use = request.GET.get("mau")
    if use and use.isdigit():
        chosen = next((m for m in saved if m.pk == int(use)), None)
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
    form = ImportMappingForm(request.POST or None, columns=columns, initial=initial)
    if request.method == "POST" and form.is_valid():
        settings = ImportSettings(
            columns=form.columns(), decision_number=form.cleaned_data["decision_number"],
            decision_date=form.cleaned_data["decision_date"], header_row=form.cleaned_data["header_row"],
            header_depth=form.cleaned_data["header_depth"],
        )  # fmt: skip
        batch.mapping = settings.as_json()
        batch.status = ImportStatus.DRY_RUN
        with as_actor(request.user):
            batch.save(update_fields=["mapping", "status"])
            name = form.cleaned_data.get("save_as", "").strip()
            if name and batch.unit:
                ImportMapping.objects.update_or_create(
                    kind=KIND, unit=batch.unit, name=name,
                    defaults={"columns": settings.columns, "header_row": settings.header_row,
                              "header_depth": settings.header_depth, "created_by": request.user},
                )  # fmt: skip
                messages.success(request, _("Đã lưu cách chọn cột “%(name)s”.") % {"name": name})
        return redirect("housing:import_preview", batch_id=batch.pk)
    preview = [r for r in table.rows if r.kind != "blank"][:PREVIEW_ROWS]
    context = {
        "batch": batch, "table": table, "form": form, "preview": preview, "saved": saved,
        "letters": [column_letter(c.index) for c in table.columns],
    }  # fmt: skip
    return render(request, "housing/import_mapping.html", context)


def preview(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Step 3: the dry run. Reads the stored file again with the confirmed mapping; writes nothing."""
    batch = _batch(request, batch_id)
    if not batch.mapping:
        return redirect("housing:import_mapping", batch_id=batch.pk)
    plan = plan_household_import(
        data=_read(batch),
        filename=batch.file_name,
        user=request.user,
        settings=ImportSettings.from_json(batch.mapping),
    )
    if batch.status != ImportStatus.COMMITTED:
        batch.status = ImportStatus.DRY_RUN if plan.ok else ImportStatus.REJECTED
        batch.counts, batch.errors = plan.counts(), plan.errors
        batch.save(update_fields=["status", "counts", "errors"])
    earlier = (
        ImportBatch.objects.filter(kind=KIND, sha256=batch.sha256, status=ImportStatus.COMMITTED)
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )
    context = {"batch": batch, "plan": plan, "labels": FIELD_LABELS, "earlier": earlier}
    return render(request, "housing/import_preview.html", context)


@require_POST
def confirm(request: AuthedRequest, batch_id: int) -> HttpResponse:
    """Step 4: the same file, checked again, written in one transaction."""
    batch = _batch(request, batch_id, ImportStatus.DRY_RUN)
    plan = commit_household_import(actor=request.user, batch=batch)
    if not plan.ok:
        messages.error(request, _("Dữ liệu đã thay đổi kể từ lần kiểm tra; tệp chưa được nhập."))
        return redirect("housing:import_preview", batch_id=batch.pk)
    c = plan.counts()
    messages.success(
        request,
        _("Đã nhập danh sách: %(created)s hộ mới, %(updated)s hộ cập nhật, %(unchanged)s hộ giữ nguyên.")
        % {"created": c["create"], "updated": c["update"], "unchanged": c["unchanged"]},
    )
    return redirect("housing:index")
