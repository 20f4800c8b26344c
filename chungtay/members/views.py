"""In-kind contributions and member organisations in a movement. Thin views: access helper → form →
one service → redirect."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.campaigns.models import Movement, MovementStatus
from chungtay.campaigns.selectors import movement_or_404
from chungtay.core import dates
from chungtay.core.access import get_visible_or_404, has_perm, scope_paths, visible_to
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.housing.models import Household, Status
from chungtay.orgunits.models import MemberOrganisation, OrgUnit
from chungtay.orgunits.pickers import cascade_response, picker_roots
from chungtay.orgunits.selectors import active_on, top_units_for
from chungtay.tallies import catalogue

from . import selectors, services
from .forms import InKindForm, RegistrationForm, ResultsForm
from .models import InKindContribution, MemberOrgRegistration

PERM = services.RECORD_PERM
LIST_LIMIT = 300


def _unit(request: AuthedRequest) -> OrgUnit | None:
    raw = request.GET.get("don_vi")
    if raw and raw.isdigit():
        return get_visible_or_404(request.user, OrgUnit.objects.all(), "housing.view", pk=int(raw))
    tops = [u for u in top_units_for(request.user) if has_perm(request.user, "housing.view", u)]
    return tops[0] if len(tops) == 1 else None


def in_kind_list(request: AuthedRequest) -> HttpResponse:
    unit = _unit(request)
    rows = selectors.contributions_for(request.user, unit=unit)
    return render(request, "members/in_kind_list.html", {
        "unit": unit, "rows": rows[:LIST_LIMIT], "limit": LIST_LIMIT,
        "figures": catalogue.for_unit(unit) if unit is not None else None,
        "can_record": has_perm(request.user, PERM),
    })  # fmt: skip


def _member_orgs_near(user: Any) -> Any:
    """Organisations working in the user's scope: inside it, or at a unit above it (the ward's Hội Phụ
    nữ helps the ward's residential areas); the service checks the one chosen against the unit."""
    paths = scope_paths(user, PERM)
    if user.is_superuser:
        return MemberOrganisation.objects.select_related("unit").order_by("unit__path", "kind")
    steplen = OrgUnit.steplen
    ancestors = {p[:i] for p in paths for i in range(steplen, len(p) + 1, steplen)}
    inside = Q()
    for p in paths:
        inside |= Q(unit__path__startswith=p)
    qs = (
        MemberOrganisation.objects.filter(inside | Q(unit__path__in=ancestors))
        if paths
        else MemberOrganisation.objects.none()
    )
    return qs.select_related("unit").order_by("unit__path", "kind")


def _form(
    request: HttpRequest, data: Any = None, files: Any = None, initial: dict[str, Any] | None = None
) -> InKindForm:
    user = request.user
    households = visible_to(user, Household.objects.exclude(status=Status.WITHDRAWN), PERM, "area__path")
    units = visible_to(user, active_on(OrgUnit.objects.all()), PERM)  # in force today
    movements = Movement.objects.exclude(status__in=[MovementStatus.DRAFT, MovementStatus.CLOSED]).order_by(
        "-issued_on"
    )
    return InKindForm(
        data, files, initial=initial, households=households.select_related("area").order_by("code"),
        units=units.order_by("path"), movements=movements, member_orgs=_member_orgs_near(user),
        picker_url=reverse("members:in_kind_unit_picker"), roots=picker_roots(user, PERM),
        org_picker_url=reverse("members:in_kind_org_picker"),
    )  # fmt: skip


def in_kind_unit_picker(request: HttpRequest) -> HttpResponse:
    """htmx: the in-kind form's unit picker below the unit chosen in it (orgunits.pickers)."""
    return cascade_response(request, _form(request)["unit"], PERM)


def in_kind_org_picker(request: HttpRequest) -> HttpResponse:
    """htmx: the in-kind form's member-organisation picker, the organisations of the unit chosen in it."""
    return cascade_response(request, _form(request)["member_org"], PERM)


def in_kind_create(request: HttpRequest) -> HttpResponse:
    if not has_perm(request.user, PERM):
        raise PermissionDenied
    initial: dict[str, Any] = {"given_on": dates.today()}
    household = None
    raw = request.GET.get("ho")
    if raw and raw.isdigit():
        household = get_visible_or_404(
            request.user, Household.objects.select_related("area"), PERM, "area__path", pk=int(raw)
        )
        initial["household"] = household
    form = _form(request, request.POST or None, request.FILES or None, initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        data = services.InKindData(
            unit=d["unit"], household=d["household"], movement=d["movement"], giver_kind=d["giver_kind"],
            member_org=d["member_org"], giver_name=d["giver_name"], kind=d["kind"], description=d["description"],
            quantity=d["quantity"], measure=d["measure"], value=d["value"], given_on=d["given_on"], note=d["note"],
        )  # fmt: skip
        upload = d.get("evidence")
        try:
            item = services.in_kind_record(
                actor=request.user, data=data, evidence=upload, evidence_name=upload.name if upload else ""
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận đóng góp: %(t)s.") % {"t": str(item)})
            if item.household_id:
                return redirect("housing:household_detail", pk=item.household_id)
            return redirect(f"{reverse('members:in_kind_list')}?don_vi={item.unit_id}")
    return render(request, "members/in_kind_form.html", {"form": form, "household": household})


@require_POST
def in_kind_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_visible_or_404(
        request.user, InKindContribution.objects.select_related("unit"), PERM, "unit__path", pk=pk
    )
    household_id = item.household_id
    services.in_kind_delete(actor=request.user, contribution=item)
    messages.success(request, _("Đã xóa đóng góp ghi nhầm (lịch sử vẫn lưu)."))
    if household_id:
        return redirect("housing:household_detail", pk=household_id)
    return redirect("members:in_kind_list")


# --- Member organisations in a movement ---------------------------------------------------------
def movement_orgs(request: HttpRequest, pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, pk)
    rows = selectors.movement_member_orgs(request.user, movement)
    today = dates.today()
    for row in rows:
        row["can_act"] = has_perm(request.user, services.PARTICIPATE_PERM, row["org"].unit)
        if row["can_act"]:  # one form per row, each with its own element ids
            pk = row["org"].pk
            row["register_form"] = RegistrationForm(initial={"registered_on": today}, auto_id=f"id_dk{pk}_%s")
            row["results_form"] = ResultsForm(initial={"results_on": today}, auto_id=f"id_kq{pk}_%s")
    return render(request, "members/movement_orgs.html", {
        "movement": movement, "rows": rows, "registered": sum(1 for r in rows if r["registration"]),
    })  # fmt: skip


def _refused(request: HttpRequest, form: Any = None, exc: DomainError | None = None) -> None:
    if exc is not None:
        refuse_with_message(request, exc)
    else:
        refuse()
    for field, errors in form.errors.items() if form is not None else []:
        label = form.fields[field].label if field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}: {e}" if label else e)


@require_POST
def register(request: HttpRequest, pk: int, org_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, pk)
    org = get_visible_or_404(
        request.user,
        MemberOrganisation.objects.select_related("unit"),
        services.PARTICIPATE_PERM,
        "unit__path",
        pk=org_pk,
    )
    form = RegistrationForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
    else:
        try:
            services.member_org_register(actor=request.user, movement=movement, member_org=org, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc=exc)
        else:
            messages.success(request, _("%(o)s đã đăng ký thi đua.") % {"o": org.name})
    return redirect("members:movement_orgs", pk=movement.pk)


@require_POST
def results(request: HttpRequest, pk: int) -> HttpResponse:
    qs = MemberOrgRegistration.objects.select_related("member_org", "member_org__unit", "movement")
    registration = get_visible_or_404(request.user, qs, services.PARTICIPATE_PERM, "member_org__unit__path", pk=pk)
    form = ResultsForm(request.POST)
    if not form.is_valid():
        _refused(request, form)
    else:
        try:
            services.member_org_results_report(actor=request.user, registration=registration, **form.cleaned_data)
        except DomainError as exc:
            _refused(request, exc=exc)
        else:
            messages.success(request, _("Đã ghi kết quả của %(o)s.") % {"o": registration.member_org.name})
    return redirect("members:movement_orgs", pk=registration.movement_id)
