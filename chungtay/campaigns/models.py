"""Emulation movements (phong trào thi đua): the plan, who takes part, what they are scored on,
what they must do by when, what they did, and the contest and good models that come out of it.

A movement is issued by one unit (the town committee) and covers participants in its subtree.
Criteria sets are versioned: launching a movement freezes them, and a change after that makes a
new version, so a score given against version 1 keeps meaning what it meant.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chungtay.core.models import DocumentKind
from chungtay.orgunits.models import Level

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class MovementStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    LAUNCHED = "launched", _("Đã phát động")
    UNDER_WAY = "under_way", _("Đang triển khai")
    EVALUATING = "evaluating", _("Đang tổng kết, bình xét")
    CLOSED = "closed", _("Đã kết thúc")


# Forward one step at a time; "launched" is reached only through movement_launch (it freezes criteria).
TRANSITIONS: dict[str, tuple[str, ...]] = {
    MovementStatus.DRAFT: (MovementStatus.LAUNCHED,),
    MovementStatus.LAUNCHED: (MovementStatus.UNDER_WAY,),
    MovementStatus.UNDER_WAY: (MovementStatus.EVALUATING,),
    MovementStatus.EVALUATING: (MovementStatus.CLOSED,),
    MovementStatus.CLOSED: (),
}


class Movement(models.Model):
    symbol = models.CharField(_("Số, ký hiệu kế hoạch"), max_length=60)
    issuing_unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="movements", verbose_name=_("Đơn vị ban hành")
    )
    issued_on = models.DateField(_("Ngày ban hành"))
    title = models.CharField(_("Tên phong trào"), max_length=300)
    theme = models.TextField(_("Chủ đề"), blank=True)
    purposes = models.TextField(_("Mục đích"), blank=True)
    requirements = models.TextField(_("Yêu cầu"), blank=True)
    content = models.TextField(_("Nội dung thi đua"), blank=True)
    starts_on = models.DateField(_("Triển khai từ ngày"))
    ends_on = models.DateField(_("Đến ngày"))
    review_month = models.DateField(_("Tháng tổng kết"), help_text=_("Ngày đầu tháng tổng kết, bình xét."))
    registration_deadline = models.DateField(_("Hạn đăng ký thi đua"), null=True, blank=True)
    signer = models.CharField(_("Người ký"), max_length=150, blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=20, choices=MovementStatus.choices, default=MovementStatus.DRAFT
    )
    plan_document = models.ForeignKey(
        "core.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Kế hoạch đã ký"),
    )
    copied_from = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies", verbose_name=_("Sao chép từ")
    )
    launched_at = models.DateTimeField(_("Thời điểm phát động"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Phong trào thi đua")
        verbose_name_plural = _("Phong trào thi đua")
        ordering = ["-issued_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "symbol"], name="movement_unique_symbol"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="movement_period_order"),
        ]

    def __str__(self) -> str:
        return f"{self.symbol} — {self.title}"

    @property
    def is_draft(self) -> bool:
        return self.status == MovementStatus.DRAFT

    @property
    def next_statuses(self) -> list[tuple[str, str]]:
        return [(s, str(MovementStatus(s).label)) for s in TRANSITIONS[self.status]]


class LegalKind(models.TextChoices):
    GUIDE = "huong_dan", _("Hướng dẫn")
    DIRECTIVE = "chi_thi", _("Chỉ thị")
    RESOLUTION = "nghi_quyet", _("Nghị quyết")
    DECISION = "quyet_dinh", _("Quyết định")
    CONCLUSION = "ket_luan", _("Kết luận")
    PLAN = "ke_hoach", _("Kế hoạch")
    PROGRAMME = "chuong_trinh", _("Chương trình")
    LAW = "luat", _("Luật, Điều lệ")
    OTHER = "khac", _("Văn bản khác")


class LegalReference(models.Model):
    """A document the plan cites as its basis (căn cứ)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="legal_references")
    kind = models.CharField(_("Loại văn bản"), max_length=20, choices=LegalKind.choices)
    number = models.CharField(_("Số, ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("Ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("Cơ quan ban hành"), max_length=200, blank=True)
    summary = models.TextField(_("Trích yếu"))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Căn cứ")
        verbose_name_plural = _("Căn cứ")
        ordering = ["order", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}".strip()


class Participation(models.Model):
    """A unit taking part (đối tượng thi đua): the collective of that committee or work board."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="participations")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="participations")
    level = models.PositiveSmallIntegerField(_("Cấp"), choices=Level.choices)
    registered_at = models.DateTimeField(_("Thời điểm đăng ký"), null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người đăng ký"),
    )
    registered_late = models.BooleanField(_("Đăng ký trễ hạn"), default=False)
    commitments = models.TextField(_("Nội dung đăng ký, cam kết"), blank=True)
    individuals = models.TextField(
        _("Cá nhân đăng ký thi đua"), blank=True, help_text=_("Mỗi dòng một người: họ tên — chức vụ.")
    )

    class Meta:
        verbose_name = _("Đơn vị tham gia")
        verbose_name_plural = _("Đơn vị tham gia")
        constraints = [models.UniqueConstraint(fields=["movement", "unit"], name="participation_unique")]
        indexes = [models.Index(fields=["movement", "level"], name="participation_level")]

    def __str__(self) -> str:
        return f"{self.unit} — {self.movement.symbol}"


class CriteriaSet(models.Model):
    """The criteria of one participant level, in one version. Frozen sets never change."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="criteria_sets")
    level = models.PositiveSmallIntegerField(_("Cấp áp dụng"), choices=Level.choices)
    version = models.PositiveSmallIntegerField(_("Phiên bản"), default=1)
    frozen_at = models.DateTimeField(_("Thời điểm áp dụng (khóa)"), null=True, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Phiên bản trước")
    )
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Bộ tiêu chí")
        verbose_name_plural = _("Bộ tiêu chí")
        ordering = ["movement", "level", "version"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "level", "version"], name="criteriaset_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} — v{self.version}"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class CriterionKind(models.TextChoices):
    GROUP = "group", _("Nhóm tiêu chí")
    REVIEWED = "reviewed", _("Chấm qua thẩm định")
    COMPUTED = "computed", _("Tính từ số liệu")
    YES_NO = "yes_no", _("Đạt / không đạt")
    BONUS = "bonus", _("Điểm thưởng")
    PENALTY = "penalty", _("Điểm trừ")


# Names of the functions the evaluation app computes (metric(unit, movement) -> value, explanation).
METRIC_KEYS: dict[str, StrOrPromise] = {
    "housing_completion_vs_phase": _("Tỷ lệ hoàn thành xóa nhà tạm so với phân kỳ"),
    "complaints_and_fund_rules": _("Không có khiếu nại; quản lý nguồn vận động đúng quy định"),
    "non_state_share": _("Tỷ lệ nguồn lồng ghép, tài trợ ngoài ngân sách"),
    "obligations_on_time": _("Tỷ lệ việc phải làm nộp đúng hạn trên hệ thống"),
    "activity_count": _("Số hoạt động được ghi nhận trên hệ thống"),
}


class Criterion(models.Model):
    criteria_set = models.ForeignKey(CriteriaSet, on_delete=models.CASCADE, related_name="criteria")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children", verbose_name=_("Thuộc nhóm")
    )
    code = models.CharField(_("Mã"), max_length=30)
    title = models.TextField(_("Nội dung tiêu chí"))
    kind = models.CharField(_("Loại"), max_length=20, choices=CriterionKind.choices)
    max_points = models.DecimalField(_("Điểm tối đa"), max_digits=6, decimal_places=2, default=Decimal(0))
    metric_key = models.CharField(_("Chỉ số tính tự động"), max_length=60, blank=True)
    evidence_kinds = models.JSONField(_("Minh chứng cần có"), default=list, blank=True)
    # The change log names the required evidence and the metric by their labels, never their codes (core.audit).
    audit_choices: ClassVar[dict[str, Any]] = {
        "evidence_kinds": DocumentKind.choices,
        "metric_key": list(METRIC_KEYS.items()),
    }
    order = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Tiêu chí")
        verbose_name_plural = _("Tiêu chí")
        ordering = ["criteria_set", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["criteria_set", "code"], name="criterion_unique_code"),
            models.CheckConstraint(condition=Q(max_points__gte=0), name="criterion_points_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.code}. {self.title[:60]}"

    @property
    def metric_label(self) -> str:
        """The computed figure by its label, never its code ("housing_completion_vs_phase")."""
        return str(METRIC_KEYS.get(self.metric_key, self.metric_key))

    @property
    def evidence_kind_labels(self) -> list[str]:
        """The required evidence by its label ("Biên bản"), never its code ("minutes")."""
        labels = dict(DocumentKind.choices)
        return [str(labels.get(k, k)) for k in self.evidence_kinds]

    @property
    def is_group(self) -> bool:
        return self.kind == CriterionKind.GROUP


class MilestoneKind(models.TextChoices):
    REGISTRATION = "registration", _("Đăng ký thi đua")
    OWN_PLAN = "own_plan", _("Xây dựng kế hoạch cụ thể")
    LAUNCH = "launch", _("Tổ chức hội nghị phát động")
    PROGRESS_REPORT = "progress_report", _("Báo cáo tiến độ định kỳ")
    SELF_ASSESSMENT = "self_assessment", _("Tự đánh giá, chấm điểm")
    FINAL_REVIEW = "final_review", _("Tổng kết, bình xét")
    OTHER = "other", _("Việc khác")


class Recurrence(models.TextChoices):
    ONCE = "once", _("Một lần")
    MONTHLY = "monthly", _("Hằng tháng")
    QUARTERLY = "quarterly", _("Hằng quý")


class Milestone(models.Model):
    """A step of the plan that every participant of one level must take (or repeat) by a date."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="milestones")
    kind = models.CharField(_("Loại việc"), max_length=20, choices=MilestoneKind.choices)
    title = models.CharField(_("Tên việc"), max_length=200, blank=True)
    level = models.PositiveSmallIntegerField(_("Áp dụng cho cấp"), choices=Level.choices)
    due_on = models.DateField(_("Hạn (lần đầu)"))
    recurrence = models.CharField(_("Lặp lại"), max_length=10, choices=Recurrence.choices, default=Recurrence.ONCE)
    until = models.DateField(_("Lặp đến ngày"), null=True, blank=True)

    class Meta:
        verbose_name = _("Mốc thời gian")
        verbose_name_plural = _("Mốc thời gian")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.title or str(self.get_kind_display())

    def due_dates(self) -> list[dt.date]:
        """Every due date: one, or one per month/quarter from `due_on` to `until` (same day, clamped)."""
        if self.recurrence == Recurrence.ONCE or not self.until:
            return [self.due_on]
        step = 1 if self.recurrence == Recurrence.MONTHLY else 3
        dates: list[dt.date] = []
        i = 0
        while True:
            month0 = self.due_on.month - 1 + i * step
            year, month = self.due_on.year + month0 // 12, month0 % 12 + 1
            day = min(self.due_on.day, _days_in_month(year, month))
            date = dt.date(year, month, day)
            if date > self.until:
                return dates
            dates.append(date)
            i += 1


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + month // 12, month % 12 + 1, 1)
    return (nxt - dt.timedelta(days=1)).day


class Obligation(models.Model):
    """What one unit must do by one date, and how it was done (or why it was excused)."""

    milestone = models.ForeignKey(Milestone, on_delete=models.CASCADE, related_name="obligations")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="obligations")
    due_on = models.DateField(_("Hạn"))
    fulfilled_at = models.DateTimeField(_("Hoàn thành lúc"), null=True, blank=True)
    fulfilled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người báo hoàn thành"),
    )
    document = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    activity = models.ForeignKey("Activity", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    excused_reason = models.CharField(_("Lý do miễn"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Việc phải làm")
        verbose_name_plural = _("Việc phải làm")
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["milestone", "unit", "due_on"], name="obligation_unique"),
        ]
        indexes = [models.Index(fields=["unit", "due_on"], name="obligation_unit_due")]

    def __str__(self) -> str:
        return f"{self.milestone.label} — {self.unit} — {self.due_on:%d/%m/%Y}"

    def state(self, today: dt.date) -> str:
        if self.fulfilled_at:
            from django.utils import timezone

            return "done" if timezone.localdate(self.fulfilled_at) <= self.due_on else "done_late"
        if self.excused_reason:
            return "excused"
        return "late" if self.due_on < today else "open"


class ActivityKind(models.TextChoices):
    LAUNCH_CONFERENCE = "launch_conference", _("Hội nghị phát động")
    TRAINING = "training", _("Bồi dưỡng, tập huấn")
    MEETING = "meeting", _("Hội nghị, họp")
    STUDY_TOUR = "study_tour", _("Học tập kinh nghiệm")
    PROPAGANDA = "propaganda", _("Tuyên truyền qua tổ chức thành viên")
    REGULATION = "regulation_adopted", _("Ban hành quy chế làm việc")
    IT_MEASURE = "it_measure", _("Ứng dụng CNTT, chuyển đổi số")


class TrainingKind(models.TextChoices):
    CONFERENCE = "hoi_nghi", _("Hội nghị")
    SEMINAR = "toa_dam", _("Tọa đàm")
    STUDY_TOUR = "hoc_tap_kinh_nghiem", _("Học tập kinh nghiệm")
    COURSE = "lop_tap_huan", _("Lớp tập huấn")
    ONLINE = "truc_tuyen", _("Trực tuyến")
    OTHER = "khac", _("Hình thức khác")


class ActivityLevel(models.TextChoices):
    DISTRICT = "district", _("Cấp thị xã")
    COMMUNE = "commune", _("Cấp xã, phường")
    AREA = "area", _("Khu dân cư")


class Activity(models.Model):
    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="activities")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="movement_activities")
    kind = models.CharField(_("Loại hoạt động"), max_length=30, choices=ActivityKind.choices)
    training_kind = models.CharField(_("Hình thức"), max_length=30, choices=TrainingKind.choices, blank=True)
    title = models.CharField(_("Tên hoạt động"), max_length=300)
    held_on = models.DateField(_("Ngày"))
    place = models.CharField(_("Địa điểm"), max_length=200, blank=True)
    attendance = models.PositiveIntegerField(_("Số người tham dự"), null=True, blank=True)
    participants = models.TextField(_("Thành phần tham dự"), blank=True)
    level = models.CharField(_("Cấp tổ chức"), max_length=10, choices=ActivityLevel.choices, blank=True)
    note = models.TextField(_("Ghi chú, kết quả"), blank=True)
    # Held by one of the unit's member organisations (its Hội Phụ nữ …): still the unit's activity in the
    # movement, and the office sees which organisation did it (chungtay.members).
    member_org = models.ForeignKey(
        "orgunits.MemberOrganisation", null=True, blank=True, on_delete=models.PROTECT, related_name="activities",
        verbose_name=_("Tổ chức thành viên thực hiện"),
    )  # fmt: skip
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Hoạt động")
        verbose_name_plural = _("Hoạt động")
        ordering = ["-held_on", "-pk"]
        indexes = [models.Index(fields=["movement", "unit"], name="activity_movement_unit")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"


class Contest(models.Model):
    """A contest inside the movement, e.g. "Cán bộ Mặt trận cơ sở giỏi" (it has its own plan)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="contests")
    title = models.CharField(_("Tên cuộc thi"), max_length=300)
    description = models.TextField(_("Thể lệ, nội dung"), blank=True)
    plan_document = models.ForeignKey(
        "core.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Kế hoạch hội thi"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Cuộc thi")
        verbose_name_plural = _("Cuộc thi")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.title


class ContestRound(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="rounds")
    name = models.CharField(_("Tên vòng thi"), max_length=150)
    held_on = models.DateField(_("Ngày thi"), null=True, blank=True)
    max_score = models.DecimalField(_("Điểm tối đa"), max_digits=6, decimal_places=2, default=Decimal(100))
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Vòng thi")
        verbose_name_plural = _("Vòng thi")
        ordering = ["contest", "order", "pk"]

    def __str__(self) -> str:
        return self.name


class Entrant(models.Model):
    contest = models.ForeignKey(Contest, on_delete=models.CASCADE, related_name="entrants")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="contest_entrants")
    person_name = models.CharField(_("Họ và tên"), max_length=150)
    position = models.CharField(_("Chức vụ"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("Thí sinh")
        verbose_name_plural = _("Thí sinh")
        ordering = ["unit__path", "person_name"]
        constraints = [models.UniqueConstraint(fields=["contest", "unit", "person_name"], name="entrant_unique_person")]

    def __str__(self) -> str:
        return f"{self.person_name} ({self.unit})"


class JudgeScore(models.Model):
    round = models.ForeignKey(ContestRound, on_delete=models.CASCADE, related_name="scores", verbose_name=_("Vòng thi"))
    entrant = models.ForeignKey(Entrant, on_delete=models.CASCADE, related_name="scores")
    judge = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Giám khảo")
    )
    score = models.DecimalField(_("Điểm"), max_digits=6, decimal_places=2, null=True, blank=True)
    recused = models.BooleanField(_("Không chấm (cùng đơn vị)"), default=False)
    scored_at = models.DateTimeField(auto_now=True, verbose_name=_("Thời điểm chấm"))

    class Meta:
        verbose_name = _("Điểm giám khảo")
        verbose_name_plural = _("Điểm giám khảo")
        constraints = [
            models.UniqueConstraint(fields=["round", "entrant", "judge"], name="judgescore_unique"),
            # A recused judge gives no score; a judge who does not recuse gives one.
            models.CheckConstraint(
                condition=Q(recused=True, score__isnull=True) | Q(recused=False, score__isnull=False),
                name="judgescore_recused_xor_score",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.judge} → {self.entrant}: {'—' if self.recused else self.score}"


class GoodModelField(models.TextChoices):
    CAPACITY = "capacity", _("Đổi mới, nâng cao năng lực hoạt động")
    HOUSING = "housing", _("Hỗ trợ nhà ở cho hộ nghèo, cận nghèo")
    MOBILISATION = "mobilisation", _("Vận động, lồng ghép nguồn lực")
    DIGITAL = "digital", _("Chuyển đổi số")
    OTHER = "other", _("Lĩnh vực khác")


class GoodModelStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề xuất")
    RECOGNISED = "recognised", _("Được công nhận")
    REJECTED = "rejected", _("Chưa công nhận")


class GoodModel(models.Model):
    """A new factor, good model or effective practice (nhân tố mới, mô hình hay, cách làm hiệu quả)."""

    movement = models.ForeignKey(Movement, on_delete=models.CASCADE, related_name="good_models")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="good_models")
    title = models.CharField(_("Tên mô hình, cách làm"), max_length=300)
    field = models.CharField(_("Lĩnh vực"), max_length=20, choices=GoodModelField.choices)
    description = models.TextField(_("Mô tả, hiệu quả"))
    status = models.CharField(
        _("Trạng thái"), max_length=20, choices=GoodModelStatus.choices, default=GoodModelStatus.PROPOSED
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người đề xuất"),
    )
    proposed_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Thời điểm đề xuất"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người quyết định"),
    )
    decided_at = models.DateTimeField(null=True, blank=True, verbose_name=_("Thời điểm quyết định"))
    decision_note = models.CharField(_("Ý kiến"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Mô hình hay, cách làm hiệu quả")
        verbose_name_plural = _("Mô hình hay, cách làm hiệu quả")
        ordering = ["-proposed_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class Replication(models.Model):
    good_model = models.ForeignKey(GoodModel, on_delete=models.CASCADE, related_name="replications")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+")
    since = models.DateField(_("Áp dụng từ ngày"))
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("Nhân rộng mô hình")
        verbose_name_plural = _("Nhân rộng mô hình")
        ordering = ["since", "pk"]
        constraints = [models.UniqueConstraint(fields=["good_model", "unit"], name="replication_unique")]

    def __str__(self) -> str:
        return f"{self.good_model} → {self.unit}"
