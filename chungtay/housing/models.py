"""Housing support: the approved household list, support norms, funding plan, construction
progress with field photos, and complaints.

A household belongs to a residential area (an area-level OrgUnit), so every question about a
commune or the whole town is one `area__path LIKE 'prefix%'` query. Money is whole đồng.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chungtay.core.money import format_vnd
from chungtay.core.text import fold, nfc

PHASE_MIN, PHASE_MAX = 2000, 2100


class SupportKind(models.TextChoices):
    NEW = "new", _("Xây mới")
    REPAIR = "repair", _("Sửa chữa")


class Category(models.TextChoices):
    POOR = "poor", _("Hộ nghèo")
    NEAR_POOR = "near_poor", _("Hộ cận nghèo")
    POLICY = "policy", _("Gia đình chính sách (người có công, thân nhân liệt sĩ)")
    DISASTER = "disaster", _("Hộ bị thiên tai")
    OTHER = "other", _("Hộ khó khăn khác")


# Short labels for tables and for the sub-columns of the official list.
CATEGORY_SHORT = {
    Category.POOR: _("Hộ nghèo"),
    Category.NEAR_POOR: _("Hộ cận nghèo"),
    Category.POLICY: _("Gia đình chính sách"),
    Category.DISASTER: _("Thiên tai"),
    Category.OTHER: _("Khác"),
}


class Gender(models.TextChoices):
    MALE = "male", _("Nam")
    FEMALE = "female", _("Nữ")


class Status(models.TextChoices):
    APPROVED = "approved", _("Đã phê duyệt")
    SURVEYED = "surveyed", _("Đã khảo sát")
    STARTED = "started", _("Đã khởi công")
    BUILDING = "building", _("Đang thi công")
    COMPLETED = "completed", _("Đã hoàn thành")
    HANDED_OVER = "handed_over", _("Đã bàn giao")
    WITHDRAWN = "withdrawn", _("Rút khỏi danh sách")


STARTED_STATUSES = (Status.STARTED, Status.BUILDING, Status.COMPLETED, Status.HANDED_OVER)
DONE_STATUSES = (Status.COMPLETED, Status.HANDED_OVER)


class Stage(models.TextChoices):
    """Construction stages in the order they happen; the order drives the household's status."""

    START = "start", _("Khởi công")
    FOUNDATION = "foundation", _("Xong móng")
    WALLS = "walls", _("Xong tường")
    ROOF = "roof", _("Lợp mái")
    COMPLETED = "completed", _("Hoàn thành")
    HANDED_OVER = "handed_over", _("Bàn giao")


STAGE_ORDER = {stage: i for i, stage in enumerate(Stage.values)}
STAGE_PERCENT = {"start": 10, "foundation": 30, "walls": 60, "roof": 80, "completed": 100, "handed_over": 100}
STAGE_STATUS = {
    "start": Status.STARTED,
    "foundation": Status.BUILDING,
    "walls": Status.BUILDING,
    "roof": Status.BUILDING,
    "completed": Status.COMPLETED,
    "handed_over": Status.HANDED_OVER,
}


class FundingSource(models.TextChoices):
    STATE = "state", _("Ngân sách nhà nước")
    FRONT_FUND = "front_fund", _("Quỹ “Vì người nghèo”")
    SPONSOR = "sponsor", _("Nhà tài trợ")
    OTHER_PROGRAMME = "other_programme", _("Lồng ghép chương trình khác")
    OWN_SHARE = "own_share", _("Hộ đóng góp")


class SupportNorm(models.Model):
    """A support level set by a legal document: e.g. 60.000.000 đ per new house (NQ 13/2023)."""

    programme = models.CharField(_("Chương trình"), max_length=200)
    kind = models.CharField(_("Hình thức hỗ trợ"), max_length=10, choices=SupportKind.choices)
    amount = models.BigIntegerField(_("Mức hỗ trợ (đồng)"))
    categories = models.JSONField(_("Đối tượng áp dụng"), default=list)  # list of Category values
    audit_choices: ClassVar[dict[str, Any]] = {"categories": Category.choices}  # named in the change log
    area_group = models.CharField(_("Nhóm địa bàn"), max_length=200, blank=True)
    valid_from = models.DateField(_("Hiệu lực từ"))
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    legal_basis = models.CharField(_("Căn cứ pháp lý"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Mức hỗ trợ")
        verbose_name_plural = _("Mức hỗ trợ")
        ordering = ["-valid_from", "kind"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="norm_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=F("valid_from")), name="norm_valid_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {format_vnd(self.amount)} ({self.legal_basis})"

    def applies_to(self, *, kind: str, category: str, year: int) -> bool:
        if self.kind != kind or (self.categories and category not in self.categories):
            return False
        return self.valid_from.year <= year and (self.valid_to is None or year <= self.valid_to.year)

    @property
    def years(self) -> str:
        return f"{self.valid_from.year}–{self.valid_to.year}" if self.valid_to else f"{self.valid_from.year}–"

    def category_labels(self) -> list[str]:
        return [str(CATEGORY_SHORT[Category(c)]) for c in self.categories if c in Category.values]


CONSENT_PURPOSE = "Xét duyệt, theo dõi hỗ trợ nhà ở; công khai theo Nghị định 93/2021/NĐ-CP (tên viết tắt)."


class Household(models.Model):
    code = models.CharField(_("Mã hộ"), max_length=30, unique=True)
    area = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="households", verbose_name=_("Khu dân cư")
    )
    head_name = models.CharField(_("Họ và tên chủ hộ"), max_length=150)
    head_name_folded = models.CharField(max_length=150, db_index=True, editable=False)
    gender = models.CharField(_("Giới tính"), max_length=10, choices=Gender.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("Năm sinh"), null=True, blank=True)
    # Private: only staff of the household's subtree and inspectors ("housing.private").
    citizen_id = models.CharField(_("Số CCCD"), max_length=12, blank=True)
    phone = models.CharField(_("Số điện thoại"), max_length=20, blank=True)
    address_detail = models.CharField(_("Địa chỉ cụ thể"), max_length=250, blank=True)
    health_note = models.CharField(_("Ghi chú sức khỏe, hoàn cảnh"), max_length=250, blank=True)

    category = models.CharField(_("Đối tượng"), max_length=20, choices=Category.choices)
    support_kind = models.CharField(_("Hình thức hỗ trợ"), max_length=10, choices=SupportKind.choices)
    phase_year = models.PositiveSmallIntegerField(_("Năm thực hiện (phân kỳ)"))
    decision_number = models.CharField(_("Quyết định phê duyệt số"), max_length=60)
    decision_date = models.DateField(_("Ngày quyết định"))
    norm = models.ForeignKey(
        SupportNorm, on_delete=models.PROTECT, related_name="households", verbose_name=_("Mức hỗ trợ")
    )
    state_support = models.BigIntegerField(_("Kinh phí Nhà nước hỗ trợ (đồng)"))
    override_reason = models.CharField(_("Lý do khác mức hỗ trợ"), max_length=250, blank=True)
    note = models.CharField(_("Ghi chú"), max_length=250, blank=True)
    lat = models.DecimalField(_("Vĩ độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    lon = models.DecimalField(_("Kinh độ"), max_digits=9, decimal_places=6, null=True, blank=True)
    photo_consent = models.BooleanField(_("Đồng ý công khai ảnh"), default=False)
    # Law 91/2025/QH15 on personal data: what the household agreed to, and when.
    consent_purpose = models.CharField(
        _("Mục đích xử lý dữ liệu đã được đồng ý"), max_length=300, blank=True,
        default=CONSENT_PURPOSE,
        db_default=CONSENT_PURPOSE,  # bulk loads (COPY) that do not name the column get it too
    )  # fmt: skip
    consent_on = models.DateField(_("Ngày đồng ý"), null=True, blank=True)
    erased_at = models.DateTimeField(_("Đã xoá dữ liệu cá nhân lúc"), null=True, blank=True)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=Status.choices, default=Status.APPROVED)
    withdrawn_reason = models.CharField(_("Lý do rút khỏi danh sách"), max_length=250, blank=True)
    # The day the household left the list: figures as of an earlier day still count it (figures catalogue).
    withdrawn_on = models.DateField(_("Ngày rút khỏi danh sách"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Hộ được hỗ trợ nhà ở")
        verbose_name_plural = _("Hộ được hỗ trợ nhà ở")
        ordering = ["area__path", "head_name_folded"]
        constraints = [
            models.CheckConstraint(condition=Q(state_support__gte=0), name="household_support_not_negative"),
            models.CheckConstraint(
                condition=Q(phase_year__gte=PHASE_MIN, phase_year__lte=PHASE_MAX), name="household_phase_range"
            ),
            models.CheckConstraint(
                condition=~Q(status="withdrawn") | ~Q(withdrawn_reason=""), name="household_withdrawn_has_reason"
            ),
            models.CheckConstraint(
                condition=Q(lat__isnull=True, lon__isnull=True)
                | Q(lat__gte=-90, lat__lte=90, lon__gte=-180, lon__lte=180),
                name="household_position_valid",
            ),
        ]
        indexes = [
            models.Index(fields=["phase_year", "status"], name="household_phase_status"),
            # Houses not finished, by phase and area: the houses behind schedule of the urging page and the
            # reminders are counted per area from this index alone (issue 22).
            models.Index(
                fields=["phase_year", "area"],
                condition=~models.Q(status__in=[*DONE_STATUSES, Status.WITHDRAWN]),
                name="household_open_by_area",
            ),
            # The households decided or withdrawn in a window of days: with progressupdate_date, what the
            # figures as of a mid-month day read (figures.definitions._houses_change, issue 22).
            models.Index(fields=["decision_date"], name="household_decision_date"),
            models.Index(
                fields=["withdrawn_on"], condition=Q(withdrawn_on__isnull=False), name="household_withdrawn_on"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.head_name}"

    def save(self, *args, **kwargs):
        self.head_name = nfc(self.head_name)
        self.head_name_folded = fold(self.head_name)
        super().save(*args, **kwargs)

    @property
    def overridden(self) -> bool:
        return self.state_support != self.norm.amount

    @property
    def is_done(self) -> bool:
        return self.status in DONE_STATUSES

    def category_short(self) -> str:
        return str(CATEGORY_SHORT[Category(self.category)])


class FundingPlanLine(models.Model):
    """Planned money for one household from one source; the state line follows `state_support`."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="funding_lines")
    source = models.CharField(_("Nguồn"), max_length=20, choices=FundingSource.choices)
    amount = models.BigIntegerField(_("Số tiền (đồng)"))
    note = models.CharField(_("Ghi chú"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("Nguồn kinh phí dự kiến")
        verbose_name_plural = _("Nguồn kinh phí dự kiến")
        constraints = [
            models.UniqueConstraint(fields=["household", "source"], name="fundingline_unique_source"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fundingline_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.household.code}: {self.get_source_display()} {format_vnd(self.amount)}"


class ProgressUpdate(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="updates")
    stage = models.CharField(_("Giai đoạn"), max_length=20, choices=Stage.choices)
    date = models.DateField(_("Ngày"))
    percent = models.PositiveSmallIntegerField(_("Tỷ lệ hoàn thành (%)"))
    note = models.CharField(_("Ghi chú"), max_length=500, blank=True)
    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người báo cáo"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # A second person (commune or town staff) confirms the stage in the field; a disbursement can
    # require it before the money for that stage is paid (funds.services.disbursement_approve).
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người xác nhận"),
    )
    verified_at = models.DateTimeField(_("Thời điểm xác nhận"), null=True, blank=True)
    # Made on the phone when a stage is recorded offline: the same update sent twice is one update.
    client_id = models.UUIDField(_("Mã tạo trên điện thoại"), null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("Cập nhật tiến độ")
        verbose_name_plural = _("Cập nhật tiến độ")
        ordering = ["household", "date", "id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="progress_percent_range")]
        # Figures as of a day read the updates dated after a kept month-end (a month's, not every one).
        indexes = [models.Index(fields=["date"], name="progressupdate_date")]

    def __str__(self) -> str:
        return f"{self.household.code}: {self.get_stage_display()} {self.date:%d/%m/%Y}"


def photo_path(instance: Photo, filename: str) -> str:
    return f"housing/photos/{instance.sha256[:2]}/{instance.sha256[:20]}.jpg"


class Photo(models.Model):
    """A field photo, shrunk on the server. Capture time and GPS come from the original's EXIF."""

    update = models.ForeignKey(
        ProgressUpdate, on_delete=models.CASCADE, related_name="photos", verbose_name=_("Lần cập nhật tiến độ")
    )
    file = models.FileField(upload_to=photo_path, max_length=200)
    original_name = models.CharField(max_length=255, blank=True, verbose_name=_("Tên tệp gốc"))
    sha256 = models.CharField(max_length=64, db_index=True)  # of the original bytes: finds reuse
    width = models.PositiveIntegerField(default=0, verbose_name=_("Chiều rộng (px)"))
    height = models.PositiveIntegerField(default=0, verbose_name=_("Chiều cao (px)"))
    taken_at = models.DateTimeField(_("Thời điểm chụp"), null=True, blank=True)
    lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("Vĩ độ"))
    lon = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True, verbose_name=_("Kinh độ"))
    distance_m = models.PositiveIntegerField(_("Cách nhà (m)"), null=True, blank=True)
    flag_far = models.BooleanField(default=False, verbose_name=_("Chụp xa nhà"))
    flag_out_of_order = models.BooleanField(default=False, verbose_name=_("Sai thứ tự thời gian"))
    flag_reused = models.BooleanField(default=False, verbose_name=_("Ảnh đã dùng trước đó"))
    warning = models.CharField(_("Cảnh báo"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Ảnh hiện trường")
        verbose_name_plural = _("Ảnh hiện trường")
        ordering = ["update", "id"]

    def __str__(self) -> str:
        return self.original_name or f"ảnh {self.pk}"

    @property
    def flagged(self) -> bool:
        return self.flag_far or self.flag_out_of_order or self.flag_reused


# --- Complaints ------------------------------------------------------------------------------
class ComplaintKind(models.TextChoices):
    COMPLAINT = "complaint", _("Khiếu nại")
    PETITION = "petition", _("Kiến nghị, phản ánh")
    DENUNCIATION = "denunciation", _("Tố cáo")


class Channel(models.TextChoices):
    IN_PERSON = "in_person", _("Trực tiếp")
    LETTER = "letter", _("Đơn thư")
    PHONE = "phone", _("Điện thoại")
    ONLINE = "online", _("Trực tuyến, mạng xã hội")
    MAILBOX = "mailbox", _("Hộp thư góp ý")
    FORWARDED = "forwarded", _("Cơ quan khác chuyển đến")


class Concerns(models.TextChoices):
    HOUSEHOLD = "household", _("Một hộ được hỗ trợ")
    UNIT = "unit", _("Đơn vị, cán bộ")
    FUND = "fund", _("Quỹ, nguồn vận động")


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    PROCESSING = "processing", _("Đang xử lý")
    RESOLVED = "resolved", _("Đã giải quyết")
    DISMISSED = "dismissed", _("Không thụ lý, đã trả lời")


OPEN_COMPLAINT = (ComplaintStatus.RECEIVED, ComplaintStatus.PROCESSING)

# Working days are not modelled: these are calendar days, the usual reading of
# Luật Khiếu nại 2011 (30 days) and Luật Tố cáo 2018 (30 days); petitions get 15.
DEFAULT_HANDLING_DAYS = {"complaint": 30, "petition": 15, "denunciation": 30}


class HandlingTime(models.Model):
    """How many days a unit has to handle each kind of complaint; edited in the admin."""

    kind = models.CharField(_("Loại đơn"), max_length=20, choices=ComplaintKind.choices, unique=True)
    days = models.PositiveSmallIntegerField(_("Thời hạn giải quyết (ngày)"))

    class Meta:
        verbose_name = _("Thời hạn giải quyết đơn")
        verbose_name_plural = _("Thời hạn giải quyết đơn")
        constraints = [models.CheckConstraint(condition=Q(days__gte=1), name="handlingtime_positive")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.days}"


class Complaint(models.Model):
    origin_unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị nơi phát sinh")
    )
    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("Đơn vị đang xử lý")
    )
    kind = models.CharField(_("Loại đơn"), max_length=20, choices=ComplaintKind.choices)
    concerns = models.CharField(_("Nội dung liên quan đến"), max_length=20, choices=Concerns.choices)
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("Hộ")
    )
    fund_label = models.CharField(_("Quỹ, nguồn"), max_length=200, blank=True)
    received_on = models.DateField(_("Ngày tiếp nhận"))
    channel = models.CharField(_("Hình thức tiếp nhận"), max_length=20, choices=Channel.choices)
    complainant_name = models.CharField(_("Người gửi"), max_length=150)  # private
    complainant_contact = models.CharField(_("Địa chỉ, điện thoại người gửi"), max_length=250, blank=True)  # private
    content = models.TextField(_("Nội dung"))
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("Người được giao xử lý"),
    )  # fmt: skip
    due_on = models.DateField(_("Hạn giải quyết"))
    status = models.CharField(_("Trạng thái"), max_length=20, choices=ComplaintStatus.choices, default="received")
    resolution = models.TextField(_("Kết quả giải quyết"), blank=True)
    resolved_on = models.DateField(_("Ngày giải quyết"), null=True, blank=True)
    escalated_to = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("Đã chuyển lên"),
    )  # fmt: skip
    escalated_at = models.DateTimeField(_("Thời điểm chuyển lên"), null=True, blank=True)
    escalations = models.PositiveSmallIntegerField(default=0, verbose_name=_("Số lần chuyển lên"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Đơn khiếu nại, kiến nghị, tố cáo")
        verbose_name_plural = _("Đơn khiếu nại, kiến nghị, tố cáo")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(due_on__gte=F("received_on")), name="complaint_due_after_received"),
            models.CheckConstraint(
                condition=Q(status__in=["received", "processing"]) | ~Q(resolution=""),
                name="complaint_closed_has_resolution",
            ),
            models.CheckConstraint(
                condition=~Q(concerns="household") | Q(household__isnull=False), name="complaint_household_given"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="complaint_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.received_on:%d/%m/%Y} — {self.origin_unit}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_COMPLAINT


class PrivateDataAccess(models.Model):
    """Who saw a household's private fields, when, and where (page or API)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="private_accesses")
    fields = models.CharField(_("Trường đã xem"), max_length=200)
    path = models.CharField(_("Trang"), max_length=300)
    at = models.DateTimeField(_("Thời điểm"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("Lượt xem dữ liệu cá nhân")
        verbose_name_plural = _("Lượt xem dữ liệu cá nhân")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.user} → {self.household.code} ({self.at:%d/%m/%Y %H:%M})"
