"""The Front's administrative hierarchy, dated, and who holds which role where.

A unit stands for the Front body at that place (the town committee, a ward committee, a
residential area's Front Work Board). Units are never re-parented: a reorganisation closes the
old units (valid_to) and records a UnitSuccession, so 2024 figures stay with the 2024 units.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

from chungtay.core.text import fold, nfc


# Unit names and kinds repeat on every page that lists units (a province's 1,500 areas in a select):
# folding each one again cost more than the rest of rendering the list.
@functools.lru_cache(maxsize=8192)
def _folded(value: str) -> str:
    return fold(value)


class Level(models.IntegerChoices):
    COUNTRY = 0, _("Trung ương")
    PROVINCE = 1, _("Cấp tỉnh")
    DISTRICT = 2, _("Cấp huyện")
    COMMUNE = 3, _("Cấp xã")
    AREA = 4, _("Khu dân cư")


class Kind(models.TextChoices):
    COUNTRY = "quoc_gia", _("cả nước")
    PROVINCE = "tinh", _("tỉnh")
    CITY = "thanh_pho", _("thành phố")
    TOWN = "thi_xa", _("thị xã")
    RURAL_DISTRICT = "huyen", _("huyện")
    URBAN_DISTRICT = "quan", _("quận")
    WARD = "phuong", _("phường")
    COMMUNE = "xa", _("xã")
    TOWNSHIP = "thi_tran", _("thị trấn")
    SPECIAL_ZONE = "dac_khu", _("đặc khu")
    URBAN_BLOCK = "khoi_pho", _("khối phố")
    VILLAGE = "thon", _("thôn")
    RESIDENTIAL_GROUP = "to_dan_pho", _("tổ dân phố")
    HAMLET = "ap", _("ấp")
    MOUNTAIN_VILLAGE = "ban", _("bản")


# Which kinds a unit of each level may have; "thành phố" exists at two levels.
LEVEL_KINDS: dict[int, set[str]] = {
    Level.COUNTRY: {Kind.COUNTRY},
    Level.PROVINCE: {Kind.PROVINCE, Kind.CITY},
    Level.DISTRICT: {Kind.CITY, Kind.TOWN, Kind.RURAL_DISTRICT, Kind.URBAN_DISTRICT},
    Level.COMMUNE: {Kind.WARD, Kind.COMMUNE, Kind.TOWNSHIP, Kind.SPECIAL_ZONE},
    Level.AREA: {Kind.URBAN_BLOCK, Kind.VILLAGE, Kind.RESIDENTIAL_GROUP, Kind.HAMLET, Kind.MOUNTAIN_VILLAGE},
}


class OrgUnit(MP_Node):
    # treebeard keeps `path` (indexed, unique) and `depth`; a subtree is `path LIKE 'prefix%'`.
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children_set",
        verbose_name=_("Đơn vị cấp trên"),
    )
    level = models.PositiveSmallIntegerField(_("Cấp"), choices=Level.choices)
    kind = models.CharField(_("Loại"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("Tên"), max_length=200)
    name_folded = models.CharField(max_length=200, db_index=True, editable=False)
    code = models.CharField(_("Mã hành chính"), max_length=20, blank=True)
    valid_from = models.DateField(_("Hiệu lực từ"), default=dt.date(2000, 1, 1))
    valid_to = models.DateField(_("Hiệu lực đến"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Đơn vị")
        verbose_name_plural = _("Đơn vị")
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="orgunit_valid_range",
            ),
            models.CheckConstraint(condition=Q(level__gte=0, level__lte=4), name="orgunit_level_range"),
            models.UniqueConstraint(
                fields=["parent", "level", "name_folded", "valid_from"], name="orgunit_unique_sibling_name"
            ),
            models.UniqueConstraint(fields=["code"], condition=~Q(code=""), name="orgunit_unique_code"),
        ]
        indexes = [models.Index(fields=["level", "path"], name="orgunit_level_path")]

    def save(self, *args, **kwargs):
        self.name = nfc(self.name)
        self.name_folded = fold(self.name)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """ "phường Vĩnh Điện", "thị xã Điện Bàn"; "Khối phố 1" is not repeated as "khối phố Khối phố 1"."""
        kind = str(self.get_kind_display())
        if _folded(self.name).startswith(_folded(kind)):
            return self.name
        return f"{kind} {self.name}"

    @property
    def full_title(self) -> str:
        """ "Khối phố 1 (Vĩnh Điện)": many communes have a "Khối phố 1", so a residential area is named
        with its commune wherever areas of several communes are listed (load `parent` with the query)."""
        # An area already renamed apart at a merger ("Khối phố 1 (Điện An)") keeps its own name: two
        # brackets ("Khối phố 1 (Điện An) (Điện Bàn)") read as a mistake.
        title = self.title
        if self.level == Level.AREA and self.parent_id and not title.rstrip().endswith(")"):
            return f"{title} ({self.parent.name})"
        return title

    @property
    def committee_title(self) -> str:
        if self.level == Level.AREA:  # named with its commune: papers list areas of several communes
            return f"Ban Công tác Mặt trận {self.full_title}"
        return f"Ủy ban MTTQ Việt Nam {self.title}"

    def is_active_on(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def contains(self, other: OrgUnit) -> bool:
        return other.path.startswith(self.path)


class SuccessionKind(models.TextChoices):
    MERGE = "merge", _("Sáp nhập")
    SPLIT = "split", _("Chia tách")
    RENAME = "rename", _("Đổi tên")
    UPGRADE = "upgrade", _("Chuyển đổi loại hình")
    # A unit carried whole under a new parent (a residential area of a merged commune).
    TRANSFER = "transfer", _("Chuyển nguyên trạng")
    # A level removed (the district level, 2025): its units end, their units go to the level above.
    ABOLISH = "abolish", _("Bỏ cấp")


class UnitSuccession(models.Model):
    """`successor` takes over from `predecessor` on `effective_on` (one row per pair)."""

    predecessor = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="successions_out", verbose_name=_("Đơn vị cũ")
    )
    successor = models.ForeignKey(
        OrgUnit, on_delete=models.PROTECT, related_name="successions_in", verbose_name=_("Đơn vị mới")
    )
    effective_on = models.DateField(_("Ngày hiệu lực"))
    kind = models.CharField(_("Hình thức"), max_length=10, choices=SuccessionKind.choices)
    legal_basis = models.CharField(_("Căn cứ"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Kế thừa đơn vị")
        verbose_name_plural = _("Kế thừa đơn vị")
        constraints = [
            models.UniqueConstraint(fields=["predecessor", "successor"], name="succession_unique_pair"),
            models.CheckConstraint(condition=~Q(predecessor=models.F("successor")), name="succession_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.effective_on:%d/%m/%Y})"


class MemberOrgKind(models.TextChoices):
    WOMEN = "phu_nu", _("Hội Liên hiệp Phụ nữ")
    FARMERS = "nong_dan", _("Hội Nông dân")
    VETERANS = "cuu_chien_binh", _("Hội Cựu chiến binh")
    YOUTH = "thanh_nien", _("Đoàn Thanh niên Cộng sản Hồ Chí Minh")
    LABOUR = "cong_doan", _("Liên đoàn Lao động")
    RED_CROSS = "chu_thap_do", _("Hội Chữ thập đỏ")
    ELDERLY = "nguoi_cao_tuoi", _("Hội Người cao tuổi")
    OTHER = "khac", _("Tổ chức khác")


class MemberOrganisation(models.Model):
    unit = models.ForeignKey(
        OrgUnit, on_delete=models.CASCADE, related_name="member_organisations", verbose_name=_("Đơn vị")
    )
    kind = models.CharField(_("Loại tổ chức"), max_length=20, choices=MemberOrgKind.choices)
    name = models.CharField(_("Tên tổ chức"), max_length=200)
    head_name = models.CharField(_("Người đứng đầu"), max_length=150, blank=True)
    members_count = models.PositiveIntegerField(_("Số hội viên"), null=True, blank=True)

    class Meta:
        verbose_name = _("Tổ chức thành viên")
        verbose_name_plural = _("Tổ chức thành viên")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="memberorg_unique_name")]
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Role(models.TextChoices):
    ADMIN = "admin", _("Quản trị hệ thống")
    OFFICE = "office", _("Văn phòng")
    BOARD = "board", _("Ban Thường trực")
    UNIT_STAFF = "unit_staff", _("Cán bộ xã/phường")
    AREA_BOARD = "area_board", _("Ban Công tác Mặt trận")
    INSPECTOR = "inspector", _("Thanh tra, kiểm tra")


class Membership(models.Model):
    """A role held at a unit; it covers the unit's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(_("Vai trò"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Phân quyền")
        verbose_name_plural = _("Phân quyền")
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} — {self.unit}"
