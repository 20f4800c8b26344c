"""What a fund holds in its till and in its bank account: the figures of the cash book and the bank
book (sổ quỹ tiền mặt S07-H, sổ tiền gửi S08-H; issue 17), as of a date.

One definition, read from the ledger: the lines of the fund's own money accounts (`fund_cash` — not
yet allocated — and `allocation` — allocated to a household, not yet paid), leaving out allocations and
their reversals (they move money between those two accounts; it stays in the fund until paid). What
is left is what came in or went out of the fund: receipts (+), payments to households (−), transfers
between funds (±), bank fees (−), and the reversals of those (the opposite sign, on their own day).

The book a line belongs to is the channel of its money: a receipt's or a payment's own channel (and
the channel of what a reversal reverses); transfers and bank fees move through the bank. So the cash
book's balance plus the bank book's is `fund_held` = `fund_unallocated` + `fund_allocated_unpaid`.
The books (`funds.papers.book`) list the same lines (`funds.books.book_lines`, `BOOK_CHANNEL`) and take
their openings, totals and closings from these figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext_lazy as _

from chungtay.core.figures import cached
from chungtay.funds.books import BOOK_PREFIX, TALLY_COLUMNS, book_lines, book_sums, kept_books
from chungtay.funds.models import Channel, Fund
from chungtay.tallies.catalogue import Params, figure, group


@group("fund_books", "Sổ quỹ tiền mặt và sổ tiền gửi của một quỹ: thu, chi, tồn")
def fund_books(funds: Sequence[Any], p: Params) -> dict[int, dict[str, int]]:
    ids = sorted(f.pk for f in funds if isinstance(f, Fund))
    out: dict[int, dict[str, int]] = {
        pk: {f"{prefix}_{side}": 0 for prefix in BOOK_PREFIX.values() for side in ("in", "out")} for pk in ids
    }
    if not ids:
        return out
    # As of today every line counts (like the kept balances of `fund_money`, which a dated line after
    # today is already in): the kept totals (funds.books.kept_books) and the entries since, cached a
    # minute like `fund_money`; as of an earlier day, the lines up to it.
    if p.is_today:
        return cached("fund_books", 0, lambda: _fund_books(ids, out, None), ",".join(map(str, ids)))
    return _fund_books(ids, out, p.as_of)


def _fund_books(ids: list[int], out: dict[int, dict[str, int]], day: dt.date | None) -> dict[int, dict[str, int]]:
    if day is None:
        # Today: the totals kept through the last fold plus the lines of the entries posted since.
        through, kept = kept_books(ids)
        sums = [kept, book_sums(book_lines(ids, None).filter(entry_id__gt=through))]
    else:
        sums = [book_sums(book_lines(ids, day))]
    for part in sums:
        for fund_id, values in part.items():
            for channel, (money_in, money_out) in TALLY_COLUMNS.items():
                prefix = BOOK_PREFIX[channel]
                out[fund_id][f"{prefix}_in"] += values[money_in]
                out[fund_id][f"{prefix}_out"] += values[money_out]
    return out


FB = "fund_books"
LABELS = {
    "fund_cash_book_in": _("Tiền mặt của quỹ này: tổng thu (lũy kế)"),
    "fund_cash_book_out": _("Tiền mặt của quỹ này: tổng chi (lũy kế)"),
    "fund_cash_book_balance": _("Tiền mặt của quỹ này: tồn quỹ"),
    "fund_bank_book_in": _("Tiền gửi của quỹ này: tổng gửi vào (lũy kế)"),
    "fund_bank_book_out": _("Tiền gửi của quỹ này: tổng rút ra (lũy kế)"),
    "fund_bank_book_balance": _("Tiền gửi của quỹ này: số dư"),
}
_WHAT: dict[str, tuple[str, str, str]] = {
    Channel.CASH: ("tiền mặt", "thu, chi bằng tiền mặt", "sổ quỹ tiền mặt"),
    Channel.BANK: ("tiền gửi ngân hàng", "thu, chi qua tài khoản, chuyển quỹ, phí ngân hàng", "sổ tiền gửi"),
}


def _balance(prefix: str):
    return lambda v: v[f"{prefix}_in"] - v[f"{prefix}_out"]


for _channel, _prefix in BOOK_PREFIX.items():
    _words, _lines, _book = _WHAT[_channel]
    figure(FB, f"{_prefix}_in", LABELS[f"{_prefix}_in"],
           f"Tổng tiền vào {_words} của quỹ, từ khi lập quỹ đến ngày tính ({_lines}; bút toán đảo một khoản "
           "chi tính ở đây). Phân bổ cho hộ không tính: tiền vẫn ở quỹ đến khi chi.", unit="đồng")  # fmt: skip
    figure(FB, f"{_prefix}_out", LABELS[f"{_prefix}_out"],
           f"Tổng tiền ra khỏi {_words} của quỹ, từ khi lập quỹ đến ngày tính ({_lines}; bút toán đảo một "
           "khoản thu tính ở đây).", unit="đồng")  # fmt: skip
    figure(FB, f"{_prefix}_balance", LABELS[f"{_prefix}_balance"],
           f"`{_prefix}_in` − `{_prefix}_out`: số dư {_words} của quỹ đến ngày tính, là số dư cuối kỳ của "
           f"{_book} đến ngày đó; số dư đầu kỳ là số này đến ngày trước kỳ.", unit="đồng",
           derive=_balance(_prefix))  # fmt: skip
figure(FB, "fund_held", _("Tiền quỹ này đang giữ (tiền mặt và tiền gửi)"),
       "`fund_cash_book_balance` + `fund_bank_book_balance`; bằng `fund_unallocated` + `fund_allocated_unpaid` "
       "(tiền chưa phân bổ và tiền đã phân bổ nhưng chưa chi đều còn ở quỹ).", unit="đồng",
       derive=lambda v: _balance("fund_cash_book")(v) + _balance("fund_bank_book")(v))  # fmt: skip
