from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    DRY_RUN = "dry_run", _("Đã kiểm tra")
    COMMITTED = "committed", _("Đã nhập")
    REJECTED = "rejected", _("Có lỗi, chưa nhập")


class ImportBatch(models.Model):
    """One upload of a table (units, households, bank statement…): its file, mapping and outcome.

    The file is kept so that "confirm" imports exactly what the dry run checked, and so that the
    same file (same sha256) imported twice can be recognised.
    """

    kind = models.CharField(_("Loại dữ liệu"), max_length=30)
    unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, verbose_name=_("Đơn vị")
    )
    file = models.FileField(_("Tệp"), upload_to="imports/%Y/%m/")
    file_name = models.CharField(_("Tên tệp"), max_length=255)
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveBigIntegerField(default=0)
    mapping = models.JSONField(_("Ánh xạ cột"), default=dict, blank=True)
    status = models.CharField(_("Trạng thái"), max_length=20, choices=ImportStatus.choices)
    counts = models.JSONField(_("Số dòng"), default=dict, blank=True)
    errors = models.JSONField(_("Lỗi"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người tải lên"),
    )
    created_at = models.DateTimeField(_("Thời điểm tải lên"), auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    committed_at = models.DateTimeField(_("Thời điểm nhập"), null=True, blank=True)

    class Meta:
        verbose_name = _("Lần nhập dữ liệu")
        verbose_name_plural = _("Lần nhập dữ liệu")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.file_name} ({self.get_status_display()})"
