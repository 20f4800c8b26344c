"""Member organisations taking part in a movement, and in-kind help (ngày công, vật liệu).

A member organisation (orgunits.MemberOrganisation: the ward's Hội Liên hiệp Phụ nữ …) registers for a
movement like a unit does and reports its results; its activities are the movement's activities
(campaigns.Activity) marked with it. In-kind contributions are kept here, apart from the money:
they are never posted to the cash ledger (chungtay.funds), and their figures carry their own labels.

This app sits above campaigns and housing (it links a movement's member organisations to households);
neither of them imports it, so no cycle: pages of other apps show its figures through the catalogue
(chungtay.figures) or its template tags.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MemberOrgRegistration(models.Model):
    """A member organisation's registration for a movement (đăng ký thi đua) and the results it reports."""

    movement = models.ForeignKey(
        "campaigns.Movement", on_delete=models.CASCADE, related_name="member_org_registrations"
    )
    member_org = models.ForeignKey(
        "orgunits.MemberOrganisation", on_delete=models.PROTECT, related_name="registrations",
        verbose_name=_("Tổ chức thành viên"),
    )  # fmt: skip
    registered_on = models.DateField(_("Ngày đăng ký"))
    commitments = models.TextField(_("Nội dung đăng ký, cam kết"))
    results = models.TextField(_("Kết quả thực hiện"), blank=True)
    results_on = models.DateField(_("Kết quả tính đến ngày"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Tổ chức thành viên đăng ký thi đua")
        verbose_name_plural = _("Tổ chức thành viên đăng ký thi đua")
        ordering = ["member_org__unit__path", "member_org__kind", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["movement", "member_org"], name="memberorgreg_unique"),
            models.CheckConstraint(
                condition=Q(results_on__isnull=True) | Q(results_on__gte=models.F("registered_on")),
                name="memberorgreg_results_after_registration",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member_org} — {self.movement.symbol}"


class InKindKind(models.TextChoices):
    LABOUR = "labour", _("Ngày công lao động")
    MATERIAL = "material", _("Vật liệu xây dựng")
    OTHER = "other", _("Hiện vật khác")


class GiverKind(models.TextChoices):
    MEMBER_ORG = "member_org", _("Tổ chức thành viên")
    DONOR = "donor", _("Nhà hảo tâm, doanh nghiệp")
    RESIDENTS = "residents", _("Người dân, cộng đồng")


WORKDAY_MEASURE = "ngày công"


class InKindContribution(models.Model):
    """Help given in kind, with its quantity and the value in đồng agreed for it. Not money: no
    ledger entry, no fund; counted beside cash under its own labels."""

    unit = models.ForeignKey(
        "orgunits.OrgUnit", on_delete=models.PROTECT, related_name="in_kind_contributions",
        verbose_name=_("Đơn vị ghi nhận"),
    )  # fmt: skip
    household = models.ForeignKey(
        "housing.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="in_kind_contributions",
        verbose_name=_("Cho hộ"),
    )  # fmt: skip
    movement = models.ForeignKey(
        "campaigns.Movement", null=True, blank=True, on_delete=models.PROTECT, related_name="in_kind_contributions",
        verbose_name=_("Trong phong trào"),
    )  # fmt: skip
    giver_kind = models.CharField(_("Bên đóng góp"), max_length=20, choices=GiverKind.choices)
    member_org = models.ForeignKey(
        "orgunits.MemberOrganisation", null=True, blank=True, on_delete=models.PROTECT,
        related_name="in_kind_contributions", verbose_name=_("Tổ chức thành viên"),
    )  # fmt: skip
    giver_name = models.CharField(_("Tên người, đơn vị đóng góp"), max_length=200, blank=True)
    kind = models.CharField(_("Loại đóng góp"), max_length=20, choices=InKindKind.choices)
    description = models.CharField(_("Nội dung"), max_length=200)
    quantity = models.DecimalField(_("Số lượng"), max_digits=12, decimal_places=2)
    measure = models.CharField(_("Đơn vị tính"), max_length=30)
    value = models.BigIntegerField(_("Giá trị quy đổi (đồng)"))
    given_on = models.DateField(_("Ngày đóng góp"))
    evidence = models.ForeignKey(
        "core.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("Minh chứng"),
    )  # fmt: skip
    note = models.CharField(_("Ghi chú"), max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Đóng góp hiện vật, ngày công")
        verbose_name_plural = _("Đóng góp hiện vật, ngày công")
        ordering = ["-given_on", "-pk"]
        indexes = [models.Index(fields=["given_on"], name="inkind_given_on")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="inkind_quantity_positive"),
            models.CheckConstraint(condition=Q(value__gte=0), name="inkind_value_not_negative"),
            models.CheckConstraint(
                condition=Q(household__isnull=False) | Q(movement__isnull=False),
                name="inkind_for_household_or_movement",
            ),
            # A member organisation gives as itself; anyone else is named.
            models.CheckConstraint(
                condition=Q(giver_kind="member_org", member_org__isnull=False)
                | (~Q(giver_kind="member_org") & Q(member_org__isnull=True) & ~Q(giver_name="")),
                name="inkind_giver_named",
            ),
            models.CheckConstraint(
                condition=~Q(kind="labour") | Q(measure=WORKDAY_MEASURE), name="inkind_labour_in_workdays"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description}: {self.quantity} {self.measure}"

    @property
    def giver_label(self) -> str:
        return self.member_org.name if self.member_org_id else self.giver_name  # type: ignore[union-attr]
