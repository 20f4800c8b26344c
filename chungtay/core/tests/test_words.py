"""Amounts in Vietnamese words for the "Số tiền bằng chữ" line of vouchers."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chungtay.core.words import amount_in_words


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (0, "Không đồng"),
        (5, "Năm đồng"),
        (10, "Mười đồng"),
        (11, "Mười một đồng"),
        (14, "Mười bốn đồng"),
        (15, "Mười lăm đồng"),
        (20, "Hai mươi đồng"),
        (21, "Hai mươi mốt đồng"),
        (24, "Hai mươi tư đồng"),
        (25, "Hai mươi lăm đồng"),
        (105, "Một trăm lẻ năm đồng"),
        (110, "Một trăm mười đồng"),
        (1_000, "Một nghìn đồng"),
        (1_024, "Một nghìn không trăm hai mươi tư đồng"),
        (24_000, "Hai mươi bốn nghìn đồng"),
        (1_500_000, "Một triệu năm trăm nghìn đồng"),
        (1_000_005, "Một triệu không trăm lẻ năm đồng"),
        (2_001_000, "Hai triệu không trăm lẻ một nghìn đồng"),
        (60_000_000, "Sáu mươi triệu đồng"),
        (1_000_000_000, "Một tỷ đồng"),
        (1_000_000_005, "Một tỷ không trăm lẻ năm đồng"),
        (1_000_000_000_000, "Một nghìn tỷ đồng"),
        (24_700_000_000_000, "Hai mươi bốn nghìn bảy trăm tỷ đồng"),
    ],
)
def test_amount_in_words_matches_accounting_usage(amount: int, words: str) -> None:
    assert amount_in_words(amount) == words


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="âm"):
        amount_in_words(-1)


@pytest.mark.parametrize("value", [True, 1.0, "100"])
def test_non_integer_amounts_are_refused(value: object) -> None:
    with pytest.raises(TypeError):
        amount_in_words(value)  # type: ignore[arg-type]


_VALUES = {"không": 0, "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
           "sáu": 6, "bảy": 7, "tám": 8, "chín": 9}  # fmt: skip


def words_to_amount(text: str) -> int:
    """An independent reader of the words, to check the writer by round trip."""
    words = text.lower().removesuffix(" đồng").split()
    billions = below_billion = group = last = 0
    for word in words:
        if word in _VALUES:
            last = _VALUES[word]
            group += last
        elif word == "mười":
            group += 10
        elif word == "mươi":
            group += last * 9  # the digit just read was tens
        elif word == "trăm":
            group += last * 99  # the digit just read was hundreds
        elif word == "nghìn":
            below_billion += group * 1000
            group = 0
        elif word == "triệu":
            below_billion += group * 1_000_000
            group = 0
        elif word == "tỷ":
            billions += (below_billion + group) * 1_000_000_000
            below_billion = group = 0
        elif word != "lẻ":
            raise AssertionError(f"unexpected word {word!r} in {text!r}")
    return billions + below_billion + group


@given(st.integers(min_value=0, max_value=10**15))
def test_amount_in_words_never_fails_and_reads_back_to_the_amount(amount: int) -> None:
    text = amount_in_words(amount)
    assert text.endswith(" đồng")
    assert text[0].isupper() and text[1:] == text[1:].lower()
    assert words_to_amount(text) == amount


@given(st.integers(min_value=0, max_value=10**15))
def test_amount_in_words_follows_the_spelling_rules(amount: int) -> None:
    text = amount_in_words(amount).lower()
    assert not re.search(r"\bmươi một\b", text)  # 21 is "hai mươi mốt"
    assert not re.search(r"\bmười mốt\b", text)  # 11 is "mười một"
    assert not re.search(r"\bmư[ơờ]i năm\b", text)  # 15, 25 end in "lăm"
    assert not re.search(r"\blẻ (lăm|mốt|tư)\b", text)  # 105 is "một trăm lẻ năm"
    assert not re.search(r"\blẻ mư", text)
    assert "  " not in text
