"""The ledger lines of a fund's cash book and bank book (sổ quỹ tiền mặt S07-H, sổ tiền gửi S08-H; issue 17).

The lines of the fund's own money accounts (`fund_cash`, `allocation`) without allocations and their
reversals, and the book each is written in. The books (`funds.papers.book`) list these lines; the
catalogue's fund book figures (chungtay/figures/fund_books.py, their definitions) sum the same lines,
so the books' openings, totals and closings are those figures.

As of today the sums are kept (issue 22: a province fund's 3,700–7,500 lines with four joins each took
200–350 ms on every visit of its page): FundBookTally holds each fund's totals through the entries up
to FundBookMark.through_entry, folded in after each posting commits (`fold_books`); `kept_books`
returns them with that mark, read in one statement, and the figure adds the lines of later entries.
The ledger is insert-only and an entry's book is fixed by the receipt or payment recorded with it in
the same transaction, so a folded line never changes; the fold waits on the ledger head's lock, so
no posting is in flight below the entries it reads. Exact whether or not the fold has run.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Max, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from .models import (
    AccountKind,
    Channel,
    EntryKind,
    FundBookMark,
    FundBookTally,
    JournalEntry,
    JournalLine,
    LedgerHead,
)

logger = logging.getLogger(__name__)

BOOK_ACCOUNTS = (AccountKind.FUND_CASH, AccountKind.ALLOCATION)
# figure-name prefix of each book, by the channel it holds
BOOK_PREFIX: dict[str, str] = {Channel.CASH: "fund_cash_book", Channel.BANK: "fund_bank_book"}


# The book a line is written in: the channel of its receipt or payment (or of what it reverses);
# transfers and fees go through the bank. Annotate `book_lines` with it: `.annotate(book_channel=BOOK_CHANNEL)`.
BOOK_CHANNEL = Coalesce(
    "entry__receipt__channel",
    "entry__disbursement__channel",
    "entry__reverses__receipt__channel",
    "entry__reverses__disbursement__channel",
    Value(str(Channel.BANK)),
)


def book_lines(fund_ids: Sequence[int] | None, until: dt.date | None) -> QuerySet[JournalLine]:
    """The ledger lines that move a fund's held money (of every fund when `fund_ids` is None), up to
    `until` (every line when None)."""
    lines = JournalLine.objects.filter(account__kind__in=BOOK_ACCOUNTS)
    if fund_ids is None:  # an outside source's allocation accounts are no fund's
        lines = lines.filter(account__fund__isnull=False)
    else:
        lines = lines.filter(account__fund_id__in=list(fund_ids))
    if until is not None:
        lines = lines.filter(entry__date__lte=until)
    # Allocations (and their reversals) are a debit and a credit of the same fund's two accounts.
    return lines.exclude(entry__kind=EntryKind.ALLOCATION).exclude(
        Q(entry__reverses__isnull=False) & Q(entry__reverses__kind=EntryKind.ALLOCATION)
    )


# FundBookTally's columns by book channel: (money in, money out)
TALLY_COLUMNS: dict[str, tuple[str, str]] = {
    Channel.CASH: ("cash_in", "cash_out"),
    Channel.BANK: ("bank_in", "bank_out"),
}


def book_sums(lines: QuerySet[JournalLine]) -> dict[int, dict[str, int]]:
    """{fund id: {"cash_in": …, "cash_out": …, "bank_in": …, "bank_out": …}} of `book_lines`."""
    out: dict[int, dict[str, int]] = {}
    rows = lines.annotate(book_channel=BOOK_CHANNEL).values("account__fund_id", "book_channel")
    for row in rows.annotate(money_in=Sum("debit"), money_out=Sum("credit")).order_by():
        columns = TALLY_COLUMNS.get(row["book_channel"])
        if columns is None:
            continue
        values = out.setdefault(
            row["account__fund_id"], dict.fromkeys(("cash_in", "cash_out", "bank_in", "bank_out"), 0)
        )
        values[columns[0]] += int(row["money_in"] or 0)
        values[columns[1]] += int(row["money_out"] or 0)
    return out


def kept_books(fund_ids: Sequence[int]) -> tuple[int, dict[int, dict[str, int]]]:
    """The mark and the kept totals of the funds, in one statement (so one snapshot: a fold that
    commits meanwhile moves both or neither). (0, {}) before the first fold."""
    mark, tally = FundBookMark._meta.db_table, FundBookTally._meta.db_table
    marks = ", ".join(["%s"] * len(fund_ids)) or "NULL"
    sql = (
        f"SELECT m.through_entry, t.fund_id, t.cash_in, t.cash_out, t.bank_in, t.bank_out FROM {mark} m "  # noqa: S608 — table names from the models, ids as parameters
        f"LEFT JOIN {tally} t ON t.fund_id IN ({marks}) WHERE m.id = 1"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, list(fund_ids))
        rows = cursor.fetchall()
    through = int(rows[0][0]) if rows else 0
    kept = {
        fund_id: {"cash_in": a, "cash_out": b, "bank_in": c, "bank_out": d}
        for _, fund_id, a, b, c, d in rows
        if fund_id is not None
    }
    return through, kept


def fold_books() -> int:
    """Add the book lines of the entries posted since the last fold to FundBookTally and move the
    mark; returns the number of entries folded. Runs after each posting commits (`_fold_after_commit`)
    and from `refold` (a rebuild after a bulk load or restore)."""
    with transaction.atomic():
        LedgerHead.objects.select_for_update().get_or_create(pk=1)  # no posting in flight below `last`
        mark, _created = FundBookMark.objects.select_for_update().get_or_create(pk=1)
        last = JournalEntry.objects.aggregate(last=Max("id"))["last"] or 0
        if last <= mark.through_entry:
            return 0
        sums = book_sums(book_lines(None, None).filter(entry_id__gt=mark.through_entry, entry_id__lte=last))
        kept = FundBookTally.objects.select_for_update().in_bulk(list(sums))
        for fund_id, values in sums.items():
            tally = kept.get(fund_id)
            if tally is None:
                FundBookTally.objects.create(fund_id=fund_id, **values)
                continue
            for name, value in values.items():
                setattr(tally, name, getattr(tally, name) + value)
            tally.save()
        folded = last - mark.through_entry
        mark.through_entry = last
        mark.save()
    return folded


def refold() -> None:
    """Forget the kept totals and fold every entry again (after data loaded around the application)."""
    with transaction.atomic():
        LedgerHead.objects.select_for_update().get_or_create(pk=1)
        FundBookTally.objects.all().delete()
        FundBookMark.objects.all().delete()
        fold_books()


def fold_after_commit(**kwargs: Any) -> None:
    """balances_changed: once the transaction that posted entries commits, fold them in the background
    (`funds.tasks.fold_books_task`, on the reports queue beside the subtree figures' refresh), once per
    transaction however many entries it posted. Until the task runs, or if it fails, the figures
    stay exact: the lines after the mark are read live."""
    conn = transaction.get_connection()
    if not conn.in_atomic_block:
        _enqueue_fold()
    elif not any(callback is _enqueue_fold for _sids, callback, *_rest in conn.run_on_commit):
        transaction.on_commit(_enqueue_fold)


def _enqueue_fold() -> None:
    from .tasks import fold_books_task

    try:
        fold_books_task.enqueue()
    except Exception:  # a committed write must not fail for it: the readers add the unfolded lines
        logger.exception("could not enqueue the fold of the fund books")
