"""One import pipeline for every table a person uploads: units, households, bank statements (issue 23).

An upload is an `ImportBatch` that moves uploaded → mapped → checked → committed, or failed, only as
`core.models.IMPORT_TRANSITIONS` allows. What differs between kinds of file is an adapter's: how a
file is read, which columns it needs, what a dry run finds and what a commit writes. Each domain app
registers its adapter from its AppConfig.ready() (core imports no app); the services below move the
batch, check the person's rule and write the audit trail; `core.import_views` is the one view flow.

The domain's own plan and commit functions stay where they were (`housing.imports`,
`orgunits.imports`, `funds.statements`): an adapter is a thin wrapper over them, and they move the
batch through `ImportBatch.move_to` as well, so the command line (`import_statement`) keeps the rules.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Protocol

from django import forms
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.models import ImportBatch, ImportMapping, ImportStatus
from chungtay.core.money import format_decimal_vn
from chungtay.core.tabular import TabularError

if TYPE_CHECKING:
    from django.db.models import QuerySet


class Plan(Protocol):
    """What an adapter's check (dry run) returns: clean or not, counts by outcome, errors naming row and field."""

    errors: list[dict[str, Any]]

    @property
    def ok(self) -> bool: ...

    def counts(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class Target:
    """What an import goes into: the unit that owns its batches, the domain object (a statement's fund),
    and the URL arguments every step of the flow carries (the fund's pk)."""

    unit: Any
    obj: Any = None
    url_kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class MappingStep:
    """The column-mapping step an adapter offers: its form and what the page shows beside it."""

    form: forms.Form
    context: dict[str, Any]


class ImportAdapter:
    """One kind of file. Subclasses name their steps' URLs and wrap their domain's plan and commit."""

    kind: ClassVar[str]  # ImportBatch.kind
    label: ClassVar[str | Promise]  # "Danh sách hộ": what the file is
    title: ClassVar[str | Promise]  # the upload page's title
    permission: ClassVar[str]  # the rule a person needs over the target's unit (core.access)
    upload_form: ClassVar[type[forms.Form]]
    urls: ClassVar[dict[str, str]]  # step → URL name: upload, mapping (if any), check, confirm
    has_mapping: ClassVar[bool] = False
    nav_template: ClassVar[str] = ""  # the domain's tabs above every step, if it has them
    intro_template: ClassVar[str]  # the upload page's heading and what it says about the file
    summary_template: ClassVar[str]  # the dry run's counts (and a statement's header)
    rows_template: ClassVar[str]  # what a commit would do, row by row
    upload_button: ClassVar[str | Promise] = gettext_lazy("Kiểm tra tệp")
    confirm_label: ClassVar[str | Promise] = gettext_lazy("Xác nhận nhập")
    row_noun: ClassVar[str | Promise] = gettext_lazy("dữ liệu")  # a data row, in the mapping step's table
    mapping_note: ClassVar[str | Promise] = ""
    errors_testid: ClassVar[str] = "import-errors"  # the pages' hooks for browser tests
    confirm_testid: ClassVar[str] = "confirm-import"

    @property
    def steps(self) -> list[tuple[str, str]]:
        """The flow's steps as the pages number them."""
        return [
            ("upload", _("Tải lên")),
            *([("mapping", _("Chọn cột"))] if self.has_mapping else []),
            ("check", _("Kiểm tra")),
            ("commit", _("Nhập")),
        ]

    def target(self, user: Any, **kwargs: Any) -> Target:
        raise NotImplementedError

    def streams(self, filename: str) -> bool:
        """Keep this upload without reading it into memory (a big bank statement PDF): the dry run reads it
        from the stored file, a part at a time; `read` is not called."""
        return False

    def read(self, *, data: bytes, filename: str) -> None:
        """Refuse at upload a file that cannot be read at all (raise TabularError or DomainError)."""

    def check(self, *, batch: ImportBatch, actor: Any, target: Target) -> Plan:
        raise NotImplementedError

    def commit(self, *, batch: ImportBatch, actor: Any, target: Target) -> tuple[Plan, str]:
        """Write the batch (the domain's commit re-checks the stored file); the plan and, if it was
        written, the sentence that says what was done (else "")."""
        raise NotImplementedError

    def mapping_step(self, *, batch: ImportBatch, data: bytes, post: Any, params: Any) -> MappingStep:
        raise NotImplementedError

    def mapping_from(self, form: forms.Form) -> dict[str, Any]:
        raise NotImplementedError

    def done_url(self, target: Target) -> str:
        return self.url("upload", target)

    def batch_counts(self, batch: ImportBatch) -> str:
        """The recent-batches list's short count line."""
        return ""

    def url(self, step: str, target: Target, batch: ImportBatch | None = None) -> str:
        kwargs = dict(target.url_kwargs)
        if batch is not None:
            kwargs["batch_id"] = batch.pk
        return reverse(self.urls[step], kwargs=kwargs)


ADAPTERS: dict[str, ImportAdapter] = {}


def register(adapter: ImportAdapter) -> None:
    """Called from a domain app's AppConfig.ready(); a second adapter for one kind is a mistake."""
    existing = ADAPTERS.get(adapter.kind)
    if existing is not None and type(existing) is not type(adapter):
        raise RuntimeError(f"Two import adapters for {adapter.kind}: {existing!r}, {adapter!r}")
    ADAPTERS[adapter.kind] = adapter


def adapter_for(kind: str) -> ImportAdapter:
    return ADAPTERS[kind]


def grouped(counts: dict[str, Any], *keys: str) -> dict[str, str]:
    """A batch's counts for a sentence, with digit grouping (12.345) as the pages print counts."""
    return {key: format_decimal_vn(counts.get(key) or 0, places=0) for key in keys}


def read_file(batch: ImportBatch) -> bytes:
    with batch.file.open("rb") as handle:
        return handle.read()


# --- Reads ------------------------------------------------------------------------------------


def recent_batches(*, user: Any, adapter: ImportAdapter, target: Target, limit: int = 10) -> QuerySet[ImportBatch]:
    qs = ImportBatch.objects.filter(kind=adapter.kind, created_by=user).select_related("unit")
    if target.obj is not None:
        qs = qs.filter(unit=target.unit)  # a fund's statements: that fund's unit
    return qs[:limit]


def earlier_commit(batch: ImportBatch) -> ImportBatch | None:
    """The same file (same sha256) already committed by anyone, if it was."""
    if not batch.sha256:
        return None
    return (
        ImportBatch.objects.filter(kind=batch.kind, sha256=batch.sha256, status=ImportStatus.COMMITTED)
        .exclude(pk=batch.pk)
        .order_by("-committed_at")
        .first()
    )


# --- Services: every change of a batch -----------------------------------------------------------


def batch_upload(
    *,
    actor: Any,
    adapter: ImportAdapter,
    target: Target,
    filename: str,
    data: bytes | None = None,
    file: File | None = None,
) -> ImportBatch:
    """Keep the uploaded file in a new batch (uploaded). Nothing of the domain is written.

    `data` is the file's content; or `file` (Django's upload, spooled to a temporary file when it is big):
    read whole unless the adapter `streams` it, in which case it is hashed and stored a chunk at a time."""
    check_actor(actor, adapter.permission, target.unit, field="file")
    if file is not None and not adapter.streams(filename):
        data, file = file.read(), None
    if file is None:
        assert data is not None
        try:
            adapter.read(data=data, filename=filename)
        except TabularError as exc:
            raise DomainError(exc.message, field="file") from exc
        content: File = ContentFile(data)
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
    else:
        sha = hashlib.sha256()
        for chunk in file.chunks():
            sha.update(chunk)
        file.seek(0)
        content, digest, size = file, sha.hexdigest(), file.size
    batch = ImportBatch(
        kind=adapter.kind, unit=target.unit, file_name=filename[:255], sha256=digest, size=size,
        status=ImportStatus.UPLOADED, created_by=actor,
    )  # fmt: skip
    with as_actor(actor):
        batch.file.save(filename, content, save=False)
        batch.save()
    return batch


def batch_map(
    *, actor: Any, adapter: ImportAdapter, batch: ImportBatch, mapping: dict[str, Any], save_as: str = ""
) -> None:
    """Record the person's column choice (mapped); `save_as` keeps it to reuse for the unit's next file."""
    check_actor(actor, adapter.permission, batch.unit)
    batch.move_to(ImportStatus.MAPPED)
    batch.mapping = mapping
    with as_actor(actor), transaction.atomic():
        batch.save(update_fields=["mapping", "status"])
        if save_as and batch.unit:
            ImportMapping.objects.update_or_create(
                kind=batch.kind, unit=batch.unit, name=save_as,
                defaults={"columns": mapping.get("columns", {}), "header_row": mapping.get("header_row"),
                          "header_depth": mapping.get("header_depth"), "created_by": actor},
            )  # fmt: skip


def batch_check(*, actor: Any, adapter: ImportAdapter, batch: ImportBatch, target: Target) -> Plan:
    """The dry run: read the stored file again and record what it found (checked or failed).
    A committed batch is shown as it is: its dry run is read again but the batch does not move."""
    check_actor(actor, adapter.permission, target.unit)
    plan = adapter.check(batch=batch, actor=actor, target=target)
    if batch.status != ImportStatus.COMMITTED:
        batch.move_to(ImportStatus.CHECKED if plan.ok else ImportStatus.FAILED)
        batch.counts, batch.errors = plan.counts(), plan.errors
        with as_actor(actor):
            batch.save(update_fields=["status", "counts", "errors", "mapping"])
    return plan


def batch_commit(*, actor: Any, adapter: ImportAdapter, batch: ImportBatch, target: Target) -> tuple[Plan, str]:
    """The confirm: the domain re-checks the stored file and writes it all in one transaction (committed),
    or nothing (failed, with the errors found)."""
    check_actor(actor, adapter.permission, target.unit)
    if not batch.can_move_to(ImportStatus.COMMITTED):
        batch.move_to(ImportStatus.COMMITTED)  # raises the refusal, in Vietnamese
    return adapter.commit(batch=batch, actor=actor, target=target)


def changed_since_check() -> str:
    return _("Dữ liệu đã thay đổi kể từ lần kiểm tra; tệp chưa được nhập.")
