"""VietQR (NAPAS, EMVCo merchant-presented QR) payloads for bank transfers into a fund.

Layout (shared/data/README.md): 00=01; 01=11 static / 12 with amount; 38 = {00: A000000727,
01: {00: bank BIN, 01: account}, 02: QRIBFTTA}; 53=704; 54 amount; 58=VN; 62/08 purpose
(unaccented ASCII); 63 = CRC-16/CCITT-FALSE over everything before it, including "6304".
"""

from __future__ import annotations

import re

from chungtay.core.text import fold

NAPAS_GUID = "A000000727"
SERVICE_TO_ACCOUNT = "QRIBFTTA"
PURPOSE_MAX = 50


def tlv(tag: str, value: str) -> str:
    if len(value) > 99:
        raise ValueError(f"VietQR field {tag} is longer than 99 characters")
    return f"{tag}{len(value):02d}{value}"


def crc16_ccitt_false(data: bytes) -> int:
    crc = 0xFFFF
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def ascii_purpose(text: str) -> str:
    """Banks carry the purpose unaccented: fold, keep letters, digits and spaces, upper-case."""
    cleaned = re.sub(r"[^a-z0-9 ]", " ", fold(text))
    return re.sub(r"\s+", " ", cleaned).strip().upper()[:PURPOSE_MAX]


def payload(*, bin_code: str, account: str, purpose: str = "", amount: int | None = None) -> str:
    if not (bin_code.isdigit() and len(bin_code) == 6):
        raise ValueError("bank BIN must be 6 digits")
    if not account or not account.isalnum():
        raise ValueError("account number must be letters and digits")
    if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0):
        raise ValueError("amount must be a positive whole number of đồng")
    beneficiary = tlv("00", bin_code) + tlv("01", account)
    merchant = tlv("00", NAPAS_GUID) + tlv("01", beneficiary) + tlv("02", SERVICE_TO_ACCOUNT)
    body = tlv("00", "01") + tlv("01", "12" if amount else "11") + tlv("38", merchant) + tlv("53", "704")
    if amount:
        body += tlv("54", str(amount))
    body += tlv("58", "VN")
    purpose = ascii_purpose(purpose)
    if purpose:
        body += tlv("62", tlv("08", purpose))
    body += "6304"
    return body + f"{crc16_ccitt_false(body.encode('ascii')):04X}"


def parse(text: str) -> dict[str, str]:
    """Top-level TLV fields of a payload (and checks its CRC); used by tests and the poster page."""
    if len(text) < 8 or crc16_ccitt_false(text[:-4].encode("ascii")) != int(text[-4:], 16):
        raise ValueError("VietQR CRC does not match")
    fields: dict[str, str] = {}
    i = 0
    while i < len(text):
        tag, length = text[i : i + 2], int(text[i + 2 : i + 4])
        fields[tag] = text[i + 4 : i + 4 + length]
        i += 4 + length
    return fields


def purpose_for(fund_code: str, target: str = "") -> str:
    """ "UH <FUND> <TARGET>": the matcher reads the fund code and a unit or household code back."""
    return ascii_purpose(f"UH {fund_code} {target}".strip())


def svg_data_uri(text: str, *, scale: int = 6) -> str:
    import segno

    return segno.make(text, error="m", micro=False).svg_data_uri(scale=scale, border=2)


def png_bytes(text: str, *, scale: int = 8) -> bytes:
    import io

    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m", micro=False).save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()
