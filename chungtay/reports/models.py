"""Follow-up work of the town office (theo dõi, đôn đốc): in-app notifications, a log of every
reminder sent, urging notices issued as documents, and report files made in the background.

A reminder is logged once per (object, kind, recipient, channel, day): running the daily job twice on
the same day sends nothing the second time, and the database refuses a duplicate even if two runs race.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReminderKind(models.TextChoices):
    OBLIGATION_OVERDUE = "obligation_overdue", _("Việc phải làm quá hạn")
    HOUSE_BEHIND = "house_behind", _("Nhà chậm tiến độ")
    COMPLAINT_OVERDUE = "complaint_overdue", _("Đơn thư quá hạn giải quyết")


class NotificationKind(models.TextChoices):
    DIGEST = "digest", _("Nhắc việc hằng ngày")
    ESCALATION = "escalation", _("Đơn vị cấp dưới trễ hạn")
    URGING = "urging", _("Công văn đôn đốc")
    REPORT_READY = "report_ready", _("Báo cáo đã sẵn sàng")


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị")
    )
    kind = models.CharField(_("Loại"), max_length=20, choices=NotificationKind.choices)
    title = models.CharField(_("Tiêu đề"), max_length=300)
    body = models.TextField(_("Nội dung"), blank=True)
    url = models.CharField(_("Đường dẫn"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("Thời điểm"), auto_now_add=True)
    read_at = models.DateTimeField(_("Đã đọc lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("Thông báo")
        verbose_name_plural = _("Thông báo")
        ordering = ["-created_at", "-pk"]
        # The navigation badge counts unread rows of one user on every page.
        indexes = [models.Index(fields=["user", "read_at"], name="notification_user_unread")]

    def __str__(self) -> str:
        return self.title


class Channel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    APP = "app", _("Thông báo trên hệ thống")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo")


class ContactChannel(models.Model):
    """How a person wants the daily digest, with their consent (issue 21). The in-app notification
    always comes; without a row, the digest goes by e-mail to the account's address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_channel", verbose_name=_("Người nhận")
    )
    channel = models.CharField(_("Kênh nhận nhắc việc"), max_length=10, choices=Channel.choices)
    phone = models.CharField(_("Số điện thoại nhận tin"), max_length=20, blank=True)
    consent_at = models.DateTimeField(_("Đồng ý nhận tin lúc"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("Ngừng nhận lúc"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Kênh nhận nhắc việc")
        verbose_name_plural = _("Kênh nhận nhắc việc")
        constraints = [
            models.CheckConstraint(
                condition=Q(channel__in=["email", "app"]) | (~Q(phone="") & Q(consent_at__isnull=False)),
                name="contactchannel_phone_needs_number_and_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_channel_display()}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    DEFERRED = "deferred", _("Hoãn (giờ yên lặng)")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")


class Delivery(models.Model):
    """The one digest of a person for a day, by the channel they chose, with what the provider said."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("Người nhận")
    )
    run_on = models.DateField(_("Ngày nhắc"))
    channel = models.CharField(_("Kênh"), max_length=10, choices=Channel.choices)
    address = models.CharField(_("Địa chỉ nhận"), max_length=254)
    subject = models.CharField(_("Tiêu đề"), max_length=300)
    body = models.TextField(_("Nội dung"))
    items = models.PositiveIntegerField(_("Số việc"), default=0)
    status = models.CharField(
        _("Trạng thái"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("Số lần gửi"), default=0)
    provider_id = models.CharField(_("Mã của nhà cung cấp"), max_length=100, blank=True)
    error = models.CharField(_("Lỗi"), max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(_("Gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("Lần gửi nhắc việc")
        verbose_name_plural = _("Lần gửi nhắc việc")
        ordering = ["-run_on", "user_id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "run_on"], name="delivery_one_digest_a_day"),
            models.CheckConstraint(condition=~Q(channel="app"), name="delivery_not_in_app"),
        ]
        indexes = [models.Index(fields=["status", "run_on"], name="delivery_status_day")]

    def __str__(self) -> str:
        return f"{self.run_on:%d/%m/%Y} {self.get_channel_display()} → {self.user}"


class ReminderLog(models.Model):
    run_on = models.DateField(_("Ngày chạy"))
    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị chịu trách nhiệm")
    )
    kind = models.CharField(_("Loại nhắc"), max_length=30, choices=ReminderKind.choices)
    object_type = models.CharField(_("Loại đối tượng"), max_length=60)  # "campaigns.obligation", …
    object_id = models.PositiveBigIntegerField()
    object_label = models.CharField(_("Nội dung"), max_length=400)
    due_on = models.DateField(_("Hạn"))
    days_overdue = models.IntegerField(_("Số ngày trễ"))
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("Người nhận")
    )
    # The e-mail address, or the phone number for SMS and Zalo (the field keeps its first name).
    recipient_email = models.CharField(_("Địa chỉ nhận"), max_length=254, blank=True)
    channel = models.CharField(_("Kênh"), max_length=10, choices=Channel.choices)
    escalated_to = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("Chuyển cấp trên"),
    )  # fmt: skip
    sent_at = models.DateTimeField(_("Gửi lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("Nhật ký nhắc việc")
        verbose_name_plural = _("Nhật ký nhắc việc")
        ordering = ["-run_on", "unit__path", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["object_type", "object_id", "kind", "recipient", "channel", "run_on"],
                name="reminderlog_once_a_day",
            ),
            models.CheckConstraint(
                condition=Q(channel="app") | ~Q(recipient_email=""), name="reminderlog_email_has_address"
            ),
        ]
        indexes = [models.Index(fields=["run_on", "unit"], name="reminderlog_run_unit")]

    def __str__(self) -> str:
        return f"{self.run_on:%d/%m/%Y} {self.get_kind_display()} → {self.recipient}"


class UrgingNotice(models.Model):
    """A công văn đôn đốc the office issued to some units, with the overdue items it listed."""

    issuing_unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị ban hành")
    )
    number = models.CharField(_("Số, ký hiệu"), max_length=60)
    issued_on = models.DateField(_("Ngày ban hành"))
    units = models.ManyToManyField("orgunits.OrgUnit", related_name="+", verbose_name=_("Đơn vị được đôn đốc"))
    items = models.JSONField(_("Việc trễ hạn"), default=list)
    audit_item_nouns: ClassVar[dict[str, str]] = {"items": "đơn vị"}  # one item per unit urged (core.audit)
    docx = models.ForeignKey("core.Document", on_delete=models.PROTECT, related_name="+")
    pdf = models.ForeignKey("core.Document", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Công văn đôn đốc")
        verbose_name_plural = _("Công văn đôn đốc")
        ordering = ["-issued_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} ({self.issued_on:%d/%m/%Y})"


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Hoàn thành")
    FAILED = "failed", _("Lỗi")


class ReportKind(models.TextChoices):
    HOUSES_BY_UNIT = "houses_by_unit", _("Nhà ở theo phân kỳ, trạng thái, từng đơn vị (Excel)")
    HOUSEHOLD_LIST = "household_list", _("Danh sách hộ và tiến độ (Excel)")
    FUNDS_BY_UNIT = "funds_by_unit", _("Nguồn vận động theo đơn vị (Excel)")
    EVALUATION = "evaluation", _("Kết quả chấm điểm, xếp loại (Excel)")


def job_path(instance: ReportJob, filename: str) -> str:
    return f"reports/{instance.created_at:%Y/%m}/{instance.pk}-{filename}"


class ReportJob(models.Model):
    """A report made by a background worker; the page polls `progress` until the file is there."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Đơn vị"))
    kind = models.CharField(_("Loại báo cáo"), max_length=30, choices=ReportKind.choices)
    params = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("Trạng thái"), max_length=10, choices=JobStatus.choices, default=JobStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(_("Tiến độ (%)"), default=0)
    rows = models.PositiveIntegerField(_("Số dòng"), default=0)
    file = models.FileField(upload_to=job_path, max_length=300, blank=True)
    file_name = models.CharField(max_length=200, blank=True)
    error = models.TextField(_("Lỗi"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Báo cáo chạy nền")
        verbose_name_plural = _("Báo cáo chạy nền")
        ordering = ["-created_at", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(progress__lte=100), name="reportjob_progress_range")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.unit}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED)


# --- Subtree figures (kept by reports.rollup) -----------------------------------------------------
# A dashboard for the whole country would otherwise add up 334,000 households, 2 million progress
# updates and 900,000 ledger accounts on every view. Each row below holds the figures of a unit's
# whole subtree (its own rows plus its children's subtree rows), recomputed for the units a write
# touched and their ancestors only. Writers mark units stale in their own transaction; the rows are
# brought up to date by a background task and, before any read, by the reader itself — so a figure
# is never older than the last committed write.
class TreeHouses(models.Model):
    """Households of a unit's subtree in one phase year."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    phase_year = models.PositiveSmallIntegerField()
    planned = models.PositiveIntegerField(default=0)  # not withdrawn
    not_started = models.PositiveIntegerField(default=0)
    started = models.PositiveIntegerField(default=0)
    building = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)
    handed_over = models.PositiveIntegerField(default=0)
    withdrawn = models.PositiveIntegerField(default=0)
    amount = models.BigIntegerField(default=0)  # state support of the planned houses, đồng
    amount_done = models.BigIntegerField(default=0)
    plan_amount = models.BigIntegerField(default=0)  # funding plan lines of the planned houses, đồng
    located = models.PositiveIntegerField(default=0)  # planned houses with a position
    lat_sum = models.FloatField(default=0)  # for the centre of the located houses (map bubbles)
    lon_sum = models.FloatField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "phase_year"], name="treehouses_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.phase_year}: {self.completed}/{self.planned}"


class TreeProgress(models.Model):
    """Houses of a unit's subtree that started / were completed in a month (distinct households)."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    started = models.PositiveIntegerField(default=0)
    completed = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="treeprogress_unique")]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month:%m/%Y}: {self.started}, {self.completed}"


class MoneyFigures(models.Model):
    """Ledger balances by kind (signs as in the ledger), đồng: of a subtree (TreeMoney) or of one unit's
    own accounts (OwnMoney)."""

    unit = models.OneToOneField("orgunits.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    fund_donations = models.BigIntegerField(default=0)
    fund_cash = models.BigIntegerField(default=0)
    fund_allocation = models.BigIntegerField(default=0)
    fund_disbursed = models.BigIntegerField(default=0)
    fund_fees = models.BigIntegerField(default=0)
    source_committed = models.BigIntegerField(default=0)
    source_disbursed = models.BigIntegerField(default=0)
    # Donations accounts of funds (the per-child "mobilised" bars) and money disbursed to the
    # households whose area is in the subtree, whoever's fund paid it.
    donations_of_funds = models.BigIntegerField(default=0)
    disbursed_to_households = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}: {-self.fund_donations}"


class MonthMoneyFigures(models.Model):
    """Money received (receipts of the funds) and paid out (approved disbursements from the funds and
    sources) in a month, đồng: of a subtree (TreeMonthMoney) or of one unit (OwnMonthMoney)."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month = models.DateField()
    received = models.BigIntegerField(default=0)
    disbursed = models.BigIntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month:%m/%Y}: {self.received}, {self.disbursed}"


class TreeMoney(MoneyFigures):
    """The accounts held by a unit's whole subtree."""


class TreeMonthMoney(MonthMoneyFigures):
    """The subtree's funds and sources, per month."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="treemonthmoney_unique")]


class OwnMoney(MoneyFigures):
    """The accounts of one unit only, kept by adding each posting's changes in its own transaction (a
    unit holding a national fund has hundreds of thousands of accounts: summing them again after each
    posting took seconds)."""


class OwnMonthMoney(MonthMoneyFigures):
    """One unit's own funds and sources per month, added to as receipts are recorded and
    disbursements approved."""

    class Meta:
        constraints = [models.UniqueConstraint(fields=["unit", "month"], name="ownmonthmoney_unique")]


class StaleFigures(models.Model):
    """A unit whose own rows changed since its subtree figures were computed."""

    unit = models.OneToOneField("orgunits.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    marked_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.unit_id} @ {self.marked_at}"


# --- Month-end figures (issue 16): history without reading every dated row --------------------------
# Figures as of an earlier day are defined on the dated rows (figures.definitions' history path). At
# province scale recomputing them took half a minute; a kept month-end plus the rows dated after it
# gives the same number. A write dated on or before a kept month-end leaves a MonthEndMark; marks
# are applied (the month-ends of the unit and its ancestors from that day on deleted) before any
# month-end is read or stored (reports.rollup).
class MonthEnd(models.Model):
    """A group's figures (houses or money) of a unit's subtree as of a closed month's last day."""

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, related_name="+")
    month_end = models.DateField()
    group = models.CharField(max_length=20)  # a figure group of the catalogue: "houses", "money"
    phase_year = models.PositiveSmallIntegerField(default=0)  # 0: every phase
    values = models.JSONField()  # {figure name: value}, as the group's history function returns them

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["unit", "month_end", "group", "phase_year"], name="monthend_unique")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id}/{self.month_end:%d/%m/%Y} {self.group}/{self.phase_year}"


class MonthEndMark(models.Model):
    """A write changed a unit's figures from `since` on (null: on every day): its month-ends and its
    ancestors' from that day on are to be forgotten."""

    unit = models.OneToOneField("orgunits.OrgUnit", on_delete=models.CASCADE, primary_key=True, related_name="+")
    since = models.DateField(null=True)

    def __str__(self) -> str:
        return f"{self.unit_id} từ {self.since or '—'}"
