"""Writes to the hierarchy: typed, keyword-only, atomic, audited (django-auditlog)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chungtay.core.access import check_actor
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.core.text import fold, nfc

from .models import LEVEL_KINDS, Kind, Level, MemberOrganisation, OrgUnit, SuccessionKind, UnitSuccession

if TYPE_CHECKING:  # accounts sits above orgunits (docs/architecture.md): the actor's type only
    from chungtay.accounts.models import User


def check_placement(*, parent: OrgUnit | None, level: int, kind: str) -> None:
    """The rules every unit obeys, whether typed in a form or read from a file."""
    if kind not in LEVEL_KINDS.get(level, set()):
        allowed = ", ".join(sorted(str(Kind(k).label) for k in LEVEL_KINDS.get(level, set())))
        raise DomainError(
            _("Loại “%(kind)s” không thuộc %(level)s (được phép: %(allowed)s).")
            % {"kind": Kind(kind).label if kind in Kind.values else kind, "level": Level(level).label.lower(),
               "allowed": allowed},
            field="kind",
        )  # fmt: skip
    if parent is None and level != Level.COUNTRY and level != Level.PROVINCE:
        raise DomainError(_("Đơn vị dưới cấp tỉnh phải có đơn vị cấp trên."), field="parent")
    if parent is not None and level <= parent.level:
        raise DomainError(
            _("%(level)s không thể trực thuộc %(parent)s (%(parent_level)s).")
            % {"level": Level(level).label, "parent": parent.title, "parent_level": Level(parent.level).label.lower()},
            field="level",
        )


@transaction.atomic
def unit_create(
    *,
    actor: User | None,
    parent: OrgUnit | None,
    level: int,
    kind: str,
    name: str,
    code: str = "",
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
) -> OrgUnit:
    check_actor(actor, "units.manage", parent, field="parent")
    name = nfc(name)
    if not name:
        raise DomainError(_("Tên đơn vị không được để trống."), field="name")
    check_placement(parent=parent, level=level, kind=kind)
    fields = {
        "parent": parent,
        "level": level,
        "kind": kind,
        "name": name,
        "code": code.strip(),
        "valid_from": valid_from or dt.date(2000, 1, 1),
        "valid_to": valid_to,
    }
    if valid_to and valid_to < (valid_from or dt.date(2000, 1, 1)):
        raise DomainError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."), field="valid_to")
    siblings = OrgUnit.objects.filter(
        parent=parent, level=level, name_folded=fold(name), valid_from=fields["valid_from"]
    )
    if siblings.exists():
        raise DomainError(
            _("Đã có đơn vị “%(name)s” cùng cấp trong %(parent)s.")
            % {"name": name, "parent": parent.title if parent else _("gốc")},
            field="name",
        )
    if fields["code"] and OrgUnit.objects.filter(code=fields["code"]).exists():
        raise DomainError(_("Mã hành chính %(code)s đã được dùng.") % {"code": fields["code"]}, field="code")
    with as_actor(actor):
        try:
            with transaction.atomic():
                if parent is None:
                    return OrgUnit.objects.add_root(fields)
                return OrgUnit.objects.add_child(parent, fields)
        except IntegrityError as exc:  # a concurrent insert of the same unit
            raise DomainError(_("Không lưu được đơn vị “%(name)s”: trùng với đơn vị đã có.") % {"name": name}) from exc


@transaction.atomic
def unit_update(
    *,
    actor: User | None,
    unit: OrgUnit,
    name: str,
    kind: str,
    code: str = "",
    valid_from: dt.date,
    valid_to: dt.date | None,
) -> OrgUnit:
    check_actor(actor, "units.manage", unit)
    name = nfc(name)
    if not name:
        raise DomainError(_("Tên đơn vị không được để trống."), field="name")
    check_placement(parent=unit.parent, level=unit.level, kind=kind)
    if valid_to and valid_to < valid_from:
        raise DomainError(_("Ngày hết hiệu lực phải sau ngày bắt đầu hiệu lực."), field="valid_to")
    clash = OrgUnit.objects.filter(
        parent=unit.parent, level=unit.level, name_folded=fold(name), valid_from=valid_from
    ).exclude(pk=unit.pk)
    if clash.exists():
        raise DomainError(_("Đã có đơn vị “%(name)s” cùng cấp.") % {"name": name}, field="name")
    code = code.strip()
    if code and OrgUnit.objects.filter(code=code).exclude(pk=unit.pk).exists():
        raise DomainError(_("Mã hành chính %(code)s đã được dùng.") % {"code": code}, field="code")
    unit.name, unit.kind, unit.code, unit.valid_from, unit.valid_to = name, kind, code, valid_from, valid_to
    with as_actor(actor):
        unit.save()
    return unit


@transaction.atomic
def succession_record(
    *,
    actor: User | None,
    predecessors: list[OrgUnit],
    successor: OrgUnit,
    effective_on: dt.date,
    kind: str,
    legal_basis: str = "",
) -> list[UnitSuccession]:
    """Record a merge/split/rename: the old units end the day before `effective_on`."""
    check_actor(actor, "units.manage", successor, field="successor")
    for old in predecessors:
        check_actor(actor, "units.manage", old, field="predecessors")
    if kind not in SuccessionKind.values:
        raise DomainError(_("Hình thức kế thừa không hợp lệ."), field="kind")
    if not predecessors:
        raise DomainError(_("Chọn ít nhất một đơn vị cũ."), field="predecessors")
    if successor in predecessors:
        raise DomainError(_("Đơn vị mới không thể kế thừa chính nó."), field="successor")
    if successor.valid_from > effective_on:
        raise DomainError(_("Đơn vị mới phải có hiệu lực từ ngày kế thừa trở về trước."), field="effective_on")
    day_before = effective_on - dt.timedelta(days=1)
    records = []
    with as_actor(actor):
        for old in predecessors:
            if old.valid_from > day_before:
                raise DomainError(
                    _("%(unit)s bắt đầu hiệu lực sau ngày kế thừa.") % {"unit": old.title}, field="effective_on"
                )
            if old.valid_to is None or old.valid_to > day_before:
                old.valid_to = day_before
                old.save(update_fields=["valid_to"])
            record, _created = UnitSuccession.objects.update_or_create(
                predecessor=old,
                successor=successor,
                defaults={
                    "effective_on": effective_on,
                    "kind": kind,
                    "legal_basis": legal_basis,
                    "created_by": actor,
                },
            )
            records.append(record)
    return records


@transaction.atomic
def member_org_add(
    *,
    actor: User | None,
    unit: OrgUnit,
    kind: str,
    name: str,
    head_name: str = "",
    members_count: int | None = None,
) -> MemberOrganisation:
    check_actor(actor, "units.manage", unit)
    name = nfc(name)
    if not name:
        raise DomainError(_("Tên tổ chức không được để trống."), field="name")
    if MemberOrganisation.objects.filter(unit=unit, name=name).exists():
        raise DomainError(_("%(unit)s đã có tổ chức “%(name)s”.") % {"unit": unit.title, "name": name}, field="name")
    with as_actor(actor):
        return MemberOrganisation.objects.create(
            unit=unit, kind=kind, name=name, head_name=nfc(head_name), members_count=members_count
        )


@transaction.atomic
def member_org_delete(*, actor: User | None, member_org: MemberOrganisation) -> None:
    check_actor(actor, "units.manage", member_org.unit)
    with as_actor(actor):
        member_org.delete()
