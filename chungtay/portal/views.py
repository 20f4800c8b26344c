"""Public pages: no login, read only, everything through `public.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.paginator import Paginator
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from chungtay.core import asof, dates
from chungtay.core.figures import cached
from chungtay.core.uploads import serve
from chungtay.reorg.selectors import moves_of

from . import opendata, public
from .forms import ReceiptFilterForm

PAGE_SIZE = 50


def _unit_or_404(pk: int) -> public.PublicUnit:
    unit = public.unit_get(pk)
    if unit is None:
        raise Http404
    return unit


def _as_of(request: HttpRequest) -> dict[str, Any]:
    """The day asked for (`?ngay=dd/mm/yyyy`, today by default, never later) and what the day
    chooser shows: the refusal of a bad day, and the query that keeps the day on links."""
    as_of, error = asof.as_of_from(request.GET.get("ngay"))
    is_today = as_of == dates.today()
    return {
        "as_of": as_of,
        "is_today": is_today,
        "date_error": error,
        "keep": "" if is_today else f"ngay={as_of:%d/%m/%Y}",
    }


def _unit_page(request: HttpRequest, unit: public.PublicUnit | None, *, template: str) -> HttpResponse:
    day = _as_of(request)
    as_of = day["as_of"]
    context: dict = {"unit": unit, "movement": public.current_movement(), **day}
    if unit is not None:
        # Cached per unit and day: an earlier day's figures never stand in for today's, nor the reverse.
        report = cached("public_report", unit.id, lambda: public.unit_report(unit, as_of=as_of), as_of)
        context.update(
            report=report,
            ancestors=public.unit_ancestors(unit),
            bars={
                "labels": [child.title for child, _ in report.children],
                "planned": [fig.houses_planned for _, fig in report.children],
                "completed": [fig.houses_completed for _, fig in report.children],
                "mobilised": [fig.money_received for _, fig in report.children],
                "disbursed": [fig.money_households_received for _, fig in report.children],
            },
            cells=_cells(unit, as_of),
            series=cached("public_series", unit.id, lambda: public.monthly_series(unit, until=as_of), as_of),
        )
    return render(request, template, context)


def _cells(unit: public.PublicUnit, as_of: dt.date) -> list[dict[str, Any]]:
    return cached("public_cells", unit.id, lambda: public.map_cells(unit, as_of=as_of), as_of)


@require_GET
def map_cells(request: HttpRequest) -> JsonResponse:
    """The map's cells of a unit (`?don_vi=`, the home unit by default) as of `?ngay=`, as JSON: the
    page loads them after it is shown, so the page itself stays small for the caches in front
    (issue 22) and the same cells are one cacheable resource."""
    raw = request.GET.get("don_vi", "")
    unit = _unit_or_404(int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else public.home_unit()
    if unit is None:
        raise Http404
    return JsonResponse({"cells": _cells(unit, _as_of(request)["as_of"])})


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _unit_page(request, public.home_unit(), template="portal/home.html")


@require_GET
def unit(request: HttpRequest, pk: int) -> HttpResponse:
    return _unit_page(request, _unit_or_404(pk), template="portal/unit.html")


def _page_number(value: str | None) -> int:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else 1


def _without_page(request: HttpRequest) -> str:
    """The query string without the page and its cursors (the pager adds its own)."""
    params = request.GET.copy()
    for name in ("trang", "sau", "truoc"):
        params.pop(name, None)
    return params.urlencode()


@require_GET
def receipts(request: HttpRequest) -> HttpResponse:
    form = ReceiptFilterForm(request.GET or None)
    unit = None
    if request.GET.get("don_vi", "").isdigit():
        unit = public.unit_get(int(request.GET["don_vi"]))
    if form.is_valid() or not request.GET:
        page = public.receipt_page(
            form.filters(unit=unit),
            number=_page_number(request.GET.get("trang")),
            size=PAGE_SIZE,
            after=public.ReceiptKey.parse(request.GET.get("sau")),
            before=public.ReceiptKey.parse(request.GET.get("truoc")),
        )
    else:
        page = public.ReceiptPage([], 1, PAGE_SIZE, count=0, total=0)
    context = {
        "form": form,
        "page": page,
        "rows": page.rows,
        "totals": {"count": page.count, "total": page.total, "capped": page.capped},
        "query": _without_page(request),
        "unit": unit,
        "pager_target": "#ket-qua",  # the pager's links swap the rows only, as the filters do
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "portal/_receipt_rows.html", context)
    context["statements"] = public.statements()
    return render(request, "portal/receipts.html", context)


@require_GET
def households(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:100]
    unit = None
    if request.GET.get("don_vi", "").isdigit():
        unit = public.unit_get(int(request.GET["don_vi"]))
    page = public.household_page(
        unit=unit,
        query=query,
        number=_page_number(request.GET.get("trang")),
        size=PAGE_SIZE,
        after=request.GET.get("sau", "")[:50],
        before=request.GET.get("truoc", "")[:50],
    )
    context = {"page": page, "rows": page.rows, "q": query, "unit": unit, "query": _without_page(request)}
    return render(request, "portal/households.html", context)


@require_GET
def household(request: HttpRequest, code: str) -> HttpResponse:
    day = _as_of(request)
    item = public.household_get(code, as_of=day["as_of"])
    if item is None:
        raise Http404
    context = {
        **day,
        "household": item,
        "timeline": public.household_timeline(item.id, as_of=day["as_of"]),
        "money": public.household_money(item.id, as_of=day["as_of"]),
        "photos": public.household_photos(item.id) if item.photo_consent else [],
        # Where it was before a reorganisation moved it (the area's and commune's names are public).
        "moves": moves_of(item.id),
    }
    return render(request, "portal/household.html", context)


@require_GET
def photo(request: HttpRequest, pk: int) -> FileResponse:
    stored = public.photo_file(pk)
    if stored is None:
        raise Http404
    response = serve(stored, filename=f"anh-{pk}.jpg", content_type="image/jpeg", inline=True)
    response["Cache-Control"] = "public, max-age=3600"  # consent can be withdrawn: keep it short
    return response


@require_GET
def gallery(request: HttpRequest) -> HttpResponse:
    page = Paginator(public.gallery(), 24).get_page(request.GET.get("trang"))
    return render(request, "portal/gallery.html", {"page": page, "rows": page.object_list})


@require_GET
def good_models(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/good_models.html", {"models": public.good_models()})


@require_GET
def donate(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/donate.html", {"funds": public.donation_funds()})


@require_GET
def complain(request: HttpRequest) -> HttpResponse:
    unit = public.home_unit()
    counts = public.complaint_counts(unit) if unit else None
    return render(request, "portal/complain.html", {"unit": unit, "counts": counts})


@require_GET
def open_data(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "portal/open_data.html",
        {
            "datasets": list(opendata.DATASETS.values()),
            "licence": opendata.LICENCE,
            "licence_url": opendata.LICENCE_URL,
            "schema_version": opendata.SCHEMA_VERSION,
        },
    )


@require_GET
def download(request: HttpRequest, dataset: str, fmt: str) -> HttpResponse | StreamingHttpResponse:
    if dataset not in opendata.DATASETS or fmt not in ("csv", "json"):
        raise Http404
    data = opendata.DATASETS[dataset]
    as_of = None
    if data.dated and request.GET.get("ngay"):
        try:
            as_of = dt.date.fromisoformat(request.GET["ngay"][:10])
        except ValueError:
            return HttpResponseBadRequest(_("Ngày không hợp lệ: dùng dạng YYYY-MM-DD."))
        if as_of > dates.today():
            return HttpResponseBadRequest(_("Chưa có số liệu của ngày này: số liệu chỉ tính đến hôm nay."))
    if fmt == "csv":
        chunks = opendata.csv_chunks(data, as_of=as_of)
        response = StreamingHttpResponse(chunks, content_type="text/csv; charset=utf-8")
    else:
        chunks = opendata.json_chunks(data, as_of=as_of)
        response = StreamingHttpResponse(chunks, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{dataset}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
