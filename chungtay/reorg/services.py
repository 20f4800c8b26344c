"""Apply a checked reorganisation plan: one transaction, audited, all or nothing."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.accounts.models import User
from chungtay.campaigns.models import Obligation
from chungtay.core.access import has_perm, in_scope, reorganising
from chungtay.core.audit import as_actor
from chungtay.core.errors import DomainError
from chungtay.funds.models import Fund
from chungtay.funds.services import fund_create, transfer_record
from chungtay.orgunits.models import Membership
from chungtay.orgunits.services import succession_record, unit_create

from .models import Change, ChangeKind, HouseholdMove, Reorganisation
from .plan import NewUnit, Plan


def _check_rights(actor: User | None, plan: Plan) -> None:
    if actor is None:
        return
    for link in plan.links:
        if not has_perm(actor, "units.manage", link.old):
            raise DomainError(_("Bạn không có quyền sắp xếp %(unit)s.") % {"unit": link.old.full_title})
    for unit in plan.new_units:
        if unit.parent_unit is not None and not has_perm(actor, "units.manage", unit.parent_unit):
            raise DomainError(
                _("Bạn không có quyền lập đơn vị trực thuộc %(unit)s.") % {"unit": unit.parent_unit.title}
            )


def _create_units(actor: User | None, plan: Plan) -> None:
    """Parents before children; each new unit opens on the effective date."""
    pending = list(plan.new_units)
    while pending:
        ready = [u for u in pending if u.parent_new is None or u.parent_new.unit is not None]
        if not ready:  # plan.build() refused cycles; a guard all the same
            raise DomainError(_("Không xác định được đơn vị cấp trên của các đơn vị mới."))
        for new in ready:
            parent = new.parent_new.unit if new.parent_new is not None else new.parent_unit
            new.unit = unit_create(
                actor=actor, parent=parent, level=new.level, kind=new.kind, name=new.name, valid_from=plan.effective_on
            )
            pending.remove(new)


def _fund_code(fund: Fund, plan: Plan) -> str:
    suffix = f"-{plan.effective_on:%Y}"
    base = fund.code[: 30 - len(suffix) - 2]
    code, n = f"{base}{suffix}", 1
    while Fund.objects.filter(code=code).exists():
        n += 1
        code = f"{base}{suffix}{n}"
    return code


@transaction.atomic
def commit(*, actor: User | None, plan: Plan) -> Reorganisation:
    """Write the plan: new units, successions (the old units end the day before), and the moves."""
    if not plan.ok:
        raise DomainError(_("Phương án còn lỗi, chưa thể thực hiện."))
    _check_rights(actor, plan)
    # Once ended, the old units refuse writes; the moves off them (the funds' last transfers) are
    # this operation's own, checked above while the units were in force.
    with reorganising():
        return _write(actor, plan)


def _write(actor: User | None, plan: Plan) -> Reorganisation:
    day = plan.effective_on
    with as_actor(actor):
        reorg = Reorganisation.objects.create(
            effective_on=day,
            number=plan.number,
            title=plan.title,
            removed_levels=plan.removed_levels,
            source_text=plan.source_text,
            created_by=actor,
        )
    changes: list[Change] = []

    def note(kind: str, label: str, *, object_id: int | None = None, from_unit=None, to_unit=None) -> None:
        changes.append(Change(reorganisation=reorg, kind=kind, label=label[:300], object_id=object_id,
                              from_unit=from_unit, to_unit=to_unit))  # fmt: skip

    _create_units(actor, plan)
    for new in plan.new_units:
        note(ChangeKind.UNIT_NEW, f"Lập {new.title} (trực thuộc {new.parent_title})", to_unit=new.unit)
    basis = f"{plan.number} {plan.title}".strip()
    for link in plan.links:
        assert link.new.unit is not None
        succession_record(
            actor=actor, predecessors=[link.old], successor=link.new.unit, effective_on=day, kind=link.kind,
            legal_basis=basis[:200],
        )  # fmt: skip
        note(
            ChangeKind.UNIT_CLOSED,
            f"{link.old.full_title} → {link.new.title}",
            from_unit=link.old,
            to_unit=link.new.unit,
        )

    with as_actor(actor):
        for household, old_area, new in plan.households:
            assert new.unit is not None  # made above, with every new unit
            household.area = new.unit
            household.save(update_fields=["area", "updated_at"])
            HouseholdMove.objects.create(
                household=household, from_area=old_area, to_area=new.unit, moved_on=day, reorganisation=reorg
            )
            note(ChangeKind.HOUSEHOLD, f"Hộ {household.code}: {old_area.full_title} → {new.title}",
                 object_id=household.pk, from_unit=old_area, to_unit=new.unit)  # fmt: skip
        # Users keep their role on the old unit (its history stays readable) and get the same role
        # on the new unit; the review list shows each one so the office can adjust.
        for membership, new in plan.memberships:
            moved, created = Membership.objects.get_or_create(user=membership.user, unit=new.unit, role=membership.role)
            if created:
                who = membership.user.get_full_name() or membership.user.username
                note(ChangeKind.MEMBERSHIP,
                     f"{who} — {membership.get_role_display()}: {membership.unit.full_title} → {new.title}",
                     object_id=moved.pk, from_unit=membership.unit, to_unit=new.unit)  # fmt: skip
        for complaint, new in plan.complaints:
            old_unit = complaint.unit
            assert new.unit is not None  # made above, with every new unit
            complaint.unit = new.unit
            complaint.save(update_fields=["unit"])
            note(ChangeKind.COMPLAINT, f"Đơn {complaint}: {old_unit.title} → {new.title}",
                 object_id=complaint.pk, from_unit=old_unit, to_unit=new.unit)  # fmt: skip
        for obligation, new in plan.obligations:
            old_unit = obligation.unit
            assert new.unit is not None  # made above, with every new unit
            clash = Obligation.objects.filter(milestone=obligation.milestone, unit=new.unit, due_on=obligation.due_on)
            if clash.exists():  # several merged units owed the same thing: the new unit owes it once
                obligation.excused_reason = f"Đơn vị đã sắp xếp vào {new.title} theo {plan.number}"[:300]
                obligation.save(update_fields=["excused_reason"])
                label = f"{obligation}: miễn (đã có ở {new.title})"
            else:
                obligation.unit = new.unit
                obligation.save(update_fields=["unit"])
                label = f"{obligation.milestone.label} ({obligation.due_on:%d/%m/%Y}): {old_unit.title} → {new.title}"
            note(ChangeKind.OBLIGATION, label, object_id=obligation.pk, from_unit=old_unit, to_unit=new.unit)
    if actor is not None and hasattr(actor, "_ct_memberships"):
        del actor._ct_memberships  # the actor's roles now reach the new units (core.access caches them)
    # Funds: the balance goes by a transfer entry to a fund of the new unit; posted entries stay.
    opened: dict[tuple[int, str], Fund] = {}
    for fund, balance, new in plan.funds:
        if balance <= 0:
            note(ChangeKind.FUND, f"{fund.name} ({fund.unit.title}): không còn số dư, giữ ở đơn vị cũ",
                 object_id=fund.pk, from_unit=fund.unit)  # fmt: skip
            continue
        assert new.unit is not None
        key = (new.unit.pk, fund.kind)
        to_fund = opened.get(key) or Fund.objects.filter(unit=new.unit, kind=fund.kind).first()
        if to_fund is None:
            # "Quỹ … thị xã Điện Bàn" becomes "Quỹ … thành phố Đà Nẵng": the unit's kind goes with its name.
            if fund.unit.title in fund.name:
                name = fund.name.replace(fund.unit.title, new.unit.title)
            elif fund.unit.name in fund.name:
                name = fund.name.replace(fund.unit.name, new.name)
            else:
                name = f"{fund.name} ({new.name})"
            to_fund = fund_create(actor=actor, unit=new.unit, kind=fund.kind, name=name, code=_fund_code(fund, plan))
        opened[key] = to_fund
        transfer_record(actor=actor, from_fund=fund, to_fund=to_fund, amount=balance, date=day, decision=basis[:200])
        note(ChangeKind.FUND, f"{fund.name} → {to_fund.name}: {balance:,} đ".replace(",", "."),
             object_id=fund.pk, from_unit=fund.unit, to_unit=new.unit)  # fmt: skip
    for document in plan.documents:
        note(
            ChangeKind.DOCUMENT,
            f"{document.title} ({document.unit.full_title})",
            object_id=document.pk,
            from_unit=document.unit,
        )
    Change.objects.bulk_create(changes)
    return reorg


@transaction.atomic
def change_review(*, actor: User, change: Change) -> Change:
    """Mark one line of the review list as seen by the office."""
    unit = change.to_unit or change.from_unit
    # A line may be about an old unit only (a document it keeps): reviewing it writes no record of that unit.
    if unit is not None and not in_scope(actor, "units.manage", unit):
        raise DomainError(_("Bạn không có quyền rà soát thay đổi tại %(unit)s.") % {"unit": unit.title})
    with as_actor(actor):
        change.reviewed_by = actor
        change.reviewed_at = timezone.now()
        change.save(update_fields=["reviewed_by", "reviewed_at"])
    return change


__all__ = ["NewUnit", "change_review", "commit"]
