"""The one view flow of the import pipeline (core.imports): upload → column mapping (when the adapter has
one) → check (dry run) → confirm → result, and the person's recent batches.

Each domain's urls.py routes its own paths here with `kind=` (the URLs people know are unchanged);
the steps are thin: the adapter names the target, a service in core.imports does the work.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.imports import (
    ImportAdapter,
    Plan,
    Target,
    adapter_for,
    batch_check,
    batch_commit,
    batch_map,
    batch_upload,
    changed_since_check,
    earlier_commit,
    read_file,
    recent_batches,
)
from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.core.transactions import refuse_with_message
from chungtay.core.types import AuthedRequest


def _batch(
    request: AuthedRequest, adapter: ImportAdapter, target: Target, batch_id: int, *statuses: str
) -> ImportBatch:
    """Only the person who uploaded a file works on its import (anyone else gets a 404)."""
    qs = ImportBatch.objects.filter(kind=adapter.kind, created_by=request.user)
    if target.obj is not None:
        qs = qs.filter(unit=target.unit)
    if statuses:
        qs = qs.filter(status__in=statuses)
    return get_object_or_404(qs, pk=batch_id)


def _check_page(
    request: AuthedRequest, adapter: ImportAdapter, target: Target, batch: ImportBatch, plan: Plan
) -> HttpResponse:
    context = {
        "adapter": adapter, "target": target, "batch": batch, "plan": plan, "earlier": earlier_commit(batch),
        "upload_url": adapter.url("upload", target),
        "mapping_url": adapter.url("mapping", target, batch) if adapter.has_mapping else "",
        "confirm_url": adapter.url("confirm", target, batch), "cancel_url": adapter.done_url(target),
        **target.url_kwargs,
    }  # fmt: skip
    if target.obj is not None:
        context[type(target.obj).__name__.lower()] = target.obj  # the templates' `fund`
    return render(request, "core/imports/check.html", context)


def upload(request: AuthedRequest, *, kind: str, **kwargs: Any) -> HttpResponse:
    """Step 1: keep the file. With a mapping step, go there; without, check it at once (nothing written)."""
    adapter = adapter_for(kind)
    target = adapter.target(request.user, **kwargs)
    form = adapter.upload_form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            batch = batch_upload(actor=request.user, adapter=adapter, target=target, file=file, filename=file.name)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if adapter.has_mapping:
                return redirect(adapter.url("mapping", target, batch))
            plan = batch_check(actor=request.user, adapter=adapter, batch=batch, target=target)
            return _check_page(request, adapter, target, batch, plan)
    batches = [
        (b, adapter.batch_counts(b), adapter.url("check", target, b))
        for b in recent_batches(user=request.user, adapter=adapter, target=target)
    ]
    context = {"adapter": adapter, "target": target, "form": form, "batches": batches, **target.url_kwargs}
    if target.obj is not None:
        context[type(target.obj).__name__.lower()] = target.obj
    return render(request, "core/imports/upload.html", context)


def mapping(request: AuthedRequest, batch_id: int, *, kind: str, **kwargs: Any) -> HttpResponse:
    """Step 2: the detected header; the person confirms or changes each field's column."""
    adapter = adapter_for(kind)
    target = adapter.target(request.user, **kwargs)
    open_statuses = [s for s in ImportStatus.values if s != ImportStatus.COMMITTED]
    batch = _batch(request, adapter, target, batch_id, *open_statuses)
    step = adapter.mapping_step(batch=batch, data=read_file(batch), post=request.POST or None, params=request.GET)
    if step.context.get("warning"):
        messages.error(request, step.context["warning"])
    form = step.form
    if request.method == "POST" and form.is_valid():
        name = (form.cleaned_data.get("save_as") or "").strip()
        try:
            batch_map(
                actor=request.user, adapter=adapter, batch=batch, mapping=adapter.mapping_from(form), save_as=name
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if name and batch.unit:
                messages.success(request, _("Đã lưu cách chọn cột “%(name)s”.") % {"name": name})
            return redirect(adapter.url("check", target, batch))
    context = {
        "adapter": adapter, "target": target, "batch": batch, "form": form,
        "upload_url": adapter.url("upload", target), **step.context,
    }  # fmt: skip
    return render(request, "core/imports/mapping.html", context)


def check(request: AuthedRequest, batch_id: int, *, kind: str, **kwargs: Any) -> HttpResponse:
    """Step 3: the dry run. Reads the stored file again (with the confirmed mapping); writes nothing."""
    adapter = adapter_for(kind)
    target = adapter.target(request.user, **kwargs)
    batch = _batch(request, adapter, target, batch_id)
    if adapter.has_mapping and not batch.mapping:
        return redirect(adapter.url("mapping", target, batch))
    plan = batch_check(actor=request.user, adapter=adapter, batch=batch, target=target)
    return _check_page(request, adapter, target, batch, plan)


@require_POST
def confirm(request: AuthedRequest, batch_id: int, *, kind: str, **kwargs: Any) -> HttpResponse:
    """Step 4: the same file, checked again, written in one transaction; then the result."""
    adapter = adapter_for(kind)
    target = adapter.target(request.user, **kwargs)
    batch = _batch(request, adapter, target, batch_id, ImportStatus.CHECKED)
    try:
        plan, done = batch_commit(actor=request.user, adapter=adapter, batch=batch, target=target)
    except DomainError as exc:
        refuse_with_message(request, exc)
        return redirect(adapter.url("check", target, batch))
    if not plan.ok:
        messages.error(request, changed_since_check())
        return _check_page(request, adapter, target, batch, plan)
    messages.success(request, done)
    return redirect(adapter.done_url(target))
