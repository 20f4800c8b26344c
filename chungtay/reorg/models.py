"""A reorganisation of the administrative map (issue 24): one dated operation, and what it moved.

The units themselves are never re-parented nor renamed: the old units close the day before the
effective date and new units open on it (orgunits.UnitSuccession links them). What lives on a
place moves to the new units and the move is kept here, so that a figure as of an earlier day
counts a household under the area it belonged to that day (`HouseholdMove`).
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chungtay.orgunits.models import Level


class Reorganisation(models.Model):
    effective_on = models.DateField(_("Ngày hiệu lực"))
    number = models.CharField(_("Số nghị quyết, quyết định"), max_length=100)
    title = models.CharField(_("Trích yếu"), max_length=300, blank=True)
    removed_levels = models.JSONField(_("Cấp bỏ"), default=list, blank=True)
    audit_choices: ClassVar[dict[str, Any]] = {"removed_levels": Level.choices}  # named in the change log
    source_text = models.TextField(_("Phương án đã nhập (CSV)"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Sắp xếp đơn vị hành chính")
        verbose_name_plural = _("Sắp xếp đơn vị hành chính")
        ordering = ["-effective_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.number} (hiệu lực {self.effective_on:%d/%m/%Y})"


class ChangeKind(models.TextChoices):
    UNIT_NEW = "unit_new", _("Đơn vị mới")
    UNIT_CLOSED = "unit_closed", _("Đơn vị chấm dứt hoạt động")
    HOUSEHOLD = "household", _("Hộ chuyển địa bàn")
    MEMBERSHIP = "membership", _("Phân quyền chuyển đơn vị")
    FUND = "fund", _("Quỹ chuyển số dư")
    COMPLAINT = "complaint", _("Đơn đang xử lý chuyển đơn vị")
    OBLIGATION = "obligation", _("Việc phải làm chuyển đơn vị")
    DOCUMENT = "document", _("Văn bản của đơn vị cũ (giữ nguyên)")


class Change(models.Model):
    """One line of what a reorganisation did: the review list of users' scopes reads these."""

    reorganisation = models.ForeignKey(Reorganisation, on_delete=models.PROTECT, related_name="changes")
    kind = models.CharField(_("Loại thay đổi"), max_length=20, choices=ChangeKind.choices)
    label = models.CharField(_("Nội dung"), max_length=300)
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    from_unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Từ")
    )
    to_unit = models.ForeignKey(
        "orgunits.OrgUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("Sang")
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người rà soát"),
    )
    reviewed_at = models.DateTimeField(_("Đã rà soát lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("Thay đổi khi sắp xếp")
        verbose_name_plural = _("Thay đổi khi sắp xếp")
        ordering = ["reorganisation", "kind", "pk"]
        indexes = [models.Index(fields=["reorganisation", "kind"], name="reorg_change_kind")]

    def __str__(self) -> str:
        return self.label


class HouseholdMove(models.Model):
    """The household left `from_area` for `to_area` on `moved_on` (its code is kept)."""

    household = models.ForeignKey("housing.Household", on_delete=models.PROTECT, related_name="moves")
    from_area = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Từ khu dân cư")
    )
    to_area = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("Sang khu dân cư")
    )
    moved_on = models.DateField(_("Ngày chuyển"))
    reorganisation = models.ForeignKey(
        Reorganisation, null=True, blank=True, on_delete=models.PROTECT, related_name="household_moves"
    )

    class Meta:
        verbose_name = _("Hộ chuyển địa bàn")
        verbose_name_plural = _("Hộ chuyển địa bàn")
        ordering = ["household", "moved_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["household", "moved_on"], name="household_move_once_a_day"),
            models.CheckConstraint(condition=~Q(from_area=models.F("to_area")), name="household_move_not_same"),
        ]
        indexes = [models.Index(fields=["household", "moved_on"], name="household_move_day")]

    def __str__(self) -> str:
        return f"Hộ {self.household.code}: {self.from_area.title} → {self.to_area.title} ({self.moved_on:%d/%m/%Y})"
