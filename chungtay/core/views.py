from __future__ import annotations

import sys
from typing import Any

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import InterfaceError, OperationalError, connection
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.template import loader
from django.views.decorators.http import require_GET
from django.views.i18n import set_language as django_set_language

from chungtay.core import audit
from chungtay.core.access import get_visible_or_404, scope_paths, visible_to
from chungtay.core.pagination import UncountedPage

# How to find the unit of an audited object, so an inspector sees only the history of their subtree.
# Later apps add their models here.
AUDIT_SCOPE: dict[str, str] = {
    "orgunits.orgunit": "path",
    "orgunits.memberorganisation": "unit__path",
    "orgunits.membership": "unit__path",
    "orgunits.unitsuccession": "successor__path",
    "accounts.user": "memberships__unit__path",
    "core.importbatch": "unit__path",
    "core.document": "unit__path",
    "housing.household": "area__path",
    "housing.fundingplanline": "household__area__path",
    "housing.progressupdate": "household__area__path",
    "housing.photo": "update__household__area__path",
    "housing.complaint": "origin_unit__path",
    "campaigns.movement": "issuing_unit__path",
    "campaigns.legalreference": "movement__issuing_unit__path",
    "campaigns.criteriaset": "movement__issuing_unit__path",
    "campaigns.criterion": "criteria_set__movement__issuing_unit__path",
    "campaigns.milestone": "movement__issuing_unit__path",
    "campaigns.participation": "unit__path",
    "campaigns.obligation": "unit__path",
    "campaigns.activity": "unit__path",
    "campaigns.contest": "movement__issuing_unit__path",
    "campaigns.contestround": "contest__movement__issuing_unit__path",
    "campaigns.entrant": "unit__path",
    "campaigns.judgescore": "entrant__unit__path",
    "campaigns.goodmodel": "unit__path",
    "evaluation.assessment": "participation__unit__path",
    "evaluation.assessmentline": "assessment__participation__unit__path",
    "evaluation.crossreview": "assessment__participation__unit__path",
    "evaluation.band": "movement__issuing_unit__path",
    "evaluation.evaluationsettings": "movement__issuing_unit__path",
    "evaluation.crossreviewgroup": "movement__issuing_unit__path",
    "evaluation.rankingapproval": "movement__issuing_unit__path",
    "evaluation.awardform": "movement__issuing_unit__path",
    "evaluation.proposal": "award_form__movement__issuing_unit__path",
    "evaluation.meeting": "movement__issuing_unit__path",
    "evaluation.vote": "meeting__movement__issuing_unit__path",
    "evaluation.decision": "movement__issuing_unit__path",
    "evaluation.rankingexclusion": "participation__unit__path",
    "evaluation.criterionsource": "movement__issuing_unit__path",
    "evaluation.reportfield": "movement__issuing_unit__path",
    "evaluation.reportvalue": "obligation__unit__path",
    "campaigns.replication": "unit__path",
    "funds.fund": "unit__path",
    "funds.source": "unit__path",
    "funds.account": "unit__path",
    "funds.journalentry": "unit__path",
    "funds.donor": "unit__path",
    "funds.pledge": "fund__unit__path",
    "funds.receipt": "fund__unit__path",
    "funds.transfer": "from_fund__unit__path",
    "funds.allocation": "household__area__path",
    "funds.disbursement": "household__area__path",
    "funds.bankstatement": "fund__unit__path",
    "funds.statementline": "fund__unit__path",
    "reports.reminderlog": "unit__path",
    "reports.urgingnotice": "issuing_unit__path",
    "reports.reportjob": "unit__path",
}


def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "core/home.html")


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


set_language = django_set_language


def scoped_entries(request: HttpRequest) -> QuerySet[LogEntry]:
    """The change log entries the person may read (audit.view over the objects' units), newest first."""
    qs = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    if request.user.is_superuser:
        return qs
    if _scope_covers_every_unit(request.user):
        # Every unit-owned object is in scope: filter by kind only. Matching object ids against
        # every receipt and household of a country took 0.7 s for the dashboard's eight entries.
        from django.contrib.contenttypes.models import ContentType

        models = [apps.get_model(label) for label in AUDIT_SCOPE]
        kinds = ContentType.objects.get_for_models(*models)
        # Objects that may have no unit (a user with no membership) are still matched one by one.
        q = Q(content_type__in=[kinds[m].pk for m in models if _always_in_a_unit(m, AUDIT_SCOPE[m._meta.label_lower])])
        for model in models:
            if not _always_in_a_unit(model, AUDIT_SCOPE[model._meta.label_lower]):
                visible = visible_to(
                    request.user, model.objects.all(), "audit.view", AUDIT_SCOPE[model._meta.label_lower]
                )
                q |= Q(content_type=kinds[model]) & Q(object_id__in=visible.values("pk"))
        return qs.filter(q)
    q = Q()
    for label, path_field in AUDIT_SCOPE.items():
        model = apps.get_model(label)
        visible = visible_to(request.user, model.objects.all(), "audit.view", path_field)
        q |= Q(content_type__app_label=model._meta.app_label, content_type__model=model._meta.model_name) & Q(
            object_id__in=visible.values("pk")
        )
    return qs.filter(q)


# An object's history also shows its parts' (label → [(part label, the part's link to it)]): an
# assessment's criterion lines carry the scores and the reviewer's reasons, a meeting's votes its results,
# a decision's proposals who was granted what.
AUDIT_PARTS: dict[str, list[tuple[str, str]]] = {
    "evaluation.assessment": [("evaluation.assessmentline", "assessment")],
    "evaluation.meeting": [("evaluation.vote", "meeting")],
    "evaluation.decision": [("evaluation.proposal", "decision")],
}


def _always_in_a_unit(model: Any, path_field: str) -> bool:
    """Whether every row of `model` reaches a unit through `path_field` (no null or many-valued link)."""
    for part in path_field.split("__")[:-1]:
        field = model._meta.get_field(part)
        if field.many_to_many or field.one_to_many or getattr(field, "null", False):
            return False
        model = field.related_model
    return True


def _scope_covers_every_unit(user: Any) -> bool:
    # The units by their label, like every audited model of AUDIT_SCOPE: core sits below orgunits.
    units = apps.get_model("orgunits", "OrgUnit")
    paths = scope_paths(user, "audit.view")
    roots = list(units.objects.filter(parent__isnull=True).values_list("path", flat=True))  # indexed FK
    return bool(paths and roots) and all(any(root.startswith(p) for p in paths) for root in roots)


def audit_recent(request: HttpRequest) -> HttpResponse:
    # Not counted: the count ran the scope filter over the whole log a second time (issue 20).
    page = UncountedPage(scoped_entries(request), 50, request.GET.get("trang"))
    page.object_list = audit.prefetch_words(page.object_list)
    return render(request, "core/audit_list.html", {"page": page, "title": "Nhật ký thay đổi"})


def audit_object(request: HttpRequest, model: str, pk: int) -> HttpResponse:
    label = model.lower()
    if label not in AUDIT_SCOPE:
        raise Http404
    model_cls = apps.get_model(label)
    qs = model_cls.objects.all()
    if not request.user.is_superuser:
        qs = visible_to(request.user, qs, "audit.view", AUDIT_SCOPE[label])
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    kinds = ContentType.objects.get_for_models(model_cls, *[apps.get_model(m) for m, _ in AUDIT_PARTS.get(label, [])])
    q = Q(content_type=kinds[model_cls], object_id=obj.pk)
    for part_label, link in AUDIT_PARTS.get(label, []):
        part = apps.get_model(part_label)
        q |= Q(content_type=kinds[part], object_id__in=part.objects.filter(**{link: obj.pk}).values("pk"))
    entries = audit.prefetch_words(
        LogEntry.objects.filter(q).select_related("actor", "content_type").order_by("-timestamp")
    )
    return render(
        request,
        "core/audit_object.html",
        {"object": obj, "entries": entries, "model_name": model_cls._meta.verbose_name},
    )


def document_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    """Evidence is served only to users whose scope covers the document's unit, always as a download.

    The stored bytes are the uploader's own (images too), so they are never shown inline; an <img>
    pointing here still displays.
    """
    from chungtay.core.models import Document
    from chungtay.core.uploads import serve

    document = get_visible_or_404(request.user, Document.objects.all(), "documents.view", "unit__path", pk=pk)
    return serve(document.file, filename=document.original_name, content_type=document.content_type)


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    # The reason, when the refusal gives one (a write on a unit that has ended, core.access).
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """The 500 handler; a lost or refused database connection gets a 503 that says to try again.

    Django calls this while handling the error, so sys.exc_info() is that error. Nothing here may
    touch the database (it may be gone): the pages are rendered without a request, so no context
    processor runs. The open transaction was rolled back with the connection, and the next request
    opens a new one (CONN_HEALTH_CHECKS), which is what the 503 page promises.
    """
    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        return HttpResponse(loader.get_template("503.html").render(), status=503, headers={"Retry-After": "5"})
    return HttpResponseServerError(loader.get_template("500.html").render())


def forbid_unless(condition: bool) -> None:
    if not condition:
        raise PermissionDenied
