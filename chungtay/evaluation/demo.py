"""Evaluation of the demo movement 199/KH-MTTQ-BTT up to the point where people take over in the browser:
bands, award forms and quotas, a cluster for cross review, and the registered communes' self-assessments as
they stand on the demo's day (chungtay.core.demo_clock) — opened from October, submitted on their days, then
most reviewed, two waiting for review, three returned for correction (as on 02/12 of the story) — and
the town's own, on the district level's set, reviewed by the province's office. 3.2.1c is taken from the
contest's results, the 3.2.3 bonus from the recognised good models.
Approving the ranking, the meeting, the decision and its signature are left to do by hand
(docs/huong-dan/danh-gia-khen-thuong.md). Idempotent: nothing is added once the award forms exist.
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from auditlog.models import LogEntry
from django.db import transaction

from chungtay.accounts.models import User
from chungtay.campaigns.demo import current_movement, demo_pdf
from chungtay.campaigns.models import Movement, MovementStatus
from chungtay.campaigns.services import movement_transition
from chungtay.core import demo_clock
from chungtay.core.demo_clock import at as _at
from chungtay.core.demo_clock import d, happened
from chungtay.core.models import DocumentKind
from chungtay.orgunits.models import Level

from . import services
from .models import Assessment, Recipient, Source

SYMBOL = "199/KH-MTTQ-BTT"
BANDS = [("Xuất sắc", 90), ("Tốt", 80), ("Khá", 65), ("Trung bình", 0)]
# Share of each reviewed criterion's maximum the unit gives itself, one per commune in tree order;
# the office takes a little off some of them (with a reason) when it reviews.
SHARES = [
    0.97, 0.93, 0.9, 0.88, 0.86, 0.85, 0.83, 0.8, 0.78, 0.76,
    0.74, 0.72, 0.7, 0.68, 0.66, 0.64, 0.6, 0.58, 0.55, 0.5,
]  # fmt: skip
PENDING = {"Điện Ngọc", "Điện Nam Bắc"}  # submitted, waiting for the office
RETURNED = {"Điện Phước", "Điện Thọ", "Điện Quang"}  # sent back for evidence
LATE = {"Điện Ngọc"}
TOWN_WEAKER = {"1.2", "2.3"}  # the town's own criteria it gives itself less on


def _score(max_points: Decimal, share: float) -> Decimal:
    return (max_points * Decimal(str(share))).quantize(Decimal("0.5"))


@transaction.atomic
def load_demo() -> dict[str, int]:
    movement = Movement.objects.filter(symbol=SYMBOL).select_related("issuing_unit").first()
    if movement is None:
        return {"bản tự đánh giá": 0}
    if movement.award_forms.exists():
        return _counts(movement)
    office = User.objects.get(username="vanphong")
    staff = {"Vĩnh Điện": User.objects.get(username="vinhdien"), "Điện Hồng": User.objects.get(username="dienhong")}

    bands = {n: services.band_save(actor=office, movement=movement, name=n, minimum=Decimal(m)) for n, m in BANDS}
    services.settings_update(
        actor=office, movement=movement, disagreement_margin=Decimal(10),
        tie_note="Hội nghị bình xét có thể xem xét ưu tiên đơn vị có mô hình hay được công nhận (mục 3.2.3).",
    )  # fmt: skip
    # The 3.2.3 bonus comes from the communes' good models recognised by the movement's end (Vĩnh Điện's,
    # recognised in July in the campaigns demo), not typed by the units.
    services.criterion_source_set(actor=office, movement=movement, code="3.2.3.a", source=Source.GOOD_MODELS)
    # 3.2.1c from the results of the contest "Cán bộ Mặt trận cơ sở giỏi" (marked in the campaigns demo).
    services.criterion_source_set(actor=office, movement=movement, code="3.2.1.c", source=Source.CONTEST)
    town = movement.issuing_unit.title
    services.award_form_create(
        actor=office, movement=movement, name="Cờ thi đua", issuer="Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
        recipient=Recipient.COLLECTIVE, quota=1, minimum_band=bands["Xuất sắc"], decided_here=False,
    )  # fmt: skip
    services.award_form_create(
        actor=office, movement=movement, name="Bằng khen", issuer="Ủy ban MTTQ Việt Nam tỉnh Quảng Nam",
        recipient=Recipient.COLLECTIVE, quota=2, minimum_band=bands["Xuất sắc"], decided_here=False,
    )  # fmt: skip
    services.award_form_create(
        actor=office, movement=movement, name="Giấy khen", issuer=f"Ủy ban MTTQ Việt Nam {town}",
        recipient=Recipient.COLLECTIVE, quota=6, minimum_band=bands["Tốt"],
    )  # fmt: skip
    services.award_form_create(
        actor=office, movement=movement, name="Giấy khen", issuer=f"Ủy ban MTTQ Việt Nam {town}",
        recipient=Recipient.INDIVIDUAL, quota=6,
    )  # fmt: skip

    participations = list(
        movement.participations.filter(level=Level.COMMUNE).select_related("unit", "movement").order_by("unit__path")
    )
    cluster = [p.unit for p in participations if p.unit.name in {"Vĩnh Điện", "Điện Hồng", "Điện An", "Điện Minh"}]
    if len(cluster) >= 2:
        services.cross_group_create(actor=office, movement=movement, name="Cụm 1 (phía Bắc)", units=cluster)

    _self_assess(
        movement, participations, office=office, staff=staff, star="Vĩnh Điện", pending=PENDING, returned=RETURNED,
        late=LATE,
    )  # fmt: skip
    _town_assessment(movement, office=office, province_office=User.objects.get(username="quangnam"))
    if demo_clock.after_reorganisation():
        _decide(movement, office=office, board=User.objects.get(username="chutich"))
    return _counts(movement)


def _decide(movement: Movement, *, office: User, board: User) -> None:
    """On the new map the 2024 evaluation is over, as it was by the end of 2024: the last two reviewed, the
    units sent back or not submitted left out of the ranking with the reason, the ranking approved, the
    town's Giấy khen proposed from it, voted on 16/12 and decided on 20/12/2024; then the movement is closed."""
    for assessment in Assessment.objects.filter(
        participation__movement=movement, participation__level=Level.COMMUNE, status="submitted"
    ).select_related("participation__unit", "participation__movement"):
        services.assessment_mark_reviewed(actor=office, assessment=assessment)
        _reviewed_at(assessment, _at(d(2024, 11, 25), 16))
    for participation in movement.participations.filter(level=Level.COMMUNE).select_related("unit", "movement"):
        own = Assessment.objects.filter(participation=participation).first()
        if own is None or own.status != "reviewed":
            services.ranking_exclude(
                actor=office, participation=participation,
                reason="Không nộp lại bản tự đánh giá đã bổ sung trước ngày họp bình xét (15/12)."
                if own is not None and own.submitted_at else "Không nộp bản tự đánh giá đúng hạn.",
            )  # fmt: skip
    approval = services.ranking_approve(actor=board, movement=movement, level=Level.COMMUNE)
    type(approval).objects.filter(pk=approval.pk).update(approved_at=_at(d(2024, 12, 10), 15))
    form = movement.award_forms.get(name="Giấy khen", recipient=Recipient.COLLECTIVE)
    proposals = services.proposals_from_ranking(actor=office, award_form=form, count=form.quota)
    meeting = services.meeting_create(
        actor=office, movement=movement, held_on=d(2024, 12, 16), place="Phòng họp Ủy ban MTTQ Việt Nam thị xã",
        chair="Lê Văn Khánh, Chủ tịch", secretary="Trần Thị Minh Hạnh, Chuyên viên Văn phòng", attendees=9,
        note="Hội nghị bình xét, khen thưởng phong trào thi đua năm 2024.",
    )  # fmt: skip
    for proposal in proposals:
        services.vote_record(actor=office, meeting=meeting, proposal=proposal, agree=9, disagree=0)
    decision = services.decision_create(
        actor=office, movement=movement, number="95/QĐ-MTTQ-BTT", signed_on=d(2024, 12, 20),
        signer_name="Lê Văn Khánh", memo_number="94/TTr-MTTQ-VP",
    )  # fmt: skip
    services.decision_sign(actor=board, decision=decision)
    type(decision).objects.filter(pk=decision.pk).update(signed_at=_at(d(2024, 12, 20), 16))
    # Done: the movement is closed (no reminders for it any more; the reorganisation leaves it as it is).
    movement_transition(actor=office, movement=movement, to=MovementStatus.CLOSED)


def _self_assess(
    movement: Movement,
    participations: list,
    *,
    office: User,
    staff: dict[str, User],
    star: str,
    pending: set[str],
    returned: set[str],
    late: set[str],
) -> None:
    """The registered units' self-assessments as they stand on the story's day: opened from October,
    submitted on their days, most reviewed, `pending` waiting for review, `returned` sent back; `star` attaches
    evidence (and would type its bonus, but the bonus comes from its recognised good model: the service keeps
    the sourced score); the last unit is still filling its form in."""
    for index, participation in enumerate(participations):
        # A unit assesses itself once the window opens (October) and only if it registered.
        if participation.registered_at is None or not happened(d(2024, 10, 1)):
            continue
        name = participation.unit.name
        actor = staff.get(name, office)
        share = SHARES[index % len(SHARES)]
        assessment = services.assessment_open(actor=actor, participation=participation)
        lines = list(assessment.lines.select_related("criterion"))
        entries = {}
        for line in lines:
            kind = line.criterion.kind
            if kind == "reviewed":
                note = f"Đạt khoảng {round(share * 100)}% yêu cầu; có biên bản, báo cáo kèm theo."
                entries[line.pk] = (_score(line.criterion.max_points, share), note)
            elif kind == "yes_no":
                entries[line.pk] = (line.criterion.max_points if share >= 0.6 else Decimal(0), "")
            elif kind == "bonus":
                entries[line.pk] = (line.criterion.max_points if name == star else Decimal(0), "")
        services.assessment_save(actor=actor, assessment=assessment, entries=entries)
        if name == star:
            _evidence(actor, assessment)
        if index == len(participations) - 1:
            continue  # one unit is still filling its form in
        day = d(2024, 11, 5) if name in late else d(2024, 10, 10) + dt.timedelta(days=index // 2)
        if not happened(day):
            continue  # still filling its form in
        services.assessment_submit(actor=actor, assessment=assessment, now=_at(day, 10))
        if name in pending:
            continue
        if not happened(day + dt.timedelta(days=12)):
            continue  # the office has not got to it yet
        if name in returned:
            services.assessment_return(
                actor=office, assessment=assessment,
                comment="Đề nghị bổ sung biên bản hội nghị phát động và báo cáo kết quả bồi dưỡng (tiêu chí 3.2.1.a, "
                "3.2.1.b).",
            )  # fmt: skip
            continue
        adjust = {}
        for line in lines:
            if line.criterion.code == "3.2.1.b" and share < 0.8:
                reduced = max(Decimal(0), _score(line.criterion.max_points, share) - Decimal(2))
                adjust[line.pk] = (reduced, "Chưa có báo cáo kết quả lớp bồi dưỡng thứ hai.")
        if adjust:
            services.review_save(actor=office, assessment=assessment, entries=adjust)
        services.assessment_mark_reviewed(actor=office, assessment=assessment)
        _reviewed_at(assessment, _at(day + dt.timedelta(days=12), 16))


def _town_assessment(movement: Movement, *, office: User, province_office: User) -> None:
    """The town scores itself on its own set (the province's guidance for district-level committees) at the
    end of October; the province's office reviews it in November, taking two points off one criterion."""
    submitted, reviewed = d(2024, 10, 28), d(2024, 11, 22)
    participation = movement.participations.select_related("unit", "movement").filter(level=Level.DISTRICT).first()
    if participation is None or participation.registered_at is None or not happened(d(2024, 10, 21)):
        return
    assessment = services.assessment_open(actor=office, participation=participation)
    lines = list(assessment.lines.select_related("criterion"))
    entries = {}
    for line in lines:
        if line.criterion.kind == "reviewed":
            share = 0.9 if line.criterion.code in TOWN_WEAKER else 0.95
            entries[line.pk] = (_score(line.criterion.max_points, share), "Có kế hoạch, báo cáo kết quả kèm theo.")
        elif line.criterion.kind in ("bonus", "yes_no"):
            entries[line.pk] = (Decimal(0), "")
    services.assessment_save(actor=office, assessment=assessment, entries=entries)
    if not happened(submitted):
        return
    services.assessment_submit(actor=office, assessment=assessment, now=_at(submitted, 10))
    if not happened(reviewed):
        return
    reason = "Chưa gửi về tỉnh báo cáo kết quả lớp bồi dưỡng Ban Công tác Mặt trận khu dân cư."
    adjust = {
        line.pk: (line.self_score - 2, reason)
        for line in assessment.lines.select_related("criterion").filter(criterion__code="1.2")
        if line.self_score is not None
    }  # fmt: skip
    services.review_save(actor=province_office, assessment=assessment, entries=adjust)
    services.assessment_mark_reviewed(actor=province_office, assessment=assessment)
    _reviewed_at(assessment, _at(reviewed, 16))


def _reviewed_at(assessment: Assessment, at: dt.datetime) -> None:
    """Date a review on the story's day: the assessment's `reviewed_at`, and its changes in the audit log
    (written at load time), from which the scores as of a day are read (`evaluation.selectors.scores_as_of`):
    else the tổng kết of 15/12/2024 would show every unit scored with 0 points and no band."""
    Assessment.objects.filter(pk=assessment.pk).update(reviewed_at=at)
    LogEntry.objects.get_for_object(assessment).filter(timestamp__gt=at).update(timestamp=at)


def _evidence(actor: User, assessment: Assessment) -> None:

    unit = assessment.participation.unit.title
    where = f"{unit[:1].upper()}{unit[1:]}, tháng 10/{demo_clock.story_year()}"
    for line in assessment.lines.select_related("criterion").filter(criterion__code__in=["3.2.1.a", "3.2.1.b"]):
        code = line.criterion.code
        services.evidence_add(
            actor=actor, line=line, name=f"minh-chung-{code}.pdf", kind=DocumentKind.REPORT,
            title=f"Báo cáo minh chứng tiêu chí {code}",
            upload=io.BytesIO(demo_pdf(f"MINH CHỨNG TIÊU CHÍ {code}", [where])),
        )  # fmt: skip


def _counts(movement: Movement) -> dict[str, int]:
    qs = Assessment.objects.filter(participation__movement=movement)
    return {
        "bản tự đánh giá": qs.count(),
        "đã thẩm định": qs.filter(status__in=["reviewed", "approved"]).count(),
        "hình thức khen thưởng": movement.award_forms.count(),
    }


@transaction.atomic
def load_current() -> dict[str, int]:
    """The current movement's evaluation on the new map, as the 2024 one was set up: bands, the city's award
    forms, and the new units' self-assessments as they stand on the demo's day (none before October)."""

    if not demo_clock.after_reorganisation():
        return {}
    movement = current_movement()
    if movement is None:
        return {}
    if movement.award_forms.exists():
        return _counts(movement)
    office = User.objects.get(username="vanphong")
    bands = {n: services.band_save(actor=office, movement=movement, name=n, minimum=Decimal(m)) for n, m in BANDS}
    services.criterion_source_set(actor=office, movement=movement, code="3.2.3.a", source=Source.GOOD_MODELS)
    # The city is a province-level committee: it confers the Bằng khen (award_defaults.RULES).
    services.award_form_create(
        actor=office, movement=movement, name="Bằng khen", issuer=f"Ủy ban MTTQ Việt Nam {movement.issuing_unit.title}",
        recipient=Recipient.COLLECTIVE, quota=2, minimum_band=bands["Xuất sắc"],
    )  # fmt: skip
    participations = list(
        movement.participations.filter(level=Level.COMMUNE).select_related("unit", "movement").order_by("pk")
    )
    staff = {"Điện Bàn": User.objects.get(username="vinhdien"), "Điện Bàn Tây": User.objects.get(username="dienhong")}
    _self_assess(
        movement, participations, office=office, staff=staff, star="Điện Bàn", pending={"An Thắng"},
        returned={"Điện Bàn Đông"}, late={"Điện Bàn Bắc"},
    )  # fmt: skip
    return _counts(movement)
