"""Thin views: the mapping form → dry run (plan.build) → commit (services.commit) → the record."""

from __future__ import annotations

import base64
import binascii

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core import asof
from chungtay.core.access import get_visible_or_404, require_perm
from chungtay.core.errors import DomainError
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.tallies import catalogue

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
                refuse_with_message(request, exc)
            else:
                messages.success(
                    request,
                    _("Đã thực hiện sắp xếp theo %(number)s, hiệu lực từ %(day)s.")
                    % {"number": reorg.number, "day": f"{reorg.effective_on:%d/%m/%Y}"},
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
        refuse_with_message(request, exc)
    return redirect("reorg:detail", pk=reorg.pk)


# Additive figures only: a sum of percentages would mean nothing.
HISTORY_FIGURES = (
    "houses_planned",
    "houses_completed",
    "houses_handed_over",
    "houses_support_amount",
    "money_received",
    "money_paid_from_funds",
    "money_households_received",
)
MONEY = [name.startswith("money") or name.endswith("amount") for name in HISTORY_FIGURES]


def history(request: AuthedRequest, pk: int) -> HttpResponse:
    """'Của các đơn vị cũ': the new unit's predecessors, each with its catalogue figures as of the day
    asked (at the latest the day before they ended), and their sum."""
    unit = get_visible_or_404(request.user, OrgUnit.objects.all(), "units.view", pk=pk)
    day, day_error = asof.as_of_from(request.GET.get("ngay"))
    olds = selectors.predecessors(unit)
    rows, totals = [], dict.fromkeys(HISTORY_FIGURES, 0)
    for old in olds:
        upto = min(day, old.valid_to) if old.valid_to else day
        figures = catalogue.for_unit(old, as_of=upto)
        values = [figures[name] for name in HISTORY_FIGURES]
        for name, value in zip(HISTORY_FIGURES, values, strict=True):
            totals[name] += value
        rows.append({"unit": old, "as_of": upto, "values": list(zip(values, MONEY, HISTORY_FIGURES, strict=True))})
    context = {
        "unit": unit,
        "day": day,
        "day_error": day_error,
        "labels": [catalogue.FigureSet.label(name) for name in HISTORY_FIGURES],
        "rows": rows,
        "totals": list(zip([totals[name] for name in HISTORY_FIGURES], MONEY, strict=True)),
    }
    return render(request, "reorg/history.html", context)
