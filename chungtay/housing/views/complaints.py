"""Complaints, petitions and denunciations: receive, assign, resolve, attach documents."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.accounts.models import User
from chungtay.core import dates
from chungtay.core.access import has_perm, visible_to
from chungtay.core.documents import document_upload, documents_for
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.models import DocumentKind
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.pickers import cascade_response, picker_roots
from chungtay.orgunits.selectors import active_on

from .. import selectors, services
from ..forms import ComplaintDocumentForm, ComplaintForm, ComplaintUpdateForm
from ..models import OPEN_COMPLAINT, Complaint, ComplaintStatus, Household
from .households import scope_unit


def _complaint(request: AuthedRequest, pk: int) -> Complaint:
    qs = selectors.complaints_for(request.user).select_related(
        "unit__parent", "origin_unit__parent", "household", "household__area", "assignee", "escalated_to", "created_by"
    )
    complaint = qs.filter(pk=pk).first()
    if complaint is None:
        raise Http404
    return complaint


def complaint_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.complaints_for(request.user).select_related("unit__parent", "origin_unit__parent", "household")
    unit = scope_unit(request, "complaints.view")
    if unit is not None:
        qs = qs.filter(origin_unit__path__startswith=unit.path) | qs.filter(unit__path__startswith=unit.path)
    status = request.GET.get("trang_thai", "")
    if status == "mo":
        qs = qs.filter(status__in=OPEN_COMPLAINT)
    elif status in ComplaintStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs.order_by("-received_on", "-id"), 50).get_page(request.GET.get("trang"))
    context = {
        "page": page, "unit": unit, "status": status, "today": dates.today(),
        "can_manage": has_perm(request.user, "complaints.manage"),
        "counts": selectors.complaint_counts(unit) if unit else None,
    }  # fmt: skip
    return render(request, "housing/complaint_list.html", context)


def _complaint_form(request: HttpRequest) -> ComplaintForm:
    """The complaint form, whose receiving unit is chosen level by level past a few hundred units."""
    user = request.user
    in_force = active_on(OrgUnit.objects.filter(level__lte=Level.COMMUNE), dates.today())  # closed units hidden
    units = visible_to(user, in_force, "complaints.manage").order_by("path")
    households = visible_to(user, Household.objects.select_related("area__parent"), "complaints.manage", "area__path")
    return ComplaintForm(
        request.POST or None, units=units, households=households.order_by("code"),
        picker_url=reverse("housing:complaint_unit_picker"), roots=picker_roots(user, "complaints.manage"),
        initial={"received_on": dates.today()},
    )  # fmt: skip


def complaint_unit_picker(request: HttpRequest) -> HttpResponse:
    """htmx: the complaint form's unit picker below the unit chosen in it (orgunits.pickers)."""
    return cascade_response(request, _complaint_form(request)["unit"], "complaints.manage")


def complaint_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = _complaint_form(request)
    if request.method == "POST" and form.is_valid():
        try:
            complaint = services.complaint_create(actor=user, **form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(
                request, _("Đã tiếp nhận đơn; hạn giải quyết %(day)s.") % {"day": f"{complaint.due_on:%d/%m/%Y}"}
            )
            return redirect("housing:complaint_detail", pk=complaint.pk)
    return render(request, "housing/complaint_form.html", {"form": form})


def _assignees(complaint: Complaint):
    paths = [complaint.unit.path[:i] for i in range(OrgUnit.steplen, len(complaint.unit.path) + 1, OrgUnit.steplen)]
    return User.objects.filter(memberships__unit__path__in=paths, is_active=True).distinct().order_by("full_name")


def complaint_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    can_manage = has_perm(request.user, "complaints.manage", complaint.unit)
    form = None
    if can_manage:
        form = ComplaintUpdateForm(
            request.POST or None,
            assignees=_assignees(complaint),
            initial={
                "status": complaint.status, "assignee": complaint.assignee_id, "resolution": complaint.resolution,
                "resolved_on": complaint.resolved_on,
            },
        )  # fmt: skip
        if request.method == "POST" and form.is_valid():
            try:
                services.complaint_update(actor=request.user, complaint=complaint, **form.cleaned_data)
            except DomainError as exc:
                refuse()
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Đã cập nhật đơn."))
                return redirect("housing:complaint_detail", pk=complaint.pk)
    private = has_perm(request.user, "housing.private", complaint.origin_unit)
    context = {
        "c": complaint, "form": form, "show_private": private, "documents": documents_for(complaint),
        "document_form": ComplaintDocumentForm() if can_manage else None, "today": dates.today(),
        "household_private": complaint.household is not None
        and has_perm(request.user, "housing.private", complaint.household.area),
    }  # fmt: skip
    return render(request, "housing/complaint_detail.html", context)


@require_POST
def complaint_document(request: AuthedRequest, pk: int) -> HttpResponse:
    complaint = _complaint(request, pk)
    if not has_perm(request.user, "complaints.manage", complaint.unit):
        raise Http404
    form = ComplaintDocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            document_upload(
                actor=request.user, unit=complaint.origin_unit, upload=upload, name=upload.name,
                kind=DocumentKind.OTHER, title=form.cleaned_data["title"], attach_to=complaint,
            )  # fmt: skip
        except DomainError as exc:
            refuse_with_message(request, exc)
        else:
            messages.success(request, _("Đã đính kèm tài liệu."))
    else:
        messages.error(request, _("Cần trích yếu và tệp."))
    return redirect("housing:complaint_detail", pk=complaint.pk)
