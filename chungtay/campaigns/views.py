"""Thin views: scoped lookup → form → one service → redirect (or an htmx fragment).

Setting a movement up needs movement.manage over its issuing unit; a unit's own work needs
movement.participate over that unit; reading needs movement.view. Outside one's subtree: 404.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Q
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import get_visible_or_404, has_perm, visible_to
from chungtay.core.documents import documents_for
from chungtay.core.errors import DomainError
from chungtay.core.models import Document, DocumentKind, DocumentLink
from chungtay.core.uploads import serve
from chungtay.orgunits.models import Level, Membership, OrgUnit

from . import selectors, services
from .forms import (
    ActivityDocumentForm,
    ActivityForm,
    AddLevelForm,
    ContestForm,
    CopyForm,
    CriterionForm,
    DecideForm,
    DocumentForm,
    EntrantForm,
    EvidenceForm,
    ExcuseForm,
    GoodModelForm,
    LegalReferenceForm,
    MilestoneForm,
    MovementForm,
    PhotoForm,
    RegisterForm,
    ReplicateForm,
    ReportForm,
    RoundForm,
)
from .models import (
    Activity,
    ActivityKind,
    Contest,
    ContestRound,
    CriteriaSet,
    Criterion,
    CriterionKind,
    GoodModel,
    GoodModelStatus,
    JudgeScore,
    LegalReference,
    Milestone,
    MovementStatus,
    Obligation,
    Participation,
)
from .services import PARTICIPANT_LEVELS


def _fail(form: Form, exc: DomainError) -> None:
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


def _user(request: HttpRequest) -> Any:
    return request.user


def _file(form: Form, name: str = "file") -> Any:
    return form.cleaned_data.get(name)


# --- Movements ----------------------------------------------------------------------------------
def movement_list(request: HttpRequest) -> HttpResponse:
    movements = selectors.movements_for(_user(request)).annotate(n_participants=Count("participations"))
    can_create = has_perm(_user(request), "movement.manage")
    return render(request, "campaigns/movement_list.html", {"movements": movements, "can_create": can_create})


def _issuing_units(request: HttpRequest) -> Any:
    qs = OrgUnit.objects.filter(level__lte=Level.COMMUNE, level__gte=Level.PROVINCE).order_by("path")
    return visible_to(_user(request), qs, "movement.manage")


def movement_create(request: HttpRequest) -> HttpResponse:
    units = _issuing_units(request)
    form = MovementForm(request.POST or None, request.FILES or None, units=units)
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
            _fail(form, exc)
        else:
            messages.success(request, _("Đã tạo phong trào. Tiếp theo: căn cứ, tiêu chí, đối tượng và mốc thời gian."))
            return redirect("campaigns:movement_detail", pk=movement.pk)
    return render(request, "campaigns/movement_form.html", {"form": form})


def movement_edit(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    fields = ("symbol", "issued_on", "title", "theme", "purposes", "requirements", "content", "starts_on",
              "ends_on", "review_month", "registration_deadline", "signer")  # fmt: skip
    initial = {f: getattr(movement, f) for f in fields} | {"issuing_unit": movement.issuing_unit}
    form = MovementForm(request.POST or None, request.FILES or None, initial=initial, units=_issuing_units(request))
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
            _fail(form, exc)
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
        "my_participations": list(selectors.participations_for(user, movement)[:30]),
        "contests": movement.contests.all(),
        "can_audit": has_perm(user, "audit.view", movement.issuing_unit),
        **_setup_context(movement),
    }
    return render(request, "campaigns/movement_detail.html", context)


def legal_add(request: HttpRequest, pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    form = LegalReferenceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.legal_reference_add(actor=_user(request), movement=movement, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            form = LegalReferenceForm()
            if not request.htmx:  # type: ignore[attr-defined]
                messages.success(request, _("Đã thêm căn cứ."))
                return redirect(reverse("campaigns:movement_detail", args=[movement.pk]) + "#can-cu")
    context = {"movement": movement, "legal": movement.legal_references.all(), "legal_form": form, "can_manage": True}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "campaigns/_legal.html", context)
    return render(request, "campaigns/legal_form.html", context)


@require_POST
def legal_remove(request: HttpRequest, pk: int, ref_pk: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    reference = get_object_or_404(LegalReference, pk=ref_pk, movement=movement)
    services.legal_reference_remove(actor=_user(request), reference=reference)
    if request.htmx:  # type: ignore[attr-defined]
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
        messages.error(request, exc.message)
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
            _fail(form, exc)
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
                _fail(form, exc)
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
            _fail(form, exc)
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
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa %(code)s.") % {"code": criterion.code})
    return redirect("campaigns:criteria", pk=movement.pk, level=criterion.criteria_set.level)


@require_POST
def criteria_publish(request: HttpRequest, pk: int, level: int) -> HttpResponse:
    movement = selectors.managed_movement_or_404(_user(request), pk)
    try:
        published = services.criteria_set_publish(actor=_user(request), movement=movement, level=_level(level))
    except DomainError as exc:
        messages.error(request, exc.message)
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
            _fail(form, exc)
        else:
            messages.success(request, _("Đã thêm %(n)s đơn vị (%(level)s).") % {"n": n, "level": Level(level).label})
            return redirect("campaigns:participants", pk=movement.pk)
    rows = movement.participations.select_related("unit").order_by("level", "unit__path")
    counts = {lvl: 0 for lvl in PARTICIPANT_LEVELS}
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
        messages.error(request, exc.message)
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
            _fail(form, exc)
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
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã xóa mốc thời gian."))
    return redirect("campaigns:milestones", pk=movement.pk)


# --- Follow-up and the unit's workspace -----------------------------------------------------------
def tracking(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    movement = selectors.movement_or_404(user, pk)
    try:
        level = int(request.GET.get("cap") or 0) or None
    except ValueError:
        level = None
    state = request.GET.get("tinh-trang", "")
    query = request.GET.get("q", "")
    rows = selectors.tracking(user, movement, level=level, state=state, query=query)
    return render(request, "campaigns/tracking.html", {
        "movement": movement, "rows": rows, "summary": selectors.tracking_summary(rows),
        "level": level, "state": state, "q": query, "states": selectors.STATE_FILTERS.items(),
        "levels": [(lvl, Level(lvl).label) for lvl in PARTICIPANT_LEVELS],
    })  # fmt: skip


def _participation(request: HttpRequest, pk: int, unit_pk: int, perm: str = "movement.participate") -> Participation:
    movement = selectors.movement_or_404(_user(request), pk)
    return selectors.participation_or_404(_user(request), movement, unit_pk, perm)


def workspace(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    participation = _participation(request, pk, unit_pk, "movement.view")
    user = _user(request)
    context = {
        "movement": participation.movement,
        "participation": participation,
        "unit": participation.unit,
        "can_act": has_perm(user, "movement.participate", participation.unit),
        "can_manage": has_perm(user, "movement.manage", participation.movement.issuing_unit),
        "running": participation.movement.status in services.RUNNING,
        "deadline": services.registration_deadline(participation),
        "activity_kinds": ActivityKind.choices,
        **selectors.workspace(participation),
    }
    return render(request, "campaigns/workspace.html", context)


def _back(participation: Participation) -> Any:
    return redirect("campaigns:workspace", pk=participation.movement_id, unit_pk=participation.unit_id)


def register(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    participation = _participation(request, pk, unit_pk)
    initial = {"commitments": participation.commitments, "individuals": participation.individuals}
    form = RegisterForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.participation_register(actor=_user(request), participation=participation, **form.cleaned_data)
        except DomainError as exc:
            _fail(form, exc)
        else:
            if participation.registered_late:
                messages.warning(request, _("Đã ghi nhận đăng ký thi đua (quá hạn đăng ký)."))
            else:
                messages.success(request, _("Đã đăng ký thi đua."))
            return _back(participation)
    return render(request, "campaigns/unit_form.html", {
        "participation": participation, "form": form, "heading": _("Đăng ký thi đua"),
        "deadline": services.registration_deadline(participation),
    })  # fmt: skip


def own_plan(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    participation = _participation(request, pk, unit_pk)
    form = DocumentForm(request.POST or None, request.FILES or None,
                        initial={"title": _("Kế hoạch thực hiện phong trào thi đua")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.own_plan_upload(
                actor=_user(request), participation=participation, upload=data["file"], name=data["file"].name,
                title=data["title"], number=data["number"], issued_on=data["issued_on"],
            )  # fmt: skip
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Đã tải lên kế hoạch của đơn vị."))
            return _back(participation)
    return render(request, "campaigns/unit_form.html", {
        "participation": participation, "form": form, "heading": _("Kế hoạch cụ thể của đơn vị"), "multipart": True,
    })  # fmt: skip


def report_submit(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    participation = _participation(request, pk, unit_pk)
    form = ReportForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("loai")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.report_submit(
                actor=_user(request), participation=participation, kind=data["kind"], upload=data["file"],
                name=data["file"].name, title=data["title"], number=data["number"], issued_on=data["issued_on"],
            )  # fmt: skip
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Đã nộp báo cáo."))
            return _back(participation)
    return render(request, "campaigns/unit_form.html", {
        "participation": participation, "form": form, "heading": _("Nộp báo cáo"), "multipart": True,
    })  # fmt: skip


def _criteria_for(participation: Participation) -> Any:
    current = selectors.current_set(participation.movement, participation.level)
    if current is None:
        return Criterion.objects.none()
    return current.criteria.exclude(kind=CriterionKind.GROUP).order_by("order", "pk")


ACTIVITY_HEADINGS = {
    ActivityKind.LAUNCH_CONFERENCE: _("Ghi nhận hội nghị phát động"),
    ActivityKind.TRAINING: _("Ghi nhận bồi dưỡng, tập huấn"),
    ActivityKind.REGULATION: _("Ghi nhận quy chế làm việc nhiệm kỳ 2024 – 2029"),
    ActivityKind.IT_MEASURE: _("Ghi nhận ứng dụng CNTT, chuyển đổi số"),
}


def activity_create(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    participation = _participation(request, pk, unit_pk)
    kind = request.GET.get("loai") or request.POST.get("kind") or ActivityKind.TRAINING
    kind = kind if kind in ActivityKind.values else ActivityKind.TRAINING
    initial = {"kind": kind}
    if kind == ActivityKind.LAUNCH_CONFERENCE:
        initial["title"] = _("Hội nghị phát động phong trào thi đua")
    elif kind == ActivityKind.REGULATION:
        initial |= {"title": _("Quy chế làm việc nhiệm kỳ 2024 – 2029"), "document_kind": DocumentKind.REGULATION}
    form = ActivityForm(request.POST or None, request.FILES or None, initial=initial,
                        criteria=_criteria_for(participation))  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file", None)
        doc_kind = data.pop("document_kind")
        chosen = list(data.pop("criteria", None) or [])
        try:
            activity = services.activity_record(
                actor=_user(request), participation=participation, upload=upload,
                file_name=upload.name if upload else "", document_kind=doc_kind, criteria=chosen, **data,
            )  # fmt: skip
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận: %(t)s.") % {"t": activity.title})
            return _back(participation)
    return render(request, "campaigns/unit_form.html", {
        "participation": participation, "form": form, "multipart": True,
        "heading": ACTIVITY_HEADINGS.get(kind, _("Ghi nhận hoạt động")),  # type: ignore[call-overload]
        "script": "campaigns-activity.js",
    })  # fmt: skip


def evidence(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    participation = _participation(request, pk, unit_pk)
    criteria_qs = _criteria_for(participation)
    form = EvidenceForm(request.POST or None, request.FILES or None, criteria=criteria_qs,
                        initial={"criterion": request.GET.get("tieu-chi")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.evidence_upload(
                actor=_user(request), participation=participation, criterion=data["criterion"], upload=data["file"],
                name=data["file"].name, kind=data["kind"], title=data["title"], number=data["number"],
                issued_on=data["issued_on"],
            )  # fmt: skip
        except DomainError as exc:
            _fail(form, exc)
        else:
            messages.success(request, _("Đã thêm minh chứng cho tiêu chí %(c)s.") % {"c": data["criterion"].code})
            return _back(participation)
    return render(request, "campaigns/unit_form.html", {
        "participation": participation, "form": form, "heading": _("Minh chứng theo tiêu chí"), "multipart": True,
    })  # fmt: skip


def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    activity = get_visible_or_404(
        user, Activity.objects.select_related("movement", "unit", "created_by"), "movement.view", "unit__path", pk=pk
    )
    can_act = has_perm(user, "movement.participate", activity.unit)
    form = ActivityDocumentForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.activity_add_document(
                    actor=user, activity=activity, upload=data["file"], name=data["file"].name, kind=data["kind"],
                    title=data["title"], number=data["number"], issued_on=data["issued_on"],
                )  # fmt: skip
            except DomainError as exc:
                _fail(form, exc)
            else:
                messages.success(request, _("Đã thêm tài liệu."))
                return redirect("campaigns:activity_detail", pk=activity.pk)
    return render(request, "campaigns/activity_detail.html", {
        "activity": activity, "movement": activity.movement, "documents": documents_for(activity),
        "form": form if can_act else None,
    })  # fmt: skip


@require_POST
def obligation_excuse(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    obligation = get_object_or_404(Obligation.objects.select_related("milestone__movement__issuing_unit"), pk=pk)
    movement = obligation.milestone.movement
    if not has_perm(user, "movement.manage", movement.issuing_unit):
        raise Http404
    form = ExcuseForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Cần ghi lý do miễn."), field="reason")
        services.obligation_excuse(actor=user, obligation=obligation, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã miễn việc này cho đơn vị."))
    return redirect("campaigns:workspace", pk=movement.pk, unit_pk=obligation.unit_id)


# --- Good models --------------------------------------------------------------------------------
def goodmodel_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    movement = selectors.movement_or_404(user, pk)
    return render(request, "campaigns/goodmodel_list.html", {
        "movement": movement, "models": selectors.good_models_for(user, movement),
        "my_participations": list(selectors.participations_for(user, movement)[:30]),
    })  # fmt: skip


def goodmodel_propose(request: HttpRequest, pk: int, unit_pk: int) -> HttpResponse:
    participation = _participation(request, pk, unit_pk)
    form = GoodModelForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        photo = data.pop("photo", None)
        try:
            model = services.good_model_propose(
                actor=_user(request), participation=participation, photo=photo, photo_name=photo.name if photo else "",
                **data,
            )  # fmt: skip
        except DomainError as exc:
            if exc.field == "file":
                exc.field = "photo"
            _fail(form, exc)
        else:
            messages.success(request, _("Đã đề xuất mô hình “%(t)s”.") % {"t": model.title})
            return redirect("campaigns:goodmodel_detail", pk=model.pk)
    return render(request, "campaigns/unit_form.html", {
        "participation": participation, "form": form, "multipart": True,
        "heading": _("Đề xuất mô hình hay, cách làm hiệu quả"),
    })  # fmt: skip


def _good_model(request: HttpRequest, pk: int) -> GoodModel:
    user = _user(request)
    model = get_object_or_404(GoodModel.objects.select_related("movement", "unit", "proposed_by", "decided_by"), pk=pk)
    if not selectors.good_models_for(user, model.movement).filter(pk=model.pk).exists():
        raise Http404
    return model


def goodmodel_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    model = _good_model(request, pk)
    can_act = has_perm(user, "movement.participate", model.unit)
    photo_form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not can_act:
            raise PermissionDenied
        if photo_form.is_valid():
            try:
                services.good_model_add_photo(
                    actor=user, good_model=model, upload=photo_form.cleaned_data["file"],
                    name=photo_form.cleaned_data["file"].name,
                )  # fmt: skip
            except DomainError as exc:
                _fail(photo_form, exc)
            else:
                messages.success(request, _("Đã thêm hình ảnh."))
                return redirect("campaigns:goodmodel_detail", pk=model.pk)
    replicable = visible_to(
        user,
        OrgUnit.objects.filter(participations__movement=model.movement).exclude(pk=model.unit_id).order_by("path"),
        "movement.participate",
    )
    return render(request, "campaigns/goodmodel_detail.html", {
        "model": model, "movement": model.movement,
        "photos": [d for d in documents_for(model) if d.is_image],
        "replications": model.replications.select_related("unit"),
        "can_act": can_act, "photo_form": photo_form if can_act else None,
        "can_decide": model.status == GoodModelStatus.PROPOSED and has_perm(user, "movement.approve", model.unit),
        "decide_form": DecideForm(),
        "replicate_form": ReplicateForm(units=replicable)
        if model.status == GoodModelStatus.RECOGNISED and replicable.exists() else None,
    })  # fmt: skip


@require_POST
def goodmodel_decide(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    model = _good_model(request, pk)
    if not has_perm(user, "movement.approve", model.unit):
        raise PermissionDenied
    form = DecideForm(request.POST)
    form.is_valid()
    try:
        services.good_model_decide(
            actor=user, good_model=model, recognise=request.POST.get("quyet-dinh") == "cong-nhan",
            note=form.cleaned_data.get("note", ""),
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ghi nhận: %(s)s.") % {"s": model.get_status_display()})
    return redirect("campaigns:goodmodel_detail", pk=model.pk)


@require_POST
def goodmodel_replicate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    model = _good_model(request, pk)
    units = visible_to(user, OrgUnit.objects.filter(participations__movement=model.movement), "movement.participate")
    form = ReplicateForm(request.POST, units=units)
    if form.is_valid():
        try:
            services.good_model_replicate(actor=user, good_model=model, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Đã ghi nhận đơn vị nhân rộng mô hình."))
    else:
        messages.error(request, "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()))
    return redirect("campaigns:goodmodel_detail", pk=model.pk)


def goodmodel_photo(request: HttpRequest, pk: int, doc_pk: int) -> HttpResponse:
    """Photos of a model are shown to everyone who may see the model (recognised ones: the whole movement)."""
    model = _good_model(request, pk)
    ct = ContentType.objects.get_for_model(GoodModel)
    link = DocumentLink.objects.filter(content_type=ct, object_id=model.pk, document_id=doc_pk).first()
    if link is None:
        raise Http404
    document: Document = link.document
    if not document.is_image:
        raise Http404
    return serve(document.file, filename=document.original_name, content_type=document.content_type, inline=True)


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
            _fail(form, exc)
        else:
            messages.success(request, _("Đã tạo cuộc thi."))
            return redirect("campaigns:contest_detail", pk=contest.pk)
    return render(request, "campaigns/contest_form.html", {"form": form, "movement": movement})


def _contest(request: HttpRequest, pk: int) -> Contest:
    contest = get_object_or_404(Contest.objects.select_related("movement__issuing_unit", "plan_document"), pk=pk)
    selectors.movement_or_404(_user(request), contest.movement_id)
    return contest


def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contest = _contest(request, pk)
    movement = contest.movement
    units = visible_to(user, OrgUnit.objects.filter(participations__movement=movement), "movement.participate")
    rounds, results = selectors.contest_results(contest)
    entrants_visible = [r for r in results if has_perm(user, "movement.view", r.entrant.unit)]
    return render(request, "campaigns/contest_detail.html", {
        "contest": contest, "movement": movement, "rounds": rounds, "results": entrants_visible,
        "can_manage": has_perm(user, "movement.manage", movement.issuing_unit),
        "can_judge": has_perm(user, "contest.judge", movement.issuing_unit),
        "round_form": RoundForm(),
        "entrant_form": EntrantForm(units=units.order_by("path")) if units.exists() else None,
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
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã thêm vòng thi."))
    return redirect("campaigns:contest_detail", pk=contest.pk)


@require_POST
def entrant_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contest = _contest(request, pk)
    units = visible_to(user, OrgUnit.objects.filter(participations__movement=contest.movement), "movement.participate")
    form = EntrantForm(request.POST, units=units)
    try:
        if not form.is_valid():
            raise DomainError(
                "; ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items()), field="unit"
            )
        services.entrant_add(actor=user, contest=contest, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.message)
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
