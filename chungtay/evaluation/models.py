"""Evaluation (bình xét) and awards (khen thưởng) of an emulation movement.

The chain: each participant scores itself against the frozen criteria version it was given
(Assessment → AssessmentLine), the office reviews every line, peer units may cross-review, the
totals fall into bands set per movement and are ranked by written rules, the standing board
approves the ranking (RankingApproval — from then on the scores are locked), award forms with
quotas take proposals, a meeting votes on them, and a signed Decision keeps the documents it issued.
"""

from __future__ import annotations

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chungtay.orgunits.models import Level

ZERO = Decimal(0)

# The ranking's tie rules, shown on the ranking page; selectors.rank_key implements exactly these.
TIE_RULES = [
    _("Tổng điểm sau thẩm định cao hơn xếp trên."),
    _("Bằng điểm: đơn vị có ít điểm trừ hơn xếp trên."),
    _("Vẫn bằng: đơn vị có nhiều điểm ở các tiêu chí tính từ số liệu hơn xếp trên."),
    _("Vẫn bằng: đơn vị nộp bản tự đánh giá sớm hơn xếp trên."),
    _("Vẫn bằng: xếp theo thứ tự đơn vị trong danh mục đơn vị hành chính."),
]


class EvaluationSettings(models.Model):
    """Per-movement settings of the evaluation: the cross-review margin and any note on tie rules."""

    movement = models.OneToOneField("campaigns.Movement", on_delete=models.CASCADE, related_name="evaluation_settings")
    disagreement_margin = models.DecimalField(
        _("Chênh lệch điểm cần lưu ý"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(10),
        help_text=_("Điểm chấm chéo lệch so với điểm thẩm định quá mức này sẽ được đánh dấu."),
    )
    tie_note = models.TextField(_("Ghi chú thêm về xếp hạng"), blank=True)

    class Meta:
        verbose_name = _("Thiết lập bình xét")
        verbose_name_plural = _("Thiết lập bình xét")
        constraints = [models.CheckConstraint(condition=Q(disagreement_margin__gte=0), name="evalsettings_margin")]

    def __str__(self) -> str:
        return f"{self.movement.symbol}"


class Band(models.Model):
    """A classification band (xếp loại): a total at or above `minimum` earns it (highest band wins)."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="bands")
    name = models.CharField(_("Xếp loại"), max_length=60)
    minimum = models.DecimalField(_("Từ điểm"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("Mức xếp loại")
        verbose_name_plural = _("Mức xếp loại")
        ordering = ["movement", "-minimum"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "name"], name="band_unique_name"),
            models.UniqueConstraint(fields=["movement", "minimum"], name="band_unique_minimum"),
            models.CheckConstraint(condition=Q(minimum__gte=0), name="band_minimum_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Đang tự chấm")
    SUBMITTED = "submitted", _("Đã nộp, chờ thẩm định")
    RETURNED = "returned", _("Trả lại để bổ sung")
    REVIEWED = "reviewed", _("Đã thẩm định")
    APPROVED = "approved", _("Đã phê duyệt, khóa điểm")


EDITABLE_BY_UNIT = (AssessmentStatus.DRAFT, AssessmentStatus.RETURNED)


class Assessment(models.Model):
    participation = models.ForeignKey(
        "campaigns.Participation", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("Đơn vị")
    )
    # The frozen version the unit scores itself against; kept even if a newer version appears later.
    criteria_set = models.ForeignKey(
        "campaigns.CriteriaSet", on_delete=models.PROTECT, related_name="assessments", verbose_name=_("Bộ tiêu chí")
    )
    status = models.CharField(
        _("Trạng thái"), max_length=20, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    due_on = models.DateField(_("Hạn nộp"))
    # The first submission's time stays when the assessment is returned and submitted again (the
    # figures count a unit as self-assessed from that day); `submitted_at` is the latest submission.
    first_submitted_at = models.DateTimeField(_("Nộp lần đầu lúc"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("Nộp lúc"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người gửi"),
    )
    late = models.BooleanField(_("Nộp trễ hạn"), default=False)
    return_comment = models.TextField(_("Nội dung cần bổ sung"), blank=True)
    times_returned = models.PositiveSmallIntegerField(default=0, verbose_name=_("Số lần trả lại"))
    reviewed_at = models.DateTimeField(_("Thẩm định lúc"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người thẩm định"),
    )
    # Totals are cached by the services after every change of a line (the ranking reads only these).
    self_total = models.DecimalField(_("Điểm tự chấm"), max_digits=7, decimal_places=2, default=ZERO)
    review_total = models.DecimalField(_("Điểm thẩm định"), max_digits=7, decimal_places=2, default=ZERO)
    final_total = models.DecimalField(_("Tổng điểm"), max_digits=7, decimal_places=2, default=ZERO)
    bonus_points = models.DecimalField(_("Điểm thưởng"), max_digits=7, decimal_places=2, default=ZERO)
    penalty_points = models.DecimalField(_("Điểm trừ"), max_digits=7, decimal_places=2, default=ZERO)
    computed_points = models.DecimalField(_("Điểm từ số liệu"), max_digits=7, decimal_places=2, default=ZERO)
    band = models.ForeignKey(
        Band, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("Xếp loại")
    )
    rank = models.PositiveIntegerField(_("Thứ hạng"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Bản tự đánh giá")
        verbose_name_plural = _("Bản tự đánh giá")
        ordering = ["participation__unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "criteria_set"], name="assessment_unique"),
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=False) | Q(status=AssessmentStatus.DRAFT),
                name="assessment_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.participation.unit} — {self.criteria_set}"

    @property
    def unit(self):
        return self.participation.unit

    @property
    def is_locked(self) -> bool:
        return self.status == AssessmentStatus.APPROVED


class AssessmentLine(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="lines")
    criterion = models.ForeignKey("campaigns.Criterion", on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(_("Điểm tự chấm"), max_digits=6, decimal_places=2, null=True, blank=True)
    self_note = models.TextField(_("Giải trình, kết quả đạt được"), blank=True)
    # For criteria computed from data: the value (a share 0..1 or a count), the points it gives,
    # and the figures behind it, so the reviewer can check them.
    computed_value = models.DecimalField(
        max_digits=12, decimal_places=4, null=True, blank=True, verbose_name=_("Giá trị tính tự động")
    )
    computed_detail = models.JSONField(default=dict, blank=True, verbose_name=_("Chi tiết tính tự động"))
    review_score = models.DecimalField(_("Điểm thẩm định"), max_digits=6, decimal_places=2, null=True, blank=True)
    review_reason = models.TextField(_("Lý do điều chỉnh"), blank=True)

    class Meta:
        verbose_name = _("Điểm tiêu chí")
        verbose_name_plural = _("Điểm tiêu chí")
        ordering = ["criterion__order", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "criterion"], name="assessmentline_unique"),
            models.CheckConstraint(
                condition=Q(self_score__isnull=True) | Q(self_score__gte=0), name="assessmentline_self_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(review_score__isnull=True) | Q(review_score__gte=0),
                name="assessmentline_review_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion.code}: {self.self_score}"

    @property
    def effective_review(self) -> Decimal | None:
        """The reviewer's score, or the self score the reviewer accepted by leaving it blank."""
        return self.review_score if self.review_score is not None else self.self_score


class CrossReviewGroup(models.Model):
    """A cluster of peer units (cụm thi đua) that score each other."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="cross_review_groups")
    name = models.CharField(_("Tên cụm"), max_length=150)
    members = models.ManyToManyField("orgunits.OrgUnit", related_name="+", verbose_name=_("Đơn vị trong cụm"))

    class Meta:
        verbose_name = _("Cụm thi đua")
        verbose_name_plural = _("Cụm thi đua")
        ordering = ["movement", "name"]
        constraints = [models.UniqueConstraint(fields=["movement", "name"], name="crossreviewgroup_unique")]

    def __str__(self) -> str:
        return self.name


class CrossReview(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="cross_reviews")
    reviewer_unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị chấm chéo")
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người chấm")
    )
    recused = models.BooleanField(_("Không tham gia chấm"), default=False)
    recusal_reason = models.CharField(_("Lý do không tham gia"), max_length=300, blank=True)
    scores = models.JSONField(default=dict, blank=True, verbose_name=_("Điểm chấm"))  # criterion id (str) → score (str)
    total = models.DecimalField(_("Tổng điểm chấm chéo"), max_digits=7, decimal_places=2, null=True, blank=True)
    disagreement = models.BooleanField(_("Chênh lệch lớn"), default=False)
    recorded_at = models.DateTimeField(auto_now=True, verbose_name=_("Thời điểm ghi"))
    audit_item_nouns: ClassVar[dict[str, str]] = {"scores": "tiêu chí"}  # the change log counts them

    class Meta:
        verbose_name = _("Chấm chéo")
        verbose_name_plural = _("Chấm chéo")
        ordering = ["assessment", "reviewer_unit__path"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "reviewer_unit"], name="crossreview_unique"),
            models.CheckConstraint(
                condition=Q(recused=True, total__isnull=True) & ~Q(recusal_reason="")
                | Q(recused=False, total__isnull=False),
                name="crossreview_recused_xor_total",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_unit} → {self.assessment.participation.unit}"


class RankingApproval(models.Model):
    """The standing board approved the ranking of one participant level: its scores are locked."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="ranking_approvals")
    level = models.PositiveSmallIntegerField(_("Cấp"), choices=Level.choices)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người phê duyệt")
    )
    approved_at = models.DateTimeField(_("Phê duyệt lúc"))
    note = models.CharField(_("Ý kiến"), max_length=300, blank=True)
    ranked = models.PositiveIntegerField(_("Số đơn vị được xếp hạng"), default=0)

    class Meta:
        verbose_name = _("Phê duyệt kết quả xếp hạng")
        verbose_name_plural = _("Phê duyệt kết quả xếp hạng")
        constraints = [models.UniqueConstraint(fields=["movement", "level"], name="rankingapproval_unique")]

    def __str__(self) -> str:
        return f"{self.movement.symbol} — {self.get_level_display()}"


class Recipient(models.TextChoices):
    COLLECTIVE = "collective", _("Tập thể")
    INDIVIDUAL = "individual", _("Cá nhân")


class AwardForm(models.Model):
    """A form of award (Cờ thi đua, Bằng khen, Giấy khen…) available in a movement, with its quota."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="award_forms")
    name = models.CharField(_("Hình thức khen thưởng"), max_length=150)
    issuer = models.CharField(_("Cấp khen thưởng"), max_length=200, help_text=_("Ví dụ: Ủy ban MTTQ Việt Nam tỉnh"))
    recipient = models.CharField(_("Đối tượng"), max_length=12, choices=Recipient.choices)
    quota = models.PositiveIntegerField(_("Số lượng tối đa"))
    minimum_band = models.ForeignKey(
        Band,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Xếp loại tối thiểu"),
        help_text=_("Chỉ đề nghị tập thể có xếp loại từ mức này trở lên."),
    )
    # A higher level's award is only proposed here (it goes into the tờ trình, not into our decision).
    decided_here = models.BooleanField(_("Do đơn vị mình quyết định"), default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Hình thức khen thưởng")
        verbose_name_plural = _("Hình thức khen thưởng")
        ordering = ["movement", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "name", "recipient"], name="awardform_unique"),
            models.CheckConstraint(condition=Q(quota__gte=1), name="awardform_quota_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_recipient_display()})"


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Đề nghị")
    PASSED = "passed", _("Được biểu quyết thông qua")
    REJECTED = "rejected", _("Không được thông qua")
    DECIDED = "decided", _("Đã có quyết định")


class Proposal(models.Model):
    award_form = models.ForeignKey(AwardForm, on_delete=models.PROTECT, related_name="proposals")
    # The nominee's unit: the collective itself, or the unit an individual works in.
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị"))
    person_name = models.CharField(_("Họ và tên"), max_length=150, blank=True)
    position = models.CharField(_("Chức vụ"), max_length=200, blank=True)
    achievements = models.TextField(_("Thành tích"))
    assessment = models.ForeignKey(Assessment, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        _("Trạng thái"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.PROPOSED
    )
    decision = models.ForeignKey("Decision", null=True, blank=True, on_delete=models.SET_NULL, related_name="proposals")
    order = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Đề nghị khen thưởng")
        verbose_name_plural = _("Đề nghị khen thưởng")
        ordering = ["award_form__order", "award_form_id", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(achievements=""),
                name="proposal_has_achievements",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_form.name}: {self.nominee}"

    @property
    def is_individual(self) -> bool:
        return self.award_form.recipient == Recipient.INDIVIDUAL

    @property
    def nominee(self) -> str:
        if self.person_name:
            return self.person_name
        return self.unit.committee_title


class Meeting(models.Model):
    """The evaluation meeting (hội nghị bình xét) that votes on proposals."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="award_meetings")
    held_on = models.DateField(_("Ngày họp"))
    place = models.CharField(_("Địa điểm"), max_length=200)
    chair = models.CharField(_("Chủ trì"), max_length=150)
    # The minutes are signed by the secretary and the chair (Decree 30/2020, appendix I form 08).
    secretary = models.CharField(_("Thư ký"), max_length=150, blank=True)
    attendees = models.PositiveIntegerField(_("Số thành viên dự họp"))
    note = models.TextField(_("Ghi chú"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("Cuộc họp bình xét")
        verbose_name_plural = _("Cuộc họp bình xét")
        ordering = ["-held_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(attendees__gte=1), name="meeting_has_attendees")]

    def __str__(self) -> str:
        return f"{self.held_on:%d/%m/%Y} — {self.place}"


class Vote(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="votes")
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="votes")
    agree = models.PositiveIntegerField(_("Tán thành"))
    disagree = models.PositiveIntegerField(_("Không tán thành"))
    abstain = models.PositiveIntegerField(_("Không biểu quyết"), default=0)
    passed = models.BooleanField(_("Thông qua"))

    class Meta:
        verbose_name = _("Kết quả biểu quyết")
        verbose_name_plural = _("Kết quả biểu quyết")
        constraints = [models.UniqueConstraint(fields=["meeting", "proposal"], name="vote_unique")]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.agree}/{self.disagree}/{self.abstain}"


class DecisionStatus(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SIGNED = "signed", _("Đã ký ban hành")


class Decision(models.Model):
    """Quyết định khen thưởng: its number, date, signer and the proposals it grants."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="award_decisions")
    number = models.CharField(_("Số, ký hiệu"), max_length=60)
    signed_on = models.DateField(_("Ngày ký"))
    signer_name = models.CharField(_("Người ký"), max_length=150)
    signer_title = models.CharField(_("Quyền hạn ký"), max_length=100, default="TM. BAN THƯỜNG TRỰC")
    signer_role = models.CharField(_("Chức vụ người ký"), max_length=100, default="CHỦ TỊCH")
    memo_number = models.CharField(_("Số tờ trình"), max_length=60, blank=True)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=DecisionStatus.choices, default="draft")
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người ký"),
    )
    signed_at = models.DateTimeField(_("Ký lúc"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Quyết định khen thưởng")
        verbose_name_plural = _("Quyết định khen thưởng")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "number"], name="decision_unique_number"),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(signed_at__isnull=False, signed_by__isnull=False),
                name="decision_signed_has_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"Quyết định số {self.number}"

    @property
    def is_signed(self) -> bool:
        return self.status == DecisionStatus.SIGNED


class RankingExclusion(models.Model):
    """A participant left out of the ranking on purpose, with the reason the office recorded (the
    ranking of its level can then be approved without it)."""

    participation = models.OneToOneField(
        "campaigns.Participation", on_delete=models.CASCADE, related_name="ranking_exclusion", verbose_name=_("Đơn vị")
    )
    reason = models.CharField(_("Lý do không xếp hạng"), max_length=300)
    excluded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người loại khỏi xếp hạng")
    )
    excluded_at = models.DateTimeField(_("Ghi lúc"))

    class Meta:
        verbose_name = _("Đơn vị không xếp hạng")
        verbose_name_plural = _("Đơn vị không xếp hạng")
        constraints = [models.CheckConstraint(condition=~Q(reason=""), name="rankingexclusion_has_reason")]

    def __str__(self) -> str:
        return f"{self.participation}: {self.reason}"


class AwardRule(models.Model):
    """Who in the Front confers a form of award: a row says the committees of `level` may confer
    `form_name`; a level with no row for a form only proposes it upward, to the nearest level above
    that has one. The cash reward that goes with the form (integer đồng; 0 = none) is the office's to
    keep current (Decree 98/2023/NĐ-CP, in multiples of the base salary). Seeded with the Front's
    defaults by a data migration; the office and the administrator edit them in the admin."""

    form_name = models.CharField(_("Hình thức khen thưởng"), max_length=150)
    level = models.PositiveSmallIntegerField(_("Cấp quyết định"), choices=Level.choices)
    conferrer = models.CharField(
        _("Cơ quan quyết định"), max_length=200, help_text=_("Ví dụ: Ban Thường trực Ủy ban MTTQ Việt Nam tỉnh")
    )
    cash_collective = models.PositiveIntegerField(_("Tiền thưởng tập thể (đồng)"), default=0)
    cash_individual = models.PositiveIntegerField(_("Tiền thưởng cá nhân (đồng)"), default=0)
    basis = models.CharField(_("Căn cứ"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Quy định thẩm quyền khen thưởng")
        verbose_name_plural = _("Quy định thẩm quyền khen thưởng")
        ordering = ["-level", "form_name"]
        constraints = [models.UniqueConstraint(fields=["form_name", "level"], name="awardrule_unique")]

    def __str__(self) -> str:
        return f"{self.form_name} — {self.get_level_display()}"

    def cash_for(self, recipient: str) -> int:
        return self.cash_collective if recipient == Recipient.COLLECTIVE else self.cash_individual


class Source(models.TextChoices):
    CONTEST = "contest", _("Kết quả Cuộc thi cán bộ Mặt trận cơ sở giỏi")
    GOOD_MODELS = "good_models", _("Mô hình hay được công nhận")


class CriterionSource(models.Model):
    """A criterion (by its code, in every level's set of the movement) scored from another part of the
    system instead of by hand: the unit cannot type it, the office may override it in review with a
    reason (kept in the audit log like every review)."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="criterion_sources")
    code = models.CharField(_("Mã tiêu chí"), max_length=20)
    source = models.CharField(_("Lấy điểm từ"), max_length=20, choices=Source.choices)

    class Meta:
        verbose_name = _("Nguồn điểm tiêu chí")
        verbose_name_plural = _("Nguồn điểm tiêu chí")
        ordering = ["movement", "code"]
        constraints = [models.UniqueConstraint(fields=["movement", "code"], name="criterionsource_unique")]

    def __str__(self) -> str:
        return f"{self.code} ← {self.get_source_display()}"


class ReportField(models.Model):
    """A figure the office asks for in the units' periodic progress reports of a movement (the report
    form of the movement): each report carries these figures as well as its file."""

    movement = models.ForeignKey("campaigns.Movement", on_delete=models.CASCADE, related_name="report_fields")
    label = models.CharField(_("Số liệu"), max_length=200)
    unit = models.CharField(_("Đơn vị tính"), max_length=30)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("Số liệu báo cáo định kỳ")
        verbose_name_plural = _("Số liệu báo cáo định kỳ")
        ordering = ["movement", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "label"], name="reportfield_unique_label"),
            models.CheckConstraint(condition=~Q(label="") & ~Q(unit=""), name="reportfield_has_label_and_unit"),
        ]

    def __str__(self) -> str:
        return f"{self.label} ({self.unit})"


class ReportValue(models.Model):
    """One figure of one unit's periodic report (an obligation of kind progress_report)."""

    obligation = models.ForeignKey("campaigns.Obligation", on_delete=models.CASCADE, related_name="report_values")
    field = models.ForeignKey(
        ReportField, on_delete=models.CASCADE, related_name="values", verbose_name=_("Chỉ tiêu báo cáo")
    )
    value = models.PositiveIntegerField(_("Giá trị"))
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("Người nhập")
    )
    entered_at = models.DateTimeField(_("Nhập lúc"))

    class Meta:
        verbose_name = _("Số liệu báo cáo")
        verbose_name_plural = _("Số liệu báo cáo")
        constraints = [models.UniqueConstraint(fields=["obligation", "field"], name="reportvalue_unique")]

    def __str__(self) -> str:
        return f"{self.field.label}: {self.value}"
