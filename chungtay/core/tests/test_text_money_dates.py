import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chungtay.core.dates import format_date, vn_long_date
from chungtay.core.money import format_vnd
from chungtay.core.text import fold, mask_name, nfc


def test_fold_strips_case_diacritics_and_d_bar():
    assert fold("Nguyễn Văn Đức") == "nguyen van duc"
    assert fold("  ĐIỆN   BÀN ") == "dien ban"


def test_fold_treats_nfd_input_like_nfc():
    name = "Trần Thị Ngọc Ánh"
    assert fold(unicodedata.normalize("NFD", name)) == fold(unicodedata.normalize("NFC", name)) == "tran thi ngoc anh"


@given(st.text())
def test_fold_is_idempotent_and_ascii_for_vietnamese(text):
    once = fold(text)
    assert fold(once) == once


@given(
    st.text(
        alphabet="aăâbcdđeêghiklmnoôơpqrstuưvxyàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ ĐĂÂÊÔƠƯ"
    )
)
def test_fold_of_vietnamese_letters_is_plain_ascii(text):
    assert fold(text).isascii()


def test_nfc_composes_and_squeezes_spaces():
    assert nfc(unicodedata.normalize("NFD", "  Khối  phố 1 ")) == "Khối phố 1"


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (60_000_000, "60.000.000 đ"),
        (0, "0 đ"),
        (999, "999 đ"),
        (1_000, "1.000 đ"),
        (-30_000_000, "-30.000.000 đ"),
        (24_700_000_000_000, "24.700.000.000.000 đ"),
    ],
)
def test_money_is_written_with_dots_and_dong_sign(amount, text):
    assert format_vnd(amount) == text


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        format_vnd(1.5)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**15))
def test_money_round_trips_through_its_digits(amount):
    assert int(format_vnd(amount).removesuffix(" đ").replace(".", "")) == amount


def test_masked_name_keeps_family_name_and_initials():
    assert mask_name("Nguyễn Văn An") == "Nguyễn V. A."
    assert mask_name("Lê Thị Thu Hà") == "Lê T. T. H."
    assert mask_name("Bình") == "B."


def test_dates_are_dd_mm_yyyy():
    assert format_date(dt.date(2024, 3, 14)) == "14/03/2024"


def test_document_dateline_follows_decree_30():
    assert vn_long_date(dt.date(2024, 3, 14), "Điện Bàn") == "Điện Bàn, ngày 14 tháng 3 năm 2024"
    assert vn_long_date(dt.date(2024, 2, 5)) == "ngày 05 tháng 02 năm 2024"


def test_aware_datetimes_are_shown_in_vietnam_time(settings):
    moment = dt.datetime(2024, 3, 14, 17, 30, tzinfo=dt.UTC)
    assert format_date(moment) == "15/03/2024 00:30"
