"""The contest: rounds, entrants, judges' scoring with recusal, results."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import has_perm, visible_to
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.orgunits.models import Membership, OrgUnit
from chungtay.orgunits.pickers import cascade_response, picker_roots

from .. import selectors, services
from ..forms import (
    ContestForm,
    EntrantForm,
    RoundForm,
)
from ..models import (
    Contest,
    ContestRound,
    JudgeScore,
)
from .base import _errors_text, _user


# --- The contest ----------------------------------------------------------------------------------
def contest_create(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    form = ContestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        try:
            contest = services.contest_create(
                actor=_user(request), movement=movement, upload=upload, file_name=upload.name if upload else "", **data
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tạo cuộc thi."))
            return redirect("campaigns:contest_detail", pk=contest.pk)
    return render(request, "campaigns/contest_form.html", {"form": form, "movement": movement})


def _contest(request: HttpRequest, pk: int) -> Contest:
    contest = get_object_or_404(Contest.objects.select_related("movement__issuing_unit", "plan_document"), pk=pk)
    selectors.movement_or_404(_user(request), contest.movement_id)
    return contest


def _entrant_units(request: HttpRequest, contest: Contest) -> Any:
    """The participants the user may enter a person from."""
    units = OrgUnit.objects.filter(participations__movement=contest.movement)
    return visible_to(_user(request), units, "movement.participate").order_by("path")


def _entrant_form(request: HttpRequest, contest: Contest, units: Any) -> EntrantForm:
    """The entrant form, whose unit is chosen level by level past a few hundred participants (orgunits.pickers)."""
    return EntrantForm(
        request.POST or None, units=units, picker_url=reverse("campaigns:entrant_unit_picker", args=[contest.pk]),
        roots=picker_roots(_user(request), "movement.participate"),
    )  # fmt: skip


def entrant_unit_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the entrant form's unit picker below the unit chosen in it."""
    contest = _contest(request, pk)
    return cascade_response(request, _entrant_form(request, contest, _entrant_units(request, contest))["unit"],
                            "movement.participate")  # fmt: skip


def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contest = _contest(request, pk)
    movement = contest.movement
    units = _entrant_units(request, contest)
    rounds, results = selectors.contest_results(contest)
    entrants_visible = [r for r in results if has_perm(user, "movement.view", r.entrant.unit)]
    return render(request, "campaigns/contest_detail.html", {
        "contest": contest, "movement": movement, "rounds": rounds, "results": entrants_visible,
        "can_manage": has_perm(user, "movement.manage", movement.issuing_unit),
        "can_judge": has_perm(user, "contest.judge", movement.issuing_unit),
        "round_form": RoundForm(),
        "entrant_form": _entrant_form(request, contest, units) if units.exists() else None,
    })  # fmt: skip


@require_POST
def round_add(request: HttpRequest, pk: int) -> HttpResponse:
    contest = _contest(request, pk)
    if not has_perm(_user(request), "movement.manage", contest.movement.issuing_unit):
        raise PermissionDenied
    form = RoundForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Vòng thi: cần ghi tên vòng và điểm tối đa hợp lệ."), field="name")
        services.round_add(actor=_user(request), contest=contest, **form.cleaned_data)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã thêm vòng thi."))
    return redirect("campaigns:contest_detail", pk=contest.pk)


@require_POST
def entrant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contest = _contest(request, pk)
    form = _entrant_form(request, contest, _entrant_units(request, contest))
    try:
        if not form.is_valid():
            raise DomainError(_errors_text(form), field="unit")
        services.entrant_add(actor=user, contest=contest, **form.cleaned_data)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã thêm thí sinh."))
    return redirect("campaigns:contest_detail", pk=contest.pk)


def round_score(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contest_round = get_object_or_404(ContestRound.objects.select_related("contest__movement__issuing_unit"), pk=pk)
    contest = contest_round.contest
    selectors.movement_or_404(user, contest.movement_id)
    if not has_perm(user, "contest.judge", contest.movement.issuing_unit):
        raise PermissionDenied
    entrants = list(contest.entrants.select_related("unit"))
    own_paths = list(Membership.objects.filter(user=user).values_list("unit__path", flat=True))
    mine = {s.entrant_id: s for s in JudgeScore.objects.filter(round=contest_round, judge=user)}
    errors: dict[int, str] = {}
    if request.method == "POST":
        scores: dict[int, Any] = {}
        for entrant in entrants:
            raw = request.POST.get(f"score_{entrant.pk}", "").strip().replace(",", ".")
            if not raw:
                scores[entrant.pk] = None
                continue
            try:
                scores[entrant.pk] = Decimal(raw)
            except InvalidOperation:
                errors[entrant.pk] = _("Điểm của %(n)s không phải là số.") % {"n": entrant.person_name}
        if not errors:
            try:
                services.judge_scores_record(actor=user, contest_round=contest_round, scores=scores)
            except DomainError as exc:
                refuse()
                field = exc.field or ""
                errors[int(field.split("_")[1]) if field.startswith("score_") else 0] = exc.message
            else:
                messages.success(request, _("Đã lưu điểm của anh/chị cho %(r)s.") % {"r": contest_round.name})
                return redirect("campaigns:contest_detail", pk=contest.pk)
    rows = [{
        "entrant": e, "recused": any(p.startswith(e.unit.path) for p in own_paths),
        "score": request.POST.get(f"score_{e.pk}") if request.method == "POST" else (
            mine[e.pk].score if e.pk in mine and mine[e.pk].score is not None else ""),
        "error": errors.get(e.pk),
    } for e in entrants]  # fmt: skip
    return render(request, "campaigns/round_score.html", {
        "round": contest_round, "contest": contest, "movement": contest.movement, "rows": rows,
        "general_error": errors.get(0),
    })  # fmt: skip
