"""Thin views: the mapping form → dry run (plan.build) → commit (services.commit) → the record."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.core.access import require_perm
from chungtay.core.errors import DomainError
from chungtay.core.transactions import refuse
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.models import Level

from . import selectors, services
from .forms import ReorganisationForm
from .models import ChangeKind, Reorganisation
from .plan import TEMPLATE_CSV, build


def _payload(request: AuthedRequest, form: ReorganisationForm) -> tuple[bytes, str]:
    """The mapping: a file sent now, the one checked in the dry run (carried in the page), or the text."""
    upload = form.cleaned_data.get("file")
    if upload is not None:
        return upload.read(), upload.name
    carried = request.POST.get("payload", "")
    if carried:
        try:
            return base64.b64decode(carried, validate=True), request.POST.get("payload_name", "phuong-an.csv")
        except (binascii.Error, ValueError):
            pass
    return (form.cleaned_data.get("text") or "").encode("utf-8"), "phuong-an.csv"


def index(request: AuthedRequest) -> HttpResponse:
    """The reorganisations done, and the form: 'Kiểm tra' is the dry run, 'Thực hiện' commits."""
    form = ReorganisationForm(request.POST or None, request.FILES or None)
    plan, payload, payload_name = None, "", ""
    if request.method == "POST" and form.is_valid():
        data, name = _payload(request, form)
        plan = build(
            data=data,
            filename=name,
            effective_on=form.cleaned_data["effective_on"],
            number=form.cleaned_data["number"],
            title=form.cleaned_data["title"],
            removed_levels=form.removed_levels(),
        )
        payload, payload_name = base64.b64encode(data).decode("ascii"), name
        if plan.ok and request.POST.get("action") == "commit":
            try:
                reorg = services.commit(actor=request.user, plan=plan)
            except DomainError as exc:
                refuse()
                messages.error(request, exc.message)
            else:
                messages.success(
                    request, f"Đã thực hiện sắp xếp theo {reorg.number}, hiệu lực từ {reorg.effective_on:%d/%m/%Y}."
                )
                return redirect("reorg:detail", pk=reorg.pk)
        elif not plan.ok:
            refuse()
    context = {
        "form": form,
        "plan": plan,
        "payload": payload,
        "payload_name": payload_name,
        "reorganisations": selectors.reorganisations()[:50],
        "district": int(Level.DISTRICT),
    }
    return render(request, "reorg/index.html", context)


def template_csv(request: AuthedRequest) -> HttpResponse:
    response = HttpResponse("\ufeff" + TEMPLATE_CSV, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="phuong-an-sap-xep-mau.csv"'
    return response


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    """What a reorganisation did, and the review list of users' new roles."""
    reorg = get_object_or_404(Reorganisation, pk=pk)
    kinds = [(str(ChangeKind(k).label), k, selectors.changes(reorg, k)[:500]) for k in ChangeKind.values]
    context = {
        "reorg": reorg,
        "counts": selectors.change_counts(reorg),
        "memberships": selectors.changes(reorg, ChangeKind.MEMBERSHIP),
        "kinds": [row for row in kinds if row[1] != ChangeKind.MEMBERSHIP],
    }
    return render(request, "reorg/detail.html", context)


@require_POST
def review(request: AuthedRequest, pk: int, change_pk: int) -> HttpResponse:
    reorg = get_object_or_404(Reorganisation, pk=pk)
    change = get_object_or_404(reorg.changes.all(), pk=change_pk, kind=ChangeKind.MEMBERSHIP)
    require_perm(request.user, "units.manage", change.to_unit)
    try:
        services.change_review(actor=request.user, change=change)
    except DomainError as exc:
        refuse()
        messages.error(request, exc.message)
    return redirect("reorg:detail", pk=reorg.pk)
