"""Evaluation and awards pages. Thin: scope → form → one service → redirect; DomainError becomes a
message or a form error. Movements are found through the campaigns selectors (404 outside scope);
every write also checks the permission over the unit concerned."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from chungtay.campaigns.models import MilestoneKind, Movement, MovementStatus, Obligation
from chungtay.campaigns.selectors import movement_or_404, movements_for, participation_or_404
from chungtay.core import docgen
from chungtay.core.access import has_perm, root_units_for, visible_to
from chungtay.core.documents import documents_for, documents_for_many
from chungtay.core.errors import DomainError
from chungtay.core.forms import add_domain_error
from chungtay.core.transactions import refuse, refuse_with_message
from chungtay.core.types import AuthedRequest
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.pickers import cascade_response

from . import documents, papers, selectors, services
from .forms import (
    ApproveForm,
    AwardFormForm,
    BandForm,
    DecisionForm,
    EvidenceForm,
    FromRankingForm,
    GroupForm,
    MeetingForm,
    ProposalForm,
    RecusalForm,
    ReportFieldForm,
    ReturnForm,
    SettingsForm,
    SourceForm,
)
from .models import (
    EDITABLE_BY_UNIT,
    TIE_RULES,
    Assessment,
    AssessmentLine,
    Band,
    CrossReview,
    Decision,
    Meeting,
    Proposal,
    ProposalStatus,
)

LEVELS = [(Level.COMMUNE, "Cấp xã"), (Level.AREA, "Khu dân cư"), (Level.DISTRICT, "Cấp huyện")]


def _levels(movement: Movement, current: int) -> list[tuple[int, str]]:
    """The level choices: commune and area always; the district level only where the movement has
    participants there (or it is asked for), so a map without it (city → commune → area) offers no
    empty “Cấp huyện”."""
    district = current == Level.DISTRICT or movement.participations.filter(level=Level.DISTRICT).exists()
    return [(value, label) for value, label in LEVELS if value != Level.DISTRICT or district]


def _require(user: Any, perm: str, unit: OrgUnit) -> None:
    if not has_perm(user, perm, unit):
        raise PermissionDenied


def _level(request: AuthedRequest) -> int:
    try:
        level = int(request.GET.get("cap") or Level.COMMUNE)
    except ValueError:
        level = Level.COMMUNE
    return level if level in Level.values else Level.COMMUNE


def can_self_assess(user: Any, unit: OrgUnit) -> bool:
    """The unit's own people fill in its self-assessment. Reviewers (the office) do so only for
    a unit they are members of, never for the units below them that they review."""
    if user.is_superuser:
        return True
    if not has_perm(user, "evaluation.self", unit):
        return False
    return not has_perm(user, "evaluation.review", unit) or unit.pk in root_units_for(user)


def _context(request: AuthedRequest, movement: Movement, tab: str, **extra: Any) -> dict[str, Any]:
    unit = movement.issuing_unit
    return {
        "movement": movement,
        "tab": tab,
        "can_review": has_perm(request.user, "evaluation.review", unit),
        "can_approve": has_perm(request.user, "evaluation.approve", unit),
        "can_manage_awards": has_perm(request.user, "awards.manage", unit),
        "can_sign": has_perm(request.user, "awards.sign", unit),
        "can_audit": has_perm(request.user, "audit.view", unit),
        "can_cross_review": has_perm(request.user, "evaluation.self"),
        **extra,
    }


# --- Movements and the office's board ---------------------------------------------------------
def index(request: AuthedRequest) -> HttpResponse:
    movements = movements_for(request.user).exclude(status=MovementStatus.DRAFT)
    return render(request, "evaluation/index.html", {"movements": movements})


def board(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    level, status, query = _level(request), request.GET.get("tinh-trang", ""), request.GET.get("q", "")
    rows = selectors.board(request.user, movement, level=level, status=status, query=query)
    own = [
        r
        for r in selectors.board(request.user, movement, level=level)
        if has_perm(request.user, "evaluation.self", r.unit) and can_self_assess(request.user, r.unit)
    ][:5]
    return render(
        request,
        "evaluation/board.html",
        _context(
            request,
            movement,
            "board",
            rows=rows,
            summary=selectors.board_summary(rows),
            level=level,
            levels=_levels(movement, level),
            status=status,
            statuses=selectors.STATUS_FILTERS,
            q=query,
            own=own,
            # An area board sees the movement but neither assesses nor reviews: say so rather than show nothing.
            view_only=not rows
            and not has_perm(request.user, "evaluation.self")
            and not has_perm(request.user, "evaluation.review"),
        ),
    )


# --- Self-assessment -------------------------------------------------------------------------------
def _line_rows(assessment: Assessment) -> list[AssessmentLine]:
    lines = list(assessment.lines.select_related("criterion").order_by("criterion__order", "criterion_id"))
    evidence = documents_for_many(lines)  # type: ignore[arg-type]
    for line in lines:
        line.documents = evidence.get(line.pk, [])  # type: ignore[attr-defined]
    return lines


def _keep_posted(request: AuthedRequest, lines: list[AssessmentLine], score: str, note: str) -> None:
    """After a refused save, show what the person typed (the transaction rolled back)."""
    if request.method == "POST":
        for line in lines:
            line.posted_score = request.POST.get(f"{score}_{line.pk}", "")  # type: ignore[attr-defined]
            line.posted_note = request.POST.get(f"{note}_{line.pk}", "")  # type: ignore[attr-defined]


def _entries(request: AuthedRequest, lines: list[AssessmentLine], score: str, note: str) -> dict[int, tuple]:
    return {
        line.pk: (request.POST.get(f"{score}_{line.pk}", ""), request.POST.get(f"{note}_{line.pk}", ""))
        for line in lines
        if f"{score}_{line.pk}" in request.POST or f"{note}_{line.pk}" in request.POST
    }


def self_assess(request: AuthedRequest, movement_pk: int, unit_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    participation = participation_or_404(request.user, movement, unit_pk, "evaluation.self")
    if not can_self_assess(request.user, participation.unit):
        raise PermissionDenied
    try:
        assessment = services.assessment_open(actor=request.user, participation=participation)
    except DomainError as exc:
        refuse_with_message(request, exc)
        return redirect("evaluation:board", movement_pk=movement.pk)
    error_field = None
    if request.method == "POST":
        action = request.POST.get("action", "save")
        lines = list(assessment.lines.select_related("criterion"))
        try:
            if action == "refresh":
                services.assessment_refresh(actor=request.user, assessment=assessment)
                messages.success(request, _("Đã cập nhật số liệu các tiêu chí tính tự động."))
            else:
                services.assessment_save(
                    actor=request.user, assessment=assessment, entries=_entries(request, lines, "score", "note")
                )
                if action == "submit":
                    services.assessment_submit(actor=request.user, assessment=assessment)
                    reviewer = selectors.reviewing_unit(participation)
                    messages.success(
                        request,
                        _("Đã nộp bản tự đánh giá. Văn phòng %(committee)s sẽ thẩm định.")
                        % {"committee": reviewer.committee_title},
                    )
                    return redirect("evaluation:assessment_detail", pk=assessment.pk)
                messages.success(request, _("Đã lưu bản tự chấm."))
            return redirect("evaluation:self_assess", movement_pk=movement.pk, unit_pk=unit_pk)
        except DomainError as exc:
            refuse_with_message(request, exc)
            error_field = exc.field
    assessment.refresh_from_db()
    editable = assessment.status in EDITABLE_BY_UNIT
    lines = _line_rows(assessment)
    _keep_posted(request, lines, "score", "note")
    return render(
        request,
        "evaluation/self_assess.html",
        _context(
            request,
            movement,
            "board",
            assessment=assessment,
            lines=lines,
            editable=editable,
            posted=request.POST if request.method == "POST" else None,
            error_field=error_field,
            evidence_form=EvidenceForm(),
        ),
    )


@require_POST
def evidence_upload(request: AuthedRequest, line_pk: int) -> HttpResponse:
    qs = visible_to(
        request.user,
        AssessmentLine.objects.select_related("assessment__participation__unit", "criterion"),
        "evaluation.self",
        "assessment__participation__unit__path",
    )
    line = qs.filter(pk=line_pk).first()
    if line is None:
        raise Http404
    participation = line.assessment.participation
    if not can_self_assess(request.user, participation.unit):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    back = redirect("evaluation:self_assess", movement_pk=participation.movement_id, unit_pk=participation.unit_id)
    if not form.is_valid():
        errors = "; ".join(str(e) for errors in form.errors.values() for e in errors)
        messages.error(request, _("Tiêu chí %(code)s: %(message)s") % {"code": line.criterion.code, "message": errors})
        return back
    upload = form.cleaned_data["file"]
    try:
        services.evidence_add(
            actor=request.user, line=line, upload=upload, name=upload.name, title=form.cleaned_data["title"],
            kind=form.cleaned_data["kind"],
        )  # fmt: skip
    except DomainError as exc:
        refuse()
        messages.error(
            request, _("Tiêu chí %(code)s: %(message)s") % {"code": line.criterion.code, "message": exc.message}
        )
    else:
        messages.success(request, _("Đã thêm minh chứng cho tiêu chí %(code)s.") % {"code": line.criterion.code})
    return back


def assessment_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = selectors.assessment_or_404(request.user, pk)
    movement = assessment.participation.movement
    unit = assessment.participation.unit
    return render(
        request,
        "evaluation/assessment_detail.html",
        _context(
            request,
            movement,
            "board",
            assessment=assessment,
            lines=_line_rows(assessment),
            cross_reviews=selectors.cross_reviews_of(assessment),
            can_self=has_perm(request.user, "evaluation.self", unit) and can_self_assess(request.user, unit),
            can_review_this=has_perm(request.user, "evaluation.review", unit),
            return_form=ReturnForm(),
        ),
    )


def _reviewable(request: AuthedRequest, pk: int) -> Assessment:
    return selectors.assessment_or_404(request.user, pk, "evaluation.review")


def review(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _reviewable(request, pk)
    error_field = None
    if request.method == "POST":
        lines = list(assessment.lines.select_related("criterion"))
        try:
            services.review_save(
                actor=request.user, assessment=assessment, entries=_entries(request, lines, "review", "reason")
            )
            if request.POST.get("action") == "done":
                services.assessment_mark_reviewed(actor=request.user, assessment=assessment)
                messages.success(
                    request, _("Đã thẩm định xong %(unit)s.") % {"unit": assessment.participation.unit.title}
                )
                return redirect("evaluation:board", movement_pk=assessment.participation.movement_id)
            messages.success(request, _("Đã lưu điểm thẩm định."))
            return redirect("evaluation:review", pk=assessment.pk)
        except DomainError as exc:
            refuse_with_message(request, exc)
            error_field = exc.field
    assessment.refresh_from_db()
    lines = _line_rows(assessment)
    _keep_posted(request, lines, "review", "reason")
    return render(
        request,
        "evaluation/review.html",
        _context(
            request,
            assessment.participation.movement,
            "board",
            assessment=assessment,
            lines=lines,
            posted=request.POST if request.method == "POST" else None,
            error_field=error_field,
            return_form=ReturnForm(),
        ),
    )


@require_POST
def assessment_return(request: AuthedRequest, pk: int) -> HttpResponse:
    assessment = _reviewable(request, pk)
    form = ReturnForm(request.POST)
    try:
        if not form.is_valid():
            raise DomainError(_("Cần ghi nội dung đơn vị phải bổ sung, chỉnh sửa."))
        services.assessment_return(actor=request.user, assessment=assessment, comment=form.cleaned_data["comment"])
    except DomainError as exc:
        refuse_with_message(request, exc)
        return redirect("evaluation:review", pk=assessment.pk)
    messages.success(
        request, _("Đã trả lại bản tự đánh giá của %(unit)s.") % {"unit": assessment.participation.unit.title}
    )
    return redirect("evaluation:board", movement_pk=assessment.participation.movement_id)


# --- Setup: bands, margin, clusters ------------------------------------------------------------------
def setup(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    _require(request.user, "evaluation.review", movement.issuing_unit)
    settings = selectors.settings_of(movement)
    units = OrgUnit.objects.filter(pk__in=movement.participations.values("unit_id")).order_by("path")
    settings_form = SettingsForm(
        initial={"disagreement_margin": settings.disagreement_margin, "tie_note": settings.tie_note}
    )
    band_form, group_form, source_form = BandForm(), GroupForm(units=units), SourceForm()
    if request.method == "POST":
        which = request.POST.get("form")
        try:
            if which == "settings":
                settings_form = SettingsForm(request.POST)
                if settings_form.is_valid():
                    services.settings_update(actor=request.user, movement=movement, **settings_form.cleaned_data)
                    messages.success(request, _("Đã lưu thiết lập."))
                    return redirect("evaluation:setup", movement_pk=movement.pk)
            elif which == "band":
                band_form = BandForm(request.POST)
                if band_form.is_valid():
                    services.band_save(actor=request.user, movement=movement, **band_form.cleaned_data)
                    messages.success(
                        request, _("Đã lưu xếp loại “%(name)s”.") % {"name": band_form.cleaned_data["name"]}
                    )
                    return redirect("evaluation:setup", movement_pk=movement.pk)
            elif which == "group":
                group_form = GroupForm(request.POST, units=units)
                if group_form.is_valid():
                    services.cross_group_create(
                        actor=request.user, movement=movement, name=group_form.cleaned_data["name"],
                        units=list(group_form.cleaned_data["units"]),
                    )  # fmt: skip
                    messages.success(request, _("Đã lập cụm thi đua."))
                    return redirect("evaluation:setup", movement_pk=movement.pk)
            elif which == "source":
                source_form = SourceForm(request.POST)
                if source_form.is_valid():
                    services.criterion_source_set(actor=request.user, movement=movement, **source_form.cleaned_data)
                    messages.success(
                        request, _("Đã lưu nguồn điểm tiêu chí %(code)s.") % {"code": source_form.cleaned_data["code"]}
                    )
                    return redirect("evaluation:setup", movement_pk=movement.pk)
        except DomainError as exc:
            refuse()
            forms = {"settings": settings_form, "band": band_form, "group": group_form, "source": source_form}
            form = forms.get(which or "settings", settings_form)
            add_domain_error(form, exc)
    return render(
        request,
        "evaluation/setup.html",
        _context(
            request,
            movement,
            "setup",
            settings=settings,
            bands=selectors.bands_of(movement),
            groups=selectors.groups_of(movement),
            settings_form=settings_form,
            band_form=band_form,
            group_form=group_form,
            source_form=source_form,
            sources=movement.criterion_sources.all(),
            locked=movement.ranking_approvals.exists(),
        ),
    )


@require_POST
def band_delete(request: AuthedRequest, movement_pk: int, pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    _require(request.user, "evaluation.review", movement.issuing_unit)
    band = get_object_or_404(Band, pk=pk, movement=movement)
    try:
        services.band_delete(actor=request.user, band=band)
        messages.success(request, _("Đã xóa xếp loại “%(band)s”.") % {"band": band.name})
    except DomainError as exc:
        refuse_with_message(request, exc)
    return redirect("evaluation:setup", movement_pk=movement.pk)


# --- Cross review -------------------------------------------------------------------------------------
def _reviewer_units(request: AuthedRequest, movement: Movement) -> list[OrgUnit]:
    """The units the user may cross-review for: their own units that are members of a cluster."""
    ids = request.user.memberships.values("unit_id")
    return list(
        OrgUnit.objects.filter(pk__in=ids)
        .filter(pk__in=movement.cross_review_groups.values("members"))
        .order_by("path")
    )


def cross_list(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    blocks = []
    for unit in _reviewer_units(request, movement):
        targets = selectors.cross_review_targets(movement, unit)
        done = {r.assessment_id: r for r in CrossReview.objects.filter(reviewer_unit=unit, assessment__in=targets)}
        blocks.append({"unit": unit, "targets": [(a, done.get(a.pk)) for a in targets]})
    return render(request, "evaluation/cross_list.html", _context(request, movement, "cross", blocks=blocks))


def cross_review(request: AuthedRequest, pk: int, unit_pk: int) -> HttpResponse:
    reviewer_unit = get_object_or_404(OrgUnit, pk=unit_pk, pk__in=request.user.memberships.values("unit_id"))
    _require(request.user, "evaluation.self", reviewer_unit)
    assessment = get_object_or_404(
        Assessment.objects.select_related("participation__unit", "participation__movement"), pk=pk
    )
    movement = assessment.participation.movement
    if assessment not in selectors.cross_review_targets(movement, reviewer_unit):
        raise Http404
    existing = CrossReview.objects.filter(assessment=assessment, reviewer_unit=reviewer_unit).first()
    lines = list(assessment.lines.select_related("criterion").order_by("criterion__order", "criterion_id"))
    recusal_form = RecusalForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "recuse":
                recusal_form = RecusalForm(request.POST)
                services.cross_review_record(
                    actor=request.user, assessment=assessment, reviewer_unit=reviewer_unit, recused=True,
                    reason=request.POST.get("reason", ""),
                )  # fmt: skip
            else:
                services.cross_review_record(
                    actor=request.user, assessment=assessment, reviewer_unit=reviewer_unit,
                    scores={line.pk: request.POST.get(f"score_{line.pk}", "") for line in lines},
                )  # fmt: skip
            messages.success(
                request, _("Đã ghi kết quả chấm chéo %(unit)s.") % {"unit": assessment.participation.unit.title}
            )
            return redirect("evaluation:cross_list", movement_pk=movement.pk)
        except DomainError as exc:
            refuse_with_message(request, exc)
    scores = existing.scores if existing else {}
    for line in lines:
        line.cross_score = scores.get(str(line.criterion_id), "")  # type: ignore[attr-defined]
    return render(
        request,
        "evaluation/cross_review.html",
        _context(
            request,
            movement,
            "cross",
            assessment=assessment,
            reviewer_unit=reviewer_unit,
            lines=lines,
            existing=existing,
            recusal_form=recusal_form,
            posted=request.POST if request.method == "POST" else None,
        ),
    )


# --- Ranking ---------------------------------------------------------------------------------------------
def ranking(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    level = _level(request)
    data = selectors.ranking(movement, level)
    return render(
        request,
        "evaluation/ranking.html",
        _context(
            request,
            movement,
            "ranking",
            level=level,
            levels=_levels(movement, level),
            tie_rules=TIE_RULES,
            settings=selectors.settings_of(movement),
            bands=selectors.bands_of(movement),
            approve_form=ApproveForm(),
            **data,
        ),
    )


@require_POST
def ranking_approve(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    _require(request.user, "evaluation.approve", movement.issuing_unit)
    level = _level(request)
    try:
        services.ranking_approve(actor=request.user, movement=movement, level=level, note=request.POST.get("note", ""))
        messages.success(request, _("Đã phê duyệt kết quả xếp hạng. Điểm đã được khóa."))
    except DomainError as exc:
        refuse_with_message(request, exc)
    return redirect(f"{_url('evaluation:ranking', movement.pk)}?cap={level}")


@require_POST
def ranking_exclude(request: AuthedRequest, movement_pk: int, participation_pk: int) -> HttpResponse:
    """The office leaves a unit out of the ranking for a recorded reason, or takes that back."""
    movement = movement_or_404(request.user, movement_pk)
    _require(request.user, "evaluation.review", movement.issuing_unit)
    participation = get_object_or_404(movement.participations.select_related("unit", "movement"), pk=participation_pk)
    try:
        if request.POST.get("undo"):
            services.ranking_include(actor=request.user, participation=participation)
            messages.success(request, _("%(unit)s được xét xếp hạng trở lại.") % {"unit": participation.unit.title})
        else:
            services.ranking_exclude(
                actor=request.user, participation=participation, reason=request.POST.get("reason", "")
            )
            messages.success(request, _("Đã ghi lý do không xếp hạng %(unit)s.") % {"unit": participation.unit.title})
    except DomainError as exc:
        refuse_with_message(request, exc)
    return redirect(f"{_url('evaluation:ranking', movement.pk)}?cap={participation.level}")


def _url(name: str, *args: Any) -> str:
    from django.urls import reverse

    return reverse(name, args=args)


# --- Awards -------------------------------------------------------------------------------------------------
def _award_unit_choices(movement: Movement) -> Any:
    return OrgUnit.objects.filter(pk__in=movement.participations.values("unit_id")).order_by("path")


def _proposal_form(movement: Movement, units: Any) -> ProposalForm:
    """The proposal form, whose unit is chosen level by level past a few hundred participants (orgunits.pickers)."""
    url = reverse("evaluation:award_unit_picker", args=[movement.pk])
    return ProposalForm(movement=movement, units=units, picker_url=url)


def award_unit_picker(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    """htmx: the proposal form's unit picker below the unit chosen in it."""
    movement = _awards_post(request, movement_pk)
    return cascade_response(request, _proposal_form(movement, _award_unit_choices(movement))["unit"], "awards.manage")


def awards(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = movement_or_404(request.user, movement_pk)
    units = _award_unit_choices(movement)
    return render(
        request,
        "evaluation/awards.html",
        _context(
            request,
            movement,
            "awards",
            forms=selectors.award_forms_with_counts(movement),
            award_form_form=AwardFormForm(
                movement=movement,
                initial={"issuer": f"Ban Thường trực Ủy ban MTTQ Việt Nam {movement.issuing_unit.title}"},
            ),
            proposal_form=_proposal_form(movement, units),
            ranking_form=FromRankingForm(movement=movement),
            meeting_form=MeetingForm(),
            meetings=movement.award_meetings.all(),
            decisions=movement.award_decisions.all(),
            decision_form=DecisionForm(),
            has_upward=bool(selectors.upward_proposals(movement)),
        ),
    )


def _awards_post(request: AuthedRequest, movement_pk: int) -> Movement:
    movement = movement_or_404(request.user, movement_pk)
    _require(request.user, "awards.manage", movement.issuing_unit)
    return movement


def _form_messages(request: AuthedRequest, form: Any) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errors:
            messages.error(request, f"{label}: {e}" if label else e)


@require_POST
def award_form_create(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = _awards_post(request, movement_pk)
    form = AwardFormForm(request.POST, movement=movement)
    if form.is_valid():
        try:
            services.award_form_create(actor=request.user, movement=movement, **form.cleaned_data)
            messages.success(request, _("Đã thêm hình thức “%(name)s”.") % {"name": form.cleaned_data["name"]})
        except DomainError as exc:
            refuse_with_message(request, exc)
    else:
        _form_messages(request, form)
    return redirect("evaluation:awards", movement_pk=movement.pk)


@require_POST
def proposal_create(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = _awards_post(request, movement_pk)
    form = ProposalForm(request.POST, movement=movement, units=_award_unit_choices(movement))
    if form.is_valid():
        try:
            p = services.proposal_add(actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("Đã đề nghị %(award_form)s cho %(nominee)s.")
                % {"award_form": p.award_form.name, "nominee": p.nominee},
            )
        except DomainError as exc:
            refuse_with_message(request, exc)
    else:
        _form_messages(request, form)
    return redirect("evaluation:awards", movement_pk=movement.pk)


@require_POST
def proposal_from_ranking(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = _awards_post(request, movement_pk)
    form = FromRankingForm(request.POST, movement=movement)
    if form.is_valid():
        try:
            created = services.proposals_from_ranking(actor=request.user, **form.cleaned_data)
            messages.success(
                request,
                _("Đã đề nghị %(count)s đơn vị: %(units)s")
                % {"count": len(created), "units": ", ".join(p.nominee for p in created)},
            )
        except DomainError as exc:
            refuse_with_message(request, exc)
    else:
        _form_messages(request, form)
    return redirect("evaluation:awards", movement_pk=movement.pk)


@require_POST
def proposal_remove(request: AuthedRequest, pk: int) -> HttpResponse:
    proposal = get_object_or_404(Proposal.objects.select_related("award_form__movement"), pk=pk)
    movement = _awards_post(request, proposal.award_form.movement_id)
    try:
        services.proposal_remove(actor=request.user, proposal=proposal)
        messages.success(request, _("Đã rút đề nghị."))
    except DomainError as exc:
        refuse_with_message(request, exc)
    return redirect("evaluation:awards", movement_pk=movement.pk)


@require_POST
def meeting_create(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = _awards_post(request, movement_pk)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            meeting = services.meeting_create(actor=request.user, movement=movement, **form.cleaned_data)
            return redirect("evaluation:meeting_detail", pk=meeting.pk)
        except DomainError as exc:
            refuse_with_message(request, exc)
    else:
        _form_messages(request, form)
    return redirect("evaluation:awards", movement_pk=movement.pk)


def _meeting(request: AuthedRequest, pk: int) -> Meeting:
    meeting = get_object_or_404(Meeting.objects.select_related("movement"), pk=pk)
    movement_or_404(request.user, meeting.movement_id)
    return meeting


def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    proposals = list(
        Proposal.objects.filter(award_form__movement=meeting.movement)
        .select_related("award_form", "unit")
        .order_by("award_form__order", "order", "pk")
    )
    votes = {v.proposal_id: v for v in meeting.votes.all()}
    for p in proposals:
        p.vote = votes.get(p.pk)  # type: ignore[attr-defined]
    return render(
        request,
        "evaluation/meeting.html",
        _context(
            request,
            meeting.movement,
            "awards",
            meeting=meeting,
            proposals=proposals,
            papers=[(kind, title) for kind, (_n, _c, title) in papers.MEETING_PAPERS.items()],
        ),
    )


@require_POST
def meeting_votes(request: AuthedRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    _awards_post(request, meeting.movement_id)
    proposals = Proposal.objects.filter(award_form__movement=meeting.movement).select_related("award_form", "unit")
    recorded = 0
    for p in proposals:
        raw = [request.POST.get(f"{k}_{p.pk}", "").strip() for k in ("agree", "disagree", "abstain")]
        if not raw[0] and not raw[1]:
            continue
        try:
            agree, disagree, abstain = (int(x or 0) for x in raw)
        except ValueError:
            messages.error(request, _("Đề nghị “%(nominee)s”: số phiếu phải là số nguyên.") % {"nominee": p.nominee})
            continue
        try:
            services.vote_record(
                actor=request.user, meeting=meeting, proposal=p, agree=agree, disagree=disagree, abstain=abstain
            )
            recorded += 1
        except DomainError as exc:
            refuse_with_message(request, exc)
    if recorded:
        messages.success(request, _("Đã ghi kết quả biểu quyết %(count)s đề nghị.") % {"count": recorded})
    return redirect("evaluation:meeting_detail", pk=meeting.pk)


@require_POST
def decision_create(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    movement = _awards_post(request, movement_pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            decision = services.decision_create(actor=request.user, movement=movement, **form.cleaned_data)
            messages.success(request, _("Đã lập dự thảo quyết định số %(number)s.") % {"number": decision.number})
            return redirect("evaluation:decision_detail", pk=decision.pk)
        except DomainError as exc:
            refuse_with_message(request, exc)
    else:
        _form_messages(request, form)
    return redirect("evaluation:awards", movement_pk=movement.pk)


def _decision(request: AuthedRequest, pk: int) -> Decision:
    decision = get_object_or_404(Decision.objects.select_related("movement__issuing_unit", "signed_by"), pk=pk)
    movement_or_404(request.user, decision.movement_id)
    return decision


def decision_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    return render(
        request,
        "evaluation/decision.html",
        _context(
            request,
            decision.movement,
            "awards",
            decision=decision,
            awardees=selectors.awardees(decision),
            stored=list(documents_for(decision)) if decision.is_signed else [],
        ),
    )


@require_POST
def decision_sign(request: AuthedRequest, pk: int) -> HttpResponse:
    decision = _decision(request, pk)
    _require(request.user, "awards.sign", decision.movement.issuing_unit)
    try:
        services.decision_sign(actor=request.user, decision=decision)
        messages.success(request, _("Đã ký ban hành Quyết định số %(number)s.") % {"number": decision.number})
    except DomainError as exc:
        refuse_with_message(request, exc)
    return redirect("evaluation:decision_detail", pk=decision.pk)


def decision_document(request: AuthedRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    """The signed document as kept; a draft is rendered from the current template."""

    decision = _decision(request, pk)
    if kind not in documents.RENDERERS or fmt not in ("docx", "pdf"):
        raise Http404
    name = documents.filename(decision, kind, fmt)
    stored = next((d for d in documents_for(decision) if d.original_name == name), None) if decision.is_signed else None
    if stored is not None:
        data = stored.file.read()
    else:
        data = documents.render_docx(decision, kind)
        if fmt == "pdf":
            if not docgen.libreoffice_available():
                messages.error(request, _("Máy chủ chưa cài LibreOffice nên chưa chuyển được sang PDF."))
                return redirect("evaluation:decision_detail", pk=decision.pk)
            data = docgen.docx_to_pdf(data)
    content_type = (
        "application/pdf" if fmt == "pdf" else "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _signed_awardees(request: AuthedRequest, pk: int) -> tuple[Decision, list[Proposal]]:
    decision = _decision(request, pk)
    if not decision.is_signed:
        raise Http404("Quyết định chưa ký: chưa in giấy khen.")
    return decision, [p for p in selectors.awardees(decision) if p.status == ProposalStatus.DECIDED]


def certificate(request: AuthedRequest, pk: int, proposal_pk: int) -> HttpResponse:
    decision, awardees = _signed_awardees(request, pk)
    chosen = [p for p in awardees if p.pk == proposal_pk]
    if not chosen:
        raise Http404
    response = HttpResponse(documents.certificates_pdf(decision, chosen), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{documents.certificate_filename(chosen[0])}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def certificates_zip(request: AuthedRequest, pk: int) -> HttpResponse:
    decision, awardees = _signed_awardees(request, pk)
    response = HttpResponse(documents.certificates_zip(decision, awardees), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{documents.filename(decision, "giay-khen", "zip")}"'
    return response


# --- The papers of the cycle (Word templates staff edit; PDF through LibreOffice) -----------------------
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _paper_response(request: AuthedRequest, data: bytes, name: str, fmt: str, back: str) -> HttpResponse:
    if fmt == "pdf":
        if not docgen.libreoffice_available():
            messages.error(request, _("Máy chủ chưa cài LibreOffice nên chưa chuyển được sang PDF."))
            return redirect(back)
        data = docgen.docx_to_pdf(data)
    response = HttpResponse(data, content_type="application/pdf" if fmt == "pdf" else DOCX)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def movement_paper(request: AuthedRequest, movement_pk: int, kind: str, fmt: str) -> HttpResponse:
    """The hướng dẫn chấm điểm and the tờ trình to the province, from the movement as it stands."""
    movement = movement_or_404(request.user, movement_pk)
    if kind not in papers.MOVEMENT_PAPERS or fmt not in ("docx", "pdf"):
        raise Http404
    data = papers.render_paper(papers.MOVEMENT_PAPERS, kind, movement)
    return _paper_response(request, data, kind, fmt, _url("evaluation:awards", movement.pk))


def meeting_paper(request: AuthedRequest, pk: int, kind: str, fmt: str) -> HttpResponse:
    """The giấy mời, the biên bản of the meeting and the biên bản kiểm phiếu."""
    meeting = _meeting(request, pk)
    if kind not in papers.MEETING_PAPERS or fmt not in ("docx", "pdf"):
        raise Http404
    data = papers.render_paper(papers.MEETING_PAPERS, kind, meeting)
    return _paper_response(
        request, data, f"{kind}-{meeting.held_on:%Y%m%d}", fmt, _url("evaluation:meeting_detail", pk)
    )


def proposal_paper(request: AuthedRequest, pk: int, fmt: str) -> HttpResponse:
    """The nominee's báo cáo thành tích."""
    proposal = get_object_or_404(Proposal.objects.select_related("award_form__movement", "unit"), pk=pk)
    movement = movement_or_404(request.user, proposal.award_form.movement_id)
    if fmt not in ("docx", "pdf"):
        raise Http404
    data = papers.render_paper(papers.PROPOSAL_PAPERS, "bao-cao-thanh-tich", proposal)
    name = f"bao-cao-thanh-tich-{proposal.pk}-{papers.slug(proposal.nominee)}"
    return _paper_response(request, data, name, fmt, _url("evaluation:awards", movement.pk))


def upward_dossier(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    """The dossier to the provincial committee (tờ trình, minutes, tally, báo cáo thành tích) as one ZIP."""
    movement = movement_or_404(request.user, movement_pk)
    if not selectors.upward_proposals(movement):
        messages.error(request, _("Chưa có đề nghị khen thưởng cấp trên nào được biểu quyết thông qua."))
        return redirect("evaluation:awards", movement_pk=movement.pk)
    response = HttpResponse(papers.upward_dossier(movement), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="ho-so-de-nghi-cap-tren-{movement.pk}.zip"'
    return response


# --- Periodic reports: the figures the office asks for, beside the file --------------------------------
def reports(request: AuthedRequest, movement_pk: int) -> HttpResponse:
    """The movement's report form (the office adds figures) and every visible report with its figures."""
    movement = movement_or_404(request.user, movement_pk)
    form = ReportFieldForm()
    if request.method == "POST":
        _require(request.user, "evaluation.review", movement.issuing_unit)
        form = ReportFieldForm(request.POST)
        if form.is_valid():
            try:
                services.report_field_add(actor=request.user, movement=movement, **form.cleaned_data)
                messages.success(
                    request, _("Đã thêm số liệu “%(label)s” vào mẫu báo cáo.") % {"label": form.cleaned_data["label"]}
                )
                return redirect("evaluation:reports", movement_pk=movement.pk)
            except DomainError as exc:
                refuse()
                add_domain_error(form, exc)
    rows = selectors.report_rows(request.user, movement)
    fields = selectors.report_fields(movement)
    for row in rows:
        row.cells = [row.values.get(f.pk) for f in fields]  # type: ignore[attr-defined]
        row.may_enter = has_perm(request.user, "evaluation.self", row.unit)  # type: ignore[attr-defined]
    return render(
        request,
        "evaluation/reports.html",
        _context(request, movement, "reports", fields=fields, rows=rows, field_form=form),
    )


def report_entry(request: AuthedRequest, pk: int) -> HttpResponse:
    """A unit enters the figures of one periodic report."""
    obligation = get_object_or_404(
        visible_to(
            request.user,
            Obligation.objects.filter(milestone__kind=MilestoneKind.PROGRESS_REPORT).select_related(
                "unit", "milestone__movement", "document"
            ),
            "evaluation.self",
            "unit__path",
        ),
        pk=pk,
    )
    movement = movement_or_404(request.user, obligation.milestone.movement_id)
    fields = selectors.report_fields(movement)
    current = {v.field_id: v.value for v in obligation.report_values.all()}
    posted: dict[int, str] = {}
    error = None
    if request.method == "POST":
        posted = {f.pk: request.POST.get(f"field_{f.pk}", "") for f in fields}
        try:
            services.report_values_save(actor=request.user, obligation=obligation, values=posted)
            messages.success(
                request, _("Đã lưu số liệu báo cáo hạn %(due_on)s.") % {"due_on": format(obligation.due_on, "%d/%m/%Y")}
            )
            return redirect("evaluation:reports", movement_pk=movement.pk)
        except DomainError as exc:
            refuse()
            error = exc
    for f in fields:
        f.current = posted.get(f.pk, current.get(f.pk, ""))  # type: ignore[attr-defined]
        f.invalid = error is not None and error.field == f"field_{f.pk}"  # type: ignore[attr-defined]
    return render(
        request,
        "evaluation/report_entry.html",
        _context(request, movement, "reports", obligation=obligation, fields=fields, error=error),
    )
