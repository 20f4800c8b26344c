"""The posting core: the only code that writes journal entries and account balances.

`post()` must run inside a transaction. It locks the single LedgerHead row first (so entries get
consecutive `seq` numbers and each hash covers the previous one), then the accounts it touches, in
id order, and refuses any entry that would break a balance rule. On PostgreSQL the locks are row
locks (SELECT … FOR UPDATE); on SQLite the IMMEDIATE transaction mode serialises writers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chungtay.core.errors import DomainError
from chungtay.core.money import format_vnd

from .bulk import bulk_create_audited
from .models import (
    NON_NEGATIVE,
    Account,
    AccountKind,
    Fund,
    JournalEntry,
    JournalLine,
    LedgerHead,
    Receipt,
    ReceiptTally,
    Source,
)
from .signals import balances_changed

GENESIS = "0" * 64

# What a person is told when an entry would push an account past its limit.
LIMIT_MESSAGES = {
    AccountKind.FUND_CASH: "Quỹ “{owner}” không đủ tiền: còn {available}, cần {needed}.",
    AccountKind.ALLOCATION: "Số chi vượt số đã phân bổ cho hộ {household}: còn {available}, cần {needed}.",
    AccountKind.DISBURSED: "Không thể giảm số đã chi của hộ {household} xuống dưới 0.",
    AccountKind.FEES: "Không thể giảm khoản phí xuống dưới 0.",
    AccountKind.DONATIONS: "Không thể đảo quá số đã nhận của quỹ “{owner}”.",
    AccountKind.SOURCE: "Không thể đảo quá số nguồn “{owner}” đã cấp.",
}


@dataclass(frozen=True)
class Leg:
    account: Account
    amount: int  # > 0 debit, < 0 credit


def account_key(kind: str, fund: Fund | None = None, source: Source | None = None, household=None) -> str:
    return f"{kind}:{fund.pk if fund else ''}:{source.pk if source else ''}:{household.pk if household else ''}"


def account_for(kind: str, *, fund: Fund | None = None, source: Source | None = None, household=None) -> Account:
    """The account of that kind for a fund/source (and household), created on first use."""
    key = account_key(kind, fund, source, household)
    found = Account.objects.filter(key=key).first()
    if found:
        return found
    unit = fund.unit if fund else source.unit  # type: ignore[union-attr]
    try:
        with transaction.atomic():
            return Account.objects.create(key=key, kind=kind, unit=unit, fund=fund, source=source, household=household)
    except IntegrityError:  # created meanwhile by a concurrent posting
        return Account.objects.get(key=key)


def entry_hash(prev_hash: str, payload: dict) -> str:
    canonical = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def entry_payload(entry: JournalEntry, lines: list[tuple[int, int, int]]) -> dict:
    return {
        "seq": entry.seq,
        "kind": entry.kind,
        "unit": entry.unit_id,
        "date": entry.date.isoformat(),
        "memo": entry.memo,
        "maker": entry.maker_id,
        "checker": entry.checker_id,
        "posted_at": entry.posted_at.isoformat(timespec="microseconds"),
        "reverses": entry.reverses_id,
        "reason": entry.reason,
        "lines": sorted([list(line) for line in lines]),
    }


def _check_legs(legs: list[Leg]) -> None:
    if len(legs) < 2:
        raise DomainError(_("Bút toán cần ít nhất hai dòng."))
    for leg in legs:
        if isinstance(leg.amount, bool) or not isinstance(leg.amount, int) or leg.amount == 0:
            raise DomainError(_("Số tiền phải là số nguyên đồng khác 0."))
    if sum(leg.amount for leg in legs) != 0:
        raise DomainError(_("Bút toán không cân: tổng nợ khác tổng có."))


def _check_limit(account: Account, balance: int, delta: int) -> None:
    """Refuse a change of `delta` to `account`, now at `balance`, that breaks its balance rule."""
    new_balance = balance + delta
    breaks = new_balance < 0 if account.kind in NON_NEGATIVE else new_balance > 0
    if breaks:
        owner = account.fund or account.source
        household = getattr(account.household, "code", "") if account.household_id else ""
        raise DomainError(
            LIMIT_MESSAGES[AccountKind(account.kind)].format(
                owner=owner,
                household=household,
                available=format_vnd(abs(balance)),
                needed=format_vnd(abs(delta)),
            )
        )


def post(
    *,
    kind: str,
    unit,
    date,
    memo: str,
    legs: list[Leg],
    maker=None,
    checker=None,
    reverses: JournalEntry | None = None,
    reason: str = "",
) -> JournalEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside transaction.atomic()")
    _check_legs(legs)

    head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    ids = sorted({leg.account.pk for leg in legs})
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    change: dict[int, int] = {}
    for leg in legs:
        change[leg.account.pk] = change.get(leg.account.pk, 0) + leg.amount
    for account_id, delta in change.items():
        _check_limit(locked[account_id], locked[account_id].balance, delta)

    entry = JournalEntry(
        seq=head.last_seq + 1,
        kind=kind,
        unit=unit,
        date=date,
        memo=memo[:500],
        maker=maker,
        checker=checker,
        posted_at=timezone.now(),
        reverses=reverses,
        reason=reason[:500],
        prev_hash=head.last_hash,
    )
    line_tuples = [(leg.account.pk, max(leg.amount, 0), max(-leg.amount, 0)) for leg in legs]
    entry.hash = entry_hash(head.last_hash, entry_payload(entry, line_tuples))
    entry.save()
    JournalLine.objects.bulk_create(
        [JournalLine(entry=entry, account_id=a, debit=d, credit=c) for a, d, c in line_tuples]
    )
    for account_id, delta in change.items():
        Account.objects.filter(pk=account_id).update(balance=locked[account_id].balance + delta)
    LedgerHead.objects.filter(pk=head.pk).update(last_seq=entry.seq, last_hash=entry.hash)
    balances_changed.send(sender=Account, accounts=list(locked.values()), changes=change, since=entry.date)
    return entry


def hold() -> None:
    """Lock the ledger's head, as a posting does first, until the caller's transaction ends: no posting
    runs meanwhile. For a write that reads balances and must not interleave with a posting (a household
    changing area takes its balances' figures along: reports.signals); call it before the write takes
    any other lock, as `post` does. Outside a transaction each statement commits on its own and there
    is nothing to hold."""
    if transaction.get_connection().in_atomic_block:
        LedgerHead.objects.select_for_update().get_or_create(pk=1)


@dataclass(frozen=True)
class Posting:
    """One entry for `post_many`: the arguments `post` takes for it."""

    kind: str
    unit: Any
    date: dt.date
    memo: str
    legs: list[Leg]
    maker: Any = None


def post_many(postings: list[Posting]) -> list[JournalEntry]:
    """Post the entries in order, exactly as `post` would one after another, in a constant number of queries.

    For a statement's hundreds of receipts: the ledger head and the accounts are locked once, each
    entry is checked against the balances the entries before it left (the first one that breaks a
    rule refuses them all, with `post`'s message), numbered and chained in order, and written with
    its lines in bulk; each entry is audited as created, as `post` audits it; each account's
    balance and the head are written once, and `balances_changed` is sent once with the sums.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post_many must run inside transaction.atomic()")
    if not postings:
        return []
    for posting in postings:
        _check_legs(posting.legs)
    head, _created = LedgerHead.objects.select_for_update().get_or_create(pk=1)
    ids = sorted({leg.account.pk for posting in postings for leg in posting.legs})
    locked = {a.pk: a for a in Account.objects.select_for_update().filter(pk__in=ids).order_by("pk")}
    balances = {pk: account.balance for pk, account in locked.items()}
    total: dict[int, int] = {}
    entries: list[JournalEntry] = []
    line_tuples: list[list[tuple[int, int, int]]] = []
    seq, prev_hash = head.last_seq, head.last_hash
    for posting in postings:
        change: dict[int, int] = {}
        for leg in posting.legs:
            change[leg.account.pk] = change.get(leg.account.pk, 0) + leg.amount
        for account_id, delta in change.items():
            _check_limit(locked[account_id], balances[account_id], delta)
        for account_id, delta in change.items():
            balances[account_id] += delta
            total[account_id] = total.get(account_id, 0) + delta
        seq += 1
        entry = JournalEntry(
            seq=seq,
            kind=posting.kind,
            unit=posting.unit,
            date=posting.date,
            memo=posting.memo[:500],
            maker=posting.maker,
            posted_at=timezone.now(),
            prev_hash=prev_hash,
        )
        tuples = [(leg.account.pk, max(leg.amount, 0), max(-leg.amount, 0)) for leg in posting.legs]
        entry.hash = prev_hash = entry_hash(prev_hash, entry_payload(entry, tuples))
        entries.append(entry)
        line_tuples.append(tuples)
    bulk_create_audited(JournalEntry, entries)
    JournalLine.objects.bulk_create(
        [
            JournalLine(entry=entry, account_id=a, debit=d, credit=c)
            for entry, tuples in zip(entries, line_tuples, strict=True)
            for a, d, c in tuples
        ]
    )
    for account_id, delta in total.items():
        if delta:
            Account.objects.filter(pk=account_id).update(balance=balances[account_id])
    LedgerHead.objects.filter(pk=head.pk).update(last_seq=seq, last_hash=prev_hash)
    since = min(posting.date for posting in postings)
    balances_changed.send(sender=Account, accounts=list(locked.values()), changes=total, since=since)
    return entries


def reverse(*, entry: JournalEntry, actor, reason: str, date) -> JournalEntry:
    """Post the mirror image of `entry`. The original stays as it was."""
    if not reason.strip():
        raise DomainError(_("Cần ghi lý do đảo bút toán."), field="reason")
    if entry.kind == "reversal":
        raise DomainError(_("Không đảo một bút toán đảo; hãy lập bút toán mới."))
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise DomainError(_("Bút toán #%(seq)s đã được đảo trước đó.") % {"seq": entry.seq})
    legs = [Leg(line.account, line.credit - line.debit) for line in entry.lines.select_related("account")]
    return post(
        kind="reversal",
        unit=entry.unit,
        date=date,
        memo=f"Đảo bút toán #{entry.seq}: {entry.memo}",
        legs=legs,
        maker=actor,
        reverses=entry,
        reason=reason,
    )


@dataclass
class LedgerProblem:
    seq: int | None
    message: str


def verify() -> list[LedgerProblem]:
    """Recompute the hash chain and every balance; an empty list means the ledger is intact."""
    problems: list[LedgerProblem] = []
    prev = GENESIS
    expected_seq = 1
    lines_by_entry: dict[int, list[tuple[int, int, int]]] = {}
    sums: dict[int, int] = {}
    for entry_id, account_id, debit, credit in JournalLine.objects.values_list(
        "entry_id", "account_id", "debit", "credit"
    ):
        lines_by_entry.setdefault(entry_id, []).append((account_id, debit, credit))
        sums[account_id] = sums.get(account_id, 0) + debit - credit
    last_seq = 0
    for entry in JournalEntry.objects.order_by("seq").iterator(chunk_size=2000):
        lines = lines_by_entry.get(entry.pk, [])
        if entry.seq != expected_seq:
            problems.append(LedgerProblem(entry.seq, f"Thiếu bút toán số {expected_seq} (thứ tự bị gián đoạn)."))
        if entry.prev_hash != prev:
            problems.append(LedgerProblem(entry.seq, "Mã băm của bút toán trước không khớp (chuỗi bị cắt hoặc sửa)."))
        if sum(d - c for _, d, c in lines) != 0 or len(lines) < 2:
            problems.append(LedgerProblem(entry.seq, "Bút toán không cân."))
        if entry_hash(entry.prev_hash, entry_payload(entry, lines)) != entry.hash:
            problems.append(LedgerProblem(entry.seq, "Nội dung bút toán đã bị sửa sau khi ghi sổ (mã băm không khớp)."))
        prev, expected_seq, last_seq = entry.hash, entry.seq + 1, entry.seq
    head = LedgerHead.objects.filter(pk=1).first()
    if head and (head.last_seq != last_seq or (last_seq and head.last_hash != prev)):
        problems.append(LedgerProblem(None, "Đầu sổ không khớp bút toán cuối cùng (bút toán cuối bị xoá?)."))
    for account in Account.objects.all().iterator(chunk_size=2000):
        expected = sums.get(account.pk, 0)
        if account.balance != expected:
            message = f"Số dư tài khoản {account.key} ({account.balance}) khác tổng các dòng ({expected})."
            problems.append(LedgerProblem(None, message))
    problems += _tally_problems()
    return problems


def _tally_problems() -> list[LedgerProblem]:
    """The funds' receipt tallies (the public ledger's totals) against the receipts themselves."""
    kept = {fund: (n, total) for fund, n, total in ReceiptTally.objects.values_list("fund_id", "count", "total")}
    rows = Receipt.objects.order_by().values("fund_id").annotate(n=Count("id"), total=Sum("amount"))
    actual = {row["fund_id"]: (row["n"], row["total"]) for row in rows}
    problems = []
    for fund in sorted(kept.keys() | actual.keys()):
        (n, total), (real_n, real_total) = kept.get(fund, (0, 0)), actual.get(fund, (0, 0))
        if (n, total) != (real_n, real_total):
            message = (
                f"Tổng hợp khoản ủng hộ của quỹ #{fund} ({n} khoản, {total}) khác các khoản đã ghi "
                f"({real_n} khoản, {real_total}); chạy lại ReceiptTally.rebuild()."
            )
            problems.append(LedgerProblem(None, message))
    return problems
