"""Import the approved household list from the Excel file a commune really keeps.

The reader (core.tabular) finds the header and classifies rows; here the confirmed column
mapping turns data rows into households. Every problem is reported with its sheet row number;
the file's own subtotals and grand total are checked against the rows read; nothing is written
unless the whole file is clean, and then in one transaction. A household already in the system
(same code, else same citizen ID, else same area + name + birth year) is updated only if the
file says something different, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from chungtay.accounts.models import User
from chungtay.core.access import scope_paths
from chungtay.core.errors import DomainError
from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.core.money import format_vnd
from chungtay.core.tabular import (
    CellError,
    Table,
    TabularError,
    column_letter,
    is_marked,
    parse_amount,
    parse_date,
    parse_year,
    read_table,
    suggest_mapping,
)
from chungtay.core.text import fold, nfc
from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.selectors import active_on

from . import services
from .models import Category, Household, SupportKind, SupportNorm

KIND = "households"

# field → folded synonyms of its header label; the order is the order of the mapping form.
FIELDS: dict[str, tuple[str, ...]] = {
    "order": ("stt", "so thu tu", "tt"),
    "code": ("ma ho", "ma so ho"),
    "head_name": ("ho va ten chu ho", "ho ten chu ho", "ho va ten", "chu ho", "ho ten"),
    "birth_year": ("nam sinh",),
    "gender": ("gioi tinh",),
    "citizen_id": ("so cccd", "cccd", "cmnd", "so dinh danh", "can cuoc cong dan"),
    "phone": ("so dien thoai", "dien thoai"),
    "address": ("dia chi", "dia chi cu the"),
    "area": ("khu dan cu", "thon khoi pho", "thon", "khoi pho", "to dan pho"),
    "poor": ("ho ngheo",),
    "near_poor": ("ho can ngheo",),
    "policy": ("gia dinh chinh sach", "nguoi co cong", "chinh sach"),
    "disaster": ("thien tai", "ho bi thien tai"),
    "other": ("khac", "ho khac", "doi tuong khac"),
    "build": ("xay moi",),
    "repair": ("sua chua",),
    "year": ("nam thuc hien", "phan ky", "nam ho tro", "nam thuc hien phan ky"),
    "amount": ("kinh phi ho tro", "muc ho tro", "so tien", "kinh phi"),
    "note": ("ghi chu",),
}
FIELD_LABELS: dict[str, str] = {
    "order": "STT",
    "code": "Mã hộ",
    "head_name": "Họ và tên chủ hộ",
    "birth_year": "Năm sinh",
    "gender": "Giới tính",
    "citizen_id": "Số CCCD",
    "phone": "Số điện thoại",
    "address": "Địa chỉ cụ thể",
    "area": "Khu dân cư",
    "poor": "Loại hộ: Hộ nghèo",
    "near_poor": "Loại hộ: Hộ cận nghèo",
    "policy": "Loại hộ: Gia đình chính sách",
    "disaster": "Loại hộ: Thiên tai",
    "other": "Loại hộ: Khác",
    "build": "Hình thức: Xây mới",
    "repair": "Hình thức: Sửa chữa",
    "year": "Năm thực hiện (phân kỳ)",
    "amount": "Kinh phí hỗ trợ (đồng)",
    "note": "Ghi chú",
}
HEADER_KEYWORDS = ("ho va ten chu ho", "nam sinh", "khu dan cu", "kinh phi ho tro", "xay moi", "sua chua")
CATEGORY_FIELDS = {
    "poor": Category.POOR,
    "near_poor": Category.NEAR_POOR,
    "policy": Category.POLICY,
    "disaster": Category.DISASTER,
    "other": Category.OTHER,
}
KIND_FIELDS = {"build": SupportKind.NEW, "repair": SupportKind.REPAIR}
REQUIRED = ("head_name", "area", "year")
# DomainError.field of the household rules → the import field it comes from.
SERVICE_FIELD = {
    "head_name": "head_name", "area": "area", "category": "poor", "support_kind": "build", "gender": "gender",
    "phase_year": "year", "birth_year": "birth_year", "citizen_id": "citizen_id", "phone": "phone",
    "decision_number": None, "state_support": "amount", "override_reason": "amount",
}  # fmt: skip
_UNIT_PREFIXES = ("thi tran ", "phuong ", "xa ", "khoi pho ", "thon ", "to dan pho ")
_MASKED = re.compile(r"\S+( \w\.)+")
_DECISION = re.compile(
    r"(?:quyết định|qđ)\s*(?:số)?\s*:?\s*(\d+[\w/.\-]*)\s*,?\s*ngày\s*(\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4})",
    re.IGNORECASE,
)


@dataclass
class ImportSettings:
    """What the person confirmed in the mapping step (kept in ImportBatch.mapping)."""

    columns: dict[str, int | None]
    decision_number: str = ""
    decision_date: dt.date | None = None
    header_row: int | None = None
    header_depth: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "columns": self.columns, "decision_number": self.decision_number,
            "decision_date": self.decision_date.isoformat() if self.decision_date else None,
            "header_row": self.header_row, "header_depth": self.header_depth,
        }  # fmt: skip

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportSettings:
        day = data.get("decision_date")
        return cls(
            columns={k: (int(v) if v is not None else None) for k, v in (data.get("columns") or {}).items()},
            decision_number=data.get("decision_number") or "",
            decision_date=dt.date.fromisoformat(day) if day else None,
            header_row=data.get("header_row"),
            header_depth=data.get("header_depth"),
        )


@dataclass
class PlannedHousehold:
    number: int
    section: str | None
    data: services.HouseholdData | None = None
    code: str = ""
    action: str = ""  # create | update | unchanged | error
    existing: Household | None = None
    changed: list[str] = field(default_factory=list)


@dataclass
class HouseholdImportPlan:
    rows: list[PlannedHousehold]
    errors: list[dict[str, Any]]
    table: Table | None = None
    settings: ImportSettings | None = None
    totals: list[dict[str, Any]] = field(default_factory=list)  # the file's sums, checked

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.rows)

    def counts(self) -> dict[str, int]:
        return {
            "rows": len(self.rows),
            "create": sum(r.action == "create" for r in self.rows),
            "update": sum(r.action == "update" for r in self.rows),
            "unchanged": sum(r.action == "unchanged" for r in self.rows),
            "errors": len(self.errors),
        }


def load_table(data: bytes, filename: str, *, header_row: int | None = None, header_depth: int | None = None) -> Table:
    return read_table(data, filename, header_keywords=HEADER_KEYWORDS, header_row=header_row, header_depth=header_depth)


def suggest(table: Table) -> dict[str, int | None]:
    return suggest_mapping(table, FIELDS)


def detect_decision(table: Table) -> tuple[str, dt.date | None]:
    """ "(Kèm theo Quyết định số 8584/QĐ-UBND ngày 20/12/2023 …)" in the title rows."""
    for row in table.preamble:
        for value in row.cells:
            if isinstance(value, str):
                match = _DECISION.search(nfc(value))
                if match:
                    try:
                        return match.group(1).rstrip(".,"), parse_date(re.sub(r"\s", "", match.group(2)))
                    except CellError:
                        return match.group(1).rstrip(".,"), None
    return "", None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _digits(value: Any, width: int) -> str:
    """An ID typed as a number loses its leading zero in Excel (049… → 49…): put it back."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        text = str(int(value))
        return text.zfill(width) if len(text) == width - 1 else text
    return re.sub(r"[\s.]", "", _text(value))


def _strip_unit_prefix(folded: str) -> str:
    for prefix in _UNIT_PREFIXES:
        if folded.startswith(prefix):
            return folded[len(prefix) :]
    return folded


class _Places:
    """Communes and residential areas the user may import into, looked up by folded name."""

    def __init__(self, user: User) -> None:
        qs = active_on(OrgUnit.objects.filter(level__in=[Level.COMMUNE, Level.AREA]))  # in force today
        if not user.is_superuser:
            paths = scope_paths(user, "housing.edit")
            if not paths:
                qs = qs.none()
            else:
                from django.db.models import Q

                q = Q()
                for path in paths:
                    q |= Q(path__startswith=path)
                # The commune above an area-level scope is needed to read its section row.
                q |= Q(path__in=[p[: len(p) - OrgUnit.steplen] for p in paths])
                qs = qs.filter(q)
            self.edit_paths = paths
        else:
            self.edit_paths = [""]
        units = list(qs.order_by("path"))
        self.communes = [u for u in units if u.level == Level.COMMUNE]
        self.areas = [u for u in units if u.level == Level.AREA and self.may_edit(u)]
        self.communes_by_name: dict[str, list[OrgUnit]] = {}
        for commune in self.communes:
            for key in {commune.name_folded, _strip_unit_prefix(commune.name_folded)}:
                self.communes_by_name.setdefault(key, []).append(commune)

    def may_edit(self, unit: OrgUnit) -> bool:
        return any(unit.path.startswith(p) for p in self.edit_paths)

    def commune(self, text: str) -> OrgUnit | None:
        folded = fold(text)
        found = self.communes_by_name.get(folded) or self.communes_by_name.get(_strip_unit_prefix(folded)) or []
        return found[0] if len(found) == 1 else None

    def areas_named(self, text: str, commune: OrgUnit | None) -> list[OrgUnit]:
        # "Thôn 1" must not match "Khối phố 1": only the stored name may lose its kind word.
        folded = fold(text)
        return [
            a
            for a in self.areas
            if folded in (a.name_folded, _strip_unit_prefix(a.name_folded))
            and (commune is None or a.path.startswith(commune.path))
        ]

    @property
    def single_commune(self) -> OrgUnit | None:
        communes = {a.path[: -OrgUnit.steplen] for a in self.areas}
        if len(communes) == 1:
            return next((c for c in self.communes if c.path in communes), None)
        return None


def _looks_like_unit(text: str) -> bool:
    folded = fold(text)
    return folded.startswith(_UNIT_PREFIXES) or folded.rstrip() in ("phuong", "xa", "thon")


def plan_household_import(*, data: bytes, filename: str, user: User, settings: ImportSettings) -> HouseholdImportPlan:
    """Read and check the whole file; decide for every data row what a commit would do."""
    errors: list[dict[str, Any]] = []

    def error(row: int | None, field_key: str | None, message: str) -> None:
        column = settings.columns.get(field_key) if field_key else None
        errors.append({
            "row": row,
            "field": FIELD_LABELS.get(field_key or "", ""),
            "column": column_letter(column) if column is not None else "",
            "message": message,
        })  # fmt: skip

    try:
        table = load_table(data, filename, header_row=settings.header_row, header_depth=settings.header_depth)
    except TabularError as exc:
        error(None, None, exc.message)
        return HouseholdImportPlan(rows=[], errors=errors, settings=settings)

    columns = settings.columns
    width = len(table.columns)
    for key, index in list(columns.items()):
        if key not in FIELDS or (index is not None and not 0 <= index < width):
            columns[key] = None
    missing = [FIELD_LABELS[k] for k in REQUIRED if columns.get(k) is None]
    if not any(columns.get(k) is not None for k in KIND_FIELDS):
        missing.append("Hình thức hỗ trợ (Xây mới / Sửa chữa)")
    if not any(columns.get(k) is not None for k in CATEGORY_FIELDS):
        missing.append("Loại hộ")
    if missing:
        error(None, None, "Chưa chọn cột cho: " + ", ".join(missing) + ".")
    used: dict[int, str] = {}
    for key, index in columns.items():
        if index is None:
            continue
        if index in used:
            error(None, None, f"Cột {column_letter(index)} được chọn cho cả “{FIELD_LABELS[used[index]]}” "
                  f"và “{FIELD_LABELS[key]}”.")  # fmt: skip
        used[index] = key
    if not settings.decision_number or settings.decision_date is None:
        error(None, None, "Cần ghi số và ngày của quyết định phê duyệt danh sách.")
    if errors:
        return HouseholdImportPlan(rows=[], errors=errors, table=table, settings=settings)

    def cell(row: Any, key: str) -> Any:
        index = columns.get(key)
        return row.get(index) if index is not None else None

    places = _Places(user)
    norms = list(SupportNorm.objects.all())
    rows: list[PlannedHousehold] = []
    totals: list[dict[str, Any]] = []
    commune: OrgUnit | None = places.single_commune
    section_area: OrgUnit | None = None
    grand_sum = 0
    section_sum = since_subtotal = 0
    uncertain = False  # an amount in the running sums could not be read

    for row in table.rows:
        if row.kind == "section":
            name = row.section or ""
            found = places.commune(name)
            if found is not None:
                commune, section_area = found, None
                section_sum = since_subtotal = 0
                continue
            areas = places.areas_named(name, commune)
            if len(areas) == 1:
                section_area = areas[0]
                commune = next((c for c in places.communes if section_area.path.startswith(c.path)), commune)
                continue
            if _looks_like_unit(name):
                error(row.number, None, f"Không tìm thấy đơn vị “{name}” trong phạm vi bạn được nhập danh sách.")
                commune, section_area = None, None
            continue
        if row.kind in ("subtotal", "total"):
            written_cell = cell(row, "amount")
            try:
                written = parse_amount(written_cell)
            except CellError as exc:
                error(row.number, "amount", f"Dòng tổng: {exc.message}")
                continue
            if written is None:
                continue
            label = _text(next((v for v in row.cells if isinstance(v, str)), "")) or "Cộng"
            candidates: tuple[int, ...]
            if row.kind == "subtotal":
                expected, candidates = section_sum, (section_sum, since_subtotal)
                since_subtotal = 0
            else:
                expected, candidates = grand_sum, (grand_sum,)
            ok = uncertain or written in candidates
            totals.append({"row": row.number, "label": label, "written": written, "computed": expected, "ok": ok})
            if not ok:
                error(
                    row.number,
                    "amount",
                    f"Dòng “{label}”: tệp ghi {format_vnd(written)} nhưng các hộ phía trên cộng lại "
                    f"{format_vnd(expected)} (chênh {format_vnd(written - expected)}).",
                )
            continue
        if row.kind != "data":
            continue

        planned = PlannedHousehold(number=row.number, section=row.section)
        rows.append(planned)
        row_errors = len(errors)

        name = _text(cell(row, "head_name"))
        if not name:
            error(row.number, "head_name", "Thiếu họ và tên chủ hộ.")
        elif _MASKED.fullmatch(name):
            error(row.number, "head_name", f"Họ tên “{name}” đã bị che; cần họ tên đầy đủ.")
        area_text = _text(cell(row, "area"))
        area: OrgUnit | None = None
        if area_text:
            areas = places.areas_named(area_text, commune)
            if len(areas) == 1:
                area = areas[0]
            elif len(areas) > 1:
                error(row.number, "area", f"Có nhiều khu dân cư tên “{area_text}”; thêm dòng tên xã/phường phía trên.")
            else:
                where = f" thuộc {commune.title}" if commune else " trong phạm vi bạn được nhập"
                error(row.number, "area", f"Không tìm thấy khu dân cư “{area_text}”{where}.")
        elif section_area is not None:
            area = section_area
        else:
            error(row.number, "area", "Thiếu khu dân cư (thôn, khối phố).")

        categories = _marks(row, columns, CATEGORY_FIELDS, error)
        if len(categories) > 1:
            names = ", ".join(FIELD_LABELS[k].split(": ")[1] for k in categories)
            error(row.number, categories[0], f"Đánh dấu nhiều loại hộ ({names}); chỉ chọn một.")
        elif not categories and len(errors) == row_errors:
            error(row.number, "poor", "Chưa đánh dấu loại hộ (hộ nghèo, cận nghèo, chính sách…).")
        kinds = _marks(row, columns, KIND_FIELDS, error)
        if len(kinds) > 1:
            error(row.number, "build", "Đánh dấu cả “Xây mới” và “Sửa chữa”; chỉ chọn một.")
        elif not kinds:
            error(row.number, "build", "Chưa đánh dấu hình thức hỗ trợ (Xây mới hoặc Sửa chữa).")

        year = birth_year = amount = None
        try:
            year = parse_year(cell(row, "year"))
            if year is None:
                error(row.number, "year", "Thiếu năm thực hiện (phân kỳ).")
        except CellError as exc:
            error(row.number, "year", f"Năm thực hiện: {exc.message}.")
        try:
            birth_year = parse_year(cell(row, "birth_year"))
        except CellError as exc:
            error(row.number, "birth_year", f"Năm sinh: {exc.message}.")
        try:
            amount = parse_amount(cell(row, "amount"))
            if amount is not None and amount < 0:
                error(row.number, "amount", "Kinh phí hỗ trợ không được âm.")
        except CellError as exc:
            error(row.number, "amount", f"Kinh phí hỗ trợ: {exc.message}.")
            uncertain = True
        grand_sum += amount or 0
        section_sum += amount or 0
        since_subtotal += amount or 0

        gender_text = fold(_text(cell(row, "gender")))
        gender = {"nam": "male", "nu": "female", "": ""}.get(gender_text)
        if gender is None:
            error(row.number, "gender", f"Giới tính “{_text(cell(row, 'gender'))}” không hợp lệ (Nam hoặc Nữ).")

        if len(errors) > row_errors or area is None or year is None:
            planned.action = "error"
            continue
        planned.code = _text(cell(row, "code"))
        note = _text(cell(row, "note"))
        data_ = services.HouseholdData(
            area=area, head_name=name, category=CATEGORY_FIELDS[categories[0]], support_kind=KIND_FIELDS[kinds[0]],
            phase_year=year, decision_number=nfc(settings.decision_number), decision_date=settings.decision_date,  # type: ignore[arg-type]
            gender=gender or "", birth_year=birth_year, citizen_id=_digits(cell(row, "citizen_id"), 12),
            phone=_digits(cell(row, "phone"), 10), address_detail=_text(cell(row, "address")),
            state_support=amount, override_reason=note, note=note,
        )  # fmt: skip
        planned.data = data_
        try:
            services.clean_household(data_, norms=norms)
        except DomainError as exc:
            column_key = SERVICE_FIELD.get(exc.field or "")
            message = exc.message
            if exc.field == "override_reason":
                message += " Ghi lý do vào cột Ghi chú."
            error(row.number, column_key, message)
            planned.action = "error"

    if not rows and not errors:
        error(None, None, "Không tìm thấy dòng hộ nào dưới dòng tiêu đề. Kiểm tra lại dòng tiêu đề đã chọn.")

    _check_duplicates(rows, error)
    _match_existing(rows, columns, places, error)
    errors.sort(key=lambda e: (e["row"] is not None, e["row"] or 0))
    return HouseholdImportPlan(rows=rows, errors=errors, table=table, settings=settings, totals=totals)


def _marks(row: Any, columns: dict[str, int | None], fields: Iterable[str], error: Any) -> list[str]:
    """Which of these sub-columns carry an "x"; a stray value is reported, not guessed."""
    found: list[str] = []
    for key in fields:
        index = columns.get(key)
        if index is None:
            continue
        try:
            if is_marked(row.get(index)):
                found.append(key)
        except CellError as exc:
            error(row.number, key, exc.message[:1].upper() + exc.message[1:] + ".")
    return found


def _check_duplicates(rows: list[PlannedHousehold], error: Any) -> None:
    seen: dict[Any, PlannedHousehold] = {}
    for r in rows:
        if r.data is None or r.action == "error":
            continue
        keys: list[tuple[str, *tuple[object, ...]]] = [
            ("name", r.data.area.pk, fold(r.data.head_name), r.data.birth_year)
        ]
        if r.data.citizen_id:
            keys.append(("id", r.data.citizen_id))
        if r.code:
            keys.append(("code", r.code))
        for key in keys:
            if key in seen:
                what = {"name": "cùng khu dân cư, họ tên, năm sinh", "id": "cùng số CCCD", "code": "cùng mã hộ"}[key[0]]
                field_key = {"name": "head_name", "id": "citizen_id", "code": "code"}[key[0]]
                error(r.number, field_key, f"Hộ “{r.data.head_name}” trùng với dòng {seen[key].number} ({what}).")
                r.action = "error"
                break
            seen[key] = r


def export_note(household: Household) -> str:
    """What the Ghi chú column says: the note, or the reason when the amount differs from the norm."""
    if household.note:
        return household.note
    return note_column(household.note, household.override_reason, household.state_support, household.norm.amount)


def note_column(note: str, override_reason: str, state_support: int, norm_amount: int) -> str:
    """export_note over plain values: the streaming export reads rows with values(), not households."""
    if note:
        return note
    return override_reason if state_support != norm_amount else ""


def _match_existing(rows: list[PlannedHousehold], columns: dict[str, int | None], places: _Places, error: Any) -> None:
    candidates = [r for r in rows if r.data is not None and r.action != "error"]
    if not candidates:
        return
    area_ids = {r.data.area.pk for r in candidates}  # type: ignore[union-attr]
    codes = {r.code for r in candidates if r.code}
    ids = {r.data.citizen_id for r in candidates if r.data and r.data.citizen_id}
    from django.db.models import Q

    existing = list(
        Household.objects.filter(Q(area_id__in=area_ids) | Q(code__in=codes) | Q(citizen_id__in=ids)).select_related(
            "area", "norm"
        )
    )
    by_code = {h.code: h for h in existing}
    by_id = {h.citizen_id: h for h in existing if h.citizen_id}
    by_name = {(h.area_id, h.head_name_folded, h.birth_year): h for h in existing}
    for r in candidates:
        data = r.data
        assert data is not None
        found = (
            (by_code.get(r.code) if r.code else None)
            or (by_id.get(data.citizen_id) if data.citizen_id else None)
            or by_name.get((data.area.pk, fold(data.head_name), data.birth_year))
        )
        if found is None:
            r.action = "create"
            continue
        if not places.may_edit(found.area):
            error(r.number, "code", f"Hộ {found.code} thuộc {found.area.title}, ngoài phạm vi bạn được sửa.")
            r.action = "error"
            continue
        # Columns the file does not have keep what the system already knows.
        keep = {
            "gender": "gender", "birth_year": "birth_year", "citizen_id": "citizen_id", "phone": "phone",
            "address": "address_detail", "note": "note",
        }  # fmt: skip
        for key, attr in keep.items():
            if columns.get(key) is None:
                setattr(data, attr, getattr(found, attr))
        if columns.get("note") is None:
            data.override_reason = found.override_reason
        elif data.note == export_note(found) and not found.note:
            data.note = ""  # the exported reason came back in the note column
            data.override_reason = found.override_reason or data.override_reason
        if columns.get("amount") is None or data.state_support is None:
            data.state_support = found.state_support
            data.override_reason = data.override_reason or found.override_reason
        data.health_note, data.lat, data.lon = found.health_note, found.lat, found.lon
        data.photo_consent = found.photo_consent
        try:
            fields, _norm = services.clean_household(data)
        except DomainError as exc:
            error(r.number, SERVICE_FIELD.get(exc.field or ""), exc.message)
            r.action = "error"
            continue
        r.existing = found
        r.changed = [name for name, value in fields.items() if getattr(found, name) != value]
        r.action = "update" if r.changed else "unchanged"


@transaction.atomic
def commit_household_import(*, actor: User, batch: ImportBatch) -> HouseholdImportPlan:
    """Re-check the stored file with the stored mapping and write it all, or nothing."""
    batch.file.open("rb")
    try:
        data = batch.file.read()
    finally:
        batch.file.close()
    settings = ImportSettings.from_json(batch.mapping)
    plan = plan_household_import(data=data, filename=batch.file_name, user=actor, settings=settings)
    if not plan.ok:
        batch.move_to(ImportStatus.FAILED)
        batch.errors, batch.counts = plan.errors, plan.counts()
        batch.save(update_fields=["status", "errors", "counts"])
        return plan
    norms = list(SupportNorm.objects.all())
    for r in plan.rows:
        assert r.data is not None
        if r.action == "create":
            r.existing = services.household_create(actor=actor, data=r.data, code=r.code, norms=norms)
        elif r.action == "update":
            assert r.existing is not None
            services.household_update(actor=actor, household=r.existing, data=r.data, norms=norms)
    batch.move_to(ImportStatus.COMMITTED, actor=actor)
    batch.errors, batch.counts = [], plan.counts()
    batch.save()
    return plan
