"""Figures of the evaluation as it stood on a date: units that had assessed themselves, been scored
by the office, and had their ranking approved, from the assessments' dated fields."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from chungtay.evaluation.models import Assessment, AssessmentStatus, RankingApproval
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import NOT_DRAFT, _fill, _grouped

ASSESSMENT_NAMES = ("units_self_assessed", "units_scored", "units_approved")
RANKABLE = (AssessmentStatus.REVIEWED, AssessmentStatus.APPROVED)


@group("assessments", "Tự đánh giá, thẩm định, phê duyệt kết quả")
def assessments(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    day = p.as_of
    approval = RankingApproval.objects.filter(
        movement=OuterRef("participation__movement"),
        level=OuterRef("participation__level"),
        approved_at__date__lte=day,
    )
    qs = Assessment.objects.filter(participation__movement__status__in=NOT_DRAFT).annotate(
        # Rows written before the first submission had its own date carry only the last one.
        first_submitted=Coalesce("first_submitted_at", "submitted_at"),
        approved_then=Exists(approval),
    )
    if p.movement_id is not None:
        qs = qs.filter(participation__movement_id=p.movement_id)
    found = _grouped(
        qs, "participation__unit__path", units,
        units_self_assessed=Count("id", filter=Q(first_submitted__date__lte=day)),
        units_scored=Count("id", filter=Q(status__in=RANKABLE, reviewed_at__date__lte=day)),
        units_approved=Count("id", filter=Q(status=AssessmentStatus.APPROVED, approved_then=True)),
    )  # fmt: skip
    return _fill(units, found, ASSESSMENT_NAMES)


E = "assessments"
ASM = "Bản tự đánh giá của các đơn vị trong cây (phong trào đã phát động)"
figure(E, "units_self_assessed", _("Đơn vị đã tự đánh giá"),
       f"{ASM} đã nộp lần đầu vào hoặc trước ngày tính (kể cả bản sau đó bị trả lại để bổ sung).",
       unit="đơn vị")  # fmt: skip
figure(E, "units_scored", _("Đơn vị đã được thẩm định, chấm điểm"),
       f"{ASM} đã thẩm định xong (lần thẩm định còn hiệu lực) vào hoặc trước ngày tính; bản bị trả lại "
       "không tính cho đến khi được thẩm định lại.", unit="đơn vị")  # fmt: skip
figure(E, "units_approved", _("Đơn vị đã được phê duyệt kết quả"),
       f"{ASM} nằm trong kết quả xếp hạng đã được Ban Thường trực phê duyệt vào hoặc trước ngày tính.",
       unit="đơn vị")  # fmt: skip
