"""Every change to money goes through these functions: typed, keyword-only, atomic, audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.accounts.models import User
from chungtay.core.access import closed_refusal, has_perm
from chungtay.core.audit import as_actor
from chungtay.core.dates import local_day
from chungtay.core.errors import DomainError
from chungtay.core.money import format_vnd
from chungtay.core.text import fold, nfc
from chungtay.housing.models import STAGE_ORDER, FundingPlanLine, FundingSource, ProgressUpdate, Stage

from . import ledger, tracing
from .ledger import Leg, account_for
from .models import (
    AccountKind,
    Allocation,
    Channel,
    Designation,
    Disbursement,
    DisbursementStatus,
    Donor,
    EntryKind,
    Fund,
    Funding,
    JournalEntry,
    Pledge,
    ProgrammeRule,
    Receipt,
    Source,
    Transfer,
)
from .signals import waiting_changed


def _require(actor: User | None, perm: str, unit, what: str) -> None:
    if actor is not None and not has_perm(actor, perm, unit):
        raise DomainError(
            closed_refusal(perm, unit)
            or _("Bạn không có quyền %(what)s tại %(unit)s.") % {"what": what, "unit": unit.title}
        )


def _positive(amount: int, field: str = "amount") -> None:
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise DomainError(_("Số tiền phải là số nguyên đồng."), field=field)
    if amount <= 0:
        raise DomainError(_("Số tiền phải lớn hơn 0."), field=field)


def _next_serial(same_book) -> int:
    return int(same_book.aggregate(m=Max("serial"))["m"] or 0) + 1


def _in_subtree(unit, household) -> bool:
    return household.area.path.startswith(unit.path)


@transaction.atomic
def fund_create(
    *,
    actor: User | None,
    unit,
    kind: str,
    name: str,
    code: str,
    bank_name: str = "",
    bank_bin: str = "",
    account_number: str = "",
    account_name: str = "",
) -> Fund:
    _require(actor, "funds.manage", unit, _("lập quỹ"))
    if bank_bin and (not bank_bin.isdigit() or len(bank_bin) != 6):
        raise DomainError(_("Mã BIN ngân hàng gồm 6 chữ số (ví dụ Vietcombank 970436)."), field="bank_bin")
    if account_number and not account_number.replace(" ", "").isalnum():
        raise DomainError(_("Số tài khoản chỉ gồm chữ số và chữ cái."), field="account_number")
    with as_actor(actor):
        try:
            with transaction.atomic():
                return Fund.objects.create(
                    unit=unit,
                    kind=kind,
                    name=nfc(name),
                    code=code.lower(),
                    bank_name=nfc(bank_name),
                    bank_bin=bank_bin,
                    account_number=account_number.replace(" ", ""),
                    account_name=nfc(account_name).upper(),
                )
        except IntegrityError as exc:
            raise DomainError(_("Đã có quỹ cùng tên, cùng mã hoặc cùng số tài khoản."), field="code") from exc


@transaction.atomic
def source_create(*, actor: User | None, unit, kind: str, name: str) -> Source:
    _require(actor, "funds.manage", unit, _("khai báo nguồn"))
    with as_actor(actor):
        source, _created = Source.objects.get_or_create(unit=unit, name=nfc(name), defaults={"kind": kind})
    return source


@dataclass(frozen=True)
class DonorRef:
    """A donor named on a form: found or created by the service that records the gift, inside its
    transaction and after its checks, so a refused gift leaves no donor behind (issue 15 item 4)."""

    name: str
    kind: str = "ca_nhan"
    anonymous: bool = False


def _donor(unit, donor: Donor | DonorRef) -> Donor:
    if isinstance(donor, Donor):
        return donor
    return donor_find_or_create(unit=unit, name=donor.name, kind=donor.kind, anonymous=donor.anonymous)


def donor_find_or_create(
    *,
    unit,
    name: str,
    kind: str = "ca_nhan",
    anonymous: bool = False,
    published_name: str = "",
    contact: str = "",
) -> Donor:
    name = nfc(name)
    if not name:
        raise DomainError(_("Cần ghi tên nhà hảo tâm (hoặc “Ẩn danh”)."), field="donor_name")
    existing = Donor.objects.filter(unit=unit, name_folded=fold(name), anonymous=anonymous).first()
    if existing:
        return existing
    return Donor.objects.create(
        unit=unit, name=name, kind=kind, anonymous=anonymous, published_name=nfc(published_name), contact=contact
    )


@transaction.atomic
def receipt_record(
    *,
    actor: User | None,
    fund: Fund,
    donor: Donor | DonorRef,
    amount: int,
    received_on: dt.date,
    channel: str,
    receipt_number: str = "",
    bank_ref: str = "",
    designation: str = Designation.GENERAL,
    designated_unit=None,
    designated_household=None,
    pledge: Pledge | None = None,
    memo: str = "",
) -> Receipt:
    _require(actor, "funds.record", fund.unit, _("ghi nhận khoản ủng hộ"))
    _positive(amount)
    if channel == Channel.CASH and not receipt_number.strip():
        raise DomainError(_("Tiền mặt cần số biên lai."), field="receipt_number")
    if channel == Channel.BANK and not bank_ref.strip():
        raise DomainError(_("Chuyển khoản cần số tham chiếu ngân hàng."), field="bank_ref")
    if received_on > timezone.localdate():
        raise DomainError(_("Ngày nhận không được sau hôm nay."), field="received_on")
    if designation == Designation.UNIT and (
        designated_unit is None or not designated_unit.path.startswith(fund.unit.path)
    ):
        raise DomainError(_("Chọn đơn vị được ủng hộ thuộc phạm vi của quỹ."), field="designated_unit")
    if designation == Designation.HOUSEHOLD and (
        designated_household is None or not _in_subtree(fund.unit, designated_household)
    ):
        raise DomainError(_("Chọn hộ được ủng hộ thuộc phạm vi của quỹ."), field="designated_household")
    if bank_ref and Receipt.objects.filter(fund=fund, bank_ref=bank_ref.strip()).exists():
        raise DomainError(
            _("Khoản chuyển khoản có số tham chiếu %(bank_ref)s đã được ghi nhận.") % {"bank_ref": bank_ref},
            field="bank_ref",
        )
    if receipt_number and Receipt.objects.filter(fund=fund, receipt_number=receipt_number.strip()).exists():
        raise DomainError(
            _("Biên lai số %(receipt_number)s đã được dùng.") % {"receipt_number": receipt_number},
            field="receipt_number",
        )
    with as_actor(actor):
        donor = _donor(fund.unit, donor)
        entry = ledger.post(
            kind=EntryKind.RECEIPT,
            unit=fund.unit,
            date=received_on,
            maker=actor,
            memo=f"Nhận ủng hộ của {donor.name}: {memo}".strip(": "),
            legs=[
                Leg(account_for(AccountKind.FUND_CASH, fund=fund), amount),
                Leg(account_for(AccountKind.DONATIONS, fund=fund), -amount),
            ],
        )
        # The ledger locked the fund's cash account: receipts of one fund are numbered one at a time.
        return Receipt.objects.create(
            serial_year=received_on.year,
            serial=_next_serial(Receipt.objects.filter(fund=fund, serial_year=received_on.year)),
            fund=fund,
            donor=donor,
            amount=amount,
            received_on=received_on,
            channel=channel,
            receipt_number=receipt_number.strip(),
            bank_ref=bank_ref.strip(),
            designation=designation,
            designated_unit=designated_unit if designation == Designation.UNIT else None,
            designated_household=designated_household if designation == Designation.HOUSEHOLD else None,
            pledge=pledge,
            memo=memo,
            entry=entry,
            created_by=actor,
        )


@transaction.atomic
def pledge_record(
    *,
    actor: User | None,
    fund: Fund,
    donor: Donor | DonorRef,
    amount: int,
    pledged_on: dt.date,
    due_on: dt.date | None = None,
    note: str = "",
) -> Pledge:
    _require(actor, "funds.record", fund.unit, _("ghi nhận cam kết"))
    _positive(amount)
    with as_actor(actor):
        return Pledge.objects.create(
            fund=fund,
            donor=_donor(fund.unit, donor),
            amount=amount,
            pledged_on=pledged_on,
            due_on=due_on,
            note=nfc(note),
            created_by=actor,
        )


@transaction.atomic
def transfer_record(
    *, actor: User | None, from_fund: Fund, to_fund: Fund, amount: int, date: dt.date, decision: str = ""
) -> Transfer:
    _require(actor, "funds.record", from_fund.unit, _("chuyển quỹ"))
    _positive(amount)
    if from_fund.pk == to_fund.pk:
        raise DomainError(_("Quỹ chuyển và quỹ nhận phải khác nhau."), field="to_fund")
    with as_actor(actor):
        entry = ledger.post(
            kind=EntryKind.TRANSFER,
            unit=from_fund.unit,
            date=date,
            maker=actor,
            memo=f"Chuyển từ {from_fund} sang {to_fund}. {decision}".strip(),
            legs=[
                Leg(account_for(AccountKind.FUND_CASH, fund=to_fund), amount),
                Leg(account_for(AccountKind.FUND_CASH, fund=from_fund), -amount),
            ],
        )
        transfer = Transfer.objects.create(
            from_fund=from_fund, to_fund=to_fund, amount=amount, date=date, decision=nfc(decision), entry=entry
        )
        tracing.take(fund_id=from_fund.pk, amount=amount, transfer_out=transfer)
        return transfer


def _origin_unit(fund: Fund | None, source: Source | None):
    if (fund is None) == (source is None):
        raise DomainError(_("Chọn đúng một nguồn: một quỹ hoặc một nguồn ngoài quỹ."), field="fund")
    return fund.unit if fund else source.unit  # type: ignore[union-attr]


@dataclass(frozen=True)
class Rule:
    """The money rules in force for a unit on a day (a movement's `ProgrammeRule`, else these defaults)."""

    pay_by_verified_stage: bool = True
    cap_to_plan: bool = True
    idle_days: int = 90


def rule_for(unit, day: dt.date) -> Rule:
    """The rule of the latest movement running on `day` issued by `unit` or a unit above it."""
    prefixes = [unit.path[:n] for n in range(4, len(unit.path) + 1, 4)] or [unit.path]
    row = (
        ProgrammeRule.objects.filter(
            movement__issuing_unit__path__in=prefixes, movement__starts_on__lte=day, movement__ends_on__gte=day
        )
        .order_by("-movement__issued_on", "-movement_id")
        .first()
    )
    if row is None:
        return Rule()
    return Rule(pay_by_verified_stage=row.pay_by_verified_stage, cap_to_plan=row.cap_to_plan, idle_days=row.idle_days)


def _withdrawn(household, day: dt.date) -> bool:
    return household.status == "withdrawn" or (household.withdrawn_on is not None and household.withdrawn_on <= day)


@contextmanager
def _refused_if_withdrawn(household, what: Literal["phân bổ", "chi"]) -> Iterator[None]:
    """The database's own refusal (triggers of funds migration 0011) in the service's words: the
    household object a caller passed may be older than its row, withdrawn meanwhile."""
    try:
        with transaction.atomic():
            yield
    except IntegrityError as exc:
        if "rút khỏi danh sách hỗ trợ" not in str(exc):
            raise
        refusal = {
            "phân bổ": _("Hộ %(code)s đã rút khỏi danh sách hỗ trợ; không phân bổ tiền cho hộ này."),
            "chi": _("Hộ %(code)s đã rút khỏi danh sách hỗ trợ; không chi tiền cho hộ này."),
        }[what]
        raise DomainError(refusal % {"code": household.code}, field="household") from exc


def plan_source(fund: Fund | None, source: Source | None) -> str:
    """The plan line an allocation counts against: Front funds are "front_fund", a source its kind."""
    return FundingSource.FRONT_FUND if fund is not None else source.kind  # type: ignore[union-attr]


def limit_problems(*, household, amount: int, fund: Fund | None, source: Source | None) -> list[str]:
    """Why this allocation would go above the household's plan line or the norm (empty when it does not)."""
    key = plan_source(fund, source)
    live = Allocation.objects.filter(household=household, entry__reversed_by__isnull=True)
    live = live.filter(fund__isnull=False) if fund is not None else live.filter(source__kind=key)
    already = int(live.aggregate(s=Sum("amount"))["s"] or 0)
    problems = []
    line = FundingPlanLine.objects.filter(household=household, source=key).first()
    label = FundingSource(key).label if key in FundingSource.values else key
    if line is not None and already + amount > line.amount:
        problems.append(
            _(
                "Phân bổ %(amount)s cho hộ %(code)s vượt kế hoạch nguồn “%(source)s” "
                "(%(planned)s, đã phân bổ %(already)s)."
            )
            % {
                "amount": format_vnd(amount),
                "code": household.code,
                "source": label,
                "planned": format_vnd(line.amount),
                "already": format_vnd(already),
            }
        )
    # The norm (NQ 13/2023: 60/30 million đ), or the household's own approved level when its record
    # gives the reason it differs (housing: `override_reason`).
    norm = household.state_support if household.override_reason else household.norm.amount
    if key == FundingSource.STATE and already + amount > norm:
        problems.append(
            _("Ngân sách nhà nước cho hộ %(code)s vượt định mức %(norm)s (%(legal_basis)s).")
            % {"code": household.code, "norm": format_vnd(norm), "legal_basis": household.norm.legal_basis}
        )
    return problems


@transaction.atomic
def allocation_record(
    *,
    actor: User | None,
    household,
    amount: int,
    date: dt.date,
    decision: str,
    fund: Fund | None = None,
    source: Source | None = None,
    override_by: User | None = None,
    override_reason: str = "",
) -> Allocation:
    """Allocate money to a household. Refused for a withdrawn household; above its plan line or the
    norm only with a reviewer's override (someone allowed to approve payments) and a reason. A fund's
    allocation records which receipts it takes (`tracing`)."""
    unit = _origin_unit(fund, source)
    _require(actor, "funds.record", unit, _("phân bổ"))
    _positive(amount)
    if not decision.strip():
        raise DomainError(_("Cần ghi quyết định phân bổ (số, ngày)."), field="decision")
    if not _in_subtree(unit, household):
        raise DomainError(
            _("Hộ %(code)s không thuộc phạm vi của %(unit)s.") % {"code": household.code, "unit": unit.title},
            field="household",
        )
    if _withdrawn(household, date):
        raise DomainError(
            _("Hộ %(code)s đã rút khỏi danh sách hỗ trợ; không phân bổ tiền cho hộ này.") % {"code": household.code},
            field="household",
        )
    problems = limit_problems(household=household, amount=amount, fund=fund, source=source)
    if problems and rule_for(household.area, date).cap_to_plan:
        if override_by is None or not override_reason.strip():
            raise DomainError(
                _("%(problems)s Cần người duyệt cho phép vượt và ghi lý do.") % {"problems": " ".join(problems)},
                field="amount",
            )
        if not has_perm(override_by, "funds.approve", unit):
            raise DomainError(
                _("%(override_by)s không có quyền duyệt vượt kế hoạch tại %(unit)s.")
                % {"override_by": override_by, "unit": unit.title},
                field="amount",
            )
    if fund:
        legs = [
            Leg(account_for(AccountKind.ALLOCATION, fund=fund, household=household), amount),
            Leg(account_for(AccountKind.FUND_CASH, fund=fund), -amount),
        ]
    else:
        legs = [
            Leg(account_for(AccountKind.ALLOCATION, source=source, household=household), amount),
            Leg(account_for(AccountKind.SOURCE, source=source), -amount),
        ]
    over = bool(problems)
    with as_actor(actor):
        entry = ledger.post(
            kind=EntryKind.ALLOCATION,
            unit=unit,
            date=date,
            maker=actor,
            legs=legs,
            memo=f"Phân bổ cho hộ {household.code} theo {decision}"
            + (f" (duyệt vượt: {nfc(override_reason)})" if over else ""),
        )
        with _refused_if_withdrawn(household, "phân bổ"):
            allocation = Allocation.objects.create(
                household=household,
                fund=fund,
                source=source,
                amount=amount,
                date=date,
                decision=nfc(decision),
                entry=entry,
                over_limit=over,
                override_by=override_by if over else None,
                override_reason=nfc(override_reason) if over else "",
            )
        if fund is not None:
            tracing.take(fund_id=fund.pk, amount=amount, allocation=allocation, household=household)
        return allocation


@transaction.atomic
def disbursement_record(
    *,
    actor: User,
    household,
    amount: int,
    date: dt.date,
    voucher_number: str,
    stage: str,
    fund: Fund | None = None,
    source: Source | None = None,
    channel: str = Channel.CASH,
    note: str = "",
) -> Disbursement:
    """Step 1 (maker): the voucher is recorded; no money moves until someone else approves it.
    Whether it waits for the stage's verification is the programme's rule (on unless a movement
    turns it off), not the maker's choice."""
    unit = _origin_unit(fund, source)
    _require(actor, "funds.record", unit, _("lập phiếu chi"))
    _positive(amount)
    if stage not in Stage.values:
        raise DomainError(_("Chọn giai đoạn thi công của đợt chi."), field="stage")
    if _withdrawn(household, date):
        raise DomainError(
            _("Hộ %(code)s đã rút khỏi danh sách hỗ trợ; không chi tiền cho hộ này.") % {"code": household.code},
            field="household",
        )
    requires_verified_stage = rule_for(household.area, date).pay_by_verified_stage
    if not voucher_number.strip():
        raise DomainError(_("Cần số phiếu chi."), field="voucher_number")
    if not _in_subtree(unit, household):
        raise DomainError(
            _("Hộ %(code)s không thuộc phạm vi của %(unit)s.") % {"code": household.code, "unit": unit.title},
            field="household",
        )
    clash = Disbursement.objects.filter(voucher_number=voucher_number.strip(), fund=fund, source=source)
    if clash.exclude(status=DisbursementStatus.REJECTED).exists():
        raise DomainError(
            _("Phiếu chi số %(voucher_number)s đã có.") % {"voucher_number": voucher_number}, field="voucher_number"
        )
    allocation = account_for(AccountKind.ALLOCATION, fund=fund, source=source, household=household)
    if allocation.balance < amount:
        raise DomainError(
            _("Số chi %(amount)s vượt số đã phân bổ còn lại cho hộ %(code)s (%(balance)s).")
            % {"amount": format_vnd(amount), "code": household.code, "balance": format_vnd(allocation.balance)},
            field="amount",
        )
    with as_actor(actor), _refused_if_withdrawn(household, "chi"):
        return Disbursement.objects.create(
            household=household,
            fund=fund,
            source=source,
            amount=amount,
            date=date,
            voucher_number=voucher_number.strip(),
            stage=stage,
            channel=channel if channel in Channel.values else Channel.CASH,
            requires_verified_stage=requires_verified_stage,
            note=nfc(note),
            recorded_by=actor,
        )


def stage_verified(household, stage: str) -> ProgressUpdate | None:
    """The verified progress update for the stage, or a later one (None when there is none)."""
    reached = [s for s, order in STAGE_ORDER.items() if order >= STAGE_ORDER.get(stage, 0)]
    return (
        ProgressUpdate.objects.filter(household=household, stage__in=reached, verified_at__isnull=False)
        .order_by("verified_at", "pk")
        .first()
    )


def stage_label(stage: str) -> str:
    return str(Stage(stage).label) if stage in Stage.values else stage


@transaction.atomic
def disbursement_approve(*, actor: User, disbursement: Disbursement) -> Disbursement:
    """Step 2 (checker): another person approves; the entry is posted under the ledger's locks."""
    locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    unit = locked.fund.unit if locked.fund else locked.source.unit  # type: ignore[union-attr]
    _require(actor, "funds.approve", unit, _("duyệt chi"))
    if locked.status != DisbursementStatus.RECORDED:
        raise DomainError(_("Phiếu chi này đã được xử lý."))
    if locked.recorded_by_id == actor.pk:
        raise DomainError(_("Người lập phiếu chi không được tự duyệt (nguyên tắc hai người)."))
    if _withdrawn(locked.household, locked.date):
        raise DomainError(
            _("Hộ %(code)s đã rút khỏi danh sách hỗ trợ; không chi tiền cho hộ này.") % {"code": locked.household.code}
        )
    verified = stage_verified(locked.household, locked.stage)
    if locked.requires_verified_stage and verified is None:
        raise DomainError(
            _(
                "Giai đoạn “%(stage)s” của hộ %(code)s chưa được xác nhận; chỉ chi đợt này sau khi giai "
                "đoạn đã được xác nhận tại hiện trường."
            )
            % {"stage": stage_label(locked.stage), "code": locked.household.code}
        )
    fund, source = locked.fund, locked.source
    with as_actor(actor):
        entry = ledger.post(
            kind=EntryKind.DISBURSEMENT,
            unit=unit,
            date=locked.date,
            maker=locked.recorded_by,
            checker=actor,
            memo=f"Chi hỗ trợ hộ {locked.household.code}, phiếu chi {locked.voucher_number}",
            legs=[
                Leg(
                    account_for(AccountKind.DISBURSED, fund=fund, source=source, household=locked.household),
                    locked.amount,
                ),
                Leg(
                    account_for(AccountKind.ALLOCATION, fund=fund, source=source, household=locked.household),
                    -locked.amount,
                ),
            ],
        )
        locked.status, locked.decided_by, locked.decided_at, locked.entry = (
            DisbursementStatus.APPROVED,
            actor,
            timezone.now(),
            entry,
        )
        locked.verified_update = verified
        # Phiếu chi numbers per fund (or source) and year: the fund's (source's) row is locked while numbering.
        if fund is not None:
            Fund.objects.select_for_update().get(pk=fund.pk)
            same_book = Disbursement.objects.filter(fund=fund)
        else:
            Source.objects.select_for_update().get(pk=source.pk)  # type: ignore[union-attr]
            same_book = Disbursement.objects.filter(source=source)
        locked.serial_year = locked.date.year
        locked.serial = _next_serial(same_book.filter(serial_year=locked.date.year))
        with _refused_if_withdrawn(locked.household, "chi"):
            locked.save(
                update_fields=[
                    "status",
                    "decided_by",
                    "decided_at",
                    "entry",
                    "verified_update",
                    "serial_year",
                    "serial",
                ]
            )
    return locked


@transaction.atomic
def disbursement_reject(*, actor: User, disbursement: Disbursement, reason: str) -> Disbursement:
    locked = Disbursement.objects.select_for_update().get(pk=disbursement.pk)
    unit = locked.fund.unit if locked.fund else locked.source.unit  # type: ignore[union-attr]
    _require(actor, "funds.approve", unit, _("duyệt chi"))
    if locked.status != DisbursementStatus.RECORDED:
        raise DomainError(_("Phiếu chi này đã được xử lý."))
    if locked.recorded_by_id == actor.pk:
        raise DomainError(_("Người lập phiếu chi không được tự xử lý phiếu của mình."))
    if not reason.strip():
        raise DomainError(_("Cần ghi lý do không duyệt."), field="reason")
    with as_actor(actor):
        locked.status, locked.decided_by, locked.decided_at = DisbursementStatus.REJECTED, actor, timezone.now()
        locked.rejection_reason = nfc(reason)
        locked.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    return locked


@transaction.atomic
def entry_reverse(*, actor: User, entry: JournalEntry, reason: str, date: dt.date | None = None) -> JournalEntry:
    """A correction: the mirror entry is posted; the original is never touched."""
    _require(actor, "funds.approve", entry.unit, _("đảo bút toán"))
    with as_actor(actor):
        reversal = ledger.reverse(entry=entry, actor=actor, reason=nfc(reason), date=date or timezone.localdate())
        tracing.release(entry=entry, reversal=reversal)
        # A reversed receipt no longer waits in the fund: what of it the allocations had not taken leaves.
        for receipt_id, amount in Receipt.objects.filter(entry=entry).values_list("pk", "amount"):
            taken = Funding.objects.filter(receipt_id=receipt_id, released_by__isnull=True).aggregate(s=Sum("amount"))
            waiting_changed.send(sender=Receipt, changes=[(receipt_id, -(amount - (taken["s"] or 0)))])
        return reversal


@transaction.atomic
def statement_line_resolve(
    *,
    actor: User,
    line,
    action: str,
    donor_name: str = "",
    designation: str = Designation.GENERAL,
    household=None,
    note: str = "",
):
    """A person settles a line the matcher could not: a receipt (credit) or "not a donation"."""
    from .models import MatchStatus, StatementLine

    locked = StatementLine.objects.select_for_update().select_related("fund__unit").get(pk=line.pk)
    _require(actor, "funds.record", locked.fund.unit, _("đối soát sao kê"))
    if locked.status != MatchStatus.UNMATCHED:
        raise DomainError(_("Giao dịch này đã được xử lý."))
    with as_actor(actor):
        if action == "ignore":
            if not note.strip():
                raise DomainError(_("Ghi chú vì sao đây không phải khoản ủng hộ."), field="note")
            locked.status = MatchStatus.IGNORED
            locked.suggestion = {**(locked.suggestion or {}), "note": nfc(note), "by": actor.username}
            locked.save(update_fields=["status", "suggestion"])
            return locked
        if locked.credit <= 0:
            raise DomainError(_("Chỉ giao dịch ghi có mới ghi nhận được là khoản ủng hộ."), field="action")
        receipt = receipt_record(
            actor=actor,
            fund=locked.fund,
            donor=DonorRef(donor_name or "Nhà hảo tâm ẩn danh", anonymous=not donor_name.strip()),
            amount=locked.credit,
            received_on=local_day(locked.txn_at),
            channel=Channel.BANK,
            bank_ref=locked.bank_ref,
            designation=Designation.HOUSEHOLD if household is not None else designation,
            designated_household=household,
            memo=locked.memo,
        )
        locked.receipt, locked.status = receipt, MatchStatus.MATCHED
        locked.save(update_fields=["receipt", "status"])
    return locked
