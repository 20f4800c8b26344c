"""Figures of the movement's work: who takes part at which level, the activities held, and a unit's
own obligations (criterion 3.2.1d), each for a subtree (or one unit) as of a date.

Asked with `movement=` they count that movement only; without it, every launched movement.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from chungtay.campaigns.models import Activity, ActivityKind, MilestoneKind, Participation
from chungtay.orgunits.models import Level
from chungtay.tallies.catalogue import Params, figure, group

from .definitions import NOT_DRAFT, _fill, _grouped, counted_obligations, issued_by, obligation_states

# --- Participants by level -----------------------------------------------------------------------
PARTICIPANT_NAMES = ("units_participating_communes", "units_participating_areas")


@group("participant_levels", "Đơn vị tham gia theo cấp")
def participant_levels(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    qs = Participation.objects.filter(issued_by(p.as_of))
    if p.movement_id is not None:
        qs = qs.filter(movement_id=p.movement_id)
    found = _grouped(
        qs, "unit__path", units,
        units_participating_communes=Count("id", filter=Q(level=Level.COMMUNE)),
        units_participating_areas=Count("id", filter=Q(level=Level.AREA)),
    )  # fmt: skip
    return _fill(units, found, PARTICIPANT_NAMES)


PL = "participant_levels"
figure(PL, "units_participating_communes", _("Xã, phường tham gia"),
       "Trong số đơn vị tham gia (`units_participating`), lượt tham gia ở cấp xã, phường.", unit="đơn vị")  # fmt: skip
figure(PL, "units_participating_areas", _("Khu dân cư tham gia"),
       "Trong số đơn vị tham gia (`units_participating`), lượt tham gia ở cấp khu dân cư.", unit="đơn vị")  # fmt: skip


# --- Activities ----------------------------------------------------------------------------------
ACTIVITY_NAMES = (
    "activities_held",
    "activities_launch_conferences",
    "activities_trainings",
    "activities_training_attendance",
    "activities_propaganda",
    "activities_regulations",
    "activities_it_measures",
)


@group("activities", "Hoạt động của phong trào đã tổ chức")
def activities(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    qs = Activity.objects.filter(movement__status__in=NOT_DRAFT, held_on__lte=p.as_of)
    if p.movement_id is not None:
        qs = qs.filter(movement_id=p.movement_id)
    kind = ActivityKind
    found = _grouped(
        qs, "unit__path", units,
        activities_held=Count("id"),
        activities_launch_conferences=Count("id", filter=Q(kind=kind.LAUNCH_CONFERENCE)),
        activities_trainings=Count("id", filter=Q(kind=kind.TRAINING)),
        activities_training_attendance=Sum("attendance", filter=Q(kind=kind.TRAINING)),
        activities_propaganda=Count("id", filter=Q(kind=kind.PROPAGANDA)),
        activities_regulations=Count("id", filter=Q(kind=kind.REGULATION)),
        activities_it_measures=Count("id", filter=Q(kind=kind.IT_MEASURE)),
    )  # fmt: skip
    return _fill(units, found, ACTIVITY_NAMES)


A = "activities"
ACT = "Hoạt động của phong trào (đã phát động) do các đơn vị trong cây tổ chức, ngày tổ chức không sau ngày tính"
figure(A, "activities_held", _("Hoạt động đã tổ chức"), f"{ACT}, mọi loại.", unit="hoạt động")
figure(A, "activities_launch_conferences", _("Hội nghị phát động"), f"{ACT}, loại hội nghị phát động.",
       unit="hoạt động")  # fmt: skip
figure(A, "activities_trainings", _("Hội nghị, lớp bồi dưỡng, tập huấn"), f"{ACT}, loại bồi dưỡng, tập huấn.",
       unit="hoạt động")  # fmt: skip
figure(A, "activities_training_attendance", _("Lượt người dự bồi dưỡng, tập huấn"),
       f"Tổng số người tham dự ghi ở các hoạt động bồi dưỡng, tập huấn; {ACT[0].lower()}{ACT[1:]}.",
       unit="lượt người")  # fmt: skip
figure(A, "activities_propaganda", _("Hoạt động tuyên truyền qua tổ chức thành viên"),
       f"{ACT}, loại tuyên truyền qua tổ chức thành viên.", unit="hoạt động")  # fmt: skip
figure(A, "activities_regulations", _("Đơn vị ban hành quy chế làm việc"),
       f"{ACT}, loại ban hành quy chế làm việc (mỗi đơn vị ghi một lần).", unit="hoạt động")  # fmt: skip
figure(A, "activities_it_measures", _("Hoạt động ứng dụng CNTT, chuyển đổi số"),
       f"{ACT}, loại ứng dụng công nghệ thông tin, chuyển đổi số.", unit="hoạt động")  # fmt: skip


# --- A unit's own obligations (criterion 3.2.1d) -------------------------------------------------
OWN_OBLIGATION_NAMES = ("own_obligations_due", "own_obligations_on_time", "own_obligations_done_late",
                        "own_obligations_overdue")  # fmt: skip
# A unit is scored on the obligations it reports before it assesses itself: the self-assessment and
# the final review are not counted in the score they produce.
NOT_SCORED_KINDS = (MilestoneKind.SELF_ASSESSMENT, MilestoneKind.FINAL_REVIEW)


@group("own_obligations", "Việc phải làm của chính đơn vị (tiêu chí 3.2.1d)")
def own_obligations(units: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    # The unit's own rows, not its subtree's: grouped by unit id, in the catalogue's states.
    state = obligation_states(p.as_of)
    rows = (
        counted_obligations(p.movement_id, day=p.as_of)
        .filter(unit_id__in=[u.pk for u in units])
        .exclude(milestone__kind__in=NOT_SCORED_KINDS)
        .values("unit_id")
        .annotate(
            own_obligations_on_time=Count("id", filter=state["on_time"]),
            own_obligations_done_late=Count("id", filter=state["done_late"]),
            own_obligations_overdue=Count("id", filter=state["overdue"]),
        )
        .order_by()
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        values = {key: int(value or 0) for key, value in row.items() if key != "unit_id"}
        values["own_obligations_due"] = sum(values.values())
        found[row["unit_id"]] = values
    return _fill(units, found, OWN_OBLIGATION_NAMES)


OO = "own_obligations"
OWN = ("Việc phải làm của chính đơn vị (không gồm đơn vị cấp dưới) theo các mốc của phong trào đã phát động, "
       "trừ việc tự đánh giá, chấm điểm và tổng kết")  # fmt: skip
figure(OO, "own_obligations_due", _("Việc của đơn vị đã đến hạn"),
       f"{OWN}: đúng hạn + hoàn thành trễ hạn + quá hạn tính đến ngày đó (việc được miễn không tính), "
       "theo cùng định nghĩa với `obligations_due`.", unit="việc")  # fmt: skip
figure(OO, "own_obligations_on_time", _("Việc của đơn vị hoàn thành đúng hạn"),
       f"{OWN}, hoàn thành đến ngày tính, vào hoặc trước ngày hạn.", unit="việc")  # fmt: skip
figure(OO, "own_obligations_done_late", _("Việc của đơn vị hoàn thành trễ hạn"),
       f"{OWN}, hoàn thành đến ngày tính, sau ngày hạn.", unit="việc")  # fmt: skip
figure(OO, "own_obligations_overdue", _("Việc của đơn vị quá hạn chưa thực hiện"),
       f"{OWN}, có hạn trước ngày tính, chưa hoàn thành đến ngày đó và không được miễn.", unit="việc")  # fmt: skip
