"""Thin views: access helper → form → one service → redirect or fragment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import get_visible_or_404, has_perm
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.transactions import refuse
from chungtay.core.types import AuthedRequest

from . import selectors, services
from .forms import MemberOrgForm, SuccessionForm, UnitForm, level_for_child
from .models import Level, MemberOrganisation, OrgUnit


def _unit(request: AuthedRequest, pk: int, perm: str = "units.view") -> OrgUnit:
    return get_visible_or_404(request.user, OrgUnit.objects.all(), perm, pk=pk)


def tree(request: AuthedRequest) -> HttpResponse:
    tops = [u for u in selectors.top_units_for(request.user) if has_perm(request.user, "units.view", u)]
    if len(tops) == 1:
        # The unit's own page, here rather than behind a redirect: one request, not two, for the
        # page everyone opens first (under load a redirect waits in the queue twice).
        return _detail_page(request, tops[0])
    return render(request, "orgunits/tree.html", {"tops": tops})


def detail(request: AuthedRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _unit(request, pk))


def _detail_page(request: AuthedRequest, unit: OrgUnit) -> HttpResponse:
    """The unit, its levels below (counted without reading the areas) and its children (at most
    `selectors.CHILDREN_SHOWN`); deeper levels open in place with htmx, one level at a time."""
    can_manage = has_perm(request.user, "units.manage", unit)
    children, children_more = selectors.children_with_counts(unit)
    context = {
        "unit": unit,
        "ancestors": [a for a in selectors.ancestors(unit) if has_perm(request.user, "units.view", a)],
        "children": children,
        "children_more": children_more,
        "level_counts": [(Level(lvl).label, n) for lvl, n in sorted(selectors.level_counts(unit).items())],
        "member_orgs": unit.member_organisations.all(),
        "memberships": selectors.memberships_in(unit) if has_perm(request.user, "users.manage", unit) else None,
        "successions_in": unit.successions_in.select_related("predecessor"),
        "successions_out": unit.successions_out.select_related("successor"),
        "can_manage": can_manage,
        "can_audit": has_perm(request.user, "audit.view", unit),
        "child_level": Level(level_for_child(unit)).label if unit.level < Level.AREA else None,
    }
    return render(request, "orgunits/detail.html", context)


def children(request: AuthedRequest, pk: int) -> HttpResponse:
    """htmx fragment: the children of a unit, for expanding the tree in place."""
    unit = _unit(request, pk)
    children, children_more = selectors.children_with_counts(unit)
    context = {"unit": unit, "children": children, "children_more": children_more}
    return render(request, "orgunits/_children.html", context)


def search(request: AuthedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    results = selectors.search_units(request.user, query) if query.strip() else []
    return render(request, "orgunits/_search_results.html", {"results": results, "q": query})


def create_child(request: AuthedRequest, pk: int) -> HttpResponse:
    parent = _unit(request, pk, "units.manage")
    if parent.level >= Level.AREA:
        messages.error(request, _("Khu dân cư là cấp thấp nhất, không thể thêm cấp dưới."))
        return redirect("orgunits:detail", pk=parent.pk)
    level = level_for_child(parent)
    form = UnitForm(request.POST or None, level=level)
    if request.method == "POST" and form.is_valid():
        try:
            unit = services.unit_create(actor=request.user, parent=parent, level=level, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm %(unit)s.") % {"unit": unit.title})
            return redirect("orgunits:detail", pk=parent.pk)
    return render(
        request,
        "orgunits/unit_form.html",
        {"form": form, "parent": parent, "level_label": Level(level).label},
    )


def edit(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk, "units.manage")
    initial = {
        "kind": unit.kind,
        "name": unit.name,
        "code": unit.code,
        "valid_from": unit.valid_from,
        "valid_to": unit.valid_to,
    }
    form = UnitForm(request.POST or None, initial=initial, level=unit.level)
    if request.method == "POST" and form.is_valid():
        try:
            services.unit_update(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu %(unit)s.") % {"unit": unit.title})
            return redirect("orgunits:detail", pk=unit.pk)
    return render(
        request,
        "orgunits/unit_form.html",
        {"form": form, "unit": unit, "level_label": unit.get_level_display()},
    )


def succession_add(request: AuthedRequest, pk: int) -> HttpResponse:
    successor = _unit(request, pk, "units.manage")
    # Candidates: units of the same level the user manages, other than the successor itself.
    candidates = (
        selectors.units_for(request.user, "units.manage").filter(level=successor.level).exclude(pk=successor.pk)
    )
    form = SuccessionForm(request.POST or None, candidates=candidates.order_by("name"))
    if request.method == "POST" and form.is_valid():
        try:
            services.succession_record(
                actor=request.user,
                predecessors=list(form.cleaned_data["predecessors"]),
                successor=successor,
                effective_on=form.cleaned_data["effective_on"],
                kind=form.cleaned_data["kind"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận việc kế thừa đơn vị."))
            return redirect("orgunits:detail", pk=successor.pk)
    return render(request, "orgunits/succession_form.html", {"form": form, "unit": successor})


def memberorg_add(request: AuthedRequest, pk: int) -> HttpResponse:
    unit = _unit(request, pk, "units.manage")
    form = MemberOrgForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.member_org_add(actor=request.user, unit=unit, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã thêm tổ chức thành viên."))
            return redirect("orgunits:detail", pk=unit.pk)
    return render(request, "orgunits/memberorg_form.html", {"form": form, "unit": unit})


@require_POST
def memberorg_delete(request: AuthedRequest, pk: int, org_pk: int) -> HttpResponse:
    unit = _unit(request, pk, "units.manage")
    org = get_object_or_404(MemberOrganisation, pk=org_pk, unit=unit)
    services.member_org_delete(actor=request.user, member_org=org)
    messages.success(request, _("Đã xoá %(name)s.") % {"name": org.name})
    return redirect("orgunits:detail", pk=unit.pk)


def import_template(request: AuthedRequest) -> HttpResponse:
    body = (
        "level,kind,name,parent\nprovince,tỉnh,Quảng Nam,\ndistrict,thị xã,Điện Bàn,Quảng Nam\n"
        "commune,phường,Vĩnh Điện,Điện Bàn\narea,khối phố,Khối phố 1,Vĩnh Điện\n"
    )
    response = HttpResponse("\ufeff" + body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mau-danh-sach-don-vi.csv"'
    return response
