"""Bank statements: read as banks export them, check, then import all-or-nothing and reconcile.

Flow (as for the household list): upload → dry run (every problem by row, the file's own totals
checked, lines already imported counted as skipped) → confirm, which re-reads the stored file and
writes it in one transaction. A line is identified by the bank's reference, so the same file twice
or two overlapping periods add nothing. Credits whose memo names a donor become receipts at once;
the rest wait in the reconciliation queue. Fee debits are posted as fees.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Protocol, TypedDict

from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone

from chungtay.core.audit import as_actor
from chungtay.core.dates import local_day
from chungtay.core.models import ImportBatch, ImportStatus
from chungtay.core.text import fold, nfc
from chungtay.housing.models import Household
from chungtay.orgunits.models import OrgUnit

from . import ledger
from .bulk import bulk_create_audited, concrete
from .ledger import Leg, account_for
from .matching import HouseholdCodes, MemoReading, read_memo
from .models import Account, AccountKind, BankStatement, Designation, EntryKind, Fund, MatchStatus, StatementLine
from .statement_layouts import LABELS, account_matches, read_statement

FEE_WORDS = ("phi", "fee", "vat", "thue", "phi dich vu", "phi chuyen tien", "sms")


@dataclass
class ParsedLine:
    row: int
    txn_at: dt.datetime
    bank_ref: str
    debit: int
    credit: int
    balance: int | None
    memo: str
    duplicate: bool = False  # already imported (same fund + bank reference or identity)


class PlanSummary(TypedDict):
    rows: int
    credits: int
    credit_total: int
    debits: int
    debit_total: int
    skipped: int
    errors: list[dict[str, object]]


@dataclass
class StatementPlan:
    lines: list[ParsedLine] = field(default_factory=list)
    errors: list[dict[str, object]] = field(default_factory=list)
    mapping: dict[str, object] = field(default_factory=dict)
    header_row: int | None = None
    bank: str = ""
    layout: str = ""
    account_number: str = ""
    period_from: dt.date | None = None  # as the statement states it, else the lines' dates
    period_to: dt.date | None = None
    opening_balance: int | None = None
    closing_balance: int | None = None
    file_total_debit: int | None = None
    file_total_credit: int | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new_lines(self) -> list[ParsedLine]:
        return [line for line in self.lines if not line.duplicate]

    def counts(self) -> dict[str, int]:
        new = self.new_lines
        return {
            "rows": len(self.lines),
            "new": len(new),
            "skipped": len(self.lines) - len(new),
            "credit": sum(line.credit for line in self.lines),
            "debit": sum(line.debit for line in self.lines),
            "errors": len(self.errors),
        }

    def summary(self) -> PlanSummary:
        """What `import_statement --json` prints, and what the page's dry run shows."""
        return {
            "rows": len(self.lines),
            "credits": sum(1 for line in self.lines if line.credit),
            "credit_total": sum(line.credit for line in self.lines),
            "debits": sum(1 for line in self.lines if line.debit),
            "debit_total": sum(line.debit for line in self.lines),
            "skipped": len(self.lines) - len(self.new_lines),
            "errors": [dict(e) for e in self.errors],
        }

    def period(self) -> tuple[dt.date, dt.date] | None:
        if not self.lines:
            return None
        dates = [local_day(line.txn_at) for line in self.lines]
        return min([*dates, *filter(None, [self.period_from])]), max([*dates, *filter(None, [self.period_to])])


def _vnd(amount: int) -> str:
    return f"{amount:,}".replace(",", ".")


def check_balances(plan: StatementPlan) -> None:
    """The file against itself: the running balance line by line, then opening + credits − debits = closing.

    A break names the row where it happens. A bank that lists the newest line first is read backwards.
    """
    lines = plan.lines
    if len(lines) > 1 and lines[0].txn_at > lines[-1].txn_at:
        lines = lines[::-1]
    plan.opening_balance, plan.closing_balance = running_balance(
        lines, opening=plan.opening_balance, closing=plan.closing_balance, errors=plan.errors
    )


class _Balanced(Protocol):  # a parsed line or a staged one (read-only fields)
    @property
    def row(self) -> int: ...
    @property
    def debit(self) -> int: ...
    @property
    def credit(self) -> int: ...
    @property
    def balance(self) -> int | None: ...


def running_balance(
    lines: Iterable[_Balanced], *, opening: int | None, closing: int | None, errors: list[dict[str, object]]
) -> tuple[int | None, int | None]:
    """`check_balances` over lines in the order of time, however they come (a list, rows read back from
    the streaming path's staging table): the opening and closing balances, breaks appended to `errors`."""
    running = opening
    first = True
    for line in lines:
        if first:
            first = False
            if opening is None and line.balance is not None:
                opening = running = line.balance - line.credit + line.debit
        expected = None if running is None else running + line.credit - line.debit
        if expected is not None and line.balance is not None and line.balance != expected:
            errors.append({"row": line.row, "field": LABELS["balance"], "message": (
                f"Số dư bị đứt ở dòng {line.row}: số dư trước {_vnd(running)} + ghi có {_vnd(line.credit)} "  # type: ignore[arg-type]
                f"− ghi nợ {_vnd(line.debit)} = {_vnd(expected)}, nhưng tệp ghi {_vnd(line.balance)}."
            )})  # fmt: skip
        running = line.balance if line.balance is not None else expected
    if closing is None:
        closing = running
    elif running is not None and opening is not None and running != closing:
        errors.append({"row": None, "field": LABELS["balance"], "message": (
            f"Số dư đầu kỳ {_vnd(opening)} + tổng ghi có − tổng ghi nợ = {_vnd(running)}, "
            f"khác số dư cuối kỳ trong tệp ({_vnd(closing)})."
        )})  # fmt: skip
    return opening, closing


def plan_statement(
    *,
    data: bytes,
    filename: str,
    fund: Fund,
    mapping: dict[str, int] | None = None,
    header_row: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> StatementPlan:
    """Dry run: read the file in whatever layout its bank uses, check it, count what is new. Writes nothing."""
    read = read_statement(data, filename, mapping=mapping, header_row=header_row)
    plan = StatementPlan(
        errors=list(read.errors),
        mapping={"layout": read.layout.key if read.layout else "", "header_row": read.header_row, **read.mapping},
        header_row=read.header_row,
        bank=read.bank,
        layout=read.layout.key if read.layout else "",
        account_number=read.account_number,
        period_from=read.period_from,
        period_to=read.period_to,
        opening_balance=read.opening_balance,
        closing_balance=read.closing_balance,
        file_total_debit=read.total_debit,
        file_total_credit=read.total_credit,
    )
    if read.layout is None:
        return plan

    def error(row: int | None, key: str | None, message: str) -> None:
        plan.errors.append({"row": row, "field": LABELS.get(key or "", ""), "message": message})

    if plan.account_number and fund.account_number and not account_matches(plan.account_number, fund.account_number):
        error(
            None,
            None,
            f"Sao kê của tài khoản {plan.account_number}, không phải tài khoản của quỹ ({fund.account_number}).",
        )
    seen: dict[str, int] = {}
    total = len(read.lines)
    for done, raw in enumerate(read.lines, 1):
        if raw.bank_ref in seen:
            error(raw.row, "bank_ref", f"Số tham chiếu {raw.bank_ref} trùng với dòng {seen[raw.bank_ref]}.")
        else:
            seen[raw.bank_ref] = raw.row
            plan.lines.append(
                ParsedLine(raw.row, raw.txn_at, raw.bank_ref, raw.debit, raw.credit, raw.balance, raw.memo)
            )
        if progress is not None and (done % 1000 == 0 or done == total):
            progress(done, total)

    if not plan.lines and not plan.errors:
        error(None, None, "Sao kê không có giao dịch nào.")
    counts = plan.counts()
    if plan.file_total_credit is not None and plan.file_total_credit != counts["credit"]:
        error(None, "credit", f"Tổng ghi có trong tệp ({_vnd(plan.file_total_credit)}) khác tổng các dòng đã đọc "
                              f"({_vnd(counts['credit'])}).")  # fmt: skip
    if plan.file_total_debit is not None and plan.file_total_debit != counts["debit"]:
        error(None, "debit", f"Tổng ghi nợ trong tệp ({_vnd(plan.file_total_debit)}) khác tổng các dòng đã đọc "
                             f"({_vnd(counts['debit'])}).")  # fmt: skip
    if plan.lines:
        check_balances(plan)
    refs = [line.bank_ref for line in plan.lines]
    existing: set[str] = set()
    for start in range(0, len(refs), 900):  # SQLite's limit on query parameters
        existing.update(
            StatementLine.objects.filter(fund=fund, bank_ref__in=refs[start : start + 900]).values_list(
                "bank_ref", flat=True
            )
        )
    for line in plan.lines:
        line.duplicate = line.bank_ref in existing
    return plan


def stage_statement(
    *, data: bytes, filename: str, fund: Fund, actor, progress: Callable[[int, int], None] | None = None
) -> tuple[StatementPlan, ImportBatch]:
    """The dry run both the page and `import_statement` make: read and check, keep the file in a batch."""
    import hashlib

    from django.core.files.base import ContentFile

    plan = plan_statement(data=data, filename=filename, fund=fund, progress=progress)
    batch = ImportBatch(
        kind="bank_statement",
        unit=fund.unit,
        file_name=filename,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        status=ImportStatus.CHECKED if plan.ok else ImportStatus.FAILED,
        counts=plan.counts(),
        errors=plan.errors,
        mapping=plan.mapping,
        created_by=actor,
    )
    batch.file.save(filename, ContentFile(data), save=False)
    batch.save()
    return plan, batch


def _matcher_context(fund: Fund) -> dict:

    households = Household.objects.filter(area__path__startswith=fund.unit.path).values_list("code", flat=True)
    units = OrgUnit.objects.filter(path__startswith=fund.unit.path, level__lte=3).exclude(pk=fund.unit.pk)
    return {
        "household_codes": HouseholdCodes((fold(code), code) for code in households),
        "unit_names": {u.name_folded: u.pk for u in units},
        "fund_codes": {fold(fund.code)},
    }


def reconcile_line(*, actor, line: StatementLine, context: dict | None = None) -> bool:
    """Try to turn a credit line into a receipt; True when it did. Never raises for an unreadable memo."""

    from .models import Channel, Receipt
    from .services import donor_find_or_create

    if line.credit <= 0 or line.receipt_id:
        return False
    existing = Receipt.objects.filter(fund=line.fund, bank_ref=line.bank_ref).first()
    if existing:
        line.receipt, line.status = existing, MatchStatus.MATCHED
        line.save(update_fields=["receipt", "status"])
        return True
    reading = read_memo(line.memo, **(context or _matcher_context(line.fund)))
    line.suggestion = reading.as_dict()
    if not reading.confident:
        line.save(update_fields=["suggestion"])
        return False
    donor = donor_find_or_create(unit=line.fund.unit, name=reading.donor_name)
    household = Household.objects.filter(code=reading.household_code).first() if reading.household_code else None
    from .models import Receipt as ReceiptModel

    entry = ledger.post(
        kind=EntryKind.RECEIPT,
        unit=line.fund.unit,
        date=local_day(line.txn_at),
        maker=actor,
        memo=f"Nhận ủng hộ của {donor.name} (sao kê {line.bank_ref})",
        legs=[
            Leg(account_for(AccountKind.FUND_CASH, fund=line.fund), line.credit),
            Leg(account_for(AccountKind.DONATIONS, fund=line.fund), -line.credit),
        ],
    )
    received_on = local_day(line.txn_at)
    receipt = ReceiptModel(
        fund=line.fund,
        donor=donor,
        amount=line.credit,
        received_on=received_on,
        channel=Channel.BANK,
        bank_ref=line.bank_ref,
        designation=reading.designation,
        designated_unit_id=reading.unit_id if reading.designation == Designation.UNIT else None,
        designated_household=household if reading.designation == Designation.HOUSEHOLD else None,
        memo=line.memo,
        entry=entry,
        created_by=actor,
    )
    number_receipts(fund=line.fund, receipts=[receipt])
    receipt.save()
    line.receipt, line.status = receipt, MatchStatus.MATCHED
    line.save(update_fields=["receipt", "status", "suggestion"])
    return True


def number_receipts(*, fund: Fund, receipts: list) -> None:
    """Give new receipts their Phiếu thu numbers (C40-BB) as `services.receipt_record` does for one
    entered by hand: per fund and year of receipt, from the book's last number on, in the given order.

    A receipt read from a statement is a receipt like any other: it is printed, listed in the bank
    book and numbered in the same book. Call after the receipts' entries are posted: the ledger has
    locked the fund's cash account, so the fund's receipts are numbered one transaction at a time.
    """
    from .models import Receipt

    years = {receipt.received_on.year for receipt in receipts}
    last = dict(
        Receipt.objects.filter(fund=fund, serial_year__in=years)
        .order_by()
        .values("serial_year")
        .annotate(last=Max("serial"))
        .values_list("serial_year", "last")
    )
    for receipt in receipts:
        year = receipt.received_on.year
        last[year] = (last.get(year) or 0) + 1
        receipt.serial_year, receipt.serial = year, last[year]


def post_fee(*, actor, line: StatementLine) -> bool:
    if line.debit <= 0 or line.fee_entry_id:
        return False
    cash = account_for(AccountKind.FUND_CASH, fund=line.fund)
    if cash.balance < line.debit:
        return False  # leave it in the queue until the credits it depends on are reconciled
    entry = ledger.post(
        kind=EntryKind.FEE,
        unit=line.fund.unit,
        date=local_day(line.txn_at),
        maker=actor,
        memo=f"Phí ngân hàng (sao kê {line.bank_ref}): {line.memo}",
        legs=[Leg(account_for(AccountKind.FEES, fund=line.fund), line.debit), Leg(cash, -line.debit)],
    )
    line.fee_entry, line.status = entry, MatchStatus.FEE
    line.save(update_fields=["fee_entry", "status"])
    return True


def is_fee(memo: str) -> bool:
    folded = fold(memo)
    return any(re.search(rf"\b{word}\b", folded) for word in FEE_WORDS)


@transaction.atomic
def commit_statement(
    *, actor, batch: ImportBatch, fund: Fund, one_by_one: bool = False
) -> tuple[StatementPlan, BankStatement | None]:
    """The confirm: re-read the staged file and write its new lines, reconciled, in one transaction.

    The lines are reconciled together (`reconcile_new_lines`: a constant number of queries whatever
    the statement's length). `one_by_one` takes the older path, `reconcile_line` and `post_fee` for
    each line after the other: the reference the batched path is tested against, and the bench's.
    """
    with batch.file.open("rb") as handle:
        data = handle.read()
    # Re-read with the mapping the person chose, if any; a recognised layout is recognised again.
    manual = batch.mapping if (batch.mapping or {}).get("manual") else None
    mapping = {k: v for k, v in manual.items() if k in LABELS} if manual else None
    plan = plan_statement(
        data=data, filename=batch.file_name, fund=fund, mapping=mapping, header_row=(manual or {}).get("header_row")
    )
    if not plan.ok:
        batch.move_to(ImportStatus.FAILED)
        batch.errors, batch.counts = plan.errors, plan.counts()
        batch.save(update_fields=["status", "errors", "counts"])
        return plan, None
    period = plan.period()
    assert period is not None  # a clean plan has at least one line
    counts = plan.counts()
    with as_actor(actor):
        statement = statement_for(
            fund=fund, batch=batch, opening=plan.opening_balance, closing=plan.closing_balance, period=period
        )
        tz = timezone.get_current_timezone()
        lines = [
            StatementLine(
                statement=statement,
                fund=fund,
                row_number=line.row,
                bank_ref=line.bank_ref,
                txn_at=timezone.make_aware(line.txn_at, tz) if timezone.is_naive(line.txn_at) else line.txn_at,
                debit=line.debit,
                credit=line.credit,
                balance=line.balance,
                memo=line.memo,
                memo_folded=fold(line.memo),
            )
            for line in plan.new_lines
        ]
        if one_by_one:
            created = StatementLine.objects.bulk_create(lines)
            context = _matcher_context(fund)
            for line in sorted(created, key=lambda x: (x.txn_at, x.row_number)):
                if line.credit:
                    reconcile_line(actor=actor, line=line, context=context)
            for line in sorted(created, key=lambda x: (x.txn_at, x.row_number)):
                if line.debit and is_fee(line.memo):
                    post_fee(actor=actor, line=line)
        else:
            reconcile_new_lines(actor=actor, fund=fund, lines=lines)
        totals = statement.lines.aggregate(debit=Sum("debit", default=0), credit=Sum("credit", default=0))
        statement.total_debit, statement.total_credit = totals["debit"], totals["credit"]
        statement.lines_added += counts["new"]
        statement.lines_skipped += counts["skipped"]
        statement.save()
        batch.move_to(ImportStatus.COMMITTED, actor=actor)
        batch.errors, batch.counts = [], counts
        batch.save()
    return plan, statement


def reconcile_new_lines(*, actor, fund: Fund, lines: list[StatementLine]) -> list[StatementLine]:
    """Reconcile a statement's new lines and write them, as `reconcile_line` and `post_fee` would line by line.

    Same outcome, in a constant number of queries: a credit whose reference a receipt of the fund
    already has is matched to it; one whose memo names a donor becomes a receipt (the donor found or
    created once per name, its entry posted to the ledger in the lines' order); the others keep the
    matcher's suggestion and wait for a person. Fee debits are then posted in order, each while the
    fund's cash covers it. Every new donor, entry, receipt and line gets its own audit record (the
    line's with its final status, so no line is written twice). Must run inside the confirm's
    transaction and `as_actor`.
    """
    actor = concrete(actor)
    ordered = sorted(lines, key=lambda x: (x.txn_at, x.row_number))
    reconcile_credits(actor=actor, fund=fund, credits=[line for line in ordered if line.credit > 0])
    post_fees(actor=actor, fund=fund, fees=[line for line in ordered if line.debit > 0 and is_fee(line.memo)])
    return bulk_create_audited(StatementLine, lines)


def reconcile_credits(*, actor, fund: Fund, credits: list[StatementLine], context: dict | None = None) -> None:
    """The credits of `reconcile_new_lines`, in their order: matched, receipts, or left with a suggestion.

    Sets each line's receipt, status and suggestion; writes donors, entries and receipts, not the lines.
    A long statement may come in consecutive runs of its lines (the streaming path): donors created by
    an earlier run are found by a later one, numbers and entries continue, so the outcome is the same.
    """

    from .models import Channel, Donor, Receipt, ReceiptTally
    from .signals import receipts_recorded

    unit = fund.unit
    existing: dict[str, Receipt] = {}
    refs = [line.bank_ref for line in credits]
    for start in range(0, len(refs), 900):  # SQLite's limit on query parameters
        existing.update(
            (r.bank_ref, r) for r in Receipt.objects.filter(fund=fund, bank_ref__in=refs[start : start + 900])
        )
    if context is None:
        context = _matcher_context(fund) if len(existing) < len(credits) else {}
    giving: list[tuple[StatementLine, MemoReading, str]] = []  # with the donor's folded name
    names: dict[str, str] = {}  # folded → as the first line spells it
    for line in credits:
        if line.bank_ref in existing:
            line.receipt, line.status = existing[line.bank_ref], MatchStatus.MATCHED
            continue
        reading = read_memo(line.memo, **context)
        line.suggestion = reading.as_dict()
        if reading.confident:
            name = nfc(reading.donor_name)
            giving.append((line, reading, fold(name)))
            names.setdefault(giving[-1][2], name)

    # Donors: as donor_find_or_create, once per name (the first line's spelling names a new donor).
    donors: dict[str, Donor] = {}
    keys = list(names)
    for start in range(0, len(keys), 900):
        for donor in Donor.objects.filter(
            unit=unit, anonymous=False, name_folded__in=keys[start : start + 900]
        ).order_by("pk"):
            donors.setdefault(donor.name_folded, donor)
    new_donors = [
        Donor(unit=unit, name=name, name_folded=key, published_folded=fold(""))
        for key, name in names.items()
        if key not in donors
    ]
    for donor in bulk_create_audited(Donor, new_donors):
        donors[donor.name_folded] = donor
    codes = {reading.household_code for _line, reading, _key in giving if reading.household_code}
    households = {h.code: h for h in Household.objects.filter(code__in=codes)} if codes else {}

    receipts: list[Receipt] = []
    if giving:
        cash = account_for(AccountKind.FUND_CASH, fund=fund)
        donations = account_for(AccountKind.DONATIONS, fund=fund)
        postings = []
        for line, _reading, key in giving:
            donor = donors[key]
            postings.append(ledger.Posting(
                kind=EntryKind.RECEIPT, unit=unit, date=local_day(line.txn_at), maker=actor,
                memo=f"Nhận ủng hộ của {donor.name} (sao kê {line.bank_ref})",
                legs=[Leg(cash, line.credit), Leg(donations, -line.credit)],
            ))  # fmt: skip
        entries = ledger.post_many(postings)
        for (line, reading, key), entry, posting in zip(giving, entries, postings, strict=True):
            memo = nfc(line.memo)
            receipts.append(Receipt(
                fund=fund, donor=donors[key], amount=line.credit,
                received_on=posting.date, channel=Channel.BANK, bank_ref=line.bank_ref,
                designation=reading.designation,
                designated_unit_id=reading.unit_id if reading.designation == Designation.UNIT else None,
                designated_household=households.get(reading.household_code)
                if reading.designation == Designation.HOUSEHOLD else None,
                memo=memo, memo_folded=fold(memo), entry=entry, created_by=actor,
            ))  # fmt: skip
        number_receipts(fund=fund, receipts=receipts)
        bulk_create_audited(Receipt, receipts)
        ReceiptTally.add(fund_id=fund.pk, amount=sum(r.amount for r in receipts), count=len(receipts))
        receipts_recorded.send(sender=Receipt, receipts=receipts)
        for (line, _reading, _key), receipt in zip(giving, receipts, strict=True):
            line.receipt, line.status = receipt, MatchStatus.MATCHED


def post_fees(*, actor, fund: Fund, fees: list[StatementLine]) -> None:
    """The fee debits of `reconcile_new_lines`, in order, after every credit: each posted while the
    fund's cash covers it, else left waiting. Sets each paid line's entry and status."""
    unit = fund.unit
    if fees:
        cash = account_for(AccountKind.FUND_CASH, fund=fund)
        available = Account.objects.filter(pk=cash.pk).values_list("balance", flat=True).get()
        paid = []
        for line in fees:
            if available >= line.debit:  # else it waits in the queue, as post_fee leaves it
                available -= line.debit
                paid.append(line)
        if paid:
            charges = account_for(AccountKind.FEES, fund=fund)
            entries = ledger.post_many([
                ledger.Posting(kind=EntryKind.FEE, unit=unit, date=local_day(line.txn_at), maker=actor,
                               memo=f"Phí ngân hàng (sao kê {line.bank_ref}): {line.memo}",
                               legs=[Leg(charges, line.debit), Leg(cash, -line.debit)])
                for line in paid
            ])  # fmt: skip
            for line, entry in zip(paid, entries, strict=True):
                line.fee_entry, line.status = entry, MatchStatus.FEE


def statement_for(
    *, fund: Fund, batch: ImportBatch, opening: int | None, closing: int | None, period: tuple[dt.date, dt.date]
) -> BankStatement:
    """The fund's one record for this statement: an earlier import whose period overlaps, widened, or a new one.

    Importing the same file twice, or 1–15 and then 10–30 September, leaves one record whose period
    covers both; its opening balance is the earliest file's and its closing balance the latest's.
    """
    statement = (
        BankStatement.objects.select_for_update()
        .filter(fund=fund, period_from__lte=period[1], period_to__gte=period[0])
        .order_by("period_from")
        .first()
    )
    if statement is None:
        return BankStatement.objects.create(
            fund=fund,
            period_from=period[0],
            period_to=period[1],
            opening_balance=opening,
            closing_balance=closing,
            batch=batch,
        )
    if period[0] < statement.period_from or statement.opening_balance is None:
        statement.period_from = min(period[0], statement.period_from)
        statement.opening_balance = opening
    if period[1] >= statement.period_to or statement.closing_balance is None:
        statement.period_to = max(period[1], statement.period_to)
        statement.closing_balance = closing
    return statement
