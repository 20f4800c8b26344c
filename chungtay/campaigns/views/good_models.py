"""Good models: propose, recognise, replicate, photos."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.core.access import has_perm, visible_to
from chungtay.core.documents import documents_for
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.models import Document, DocumentLink
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.uploads import serve
from chungtay.orgunits.models import OrgUnit
from chungtay.orgunits.pickers import cascade_response, picker_roots

from .. import selectors, services
from ..forms import (
    DecideForm,
    GoodModelForm,
    PhotoForm,
    ReplicateForm,
)
from ..models import (
    GoodModel,
    GoodModelStatus,
)
from .base import _errors_text, _user
from .units import _participation


# --- Good models --------------------------------------------------------------------------------
def goodmodel_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    movement = selectors.movement_or_404(user, pk)
    return render(request, "campaigns/goodmodel_list.html", {
        "movement": movement, "models": selectors.good_models_for(user, movement),
        "my_participations": selectors.own_participations(user, movement),
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
            refuse()
            if exc.field == "file":
                exc.field = "photo"
            add_domain_error(form, exc)
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


def _participants(request: HttpRequest, model: GoodModel) -> Any:
    """The movement's participants the user may record a replication for (the form offers them without the
    model's own unit; a post naming it is refused by the service, which says why)."""
    units = OrgUnit.objects.filter(participations__movement=model.movement)
    return visible_to(_user(request), units, "movement.participate").order_by("path")


def _replicate_form(request: HttpRequest, model: GoodModel, units: Any, data: Any = None) -> ReplicateForm:
    """The replication form, whose unit is chosen level by level past a few hundred participants (orgunits.pickers)."""
    return ReplicateForm(
        data, units=units, picker_url=reverse("campaigns:replicate_unit_picker", args=[model.pk]),
        roots=picker_roots(_user(request), "movement.participate"),
    )  # fmt: skip


def replicate_unit_picker(request: HttpRequest, pk: int) -> HttpResponse:
    """htmx: the replication form's unit picker below the unit chosen in it."""
    model = _good_model(request, pk)
    units = _participants(request, model).exclude(pk=model.unit_id)
    return cascade_response(request, _replicate_form(request, model, units)["unit"], "movement.participate")


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
                refuse()
                add_domain_error(photo_form, exc)
            else:
                messages.success(request, _("Đã thêm hình ảnh."))
                return redirect("campaigns:goodmodel_detail", pk=model.pk)
    replicable = _participants(request, model).exclude(pk=model.unit_id)
    return render(request, "campaigns/goodmodel_detail.html", {
        "model": model, "movement": model.movement,
        "photos": [d for d in documents_for(model) if d.is_image],
        "replications": model.replications.select_related("unit"),
        "can_act": can_act, "photo_form": photo_form if can_act else None,
        "can_decide": model.status == GoodModelStatus.PROPOSED and has_perm(user, "movement.approve", model.unit),
        "decide_form": DecideForm(),
        "replicate_form": _replicate_form(request, model, replicable)
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
        refuse_with_message(request, exc)
    else:
        messages.success(request, _("Đã ghi nhận: %(s)s.") % {"s": model.get_status_display()})
    return redirect("campaigns:goodmodel_detail", pk=model.pk)


@require_POST
def goodmodel_replicate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    model = _good_model(request, pk)
    form = _replicate_form(request, model, _participants(request, model), request.POST)
    if form.is_valid():
        try:
            services.good_model_replicate(actor=user, good_model=model, **form.cleaned_data)
        except DomainError as exc:
            refuse_with_message(request, exc)
        else:
            messages.success(request, _("Đã ghi nhận đơn vị nhân rộng mô hình."))
    else:
        messages.error(request, _errors_text(form))
    return redirect("campaigns:goodmodel_detail", pk=model.pk)


def goodmodel_photo(request: HttpRequest, pk: int, doc_pk: int) -> FileResponse:
    """Photos of a model are shown to everyone who may see the model (recognised ones: the whole movement)."""
    model = _good_model(request, pk)
    ct = ContentType.objects.get_for_model(GoodModel)
    link = DocumentLink.objects.filter(content_type=ct, object_id=model.pk, document_id=doc_pk).first()
    if link is None:
        raise Http404
    document: Document = link.document
    if not document.is_image:
        raise Http404
    # The uploader's own bytes: a download (the <img> on the model's page still shows it), never inline.
    return serve(document.file, filename=document.original_name, content_type=document.content_type)
