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
    ESCALATION = "escalation", _("Đơn vị cấp dưới có việc quá hạn")
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
    items = models.JSONField(_("Việc quá hạn chưa thực hiện"), default=list)
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
