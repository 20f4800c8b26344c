"""Follow-up pages. Thin: scope → selector or one service → render or redirect."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.campaigns.models import Movement
from chungtay.campaigns.selectors import movements_for
from chungtay.core import asof, dates
from chungtay.core.access import get_visible_or_404, has_perm, visible_to
from chungtay.core.docgen import docx_to_pdf, libreoffice_available
from chungtay.core.errors import DomainError
from chungtay.core.figures import cached
from chungtay.core.forms import add_domain_error
from chungtay.core.redirects import safe_url
from chungtay.core.transactions import refuse
from chungtay.core.types import AuthedRequest
from chungtay.core.uploads import serve
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.selectors import top_units_for

from . import exports, selectors, services
from .forms import ContactChannelForm, ExportForm, ReviewForm, UrgingNoticeForm
from .models import ContactChannel, Delivery, Notification, ReminderLog, ReportJob, UrgingNotice


def _unit(request: AuthedRequest, perm: str = "reports.view", *, on: dt.date | None = None) -> tuple[OrgUnit, OrgUnit]:
    """The unit asked for (?don_vi=, inside the user's scope, else 404) and the user's top unit, among
    the units in force on `on` (today when not given): as of a day before a reorganisation, the old."""
    tops = [u for u in top_units_for(request.user, on=on) if has_perm(request.user, perm, u)]
    if not tops:
        raise PermissionDenied
    wanted = request.GET.get("don_vi") or request.POST.get("don_vi")
    if not wanted:
        return tops[0], tops[0]
    if not str(wanted).isdigit():
        raise Http404
    unit = get_visible_or_404(request.user, OrgUnit.objects.all(), perm, pk=int(wanted))
    top = next((t for t in tops if unit.path.startswith(t.path)), unit)
    return unit, top


def _as_of(request: HttpRequest) -> tuple[dt.date, str, str]:
    """The day asked for (`?ngay=dd/mm/yyyy`, today by default, never later), its error message if
    refused, and the query suffix that keeps it on drill-down links."""
    as_of, error = asof.as_of_from(request.GET.get("ngay"))
    keep = "" if as_of == dates.today() else f"&ngay={as_of:%d/%m/%Y}"
    return as_of, error, keep


def dashboard(request: AuthedRequest) -> HttpResponse:
    today = dates.today()
    as_of, date_error, keep = _as_of(request)
    unit, top = _unit(request, on=as_of)
    summary = cached("unit_summary", unit.pk, lambda: selectors.unit_summary(unit, as_of=as_of), as_of)
    children = cached("children", unit.pk, lambda: selectors.children_breakdown(unit, as_of=as_of), as_of)
    direct = selectors.direct_row(summary, children)
    show_map = has_perm(request.user, "housing.view", unit)
    # Past MAP_LIMIT located houses the map shows one bubble per child unit instead of single houses.
    bubbles_mode = show_map and selectors.located_count(unit) > selectors.MAP_LIMIT
    points: list = []
    if bubbles_mode:
        points = cached("map_bubbles", unit.pk, lambda: selectors.map_bubbles(unit, as_of=as_of), as_of)
    elif show_map:
        points = cached("map_points", unit.pk, lambda: selectors.map_points(unit, as_of=as_of), as_of)
    households = []
    if unit.level == Level.AREA and show_map:
        households = list(selectors.area_households(unit, as_of=as_of)[:200])
    bars = {
        "labels": [c.unit.name for c in children],
        **{
            key: [c.figures[name] for c in children]
            for key, name in (
                ("planned", "houses_planned"), ("completed", "houses_completed"),
                ("handed_over", "houses_handed_over"), ("late", "obligations_overdue"),
            )
        },
    }  # fmt: skip
    series = cached("series", unit.pk, lambda: selectors.progress_series(unit, until=as_of), as_of)
    return render(request, "reports/dashboard.html", {
        "unit": unit, "summary": summary, "f": summary.figures, "children": children, "direct": direct,
        "crumbs": selectors.breadcrumbs(unit, top), "bars": bars, "series": series, "points": points,
        "show_map": show_map, "bubbles_mode": bubbles_mode,
        "households": households, "today": today, "as_of": as_of, "is_today": as_of == today,
        "date_error": date_error, "keep": keep, "map_limit": selectors.MAP_LIMIT,
        "status_labels": selectors.STATUS_LABELS,
        "can_remind": has_perm(request.user, "reports.remind", unit),
    })  # fmt: skip


TIMELINESS_ROWS = 100


def timeliness(request: AuthedRequest) -> HttpResponse:
    as_of, date_error, keep = _as_of(request)
    unit, top = _unit(request, on=as_of)
    movements = list(movements_for(request.user).exclude(status="draft"))
    movement = None
    wanted = request.GET.get("phong_trao", "")
    if wanted.isdigit():
        movement = next((m for m in movements if m.pk == int(wanted)), None)
        if movement is None:
            raise Http404
    elif movements:
        # The movement of the day asked for: the latest issued by then (a 2024 day opens the 2024 movement,
        # not today's, which did not exist yet and would show nothing but zeros).
        movement = next((m for m in movements if m.issued_on <= as_of), movements[0])
    level = request.GET.get("cap", "")
    table = page = None
    if movement is not None:
        table = selectors.timeliness(movement, unit, as_of=as_of, level=int(level) if level.isdigit() else None)
        # The rows paged (a province has 1,740 participants: 2.3 s to render them all); the totals below
        # the table stay those of every row, the catalogue's figures.
        page = Paginator(table.rows, TIMELINESS_ROWS).get_page(request.GET.get("trang"))
    query = request.GET.copy()
    query.pop("trang", None)
    return render(request, "reports/timeliness.html", {
        "unit": unit, "crumbs": selectors.breadcrumbs(unit, top), "movements": movements, "movement": movement,
        "table": table, "page": page, "pager_query": query.urlencode(), "level": level,
        "levels": [(Level.COMMUNE, "Cấp xã"), (Level.AREA, "Khu dân cư")],
        "as_of": as_of, "is_today": as_of == dates.today(), "date_error": date_error, "keep": keep,
    })  # fmt: skip


# --- Notifications ------------------------------------------------------------------------------
def notifications(request: HttpRequest) -> HttpResponse:
    items = list(selectors.notifications_for(request.user)[:100])
    return render(request, "reports/notifications.html", {"items": items})


@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    services.notification_mark_read(user=request.user, notification=notification)
    if request.POST.get("mo"):
        # Stored links are our own paths, but "//host" also starts with "/": check like any other target.
        return redirect(safe_url(request, notification.url, "reports:notifications"))
    return redirect("reports:notifications")


@require_POST
def notifications_read_all(request: AuthedRequest) -> HttpResponse:
    n = services.notification_mark_read(user=request.user)
    messages.success(request, _("Đã đánh dấu %(n)s thông báo là đã đọc.") % {"n": n})
    return redirect("reports:notifications")


def channel_settings(request: AuthedRequest) -> HttpResponse:
    """A person chooses how their daily digest reaches them (e-mail, SMS, Zalo, or the app only)."""
    user = request.user
    choice = ContactChannel.objects.filter(user=user).first()
    initial = {"channel": "email" if user.email else "app"}
    if choice is not None:
        initial = {"channel": "app" if choice.stopped_at else choice.channel, "phone": choice.phone}
    form = ContactChannelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_channel_set(actor=user, user=user, **form.cleaned_data)
        except DomainError as exc:
            refuse()
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã lưu cách nhận nhắc việc."))
            return redirect("reports:channel_settings")
    recent = Delivery.objects.filter(user=user).order_by("-run_on")[:10]
    return render(request, "reports/channel_settings.html", {"form": form, "choice": choice, "recent": recent})


def channel_stop(request: HttpRequest, token: str) -> HttpResponse:
    """The link in each digest: stops it without signing in (a button, so link previews do not stop it)."""
    done = False
    error = ""
    if request.method == "POST":
        try:
            services.contact_channel_stop(token=token)
        except DomainError as exc:
            refuse()
            error = exc.message
        else:
            done = True
    return render(request, "reports/channel_stop.html", {"done": done, "error": error})


# --- Reminders ---------------------------------------------------------------------------------
def reminder_log(request: AuthedRequest) -> HttpResponse:
    unit, _top = _unit(request, "reports.remind")
    qs = ReminderLog.objects.filter(
        Q(unit__path__startswith=unit.path) | Q(escalated_to__path__startswith=unit.path)
    ).select_related("unit__parent", "recipient", "escalated_to")
    day = request.GET.get("ngay", "")
    if day:
        try:
            qs = qs.filter(run_on=dt.datetime.strptime(day, "%d/%m/%Y").date())
        except ValueError:
            messages.error(request, _("Ngày không hợp lệ (dd/mm/yyyy)."))
    runs = ReminderLog.objects.filter(unit__path__startswith=unit.path).values_list("run_on", flat=True).distinct()
    return render(request, "reports/reminder_log.html", {
        "unit": unit, "logs": list(qs[:500]), "runs": sorted(set(runs), reverse=True)[:30], "day": day,
    })  # fmt: skip


@require_POST
def reminder_run(request: AuthedRequest) -> HttpResponse:
    from .tasks import send_reminders_task

    _unit(request, "reports.remind")
    send_reminders_task.enqueue(dates.today().isoformat())
    messages.success(request, _("Đã đưa việc gửi nhắc việc hôm nay vào hàng đợi; nhật ký cập nhật khi chạy xong."))
    return redirect("reports:reminder_log")


# --- Urging notices -------------------------------------------------------------------------------
def urging_notice(request: AuthedRequest) -> HttpResponse:
    unit, _top = _unit(request, "reports.remind")
    today = dates.today()
    # Counts per unit, each unit's items on demand (urging_items): a province has ~7,000 (issue 22).
    late = selectors.late_unit_counts(today, unit)
    candidates = [u for u, _count in late if u.pk != unit.pk]
    initial = {"units": [u.pk for u in candidates], "issued_on": today, "deadline": today + dt.timedelta(days=7)}
    form = UrgingNoticeForm(request.POST or None, candidates=candidates, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.urging_notice_issue(
                actor=request.user, issuing_unit=unit, units=list(data["units"]), number=data["number"],
                today=data["issued_on"], deadline=data["deadline"], signer_name=data["signer_name"],
            )  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Đã ban hành công văn đôn đốc %(number)s.") % {"number": notice.number})
            return redirect(reverse("reports:urging_notice") + f"?don_vi={unit.pk}")
    notices = (
        UrgingNotice.objects.filter(issuing_unit__path__startswith=unit.path)
        .select_related("docx", "pdf", "issued_by")
        .prefetch_related("units")[:50]
    )
    # The ticks by hand, not the widget's: Django renders each of a province's 240 checkboxes through a
    # template of its own (0.3–0.6 s), and the labels and counts are already here.
    ticked = {int(pk) for pk in form["units"].value() or [] if str(pk).isdigit()}
    return render(request, "reports/urging_notice.html", {
        "unit": unit, "form": form, "late": late, "candidates": [(u, n) for u, n in late if u.pk != unit.pk],
        "ticked": ticked, "notices": notices,
        "items_url": reverse("reports:urging_items", args=[0]).removesuffix("0/"),  # + pk/: one reverse, not 240
    })  # fmt: skip


URGING_ITEMS_SHOWN = 20  # opened in place on the urging page; the rest on the unit's own page


def urging_items(request: AuthedRequest, pk: int) -> HttpResponse:
    """The overdue items of one late unit of the urging page: the first few in place (htmx), all of
    them paged on a page of their own."""
    late_unit = get_visible_or_404(request.user, OrgUnit.objects.select_related("parent"), "reports.remind", pk=pk)
    items = selectors.late_items(dates.today(), late_unit)
    issuing = request.GET.get("don_vi", "")
    keep = f"don_vi={issuing}" if issuing.isdigit() else ""  # the urging page it was opened from
    if request.htmx:
        return render(request, "reports/_urging_items.html", {
            "unit": late_unit, "items": items[:URGING_ITEMS_SHOWN], "count": len(items), "keep": keep,
            "more": len(items) > URGING_ITEMS_SHOWN,
        })  # fmt: skip
    page = Paginator(items, 50).get_page(request.GET.get("trang"))
    return render(request, "reports/urging_items.html", {
        "unit": late_unit, "page": page, "count": len(items), "keep": keep,
    })  # fmt: skip


def urging_download(request: HttpRequest, pk: int, fmt: str) -> FileResponse:
    """Served to the issuing side and to the units addressed."""
    notice = get_object_or_404(UrgingNotice.objects.select_related("docx", "pdf", "issuing_unit"), pk=pk)
    user = request.user
    allowed = has_perm(user, "reports.view", notice.issuing_unit) or any(
        has_perm(user, "reports.view", u) for u in notice.units.all()
    )
    if not allowed:
        raise Http404
    document = notice.pdf if fmt == "pdf" else notice.docx
    if document is None:
        raise Http404

    return serve(document.file, filename=document.original_name, content_type=document.content_type, inline=False)


# --- Review reports -----------------------------------------------------------------------------
def _movement(request: HttpRequest, pk: int) -> Movement:
    movement = (
        visible_to(
            request.user,
            Movement.objects.select_related("issuing_unit"),
            "reports.view",
            "issuing_unit__path",
        )
        .filter(pk=pk)
        .first()
    )
    if movement is None:
        raise Http404
    return movement


def review_list(request: HttpRequest) -> HttpResponse:
    movements = visible_to(
        request.user,
        Movement.objects.select_related("issuing_unit"),
        "reports.view",
        "issuing_unit__path",
    ).exclude(status="draft")
    return render(request, "reports/review_list.html", {"movements": movements, "kinds": services.REVIEW_KINDS})


def review(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in services.REVIEW_KINDS:
        raise Http404
    movement = _movement(request, pk)
    default_day = services.review_default_day(movement, kind=kind)
    query = request.GET.copy()
    if query.get("ngay") and not query.get("as_of"):  # `?ngay=dd/mm/yyyy`, as on every other page with figures
        query["as_of"] = query.get("ngay", "")
    form = ReviewForm(query or None, initial={"as_of": default_day})
    params: dict[str, Any] = {"as_of": default_day, "number": "", "signer_name": movement.signer}
    if form.is_bound and form.is_valid():
        params.update({k: v for k, v in form.cleaned_data.items() if v})
    fmt = request.GET.get("dinh_dang", "")
    if fmt in ("docx", "pdf"):
        data = services.review_docx(movement, kind=kind, **params)
        name = f"bao-cao-{kind}-{movement.pk}-{params['as_of']:%Y%m%d}"
        if fmt == "pdf":
            if not libreoffice_available():
                messages.error(request, _("Máy chủ chưa cài LibreOffice nên chưa tạo được PDF; hãy tải bản Word."))
                return redirect(request.path)
            response = HttpResponse(docx_to_pdf(data), content_type="application/pdf")
        else:
            response = HttpResponse(
                data, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            )
        response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
        return response
    context = services.review_context(movement, kind=kind, **params)
    return render(request, "reports/review.html", {
        "movement": movement, "kind": kind, "kind_label": services.REVIEW_KINDS[kind][0], "form": form, "c": context,
        "query": request.GET.urlencode(),
    })  # fmt: skip


# --- Excel exports in the background -----------------------------------------------------------
def export_list(request: AuthedRequest) -> HttpResponse:
    unit, top = _unit(request)
    kinds = exports.available_kinds()
    form = ExportForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.report_job_start(
                user=request.user,
                unit=unit,
                kind=form.cleaned_data["kind"],
                as_of=form.cleaned_data["as_of"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            return redirect(reverse("reports:exports") + f"?don_vi={unit.pk}&viec={job.pk}")
    jobs = ReportJob.objects.filter(user=request.user).select_related("unit")[:20]
    return render(request, "reports/exports.html", {
        "unit": unit, "crumbs": selectors.breadcrumbs(unit, top), "form": form, "jobs": jobs,
        "current": request.GET.get("viec", ""),
    })  # fmt: skip


def _job(request: HttpRequest, pk: int) -> ReportJob:
    return get_object_or_404(ReportJob.objects.select_related("unit"), pk=pk, user=request.user)


def job_status(request: HttpRequest, pk: int) -> HttpResponse:
    job = _job(request, pk)
    if request.GET.get("json"):
        return JsonResponse({
            "status": job.status, "progress": job.progress, "rows": job.rows, "error": job.error,
            "url": reverse("reports:job_download", args=[job.pk]) if job.status == "done" else None,
            "file_name": job.file_name,
        })  # fmt: skip
    return render(request, "reports/_job.html", {"job": job})


def job_download(request: HttpRequest, pk: int) -> FileResponse:
    job = _job(request, pk)
    if job.status != "done" or not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
