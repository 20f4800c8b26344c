"""The ledger lines of a fund's cash book and bank book (sổ quỹ tiền mặt S07-H, sổ tiền gửi S08-H; issue 17).

The lines of the fund's own money accounts (`fund_cash`, `allocation`) without allocations and their
reversals, and the book each is written in. The books (`funds.papers.book`) list these lines; the
catalogue's fund book figures (chungtay/figures/fund_books.py, their definitions) sum the same lines,
so the books' openings, totals and closings are those figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Coalesce

from .models import AccountKind, Channel, EntryKind, JournalLine

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


def book_lines(fund_ids: Sequence[int], until: dt.date | None) -> QuerySet[JournalLine]:
    """The ledger lines that move a fund's held money, up to `until` (every line when None)."""
    lines = JournalLine.objects.filter(account__fund_id__in=list(fund_ids), account__kind__in=BOOK_ACCOUNTS)
    if until is not None:
        lines = lines.filter(entry__date__lte=until)
    # Allocations (and their reversals) are a debit and a credit of the same fund's two accounts.
    return lines.exclude(entry__kind=EntryKind.ALLOCATION).exclude(
        Q(entry__reverses__isnull=False) & Q(entry__reverses__kind=EntryKind.ALLOCATION)
    )
