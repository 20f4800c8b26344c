"""Import units from CSV/Excel in the format of shared/data/dien-ban-2024-units.csv.

Columns (header names in English or Vietnamese): level, kind, name, parent, and optionally
code, parent_code, valid_from. Every problem is reported with its row number; nothing is written
unless the whole file is clean; importing the same file again creates nothing (rows that already
exist are counted as unchanged).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import transaction

from chungtay.core import dates
from chungtay.core.access import has_perm
from chungtay.core.audit import as_actor
from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.core.tabular import CellError, TabularError, parse_date, read_table
from chungtay.core.text import fold, nfc

from .models import LEVEL_KINDS, Kind, Level, OrgUnit
from .selectors import active_on

if TYPE_CHECKING:  # accounts sits above orgunits (docs/architecture.md): the user's type only
    from chungtay.accounts.models import User

FIELDS: dict[str, tuple[str, ...]] = {
    "level": ("level", "cap", "cap don vi"),
    "kind": ("kind", "loai", "loai don vi", "loai hinh"),
    "name": ("name", "ten", "ten don vi"),
    "parent": ("parent", "don vi cap tren", "cap tren", "truc thuoc"),
    "code": ("code", "ma", "ma don vi", "ma hanh chinh"),
    "parent_code": ("parent_code", "parent code", "ma cap tren", "ma don vi cap tren"),
    "valid_from": ("valid_from", "valid from", "hieu luc tu", "tu ngay"),
}
REQUIRED = ("level", "kind", "name")
FIELD_LABELS = {
    "level": "Cấp",
    "kind": "Loại",
    "name": "Tên",
    "parent": "Đơn vị cấp trên",
    "code": "Mã",
    "parent_code": "Mã cấp trên",
    "valid_from": "Hiệu lực từ",
}

LEVEL_WORDS: dict[str, int] = {
    "country": Level.COUNTRY, "trung uong": Level.COUNTRY, "quoc gia": Level.COUNTRY,
    "province": Level.PROVINCE, "cap tinh": Level.PROVINCE, "tinh": Level.PROVINCE,
    "district": Level.DISTRICT, "cap huyen": Level.DISTRICT, "huyen": Level.DISTRICT,
    "commune": Level.COMMUNE, "cap xa": Level.COMMUNE, "xa": Level.COMMUNE,
    "area": Level.AREA, "khu dan cu": Level.AREA, "residential area": Level.AREA,
}  # fmt: skip
KIND_WORDS: dict[str, str] = {fold(str(label)): value for value, label in Kind.choices} | {
    value: value for value in Kind.values
}


@dataclass
class PlannedRow:
    number: int
    level: int | None = None
    kind: str = ""
    name: str = ""
    parent_name: str = ""
    code: str = ""
    parent_code: str = ""
    valid_from: dt.date | None = None
    action: str = ""  # "create" | "unchanged" | "error"
    existing: OrgUnit | None = None
    parent_unit: OrgUnit | None = None
    parent_row: PlannedRow | None = None
    errors: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{Kind(self.kind).label} {self.name}" if self.kind in Kind.values else self.name


@dataclass
class UnitImportPlan:
    rows: list[PlannedRow]
    errors: list[dict[str, object]]  # {"row": n, "field": label, "message": text}
    header_row: int | None = None
    mapping: dict[str, int | None] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "create": sum(r.action == "create" for r in self.rows),
            "unchanged": sum(r.action == "unchanged" for r in self.rows),
            "errors": len(self.errors),
        }


def _map_columns(labels: list[str]) -> dict[str, int | None]:
    folded = [fold(label).replace("_", " ") for label in labels]
    mapping: dict[str, int | None] = {}
    for key, synonyms in FIELDS.items():
        wanted = {s.replace("_", " ") for s in synonyms}
        mapping[key] = next((i for i, label in enumerate(folded) if label in wanted), None)
    return mapping


def plan_unit_import(*, data: bytes, filename: str, user: User) -> UnitImportPlan:
    """Read and check the whole file; decide for every row what a commit would do."""
    errors: list[dict[str, object]] = []

    def error(row: int | None, field_key: str | None, message: str) -> None:
        errors.append({"row": row, "field": FIELD_LABELS.get(field_key or "", ""), "message": message})

    try:
        table = read_table(data, filename, header_keywords=["level", "kind", "name", "parent", "cap", "loai", "ten"])
    except TabularError as exc:
        error(None, None, str(exc))
        return UnitImportPlan(rows=[], errors=errors)

    mapping = _map_columns([c.label for c in table.columns])
    missing = [FIELD_LABELS[k] for k in REQUIRED if mapping.get(k) is None]
    if missing:
        error(
            None,
            None,
            "Thiếu cột bắt buộc: " + ", ".join(missing) + " (dòng tiêu đề: level, kind, name, parent).",
        )
        return UnitImportPlan(rows=[], errors=errors, header_row=table.header_rows[-1] if table.header_rows else None)

    def cell(row_cells: list[object], key: str) -> object:
        idx = mapping.get(key)
        return row_cells[idx] if idx is not None and idx < len(row_cells) else None

    def text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return nfc(str(value))

    rows: list[PlannedRow] = []
    for source in table.data_rows():
        r = PlannedRow(number=source.number)
        level_text = fold(text(cell(source.cells, "level")))
        r.level = LEVEL_WORDS.get(level_text)
        if r.level is None:
            r.errors.append(
                f"Cấp “{text(cell(source.cells, 'level'))}” không hợp lệ (province, district, commune, area)."
            )
            error(r.number, "level", r.errors[-1])
        kind_text = text(cell(source.cells, "kind"))
        r.kind = KIND_WORDS.get(fold(kind_text), "")
        if not r.kind:
            r.errors.append(f"Loại đơn vị “{kind_text}” không có trong danh mục.")
            error(r.number, "kind", r.errors[-1])
        r.name = text(cell(source.cells, "name"))
        if not r.name:
            r.errors.append("Thiếu tên đơn vị.")
            error(r.number, "name", r.errors[-1])
        r.parent_name = text(cell(source.cells, "parent"))
        r.code = text(cell(source.cells, "code"))
        r.parent_code = text(cell(source.cells, "parent_code"))
        try:
            r.valid_from = parse_date(cell(source.cells, "valid_from"))
        except CellError as exc:
            r.errors.append(str(exc))
            error(r.number, "valid_from", str(exc))
        if r.level is not None and r.kind and r.kind not in LEVEL_KINDS[r.level]:
            r.errors.append(f"Loại “{Kind(r.kind).label}” không thuộc {Level(r.level).label.lower()}.")
            error(r.number, "kind", r.errors[-1])
        rows.append(r)

    if not rows:
        error(None, None, "Tệp không có dòng dữ liệu nào.")

    # Duplicates inside the file: same name at the same level under the same parent.
    seen: dict[tuple[int | None, str, str], PlannedRow] = {}
    by_name: dict[str, list[PlannedRow]] = {}
    by_code: dict[str, PlannedRow] = {}
    for r in rows:
        key = (r.level, fold(r.name), fold(r.parent_code or r.parent_name))
        if r.name and key in seen:
            r.errors.append(f"Trùng với dòng {seen[key].number}.")
            error(r.number, "name", f"Đơn vị “{r.name}” trùng với dòng {seen[key].number}.")
        else:
            seen[key] = r
        by_name.setdefault(fold(r.name), []).append(r)
        if r.code:
            if r.code in by_code:
                error(r.number, "code", f"Mã {r.code} trùng với dòng {by_code[r.code].number}.")
            by_code[r.code] = r

    manage_all = user.is_superuser
    for r in rows:
        if r.errors:
            r.action = "error"
            continue
        # Resolve the parent: a row of this file first, then a unit already in the system.
        if r.parent_code or r.parent_name:
            candidates = (
                [by_code[r.parent_code]] if r.parent_code and r.parent_code in by_code
                else [p for p in by_name.get(fold(r.parent_name), []) if p is not r and not r.parent_code]
            )  # fmt: skip
            if len(candidates) > 1:
                lines = ", ".join(str(c.number) for c in candidates)
                r.errors.append("ambiguous")
                error(
                    r.number,
                    "parent",
                    f"Tên đơn vị cấp trên “{r.parent_name}” trùng ở các dòng {lines}; hãy ghi mã.",
                )
            elif candidates:
                r.parent_row = candidates[0]
            else:
                db = active_on(OrgUnit.objects.all(), r.valid_from or dates.today())  # the parent of that day
                db = db.filter(code=r.parent_code) if r.parent_code else db.filter(name_folded=fold(r.parent_name))
                found = list(db[:3])
                if len(found) > 1:
                    r.errors.append("ambiguous")
                    error(
                        r.number,
                        "parent",
                        f"Có nhiều đơn vị tên “{r.parent_name}”; hãy ghi mã đơn vị cấp trên.",
                    )
                elif not found:
                    r.errors.append("unknown parent")
                    wanted = r.parent_code or r.parent_name
                    message = f"Không tìm thấy đơn vị cấp trên “{wanted}” (trong tệp hoặc trong hệ thống)."
                    error(r.number, "parent", message)
                else:
                    r.parent_unit = found[0]
        elif r.level not in (Level.COUNTRY, Level.PROVINCE):
            r.errors.append("no parent")
            error(r.number, "parent", f"{Level(r.level or 0).label} “{r.name}” phải có đơn vị cấp trên.")

    # Levels must go down the tree, and existing units are matched so that re-imports add nothing.
    for r in rows:
        if r.errors:
            r.action = "error"
            continue
        parent_level = r.parent_row.level if r.parent_row else (r.parent_unit.level if r.parent_unit else None)
        if parent_level is not None and r.level is not None and r.level <= parent_level:
            parent_label = r.parent_row.label if r.parent_row else str(r.parent_unit)
            r.errors.append("level")
            parent_level_label = str(Level(parent_level).label).lower()
            message = f"{Level(r.level).label} “{r.name}” không thể trực thuộc {parent_label} ({parent_level_label})."
            error(r.number, "level", message)
            r.action = "error"
            continue
        r.action = "create"

    # Resolve existing units top-down (a parent must be resolved before its children).
    for r in sorted((r for r in rows if r.action == "create"), key=lambda r: r.level or 0):
        parent = r.parent_unit or (r.parent_row.existing if r.parent_row else None)
        if r.parent_row and r.parent_row.existing is None:
            continue  # parent will be created, so this one is new too
        qs = OrgUnit.objects.filter(parent=parent, level=r.level, name_folded=fold(r.name))
        existing = qs.first()
        if existing:
            if existing.kind != r.kind:
                r.action = "error"
                error(r.number, "kind", f"{existing.title} đã có với loại khác “{existing.get_kind_display()}”.")
                continue
            r.existing, r.action = existing, "unchanged"
        elif r.code and OrgUnit.objects.filter(code=r.code).exists():
            r.action = "error"
            error(r.number, "code", f"Mã {r.code} đã được dùng cho đơn vị khác.")

    # Scope: new units can be created only under units the user manages.
    for r in rows:
        if r.action != "create" or manage_all:
            continue
        anchor = r.parent_unit or _nearest_existing(r)
        if anchor is None or not has_perm(user, "units.manage", anchor):
            r.action = "error"
            where = anchor.title if anchor else "cấp gốc"
            error(r.number, "parent", f"Bạn không có quyền tạo đơn vị trong {where}.")

    errors.sort(key=lambda e: (e["row"] is not None, e["row"] or 0))
    return UnitImportPlan(rows=rows, errors=errors, header_row=table.header_rows[-1], mapping=mapping)


def _nearest_existing(r: PlannedRow) -> OrgUnit | None:
    node: PlannedRow | None = r.parent_row
    while node is not None:
        if node.existing is not None:
            return node.existing
        if node.parent_unit is not None:
            return node.parent_unit
        node = node.parent_row
    return None


@transaction.atomic
def commit_unit_import(*, actor: User, batch: ImportBatch) -> UnitImportPlan:
    """Re-check the stored file and write it all, or nothing."""
    batch.file.open("rb")
    try:
        data = batch.file.read()
    finally:
        batch.file.close()
    plan = plan_unit_import(data=data, filename=batch.file_name, user=actor)
    if not plan.ok:
        batch.move_to(ImportStatus.FAILED)
        batch.errors, batch.counts = plan.errors, plan.counts()
        batch.save(update_fields=["status", "errors", "counts"])
        return plan
    with as_actor(actor):
        for r in sorted(plan.rows, key=lambda r: r.level or 0):
            if r.action != "create":
                continue
            parent = r.parent_unit or (r.parent_row.existing if r.parent_row else None)
            fields = {
                "parent": parent, "level": r.level, "kind": r.kind, "name": r.name, "code": r.code,
                "valid_from": r.valid_from or dt.date(2000, 1, 1),
            }  # fmt: skip
            if parent is None:
                r.existing = OrgUnit.objects.add_root(fields)
            else:
                # add_child locks and re-reads the parent, so numchild stays right across many rows.
                r.existing = OrgUnit.objects.add_child(parent, fields)
        batch.move_to(ImportStatus.COMMITTED, actor=actor)
        batch.errors, batch.counts = [], plan.counts()
        batch.mapping = {k: v for k, v in plan.mapping.items()}
        batch.save()
    return plan
