from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chungtay.core.errors import DomainError


class ImportStatus(models.TextChoices):
    """Where an upload stands in the one import pipeline (core.imports): uploaded → mapped → checked →
    committed, or failed when the check (or the confirm's check again) finds errors."""

    UPLOADED = "uploaded", _("Đã tải lên")
    MAPPED = "mapped", _("Đã ánh xạ cột")
    CHECKED = "checked", _("Đã kiểm tra")
    COMMITTED = "committed", _("Đã nhập")
    FAILED = "failed", _("Thất bại")


# The allowed moves, in one place. A batch is checked again whenever its page is opened (the system's
# data may have changed), so checked and failed move between each other and to themselves; the column
# choice may be redone (→ mapped) until the file is committed; a committed batch never moves again.
IMPORT_TRANSITIONS: dict[str, frozenset[str]] = {
    ImportStatus.UPLOADED: frozenset({ImportStatus.MAPPED, ImportStatus.CHECKED, ImportStatus.FAILED}),
    ImportStatus.MAPPED: frozenset({ImportStatus.MAPPED, ImportStatus.CHECKED, ImportStatus.FAILED}),
    ImportStatus.CHECKED: frozenset(
        {ImportStatus.MAPPED, ImportStatus.CHECKED, ImportStatus.COMMITTED, ImportStatus.FAILED}
    ),
    ImportStatus.FAILED: frozenset({ImportStatus.MAPPED, ImportStatus.CHECKED, ImportStatus.FAILED}),
    ImportStatus.COMMITTED: frozenset(),
}


# The kinds of file the importing apps record (their codes), as a reader names them.
IMPORT_KINDS = {"orgunits": "Danh sách đơn vị", "households": "Danh sách hộ", "bank_statement": "Sao kê ngân hàng"}


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
    size = models.PositiveBigIntegerField(default=0, verbose_name=_("Dung lượng"))
    mapping = models.JSONField(_("Ánh xạ cột"), default=dict, blank=True)
    status = models.CharField(
        _("Trạng thái"), max_length=20, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    counts = models.JSONField(_("Số dòng"), default=dict, blank=True)
    errors = models.JSONField(_("Lỗi"), default=list, blank=True)
    audit_item_nouns: ClassVar[dict[str, str]] = {"errors": "lỗi"}  # the change log counts them
    audit_choices: ClassVar[dict[str, list[tuple[str, str]]]] = {"kind": list(IMPORT_KINDS.items())}
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người tải lên"),
    )
    created_at = models.DateTimeField(_("Thời điểm tải lên"), auto_now_add=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người nhập"),
    )
    committed_at = models.DateTimeField(_("Thời điểm nhập"), null=True, blank=True)

    class Meta:
        verbose_name = _("Lần nhập dữ liệu")
        verbose_name_plural = _("Lần nhập dữ liệu")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status__in=ImportStatus.values), name="importbatch_status"),
            # committed_by may be empty: `import_statement` runs without a person, and a person's
            # account may later be deleted (SET_NULL); the moment is always known.
            models.CheckConstraint(
                condition=models.Q(status=ImportStatus.COMMITTED, committed_at__isnull=False)
                | (~models.Q(status=ImportStatus.COMMITTED) & models.Q(committed_at__isnull=True)),
                name="importbatch_committed_at",
            ),
        ]

    def __str__(self) -> str:
        kind = IMPORT_KINDS.get(self.kind, self.kind)
        return f"{kind}: {self.file_name} ({self.get_status_display()})"

    def can_move_to(self, status: str) -> bool:
        return status in IMPORT_TRANSITIONS.get(self.status, frozenset())

    def move_to(self, status: str, *, actor: Any = None) -> None:
        """Change the status (not saved) if the transition table allows it; committing stamps who and when.

        Every change of status goes through here, so a committed batch cannot be checked, mapped or
        committed again and a batch cannot be committed without having passed its check.
        """
        if not self.can_move_to(status):
            raise DomainError(
                gettext("Lần nhập “%(file)s” đang ở bước “%(now)s”, không thể chuyển sang “%(to)s”.")
                % {
                    "file": self.file_name,
                    "now": ImportStatus(self.status).label if self.status in ImportStatus.values else self.status,
                    "to": ImportStatus(status).label if status in ImportStatus.values else status,
                },
                field="status",
            )
        self.status = status
        if status == ImportStatus.COMMITTED:
            self.committed_by, self.committed_at = actor, timezone.now()


class DocumentKind(models.TextChoices):
    PLAN = "plan", _("Kế hoạch")
    MINUTES = "minutes", _("Biên bản")
    RESOLUTION = "resolution", _("Nghị quyết")
    REGULATION = "regulation", _("Quy chế")
    REPORT = "report", _("Báo cáo")
    DECISION = "decision", _("Quyết định")
    PHOTO = "photo", _("Hình ảnh")
    OTHER = "other", _("Tài liệu khác")


def document_path(instance: Document, filename: str) -> str:
    # The hash in the path keeps two uploads with the same name apart and makes reuse visible.
    return f"documents/{instance.unit_id}/{instance.sha256[:2]}/{instance.sha256[:16]}-{filename}"


class Document(models.Model):
    """A piece of evidence (minh chứng): an official document or a photo, owned by a unit.

    Linked through DocumentLink to whatever it evidences (an activity, a criterion line, a
    household, a complaint), so one signed minutes file can back several things.
    """

    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.PROTECT, verbose_name=_("Đơn vị"))
    kind = models.CharField(_("Loại tài liệu"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("Trích yếu"), max_length=300)
    number = models.CharField(_("Số, ký hiệu"), max_length=60, blank=True)
    issued_on = models.DateField(_("Ngày ban hành"), null=True, blank=True)
    issuer = models.CharField(_("Cơ quan ban hành"), max_length=200, blank=True)
    file = models.FileField(_("Tệp"), upload_to=document_path, max_length=300)
    original_name = models.CharField(_("Tên tệp gốc"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField(_("Dung lượng"))
    sha256 = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Người tải lên"),
    )
    uploaded_at = models.DateTimeField(_("Thời điểm tải lên"), auto_now_add=True)

    class Meta:
        verbose_name = _("Tài liệu minh chứng")
        verbose_name_plural = _("Tài liệu minh chứng")
        ordering = ["-uploaded_at"]
        constraints = [models.CheckConstraint(condition=models.Q(size__gt=0), name="document_not_empty")]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_image(self) -> bool:
        return self.content_type in {"image/jpeg", "image/png"}


class DocumentLink(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Liên kết minh chứng")
        verbose_name_plural = _("Liên kết minh chứng")
        constraints = [
            models.UniqueConstraint(fields=["document", "content_type", "object_id"], name="documentlink_unique")
        ]
        indexes = [models.Index(fields=["content_type", "object_id"], name="documentlink_target")]

    def __str__(self) -> str:
        # The linked object's kind by its name ("Hộ gia đình"); the cached lookup costs no query.
        kind = ContentType.objects.get_for_id(self.content_type_id).name
        return f"{self.document} → {kind}"


class ImportMapping(models.Model):
    """A column mapping a person confirmed for a kind of file, saved to be reused next time."""

    kind = models.CharField(_("Loại dữ liệu"), max_length=30)
    unit = models.ForeignKey("orgunits.OrgUnit", on_delete=models.CASCADE, verbose_name=_("Đơn vị"))
    name = models.CharField(_("Tên mẫu"), max_length=120)
    header_row = models.PositiveIntegerField(_("Dòng tiêu đề"), null=True, blank=True)
    header_depth = models.PositiveSmallIntegerField(_("Số dòng tiêu đề"), null=True, blank=True)
    columns = models.JSONField(_("Cột cho từng trường"), default=dict)  # field name → 0-based column index
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Mẫu ánh xạ cột")
        verbose_name_plural = _("Mẫu ánh xạ cột")
        constraints = [models.UniqueConstraint(fields=["kind", "unit", "name"], name="importmapping_unique")]

    def __str__(self) -> str:
        return self.name
