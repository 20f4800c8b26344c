"""Households, funding plan, stage updates with photos, phase progress, norms. Thin views:
access helper → form → one service → redirect."""

from __future__ import annotations

import json
import tempfile
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core import dates
from chungtay.core.access import get_visible_or_404, has_perm, scope_paths, visible_to
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.pagination import CountedPaginator
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.core.uploads import serve
from chungtay.housing.privacy import log_private_view
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.pickers import cascade_response, picker_roots
from chungtay.orgunits.selectors import active_on, top_units_for
from chungtay.tallies import rollup

from .. import selectors, services
from ..exports import export_households
from ..forms import FundingLineForm, HouseholdFilterForm, HouseholdForm, NormForm, ProgressForm, WithdrawForm
from ..models import STAGE_PERCENT, Household, Photo, ProgressUpdate, Stage, Status, SupportNorm


def household_or_404(request: HttpRequest, pk: int, perm: str = "housing.view") -> Household:
    qs = Household.objects.select_related("area", "area__parent", "norm")
    return get_visible_or_404(request.user, qs, perm, "area__path", pk=pk)


def scope_unit(request: AuthedRequest, perm: str = "housing.view") -> OrgUnit | None:
    """The unit chosen with ?don_vi=, or the user's own top unit when they have only one."""
    raw = request.GET.get("don_vi")
    if raw and raw.isdigit():
        return get_visible_or_404(request.user, OrgUnit.objects.all(), perm, pk=int(raw))
    tops = [u for u in top_units_for(request.user) if has_perm(request.user, perm, u)]
    return tops[0] if len(tops) == 1 else None


def _areas_for(request: HttpRequest, perm: str = "housing.edit") -> Any:
    qs = active_on(OrgUnit.objects.filter(level=Level.AREA)).select_related("parent")  # in force today
    return visible_to(request.user, qs, perm).order_by("path")


def _household_form(request: AuthedRequest, **kwargs: Any) -> HouseholdForm:
    """The household form, whose area picker goes commune by commune past a few hundred areas."""
    return HouseholdForm(
        request.POST or None, areas=_areas_for(request), picker_url=reverse("housing:area_picker"),
        roots=picker_roots(request.user, "housing.edit"), **kwargs,
    )  # fmt: skip


def area_picker(request: AuthedRequest) -> HttpResponse:
    """htmx: the household form's area picker below the unit chosen in it (orgunits.pickers)."""
    return cascade_response(request, _household_form(request)["area"], "housing.edit")


def _data_from(cleaned: dict[str, Any]) -> services.HouseholdData:
    return services.HouseholdData(
        area=cleaned["area"], head_name=cleaned["head_name"], category=cleaned["category"],
        support_kind=cleaned["support_kind"], phase_year=cleaned["phase_year"],
        decision_number=cleaned["decision_number"], decision_date=cleaned["decision_date"],
        gender=cleaned.get("gender") or "", birth_year=cleaned.get("birth_year"),
        citizen_id=cleaned.get("citizen_id") or "", phone=cleaned.get("phone") or "",
        address_detail=cleaned.get("address_detail") or "", health_note=cleaned.get("health_note") or "",
        state_support=cleaned.get("state_support"), override_reason=cleaned.get("override_reason") or "",
        note=cleaned.get("note") or "", lat=cleaned.get("lat"), lon=cleaned.get("lon"),
        photo_consent=bool(cleaned.get("photo_consent")),
    )  # fmt: skip


def _filtered(request: AuthedRequest) -> tuple[Any, HouseholdFilterForm, OrgUnit | None, selectors.PrivacyScope]:
    user = request.user
    unit = scope_unit(request)
    base = selectors.households_for(user)
    years = rollup.phase_years(_scope_unit_ids(request))
    form = HouseholdFilterForm(request.GET or None, years=years or [2023, 2024, 2025])
    privacy = selectors.PrivacyScope(user)
    cleaned = form.cleaned_data if form.is_valid() else {}
    qs = selectors.search_households(
        base, unit=unit, phase=cleaned.get("phase"), status=cleaned.get("status") or "",
        category=cleaned.get("category") or "", query=cleaned.get("q") or "",
        private=privacy.all or bool(privacy.paths),
    )  # fmt: skip
    return qs, form, unit, privacy


def _scope_unit_ids(request: HttpRequest) -> list[int]:
    """The top units of the user's housing scope (disjoint subtrees)."""
    user = request.user
    if user.is_superuser:
        return list(OrgUnit.objects.filter(parent__isnull=True).values_list("pk", flat=True))
    paths = scope_paths(user, "housing.view")
    return list(OrgUnit.objects.filter(path__in=paths).values_list("pk", flat=True)) if paths else []


def _known_count(request: HttpRequest, form: HouseholdFilterForm, unit: OrgUnit | None) -> int | None:
    """The list's length from the kept subtree figures when only the unit and phase narrow it."""
    cleaned = form.cleaned_data if form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        return None
    if any(cleaned.get(name) for name in ("status", "category", "q")):
        return None
    return rollup.household_count([unit.pk] if unit else _scope_unit_ids(request), phase=cleaned.get("phase"))


def index(request: AuthedRequest) -> HttpResponse:
    qs, form, unit, privacy = _filtered(request)
    page = CountedPaginator(qs, 50, count=_known_count(request, form, unit)).get_page(request.GET.get("trang"))
    for household in page.object_list:
        household.show_private = privacy.covers(household.area)
    query = request.GET.copy()
    query.pop("trang", None)
    context = {
        "page": page, "form": form, "unit": unit, "query": query.urlencode(),
        "can_edit": has_perm(request.user, "housing.edit", unit),
        "can_import": has_perm(request.user, "housing.edit"),
    }  # fmt: skip
    return render(request, "housing/household_list.html", context)


def export(request: AuthedRequest) -> FileResponse:
    qs, _form, unit, _privacy = _filtered(request)
    qs = qs.exclude(status=Status.WITHDRAWN)
    top = unit or next(iter(top_units_for(request.user)), None)
    if top is None:
        raise PermissionDenied
    # Sent from a temporary file, not held as bytes: a province's list is a large file.
    out = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it once sent)
    export_households(qs, out, unit=top, user=request.user)
    out.seek(0)
    return FileResponse(
        out,
        as_attachment=True,
        filename=f"danh-sach-ho-ho-tro-{dates.today():%Y%m%d}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


def detail(request: HttpRequest, pk: int) -> HttpResponse:
    household = household_or_404(request, pk)
    updates = (
        household.updates.select_related("reporter", "verified_by")
        .prefetch_related(Prefetch("photos", queryset=Photo.objects.order_by("id")))
        .order_by("date", "id")
    )
    lines = list(household.funding_lines.order_by("source"))
    user = request.user
    context = {
        "h": household,
        "updates": updates,
        "lines": lines,
        "planned_total": sum(line.amount for line in lines),
        "show_private": has_perm(user, "housing.private", household.area),
        "can_edit": has_perm(user, "housing.edit", household.area),
        "can_progress": has_perm(user, "housing.progress", household.area) and household.status != Status.WITHDRAWN,
        "can_audit": has_perm(user, "audit.view", household.area),
        "complaints": household.complaints.all() if has_perm(user, "complaints.view", household.area) else None,
        "withdraw_form": WithdrawForm(),
        "funding_form": FundingLineForm(),
    }
    if context["show_private"]:
        log_private_view(user=user, households=[household], path=request.get_full_path())
    return render(request, "housing/household_detail.html", context)


def create(request: AuthedRequest) -> HttpResponse:
    initial = {"phase_year": dates.today().year}
    area_id = request.GET.get("khu")
    if area_id and area_id.isdigit():
        initial["area"] = int(area_id)
    form = _household_form(request, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            household = services.household_create(actor=request.user, data=_data_from(form.cleaned_data))
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm hộ %(code)s.") % {"code": household.code})
            return redirect("housing:household_detail", pk=household.pk)
    return render(request, "housing/household_form.html", {"form": form})


def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    household = household_or_404(request, pk, "housing.edit")
    form = _household_form(request, initial=HouseholdForm.initial_from(household))
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(actor=request.user, household=household, data=_data_from(form.cleaned_data))
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu hộ %(code)s.") % {"code": household.code})
            return redirect("housing:household_detail", pk=household.pk)
    return render(request, "housing/household_form.html", {"form": form, "h": household})


@require_POST
def change_status(request: AuthedRequest, pk: int) -> HttpResponse:
    household = household_or_404(request, pk, "housing.edit")
    action = request.POST.get("action")
    try:
        if action == "surveyed":
            services.household_mark_surveyed(actor=request.user, household=household)
            messages.success(request, _("Đã ghi nhận khảo sát."))
        elif action == "withdraw":
            form = WithdrawForm(request.POST)
            reason = form.data.get("reason", "")
            services.household_withdraw(actor=request.user, household=household, reason=reason)
            messages.success(request, _("Đã rút hộ khỏi danh sách."))
        else:
            messages.error(request, _("Thao tác không hợp lệ."))
    except DomainError as exc:
        refuse_with_message(request, exc)
    return redirect("housing:household_detail", pk=household.pk)


@require_POST
def funding(request: AuthedRequest, pk: int) -> HttpResponse:
    household = household_or_404(request, pk, "housing.edit")
    form = FundingLineForm(request.POST)
    if form.is_valid():
        try:
            services.funding_line_set(actor=request.user, household=household, **form.cleaned_data)
        except DomainError as exc:
            refuse_with_message(request, exc)
        else:
            messages.success(request, _("Đã lưu nguồn kinh phí."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect("housing:household_detail", pk=household.pk)


def progress_add(request: AuthedRequest, pk: int) -> HttpResponse:
    """Phone-first: a residential-area board takes photos on site and records the stage."""
    household = household_or_404(request, pk, "housing.progress")
    latest = household.updates.order_by("-date", "-id").first()
    next_stage = Stage.START
    if latest is not None:
        stages = list(Stage.values)
        next_stage = stages[min(stages.index(latest.stage) + 1, len(stages) - 1)]  # type: ignore[assignment]
    form = ProgressForm(
        request.POST or None, request.FILES or None, initial={"stage": next_stage, "date": dates.today()}
    )
    if request.method == "POST" and form.is_valid():
        uploads = [services.UploadedPhoto(f.name, f) for f in form.cleaned_data["photos"]]
        try:
            update = services.progress_record(
                actor=request.user, household=household, stage=form.cleaned_data["stage"],
                date=form.cleaned_data["date"], percent=form.cleaned_data["percent"],
                note=form.cleaned_data["note"], photos=uploads,
            )  # fmt: skip
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            warnings = [p.warning for p in update.photos.all() if p.warning]
            messages.success(
                request,
                _("Đã ghi “%(stage)s” với %(n)s ảnh.") % {"stage": update.get_stage_display(), "n": len(uploads)},
            )
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("housing:household_detail", pk=household.pk)
    context = {
        "h": household,
        "form": form,
        "latest": latest,
        "show_private": has_perm(request.user, "housing.private", household.area),
        "stage_percent_json": json.dumps(STAGE_PERCENT),
    }
    return render(request, "housing/progress_form.html", context)


@require_POST
def progress_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    update = get_visible_or_404(
        request.user, ProgressUpdate.objects.select_related("household__area"), "housing.edit",
        "household__area__path", pk=pk,
    )  # fmt: skip
    try:
        services.progress_verify(actor=request.user, update=update)
    except DomainError as exc:
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã xác nhận giai đoạn “%(stage)s”.") % {"stage": update.get_stage_display()})
    return redirect("housing:household_detail", pk=update.household_id)


def photo(request: HttpRequest, pk: int) -> FileResponse:
    item = get_visible_or_404(
        request.user,
        Photo.objects.all(),
        "housing.view",
        "update__household__area__path",
        pk=pk,
    )
    return serve(item.file, filename=f"anh-{item.pk}.jpg", content_type="image/jpeg", inline=True)


def progress(request: AuthedRequest) -> HttpResponse:
    """Each unit's progress against its phasing, and the households behind schedule."""
    unit = scope_unit(request)
    if unit is None:
        tops = [u for u in top_units_for(request.user) if has_perm(request.user, "housing.view", u)]
        if not tops:
            raise PermissionDenied
        unit = tops[0]
    whole, children, years = selectors.phase_progress(unit)
    today = dates.today()
    behind = selectors.behind_schedule(Household.objects.filter(area__path__startswith=unit.path), today=today)
    late = list(behind[:300])  # the list shows the first 300; the badge counts them all
    privacy = selectors.PrivacyScope(request.user)
    for household in late:
        household.show_private = privacy.covers(household.area)  # type: ignore[attr-defined]
    context = {
        "unit": unit,
        "whole": whole,
        "phase_rows": [whole.phases[y] for y in years],
        "children": [(c, [c.phases.get(y) for y in years]) for c in children if c.phases],
        "years": years,
        "late": late,
        "late_count": behind.count() if len(late) == 300 else len(late),
        "today": today,
        "complaints": selectors.complaint_counts(unit) if has_perm(request.user, "complaints.view", unit) else None,
        "parent": unit.parent if unit.parent and has_perm(request.user, "housing.view", unit.parent) else None,
    }
    return render(request, "housing/progress.html", context)


def norms(request: HttpRequest) -> HttpResponse:
    items = SupportNorm.objects.all()
    return render(
        request,
        "housing/norms.html",
        {"norms": items, "can_manage": has_perm(request.user, "units.manage")},
    )


def norm_create(request: AuthedRequest) -> HttpResponse:
    form = NormForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.norm_create(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm mức hỗ trợ."))
            return redirect("housing:norms")
    return render(request, "housing/norm_form.html", {"form": form})
