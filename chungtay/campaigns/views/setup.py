"""Setting a movement up (office): the movement, legal bases, criteria, participants, milestones, launch."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import has_perm, visible_to
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.pickers import cascade_response, picker_roots

from .. import selectors, services
from ..forms import (
    AddLevelForm,
    CopyForm,
    CriterionForm,
    LegalReferenceForm,
    MilestoneForm,
    MovementForm,
)
from ..models import (
    CriteriaSet,
    Criterion,
    LegalReference,
    Milestone,
    MovementStatus,
    Obligation,
    Participation,
)
from ..services import PARTICIPANT_LEVELS
from .base import _user


# --- Movements ----------------------------------------------------------------------------------
def movement_list(request: HttpRequest) -> HttpResponse:
    movements = selectors.movements_for(_user(request)).annotate(n_participants=Count("participations"))
    can_create = has_perm(_user(request), "movement.manage")
    return render(request, "campaigns/movement_list.html", {"movements": movements, "can_create": can_create})


def _issuing_units(request: HttpRequest) -> Any:
    qs = OrgUnit.objects.filter(level__lte=Level.COMMUNE, level__gte=Level.PROVINCE).order_by("path")
    return visible_to(_user(request), qs, "movement.manage")


def _movement_form(request: HttpRequest) -> MovementForm:
    """The new movement's form; its issuing unit is chosen level by level past a few hundred (orgunits.pickers)."""
    return MovementForm(
        request.POST or None, request.FILES or None, units=_issuing_units(request),
        picker_url=reverse("campaigns:issuing_unit_picker"), roots=picker_roots(_user(request), "movement.manage"),
    )  # fmt: skip


def issuing_unit_picker(request: HttpRequest) -> HttpResponse:
    """htmx: the movement form's issuing-unit picker below the unit chosen in it."""
    return cascade_response(request, _movement_form(request)["issuing_unit"], "movement.manage")


def movement_create(request: HttpRequest) -> HttpResponse:
    form = _movement_form(request)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        try:
            with transaction.atomic():
                movement = services.movement_create(actor=_user(request), **data)
                if upload:
                    services.movement_attach_plan(
                        actor=_user(request), movement=movement, upload=upload, name=upload.name
                    )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tạo phong trào. Tiếp theo: căn cứ, tiêu chí, đối tượng và mốc thời gian."))
            return redirect("campaigns:movement_detail", pk=movement.pk)
    return render(request, "campaigns/movement_form.html", {"form": form})


def movement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    fields = ("symbol", "issued_on", "title", "theme", "purposes", "requirements", "content", "starts_on",
              "ends_on", "review_month", "registration_deadline", "signer")  # fmt: skip
    initial = {f: getattr(movement, f) for f in fields} | {"issuing_unit": movement.issuing_unit}
    # The issuing unit is shown, not changed: the one unit is all the select needs.
    units = _issuing_units(request).filter(pk=movement.issuing_unit_id)
    form = MovementForm(request.POST or None, request.FILES or None, initial=initial, units=units)
    form.fields["issuing_unit"].disabled = True
    if request.method == "POST" and form.is_valid():
        data = {f: form.cleaned_data[f] for f in fields}
        upload = form.cleaned_data.get("file")
        try:
            with transaction.atomic():
                services.movement_update(actor=_user(request), movement=movement, **data)
                if upload:
                    services.movement_attach_plan(
                        actor=_user(request), movement=movement, upload=upload, name=upload.name
                    )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu phong trào."))
            return redirect("campaigns:movement_detail", pk=movement.pk)
    return render(request, "campaigns/movement_form.html", {"form": form, "movement": movement})


def _setup_context(movement: Any) -> dict[str, Any]:
    levels = []
    participant_counts = dict(
        movement.participations.values_list("level").annotate(n=Count("pk")).values_list("level", "n")
    )
    for level in PARTICIPANT_LEVELS:
        tree = selectors.criteria_tree(services.latest_set(movement, level))
        levels.append({
            "level": level, "label": Level(level).label, "tree": tree,
            "participants": participant_counts.get(level, 0),
            "registered": movement.participations.filter(level=level, registered_at__isnull=False).count(),
        })  # fmt: skip
    return {"levels": levels, "milestones": list(movement.milestones.all())}


def movement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    movement = selectors.movement_or_404(user, pk)
    can_manage = has_perm(user, "movement.manage", movement.issuing_unit)
    context: dict[str, Any] = {
        "movement": movement,
        "can_manage": can_manage,
        "legal": movement.legal_references.all(),
        "legal_form": LegalReferenceForm() if can_manage else None,
        "my_participations": selectors.own_participations(user, movement),
        "contests": movement.contests.all(),
        "can_audit": has_perm(user, "audit.view", movement.issuing_unit),
        **_setup_context(movement),
    }
    return render(request, "campaigns/movement_detail.html", context)


def legal_add(request: AuthedRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    form = LegalReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_reference_add(actor=_user(request), movement=movement, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            form = LegalReferenceForm()
            if not request.htmx:
                messages.success(request, _("Đã thêm căn cứ."))
                return redirect(reverse("campaigns:movement_detail", args=[movement.pk]) + "#can-cu")
    context = {"movement": movement, "legal": movement.legal_references.all(), "legal_form": form, "can_manage": True}
    if request.htmx:
        return render(request, "campaigns/_legal.html", context)
    return render(request, "campaigns/legal_form.html", context)


@require_POST
def legal_remove(request: AuthedRequest, pk: int, ref_pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    reference = get_object_or_404(LegalReference, pk=ref_pk, movement=movement)
    services.legal_reference_remove(actor=_user(request), reference=reference)
    if request.htmx:
        context = {"movement": movement, "legal": movement.legal_references.all(), "legal_form": LegalReferenceForm(),
                   "can_manage": True}  # fmt: skip
        return render(request, "campaigns/_legal.html", context)
    messages.success(request, _("Đã bỏ căn cứ."))
    return redirect(reverse("campaigns:movement_detail", args=[movement.pk]) + "#can-cu")


@require_POST
def movement_transition(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    to = request.POST.get("to", "")
    try:
        services.movement_transition(actor=_user(request), movement=movement, to=to)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        movement.refresh_from_db()
        if to == MovementStatus.LAUNCHED:
            n = Obligation.objects.filter(milestone__movement=movement).count()
            messages.success(
                request,
                _("Đã phát động phong trào: bộ tiêu chí đã được khóa, %(n)s việc phải làm đã giao cho các đơn vị.")
                % {"n": n},
            )
        else:
            messages.success(request, _("Phong trào chuyển sang: %(s)s.") % {"s": movement.get_status_display()})
    return redirect("campaigns:movement_detail", pk=movement.pk)


def movement_copy(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    form = CopyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.movement_copy(actor=_user(request), movement=movement, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã tạo phong trào năm sau từ %(s)s (dự thảo).") % {"s": movement.symbol})
            return redirect("campaigns:movement_detail", pk=copy.pk)
    return render(request, "campaigns/copy_form.html", {"form": form, "movement": movement})


# --- Criteria -----------------------------------------------------------------------------------
def _level(level: int) -> int:
    if level not in PARTICIPANT_LEVELS:
        raise Http404
    return level


def criteria(request: HttpRequest, pk: int, level: int) -> HttpResponse:
    user = _user(request)
    movement = selectors.movement_or_404(user, pk)
    level = _level(level)
    can_manage = has_perm(user, "movement.manage", movement.issuing_unit)
    latest = services.latest_set(movement, level)
    tree = selectors.criteria_tree(latest if can_manage else selectors.current_set(movement, level))
    form = None
    if can_manage:
        form = CriterionForm(request.POST or None, groups=tree.groups)
        if request.method == "POST" and form.is_valid():
            data = dict(form.cleaned_data)
            try:
                services.criterion_add(
                    actor=user, movement=movement, level=level, parent_code=data.pop("parent"), **data
                )
            except DomainError as exc:
                refuse()
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Đã thêm %(code)s.") % {"code": data["code"]})
                return redirect("campaigns:criteria", pk=movement.pk, level=level)
    elif request.method == "POST":
        raise PermissionDenied
    versions = CriteriaSet.objects.filter(movement=movement, level=level).order_by("-version")
    return render(request, "campaigns/criteria.html", {
        "movement": movement, "level": level, "level_label": Level(level).label, "tree": tree, "form": form,
        "can_manage": can_manage, "versions": versions,
        "editing_frozen": latest is not None and latest.is_frozen,
        "levels": [(lvl, Level(lvl).label) for lvl in PARTICIPANT_LEVELS],
    })  # fmt: skip


def criteria_version(request: HttpRequest, pk: int, set_pk: int) -> HttpResponse:
    """Any version, read-only: what a score given against it was measured by."""
    movement = selectors.movement_or_404(_user(request), pk)
    criteria_set = get_object_or_404(CriteriaSet, pk=set_pk, movement=movement)
    return render(request, "campaigns/criteria_version.html", {
        "movement": movement, "criteria_set": criteria_set, "tree": selectors.criteria_tree(criteria_set),
    })  # fmt: skip


def _criterion(movement: Any, crit_pk: int) -> Criterion:
    return get_object_or_404(
        Criterion.objects.select_related("criteria_set"), pk=crit_pk, criteria_set__movement=movement
    )


def criterion_edit(request: HttpRequest, pk: int, crit_pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    criterion = _criterion(movement, crit_pk)
    initial = {
        f: getattr(criterion, f) for f in ("code", "title", "kind", "max_points", "metric_key", "evidence_kinds")
    }
    form = CriterionForm(request.POST or None, initial=initial, with_parent=False)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_update(actor=_user(request), criterion=criterion, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu tiêu chí %(code)s.") % {"code": form.cleaned_data["code"]})
            return redirect("campaigns:criteria", pk=movement.pk, level=criterion.criteria_set.level)
    return render(request, "campaigns/criterion_form.html", {
        "movement": movement, "criterion": criterion, "form": form, "frozen": criterion.criteria_set.is_frozen,
    })  # fmt: skip


@require_POST
def criterion_delete(request: HttpRequest, pk: int, crit_pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    criterion = _criterion(movement, crit_pk)
    try:
        services.criterion_remove(actor=_user(request), criterion=criterion)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã xóa %(code)s.") % {"code": criterion.code})
    return redirect("campaigns:criteria", pk=movement.pk, level=criterion.criteria_set.level)


@require_POST
def criteria_publish(request: HttpRequest, pk: int, level: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    try:
        published = services.criteria_set_publish(actor=_user(request), movement=movement, level=_level(level))
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(
            request, _("Đã áp dụng phiên bản %(v)s; các phiên bản trước giữ nguyên.") % {"v": published.version}
        )
    return redirect("campaigns:criteria", pk=movement.pk, level=level)


# --- Participants and milestones ----------------------------------------------------------------
def participants(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    movement = selectors.managed_movement_or_404(user, pk)
    form = AddLevelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        level = form.cleaned_data["level"]
        try:
            n = services.participants_add_level(actor=user, movement=movement, level=level)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm %(n)s đơn vị (%(level)s).") % {"n": n, "level": Level(level).label})
            return redirect("campaigns:participants", pk=movement.pk)
    rows = movement.participations.select_related("unit").order_by("level", "unit__path")
    counts: dict[int, int] = {lvl: 0 for lvl in PARTICIPANT_LEVELS}
    for lvl, n in movement.participations.values_list("level").annotate(n=Count("pk")).values_list("level", "n"):
        counts[lvl] = n
    return render(request, "campaigns/participants.html", {
        "movement": movement, "rows": rows, "form": form,
        "counts": [(Level(lvl).label, n) for lvl, n in counts.items()],
    })  # fmt: skip


@require_POST
def participant_remove(request: HttpRequest, pk: int, part_pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    participation = get_object_or_404(Participation.objects.select_related("unit"), pk=part_pk, movement=movement)
    try:
        services.participant_remove(actor=_user(request), participation=participation)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã bỏ %(u)s khỏi danh sách.") % {"u": participation.unit.title})
    return redirect("campaigns:participants", pk=movement.pk)


def milestones(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    form = MilestoneForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.milestone_add(actor=_user(request), movement=movement, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm mốc thời gian."))
            return redirect("campaigns:milestones", pk=movement.pk)
    rows = movement.milestones.annotate(
        n=Count("obligations"), n_done=Count("obligations", filter=Q(obligations__fulfilled_at__isnull=False))
    )
    return render(request, "campaigns/milestones.html", {"movement": movement, "rows": rows, "form": form})


@require_POST
def milestone_remove(request: HttpRequest, pk: int, ms_pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    milestone = get_object_or_404(Milestone, pk=ms_pk, movement=movement)
    try:
        services.milestone_remove(actor=_user(request), milestone=milestone)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã xóa mốc thời gian."))
    return redirect("campaigns:milestones", pk=movement.pk)
