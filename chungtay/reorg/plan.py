"""Read a published reorganisation mapping and work out, without writing, everything it would do.

The mapping is a table (CSV or Excel, or typed into the page as CSV) with Vietnamese headers:

    Đơn vị mới | Loại | Trực thuộc | Đơn vị cũ | Phạm vi | Khu dân cư

One row per (new unit, old unit) pair: the new unit "trên cơ sở nhập" the old unit, whole
("toàn bộ", the default) or in part ("một phần": the old commune's residential areas listed in
"Khu dân cư", separated by ";"). "Trực thuộc" names the new unit's parent: another new unit of the
file or a unit in force. An old unit is named as "Khối phố 1 (Vĩnh Điện)" where its name alone is
ambiguous. Old units whose level is removed (the district level) end, and what was under them goes
to their new unit directly; whatever the file does not name is carried over whole under the new
unit that takes its parent, so a file lists only what changes. The effective date, the resolution
and the levels removed are asked on the page.

Nothing here writes; services.commit() applies a plan in one transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Q

from chungtay.campaigns.models import Obligation
from chungtay.core.models import Document
from chungtay.core.tabular import TabularError, read_table
from chungtay.core.text import fold, nfc
from chungtay.funds.models import Account, AccountKind, Fund
from chungtay.housing.models import OPEN_COMPLAINT, Complaint, Household
from chungtay.orgunits.models import LEVEL_KINDS, Kind, Level, Membership, OrgUnit, SuccessionKind
from chungtay.orgunits.selectors import active_on

COLUMNS: dict[str, tuple[str, ...]] = {
    "new": ("don vi moi", "ten don vi moi", "new unit", "new"),
    "kind": ("loai", "loai don vi moi", "loai hinh", "kind"),
    "parent": ("truc thuoc", "don vi cap tren", "cap tren", "parent"),
    "old": ("don vi cu", "tren co so nhap", "old unit", "old"),
    "scope": ("pham vi", "toan bo/mot phan", "scope"),
    "areas": ("khu dan cu", "cac khu dan cu", "khu dan cu chuyen", "areas"),
}
LABELS = {
    "new": "Đơn vị mới",
    "kind": "Loại",
    "parent": "Trực thuộc",
    "old": "Đơn vị cũ",
    "scope": "Phạm vi",
    "areas": "Khu dân cư",
}
REQUIRED = ("new", "kind", "old")
WHOLE_WORDS = {"", "toan bo", "nguyen trang", "ca", "whole"}
PART_WORDS = {"mot phan", "part", "partial"}
KIND_WORDS: dict[str, str] = {fold(str(label)): value for value, label in Kind.choices} | {
    value: value for value in Kind.values
}
TEMPLATE_CSV = (
    "Đơn vị mới,Loại,Trực thuộc,Đơn vị cũ,Phạm vi,Khu dân cư\n"
    "Đà Nẵng,thành phố,,Quảng Nam,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Vĩnh Điện,toàn bộ,\n"
    "Điện Bàn,phường,Đà Nẵng,Điện An,một phần,Khối phố 1; Khối phố 2\n"
    "Điện Bàn Bắc,phường,Đà Nẵng,Điện An,một phần,Khối phố 3\n"
)


class PlanError(Exception):
    pass


@dataclass
class NewUnit:
    name: str
    kind: str
    level: int
    parent_new: NewUnit | None = None
    parent_unit: OrgUnit | None = None  # a unit in force
    rows: list[int] = field(default_factory=list)
    copied_from: OrgUnit | None = None
    unit: OrgUnit | None = None  # set by the commit

    @property
    def title(self) -> str:
        kind = str(Kind(self.kind).label)
        return self.name if fold(self.name).startswith(fold(kind)) else f"{kind} {self.name}"

    @property
    def parent_title(self) -> str:
        if self.parent_new is not None:
            return self.parent_new.title
        return self.parent_unit.title if self.parent_unit else "—"


@dataclass
class Link:
    """`old` ends; `new` takes it over (kind: an orgunits SuccessionKind)."""

    old: OrgUnit
    new: NewUnit
    kind: str

    @property
    def kind_label(self) -> str:
        return str(SuccessionKind(self.kind).label)


@dataclass
class Plan:
    effective_on: dt.date
    number: str
    title: str
    removed_levels: list[int]
    source_text: str
    errors: list[dict[str, object]] = field(default_factory=list)
    new_units: list[NewUnit] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    # Where everything on an old unit goes: {old unit id: the new unit that takes it}.
    target: dict[int, NewUnit] = field(default_factory=dict)
    households: list[tuple[Household, OrgUnit, NewUnit]] = field(default_factory=list)
    memberships: list[tuple[Membership, NewUnit]] = field(default_factory=list)
    funds: list[tuple[Fund, int, NewUnit]] = field(default_factory=list)
    complaints: list[tuple[Complaint, NewUnit]] = field(default_factory=list)
    obligations: list[tuple[Obligation, NewUnit]] = field(default_factory=list)
    documents: list[Document] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def day_before(self) -> dt.date:
        return self.effective_on - dt.timedelta(days=1)

    def error(self, row: int | None, column: str | None, message: str) -> None:
        self.errors.append({"row": row, "field": LABELS.get(column or "", ""), "message": message})

    def counts(self) -> dict[str, int]:
        return {
            "new_units": len(self.new_units),
            "closed_units": len(self.links),
            "households": len(self.households),
            "memberships": len(self.memberships),
            "funds": len(self.funds),
            "complaints": len(self.complaints),
            "obligations": len(self.obligations),
            "documents": len(self.documents),
        }


@dataclass
class _Row:
    number: int
    new: str
    kind: str
    parent: str
    old: str
    whole: bool
    areas: list[str]


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value)).strip()


def _read_rows(plan: Plan, data: bytes, filename: str) -> list[_Row]:
    try:
        table = read_table(data, filename, header_keywords=["don vi moi", "don vi cu", "truc thuoc"])
    except TabularError as exc:
        plan.error(None, None, str(exc))
        return []
    labels = [fold(c.label).replace("_", " ") for c in table.columns]
    index: dict[str, int | None] = {}
    for key, words in COLUMNS.items():
        index[key] = next((i for i, label in enumerate(labels) if label in words), None)
    missing = [LABELS[k] for k in REQUIRED if index[k] is None]
    if missing:
        plan.error(
            None, None, "Thiếu cột bắt buộc: " + ", ".join(missing) + ". Dòng tiêu đề: " + TEMPLATE_CSV.split("\n")[0]
        )
        return []
    rows: list[_Row] = []
    for source in table.data_rows():

        def cell(key: str, source=source) -> str:
            i = index[key]
            return _text(source.cells[i]) if i is not None and i < len(source.cells) else ""

        scope = fold(cell("scope"))
        if scope not in WHOLE_WORDS | PART_WORDS:
            plan.error(
                source.number, "scope", f"Phạm vi “{cell('scope')}” không hợp lệ: ghi “toàn bộ” hoặc “một phần”."
            )
        areas = [nfc(a).strip() for a in re.split(r"[;\n]", cell("areas")) if a.strip()]
        row = _Row(
            source.number, cell("new"), cell("kind"), cell("parent"), cell("old"), scope not in PART_WORDS, areas
        )
        for key in REQUIRED:
            if not getattr(row, key):
                plan.error(source.number, key, f"Thiếu {LABELS[key].lower()}.")
        if not row.whole and not areas:
            plan.error(
                source.number, "areas", "Nhập một phần thì phải ghi các khu dân cư được chuyển (cách nhau bởi “;”)."
            )
        rows.append(row)
    if not rows and not plan.errors:
        plan.error(None, None, "Phương án không có dòng nào.")
    return rows


def _split_name(text: str) -> tuple[str, str]:
    """ "Khối phố 1 (Vĩnh Điện)" → ("Khối phố 1", "Vĩnh Điện")."""
    match = re.fullmatch(r"(.+?)\s*\(([^()]+)\)", text)
    return (match.group(1).strip(), match.group(2).strip()) if match else (text, "")


def _strip_kind(folded: str) -> str:
    """ "phuong vinh dien" → "vinh dien": the old unit may be written with its kind."""
    for label in sorted((fold(str(label)) for _v, label in Kind.choices), key=len, reverse=True):
        if folded.startswith(label + " ") and not folded.startswith(("khoi pho ", "thon ", "to dan pho ")):
            return folded[len(label) + 1 :]
    return folded


class _Units:
    """The units in force the day before the reorganisation, found by name."""

    def __init__(self, day: dt.date) -> None:
        self.day = day
        self.units = list(active_on(OrgUnit.objects.all(), day).select_related("parent"))
        self.by_id = {u.pk: u for u in self.units}
        self.by_name: dict[str, list[OrgUnit]] = {}
        for u in self.units:
            self.by_name.setdefault(u.name_folded, []).append(u)
        self.children: dict[int, list[OrgUnit]] = {}
        for u in self.units:
            if u.parent_id in self.by_id:
                self.children.setdefault(u.parent_id, []).append(u)

    def find(self, text: str) -> tuple[OrgUnit | None, str]:
        name, parent = _split_name(text)
        folded = fold(name)
        found = self.by_name.get(folded) or self.by_name.get(_strip_kind(folded)) or []
        if parent:
            p = _strip_kind(fold(parent))
            found = [u for u in found if u.parent is not None and u.parent.name_folded in (p, fold(parent))]
        if len(found) == 1:
            return found[0], ""
        if not found:
            return None, f"Không tìm thấy đơn vị “{text}” đang hoạt động ngày {self.day:%d/%m/%Y}."
        where = ", ".join(sorted(f"{u.name} ({u.parent.name})" for u in found if u.parent))
        return None, f"Có {len(found)} đơn vị tên “{name}” ({where}): ghi thêm đơn vị cấp trên trong ngoặc."


def _level_for(kind: str, parent_level: int | None) -> int | None:
    """The level of a new unit of `kind` under a parent of `parent_level` (None: a root)."""
    levels = sorted(level for level, kinds in LEVEL_KINDS.items() if kind in kinds)
    if parent_level is None:
        return levels[0] if levels else None
    below = [level for level in levels if level > parent_level]
    return below[0] if below else None


def build(
    *,
    data: bytes,
    filename: str,
    effective_on: dt.date,
    number: str,
    title: str = "",
    removed_levels: list[int] | None = None,
) -> Plan:
    """Check the mapping against the units in force the day before `effective_on`; list what it moves."""
    plan = Plan(
        effective_on=effective_on,
        number=nfc(number).strip(),
        title=nfc(title).strip(),
        removed_levels=sorted(removed_levels or []),
        source_text=data.decode("utf-8", "replace") if filename.lower().endswith((".csv", ".txt")) else "",
    )
    if not plan.number:
        plan.error(None, None, "Thiếu số nghị quyết, quyết định sắp xếp.")
    rows = _read_rows(plan, data, filename)
    if plan.errors:
        return plan
    units = _Units(plan.day_before)

    # 1. The new units, in file order (a parent named before or after its children).
    by_key: dict[str, NewUnit] = {}
    for row in rows:
        kind = KIND_WORDS.get(fold(row.kind), "")
        if not kind:
            plan.error(row.number, "kind", f"Loại đơn vị “{row.kind}” không có trong danh mục.")
            continue
        key = fold(row.new) + "|" + fold(row.parent)
        unit = by_key.get(key)
        if unit is None:
            unit = by_key[key] = NewUnit(name=row.new, kind=kind, level=-1)
            plan.new_units.append(unit)
        elif unit.kind != kind:
            plan.error(row.number, "kind", f"“{row.new}” đã được ghi là {Kind(unit.kind).label} ở dòng {unit.rows[0]}.")
        unit.rows.append(row.number)
    names = {fold(u.name): u for u in plan.new_units}
    parent_text = {
        id(by_key[fold(r.new) + "|" + fold(r.parent)]): (r.parent, r.number)
        for r in rows
        if fold(r.new) + "|" + fold(r.parent) in by_key
    }
    for unit in plan.new_units:
        text, number_ = parent_text[id(unit)]
        if not text:
            continue
        folded = fold(_split_name(text)[0])
        if folded in names and names[folded] is not unit:
            unit.parent_new = names[folded]
        else:
            found, message = units.find(text)
            if found is None:
                plan.error(
                    number_, "parent", message.replace("Không tìm thấy đơn vị", "Không tìm thấy đơn vị cấp trên")
                )
            unit.parent_unit = found
    if plan.errors:
        return plan
    # Levels from the top down (a parent's level is known before its children's).
    pending = list(plan.new_units)
    for _round in range(len(pending) + 1):
        for unit in list(pending):
            if unit.parent_new is not None and unit.parent_new.level < 0:
                continue
            parent_level = (
                unit.parent_new.level if unit.parent_new else unit.parent_unit.level if unit.parent_unit else None
            )
            level = _level_for(unit.kind, parent_level)
            if level is None:
                plan.error(unit.rows[0], "kind", f"{unit.title} không thể trực thuộc {unit.parent_title}.")
                level = 99
            unit.level = level
            pending.remove(unit)
    for unit in pending:
        plan.error(unit.rows[0], "parent", f"{unit.title}: đơn vị cấp trên lặp vòng.")
    if plan.errors:
        return plan

    # 2. Old units: whole, or in part (area by area).
    whole: dict[int, tuple[NewUnit, int]] = {}
    parted: dict[int, list[tuple[NewUnit, int]]] = {}
    area_to: dict[int, tuple[NewUnit, int]] = {}
    for row in rows:
        new = by_key[fold(row.new) + "|" + fold(row.parent)]
        old, message = units.find(row.old)
        if old is None:
            plan.error(row.number, "old", message)
            continue
        if old.pk in whole:
            plan.error(
                row.number,
                "old",
                f"{old.full_title} đã được nhập toàn bộ vào {whole[old.pk][0].title} ở dòng {whole[old.pk][1]}.",
            )
            continue
        if row.whole:
            if old.pk in parted:
                plan.error(
                    row.number, "scope", f"{old.full_title} đã được chia một phần ở dòng {parted[old.pk][0][1]}."
                )
                continue
            if old.level == Level.AREA and new.level != Level.AREA:
                plan.error(
                    row.number,
                    "old",
                    f"Khu dân cư {old.full_title} chỉ nhập được vào một khu dân cư mới, không vào {new.title}.",
                )
                continue
            whole[old.pk] = (new, row.number)
            continue
        parted.setdefault(old.pk, []).append((new, row.number))
        children = {c.name_folded: c for c in units.children.get(old.pk, [])}
        for name in row.areas:
            child = children.get(fold(name)) or children.get(_strip_kind(fold(name)))
            if child is None:
                plan.error(row.number, "areas", f"{old.title} không có khu dân cư “{name}” đang hoạt động.")
            elif child.pk in area_to:
                plan.error(row.number, "areas", f"{child.full_title} đã được chuyển ở dòng {area_to[child.pk][1]}.")
            else:
                area_to[child.pk] = (new, row.number)
    if plan.errors:
        return plan
    for old_id, parts in parted.items():
        old = units.by_id[old_id]
        for child in units.children.get(old_id, []):
            if child.pk not in area_to and child.pk not in whole:
                plan.error(
                    parts[0][1],
                    "areas",
                    f"{child.full_title} chưa được chuyển cho đơn vị mới nào (nhập một phần {old.title}).",
                )
    if plan.errors:
        return plan

    # 3. Links and what is carried over: children not named follow their parent's new unit.
    named = set(whole) | set(area_to)
    kinds_into: dict[int, list[int]] = {}
    for old_id, (new, _n) in whole.items():
        kinds_into.setdefault(id(new), []).append(old_id)

    def link(old: OrgUnit, new: NewUnit, kind: str) -> None:
        plan.links.append(Link(old=old, new=new, kind=kind))
        plan.target[old.pk] = new

    def carry(old: OrgUnit, new: NewUnit) -> None:
        """`old` is taken whole by `new`: its children not named elsewhere go under `new`."""
        taken: set[str] = {fold(u.name) for u in plan.new_units if u.parent_new is new}
        for child in sorted(units.children.get(old.pk, []), key=lambda u: u.path):
            if child.pk in named or child.pk in parted:
                continue
            if child.level in plan.removed_levels:
                link(child, new, SuccessionKind.ABOLISH)
                carry(child, new)
                continue
            if child.level <= new.level:
                plan.error(None, None, f"{child.full_title} không thể chuyển nguyên trạng vào {new.title} (cùng cấp).")
                continue
            name = child.name
            if fold(name) in taken:
                name = f"{child.name} ({old.name})"
            taken.add(fold(name))
            copy = NewUnit(name=name, kind=child.kind, level=child.level, parent_new=new, copied_from=child)
            plan.new_units.append(copy)
            link(child, copy, SuccessionKind.TRANSFER)
            carry(child, copy)

    for old_id, (new, _n) in whole.items():
        old = units.by_id[old_id]
        olds = kinds_into[id(new)]
        if old.level in plan.removed_levels and old.level != new.level:
            kind = SuccessionKind.ABOLISH
        elif len(olds) > 1:
            kind = SuccessionKind.MERGE
        elif fold(old.name) != fold(new.name):
            kind = SuccessionKind.RENAME
        elif old.kind != new.kind:
            kind = SuccessionKind.UPGRADE
        else:
            kind = SuccessionKind.TRANSFER
        link(old, new, kind)
    for old_id, parts in parted.items():
        old = units.by_id[old_id]
        for new in {id(n): n for n, _r in parts}.values():
            plan.links.append(Link(old=old, new=new, kind=SuccessionKind.SPLIT))
        plan.target.setdefault(old.pk, parts[0][0])
    for area_id, (new, _n) in area_to.items():
        area = units.by_id[area_id]
        if new.level == Level.AREA:
            link(area, new, SuccessionKind.MERGE)
        else:  # an area listed in a partial row: carried whole under the new commune
            taken = {fold(u.name) for u in plan.new_units if u.parent_new is new}
            name = area.name if fold(area.name) not in taken else f"{area.name} ({area.parent.name})"
            copy = NewUnit(name=name, kind=area.kind, level=area.level, parent_new=new, copied_from=area)
            plan.new_units.append(copy)
            link(area, copy, SuccessionKind.TRANSFER)
    for old_id, (new, _n) in whole.items():
        carry(units.by_id[old_id], new)
    if plan.errors:
        return plan
    for unit in plan.new_units:
        siblings = [u for u in plan.new_units if u is not unit and u.parent_new is unit.parent_new
                    and u.parent_unit == unit.parent_unit and fold(u.name) == fold(unit.name)]  # fmt: skip
        if siblings and unit.copied_from is None:
            plan.error(
                unit.rows[0] if unit.rows else None, "new", f"Hai đơn vị mới cùng tên “{unit.name}” cùng cấp trên."
            )
    if plan.errors:
        return plan

    # 4. What moves: households (area by area), users' roles, funds' balances, open complaints
    # and obligations; the old units' documents stay with them (listed).
    old_ids = [link.old.pk for link in plan.links]
    for household in (
        Household.objects.filter(area_id__in=old_ids).select_related("area__parent").order_by("area__path", "code")
    ):
        new_area = plan.target.get(household.area_id)
        if new_area is None or new_area.level != Level.AREA:
            plan.error(
                None, None, f"Hộ {household.code} ({household.area.full_title}) không có khu dân cư mới để chuyển đến."
            )
            continue
        plan.households.append((household, household.area, new_area))
    for membership in (
        Membership.objects.filter(unit_id__in=old_ids)
        .select_related("user", "unit__parent")
        .order_by("unit__path", "user__username")
    ):
        plan.memberships.append((membership, plan.target[membership.unit_id]))
    cash = {
        a.fund_id: a.balance
        for a in Account.objects.filter(kind=AccountKind.FUND_CASH, household__isnull=True, fund__unit_id__in=old_ids)
    }
    for fund in Fund.objects.filter(unit_id__in=old_ids).select_related("unit").order_by("unit__path", "name"):
        plan.funds.append((fund, cash.get(fund.pk, 0), plan.target[fund.unit_id]))
    for complaint in (
        Complaint.objects.filter(unit_id__in=old_ids, status__in=OPEN_COMPLAINT)
        .select_related("unit")
        .order_by("received_on", "pk")
    ):
        plan.complaints.append((complaint, plan.target[complaint.unit_id]))
    # Obligations due from the effective date on are the new unit's; one due earlier and not done
    # stays the old unit's record (its lateness belongs to the figures of that time).
    open_obligation = Q(fulfilled_at__isnull=True, excused_reason="", due_on__gte=plan.effective_on)
    for obligation in (
        Obligation.objects.filter(open_obligation, unit_id__in=old_ids)
        .select_related("unit", "milestone")
        .order_by("due_on", "pk")
    ):
        plan.obligations.append((obligation, plan.target[obligation.unit_id]))
    plan.documents = list(
        Document.objects.filter(unit_id__in=old_ids).select_related("unit__parent").order_by("unit__path", "pk")
    )
    return plan
