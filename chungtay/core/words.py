"""Amounts in Vietnamese words, as written on the "Số tiền bằng chữ" line of a voucher.

The rules an accountant checks:
- "mười" for the tens digit 1, "X mươi" for 2–9;
- after "mươi" a 1 is "mốt" (hai mươi mốt) but after "mười" it stays "một" (mười một);
- a 5 after any tens word is "lăm" (mười lăm, hai mươi lăm), elsewhere "năm" (lẻ năm);
- a 4 after "mươi" is "tư" at the very end of the amount (hai mươi tư đồng) and "bốn" before a
  unit word (hai mươi bốn nghìn): both readings are correct Vietnamese, this is the split the
  vouchers we were given use;
- a zero tens digit with a non-zero units digit reads "lẻ" (một trăm lẻ năm);
- once a higher group has been read, a lower group reads all three digits, so 1 000 005 is
  "một triệu không trăm lẻ năm" (the usual accounting form), while empty groups are skipped;
- the scale words are nghìn, triệu, tỷ, and above a tỷ the multiplier is read again in front of
  "tỷ": 10^12 is "một nghìn tỷ", 24 700 × 10^9 is "hai mươi bốn nghìn bảy trăm tỷ".
"""

from __future__ import annotations

_DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_BILLION = 1_000_000_000


def _three_digits(number: int, *, full: bool, last: bool) -> list[str]:
    """Words for 1..999.

    `full`: a higher group was already read, so "không trăm" and "lẻ" must be spelled out.
    `last`: this group ends the amount (only then is a final 4 after "mươi" read "tư").
    """
    hundreds, rest = divmod(number, 100)
    tens, units = divmod(rest, 10)
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words += ["lẻ", _DIGITS[units]]
        elif units:
            words.append(_DIGITS[units])
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1:
        words.append("một" if tens == 1 else "mốt")
    elif units == 4:
        words.append("tư" if tens > 1 and last else "bốn")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def _words(number: int, *, started: bool, last: bool) -> list[str]:
    """Words for a positive number; `started` as `full` above, for its highest group."""
    if number >= _BILLION:
        high, low = divmod(number, _BILLION)
        # The multiplier of "tỷ" is itself read as a number (it can reach "nghìn", "triệu", …).
        words = [*_words(high, started=started, last=False), "tỷ"]
        if low:
            words += _words(low, started=True, last=last)
        return words
    words = []
    groups = ((number // 1_000_000, "triệu"), (number // 1000 % 1000, "nghìn"), (number % 1000, ""))
    for group, unit in groups:
        if group == 0:
            continue
        words += _three_digits(group % 1000, full=started, last=last and not unit)
        if unit:
            words.append(unit)
        started = True
    return words


def amount_in_words(amount: int) -> str:
    """60000000 → "Sáu mươi triệu đồng"; 0 → "Không đồng"."""
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise TypeError(f"amount must be an int number of đồng, got {type(amount).__name__}")
    if amount < 0:
        raise ValueError("Số tiền không được âm.")
    words = ["không"] if amount == 0 else _words(amount, started=False, last=True)
    text = " ".join([*words, "đồng"])
    return text[0].upper() + text[1:]
