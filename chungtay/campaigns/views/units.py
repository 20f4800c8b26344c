"""Follow-up for the office and each unit's own work: workspace, registration, plans, reports, activities."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import get_visible_or_404, has_perm
from chungtay.core.documents import documents_for
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.models import DocumentKind
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.orgunits.models import Level

from .. import selectors, services
from ..forms import (
    ActivityDocumentForm,
    ActivityForm,
    DocumentForm,
    EvidenceForm,
    ExcuseForm,
    RegisterForm,
    ReportForm,
)
from ..models import (
    Activity,
    ActivityKind,
    Criterion,
    CriterionKind,
    Obligation,
    Participation,
)
from ..services import PARTICIPANT_LEVELS
from .base import _user


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
            refuse()
            add_domain_error(form, exc)
        else:
            if participation.registered_late:
                messages.warning(request, _("Đã ghi nhận đăng ký thi đua (đăng ký trễ hạn)."))
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
            refuse()
            add_domain_error(form, exc)
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
            refuse()
            add_domain_error(form, exc)
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


ACTIVITY_HEADINGS: dict[str, str] = {
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
                        criteria=_criteria_for(participation),
                        member_orgs=participation.unit.member_organisations.all())  # fmt: skip
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
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận: %(t)s.") % {"t": activity.title})
            return _back(participation)
    return render(request, "campaigns/unit_form.html", {
        "participation": participation, "form": form, "multipart": True,
        "heading": ACTIVITY_HEADINGS.get(kind, _("Ghi nhận hoạt động")),
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
            refuse()
            add_domain_error(form, exc)
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
                refuse()
                add_domain_error(form, exc)
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
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã miễn việc này cho đơn vị."))
    return redirect("campaigns:workspace", pk=movement.pk, unit_pk=obligation.unit_id)
