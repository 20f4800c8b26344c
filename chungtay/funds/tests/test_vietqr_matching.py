import pytest
from hypothesis import given
from hypothesis import strategies as st

from chungtay.funds import vietqr
from chungtay.funds.matching import case_name, extract_donor, read_memo
from chungtay.funds.models import Designation


def test_crc_is_ccitt_false():
    assert vietqr.crc16_ccitt_false(b"123456789") == 0x29B1


def test_a_static_payload_has_the_napas_layout():
    text = vietqr.payload(bin_code="970436", account="0041000123456", purpose="UH VNN-DB")
    fields = vietqr.parse(text)
    assert fields["00"] == "01" and fields["01"] == "11" and fields["53"] == "704" and fields["58"] == "VN"
    assert fields["38"] == "0010A000000727" + "0127" + "0006970436" + "01130041000123456" + "0208QRIBFTTA"
    assert fields["62"] == "0809UH VNN DB"
    assert "54" not in fields


def test_an_amount_makes_the_payload_dynamic():
    fields = vietqr.parse(vietqr.payload(bin_code="970415", account="123", amount=60_000_000))
    assert fields["01"] == "12" and fields["54"] == "60000000"


def test_the_purpose_is_unaccented_ascii():
    assert vietqr.purpose_for("xnt-vd", "Điện Hồng") == "UH XNT VD DIEN HONG"


@given(st.text(max_size=60), st.integers(min_value=1, max_value=10**12))
def test_every_payload_parses_back_with_a_valid_crc(purpose, amount):
    text = vietqr.payload(bin_code="970418", account="9876543210", purpose=purpose, amount=amount)
    assert text.isascii()
    assert vietqr.parse(text)["54"] == str(amount)


def test_a_tampered_payload_fails_its_crc():
    text = vietqr.payload(bin_code="970405", account="111222333")
    with pytest.raises(ValueError):
        vietqr.parse(text[:-5] + ("0" if text[-5] != "0" else "1") + text[-4:])


CONTEXT = {"household_codes": {"vd-0012": "VD-0012"}, "unit_names": {"dien hong": 7}, "fund_codes": {"xnt-vd"}}


@pytest.mark.parametrize(
    ("memo", "designation", "donor"),
    [
        ("MBVCB.5123456.NGUYEN VAN AN chuyen tien ung ho xoa nha tam", Designation.MOVEMENT, "NGUYEN VAN AN"),
        ("Trần Thị Bích ủng hộ xã Điện Hồng", Designation.UNIT, "Trần Thị Bích"),
        ("LE VAN TAM UH XNT-VD VD-0012", Designation.HOUSEHOLD, "LE VAN TAM"),
        ("CONG TY TNHH AN PHAT UNG HO QUY VI NGUOI NGHEO", Designation.GENERAL, "CONG TY TNHH AN PHAT"),
        ("FT24256123 ung ho nha dot nat cua PHAM THI HOA", Designation.MOVEMENT, "PHAM THI HOA"),
    ],
)
def test_memos_are_read_for_donor_and_designation(memo, designation, donor):
    reading = read_memo(memo, **CONTEXT)
    assert (reading.designation, reading.donor_name) == (designation, donor)
    assert reading.confident


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("CONG TY TNHH AN PHAT", "CONG TY TNHH AN PHAT"),
        ("CÔNG TY CP XÂY DỰNG MIỀN TRUNG", "CÔNG TY CP XÂY DỰNG MIỀN TRUNG"),
        ("công ty tnhh an phát", "Công ty TNHH An Phát"),
        ("Cong ty cp Hoa Sen", "Cong ty CP Hoa Sen"),
        ("cty tnhh mtv đức thành", "Cty TNHH MTV Đức Thành"),
        ("trần thị bích", "Trần Thị Bích"),
        ("nguyễn VĂN an", "Nguyễn Văn An"),
    ],
)
def test_names_keep_the_banks_capitals_or_are_cased_as_vietnamese_names(written, shown):
    assert case_name(written) == shown
    assert "Tnhh" not in case_name(written) and "Cp " not in case_name(written)


def test_a_name_read_from_a_lower_case_memo_is_cased_and_keeps_its_accents():
    reading = read_memo("công ty tnhh an phát ủng hộ đồng bào", **CONTEXT)
    assert reading.donor_name == "Công ty TNHH An Phát"


def test_a_memo_without_a_name_waits_for_a_person():
    reading = read_memo("ung ho xoa nha tam", **CONTEXT)
    assert reading.designation == Designation.MOVEMENT and not reading.confident


@given(st.text(max_size=200))
def test_the_matcher_never_fails_on_any_memo(memo):
    read_memo(memo, **CONTEXT)
    extract_donor(memo)
