"""Field work of residential-area boards: the installable offline app (page, data, service worker,
manifest), the endpoint its queue sends stage updates to, and the printed checklist of an area."""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core import dates
from chungtay.core.access import get_visible_or_404, visible_to
from chungtay.core.errors import DomainError
from chungtay.core.money import format_decimal_vn
from chungtay.core.pdf import pdf_response
from chungtay.core.transactions import refuse
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.selectors import active_on

from .. import selectors, services
from ..models import Stage
from .households import household_or_404

SW_SOURCE = Path(settings.BASE_DIR) / "static" / "js" / "housing-sw.js"
# Bump when the app shell changes: the service worker drops caches of other versions.
APP_VERSION = "2"


def _shell_urls() -> list[str]:
    return [
        reverse("housing:offline"),
        reverse("housing:offline_data"),
        static("css/chungtay.css"),
        static("vendor/bootstrap/bootstrap.min.css"),
        static("vendor/bootstrap/bootstrap.bundle.min.js"),
        static("vendor/be-vietnam-pro/be-vietnam-pro.css"),
        static("vendor/htmx/htmx.min.js"),
        static("js/chungtay.js"),
        static("js/housing-offline.js"),
        static("img/logo.svg"),
    ]


def offline(request: HttpRequest) -> HttpResponse:
    """The app shell: households and stages come from offline_data (cached by the service worker)."""
    context = {
        "stages_json": json.dumps([{"value": v, "label": str(label)} for v, label in Stage.choices]),
        "today": dates.today(),
    }
    return render(request, "housing/offline.html", context)


def offline_data(request: AuthedRequest) -> HttpResponse:
    bundle = selectors.field_bundle(request.user)
    payload: dict[str, object] = {
        "as_of": dates.today().strftime("%d/%m/%Y"),
        "households": [row.as_json() for row in bundle.rows],
    }
    if bundle.too_many:
        payload["message"] = _(
            "Phạm vi của bạn có %(total)s hộ, quá nhiều để mang theo khi không có mạng (tối đa %(limit)s hộ). "
            "Ứng dụng ngoài hiện trường dành cho cán bộ được giao khu dân cư hoặc xã, phường; hãy dùng trang "
            "Tiến độ khi có mạng."
        ) % {
            "total": format_decimal_vn(bundle.total, places=0),
            "limit": format_decimal_vn(selectors.OFFLINE_LIMIT, places=0),
        }
    response = JsonResponse(payload)
    response["Cache-Control"] = "private, no-cache"
    return response


def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, from static/js, served under /nha-o/ so that its scope covers the app."""
    head = f"self.CT_VERSION = {json.dumps(APP_VERSION)};\nself.CT_SHELL = {json.dumps(_shell_urls())};\n"
    response = HttpResponse(head + SW_SOURCE.read_text(encoding="utf-8"), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    return response


def manifest(request: HttpRequest) -> HttpResponse:
    data = {
        "name": "Chung Tay — Ghi tiến độ nhà",
        "short_name": "Chung Tay",
        "lang": "vi",
        "start_url": reverse("housing:offline"),
        "scope": reverse("housing:index"),
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#b3261e",
        "icons": [
            {"src": static("img/app-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/app-512.png"), "sizes": "512x512", "type": "image/png"},
        ],
    }
    return HttpResponse(json.dumps(data, ensure_ascii=False), content_type="application/manifest+json")


def _result(status: str, code: int, **extra: object) -> JsonResponse:
    return JsonResponse({"status": status, **extra}, status=code)


@require_POST
def progress_sync(request: AuthedRequest, pk: int) -> HttpResponse:
    """A queued stage update from the phone. 201 saved, 200 already saved (same client id),
    409 the stage moved on meanwhile, 400 refused (message names the field)."""
    household = household_or_404(request, pk, "housing.progress")
    post = request.POST
    try:
        client_id = uuid.UUID(post.get("client_id", ""))
    except ValueError:
        return _result("error", 400, field="client_id", message="Thiếu mã cập nhật tạo trên điện thoại.")
    try:
        date = dt.datetime.strptime(post.get("date", ""), "%Y-%m-%d").date()
    except ValueError:
        return _result("error", 400, field="date", message="Ngày không hợp lệ (dd/mm/yyyy).")
    force = post.get("force") == "1"
    uploads = [services.UploadedPhoto(f.name or "anh.jpg", f) for f in request.FILES.getlist("photos")]
    before = household.updates.filter(client_id=client_id).exists()
    try:
        update = services.progress_record(
            actor=request.user, household=household, stage=post.get("stage", ""), date=date,
            note=post.get("note", "")[:500], photos=uploads, client_id=client_id,
            seen_stage=None if force else post.get("seen_stage", ""),
        )  # fmt: skip
    except services.StageConflict as exc:
        refuse()
        latest = exc.latest
        current = (
            {"stage": latest.stage, "label": latest.get_stage_display(), "date": f"{latest.date:%d/%m/%Y}"}
            if latest
            else {"stage": "", "label": "Chưa khởi công", "date": ""}
        )
        return _result("conflict", 409, message=exc.message, current=current)
    except DomainError as exc:
        refuse()
        return _result("error", 400, field=exc.field, message=exc.message)
    return _result(
        "duplicate" if before else "saved",
        200 if before else 201,
        id=update.pk,
        photos=update.photos.count(),
        message=f"Đã ghi “{update.get_stage_display()}” cho hộ {household.code}.",
    )


def _area_or_404(request: HttpRequest, pk: int) -> OrgUnit:
    return get_visible_or_404(request.user, OrgUnit.objects.filter(level=Level.AREA), "housing.view", pk=pk)


def checklist_areas(request: HttpRequest) -> HttpResponse:
    """Which areas' checklists the person may print."""
    areas = active_on(OrgUnit.objects.filter(level=Level.AREA)).select_related("parent")  # in force today
    areas = visible_to(request.user, areas, "housing.view").order_by("path")
    # Paged: a province has 1,500 areas (two links each), the country 100,000.
    page = Paginator(areas, 100).get_page(request.GET.get("trang"))
    return render(request, "housing/checklist_areas.html", {"areas": page.object_list, "page": page})


def _checklist_context(request: AuthedRequest, area: OrgUnit) -> dict[str, object]:
    rows = selectors.field_rows(request.user, area=area, perm="housing.view")
    return {"area": area, "rows": rows, "today": dates.today(), "stages": Stage.choices}


def checklist(request: AuthedRequest, pk: int) -> HttpResponse:
    area = _area_or_404(request, pk)
    return render(request, "housing/checklist.html", _checklist_context(request, area))


def checklist_pdf(request: AuthedRequest, pk: int) -> HttpResponse:
    area = _area_or_404(request, pk)
    context = _checklist_context(request, area)
    today = context["today"]
    return pdf_response("housing/checklist_pdf.html", context, f"phieu-kiem-tra-{area.pk}-{today:%Y%m%d}.pdf")
