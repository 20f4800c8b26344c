"""Read a bank memo: who gave, and for what.

Memos arrive unaccented and mangled ("MBVCB.5123456.NGUYEN VAN AN chuyen tien ung ho xoa nha tam",
"UH XNT-VD HO VD-0012", "IBFT CONG TY TNHH AN PHAT UNG HO QUY VI NGUOI NGHEO"). Everything is
folded first, so "Ủng hộ", "UNG HO" and "ung ho" read alike. The matcher only suggests; a credit it
cannot read with confidence waits in the reconciliation queue for a person.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from chungtay.core.text import fold

from .models import Designation

MOVEMENT_WORDS = ("xoa nha tam", "nha tam", "nha dot nat", "xnt", "nha o cho ho ngheo", "ho tro nha")
GENERAL_WORDS = ("vi nguoi ngheo", "quy vnn", "vnn")
VERBS = ("ung ho", "chuyen tien", "chuyen khoan", "quyen gop", "dong gop", "gui", "ck", "uh", "tang")
BANK_NOISE = re.compile(
    r"\b(mbvcb|ibft|ft\d+|vcb|tcb|acb|bidv|vtb|agr|napas|trace|ref|sender|tu tk|den tk)\b", re.IGNORECASE
)
TOKEN_WITH_DIGITS = re.compile(r"\b\S*\d\S*\b")


@dataclass
class MemoReading:
    designation: str = Designation.GENERAL
    donor_name: str = ""
    household_code: str = ""
    unit_id: int | None = None
    fund_code: str = ""
    confident: bool = False
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        return {
            "designation": self.designation,
            "donor_name": self.donor_name,
            "household_code": self.household_code,
            "unit_id": self.unit_id,
            "fund_code": self.fund_code,
            "confident": self.confident,
            "notes": self.notes,
        }


def _title(words: list[str]) -> str:
    return " ".join(words)  # folded words; read_memo gives them back the memo's own letters and casing


# Kinds of firm and office written in capitals in Vietnamese names: "Công ty TNHH", "CÔNG TY CP".
ACRONYMS = frozenset(
    {"tnhh", "cp", "mtv", "tmcp", "jsc", "ltd", "llc", "dntn", "htx", "ubnd", "mttq", "tm", "dv", "xnk", "vn", "tw"}
)
_LETTERS = re.compile(r"[^\W\d_]+")


def case_name(name: str) -> str:
    """A donor's name as it should be shown: the bank's capitals kept, anything else cased as Vietnamese is.

    "CONG TY TNHH AN PHAT" and "CÔNG TY CP XÂY DỰNG" stay as the bank wrote them. Otherwise each word
    starts with a capital, except "ty" in "Công ty", and TNHH, CP, MTV… are capitals:
    "công ty tnhh an phát" → "Công ty TNHH An Phát"; "trần thị bích" → "Trần Thị Bích".
    """
    words = name.split()
    if not words or name.isupper():
        return " ".join(words)
    cased = []
    for i, word in enumerate(words):
        folded = fold(word)
        if folded in ACRONYMS:
            cased.append(word.upper())
        elif i > 0 and folded == "ty" and fold(words[i - 1]) == "cong":
            cased.append(word.lower())
        else:
            cased.append(word[:1].upper() + word[1:].lower())
    return " ".join(cased)


def name_in_memo(memo: str, folded_name: str) -> str:
    """The words of `folded_name` as the memo writes them (accents and capitals), cased by `case_name`."""
    wanted = folded_name.split()
    if not wanted:
        return ""
    words = _LETTERS.findall(memo)
    folded = [fold(word) for word in words]
    for start in range(len(words) - len(wanted) + 1):
        if folded[start : start + len(wanted)] == wanted:
            return case_name(" ".join(words[start : start + len(wanted)]))
    return case_name(folded_name)


def extract_donor(folded: str) -> str:
    """The name that stands before the first verb ("NGUYEN VAN AN chuyen tien…"), or after "cua"."""
    text = re.sub(r"[._/-]", " ", folded)  # "MBVCB.5123456.NGUYEN VAN AN": dots join bank codes to names
    text = BANK_NOISE.sub(" ", text)
    text = TOKEN_WITH_DIGITS.sub(" ", text)
    text = re.sub(r"[^a-z ]", " ", text)
    text = re.sub(r"\s+", " ", text).strip()
    if not text:
        return ""
    positions = [m.start() for verb in VERBS for m in re.finditer(rf"\b{verb}\b", text)]
    before = text[: min(positions)].strip() if positions else ""
    words = before.split()
    if 2 <= len(words) <= 6:
        return _title(words)
    after_cua = re.search(r"\b(?:cua|tu)\s+((?:[a-z]+\s?){2,6})", text)
    if after_cua:
        candidate = after_cua.group(1).split()
        candidate = [w for w in candidate if w not in {"ung", "ho", "xoa", "nha", "tam", "quy"}]
        if 2 <= len(candidate) <= 6:
            return _title(candidate)
    company = re.search(r"\b(cong ty|cty|doanh nghiep|ngan hang|truong|hoi)\b((?:\s[a-z]+){1,6})", text)
    if company:
        name = company.group(0).split()
        cut = next((i for i, w in enumerate(name) if i > 1 and w in {"ung", "chuyen", "quyen", "gui"}), len(name))
        return _title(name[:cut])
    return ""


def _compact(folded: str) -> str:
    return re.sub(r"[^a-z0-9]", "", folded)


def _code_index(codes: tuple[tuple[str, str], ...]) -> tuple[dict[str, int], list[int]]:
    """The household codes' compact forms → position of the first code with that form, and their lengths.

    A memo is read against every household code of the fund's area (a thousand in a town): instead
    of looking for each code in the memo, the memo's pieces of a code's length are looked up here.
    """
    order: dict[str, int] = {}
    for position, (key, _code) in enumerate(codes):
        if key:
            order.setdefault(_compact(key), position)
    return order, sorted({len(key) for key in order if key})


class HouseholdCodes(dict[str, str]):
    """folded code → code, with `_code_index` made once for all the memos of a statement."""

    @functools.cached_property
    def index(self) -> tuple[tuple[tuple[str, str], ...], dict[str, int], list[int]]:
        codes = tuple(self.items())
        return (codes, *_code_index(codes))


def read_memo(
    memo: str, *, household_codes: dict[str, str], unit_names: dict[str, int], fund_codes: set[str]
) -> MemoReading:
    """household_codes: folded code → code; unit_names: folded name → unit id; fund_codes: folded codes."""
    folded = fold(memo)
    reading = MemoReading()
    compact = _compact(folded)
    if isinstance(household_codes, HouseholdCodes):
        codes, order, lengths = household_codes.index
    else:
        codes = tuple(household_codes.items())
        order, lengths = _code_index(codes)
    found = [
        order[piece] for n in lengths for i in range(len(compact) - n + 1) if (piece := compact[i : i + n]) in order
    ]
    if "" in order:  # a code of no letters nor digits is in every memo
        found.append(order[""])
    if found:  # the first code in the given order that the memo contains, as a scan of the codes finds it
        code = codes[min(found)][1]
        reading.household_code, reading.designation = code, Designation.HOUSEHOLD
        reading.notes.append(f"mã hộ {code}")
    for code in fund_codes:
        if code and re.search(rf"\b{re.escape(code)}\b", folded):
            reading.fund_code = code
    if not reading.household_code:
        for name, unit_id in sorted(unit_names.items(), key=lambda kv: -len(kv[0])):
            if name and re.search(rf"\b{re.escape(name)}\b", folded):
                reading.unit_id, reading.designation = unit_id, Designation.UNIT
                reading.notes.append(f"đơn vị “{name}”")
                break
    if reading.designation == Designation.GENERAL:
        if any(word in folded for word in MOVEMENT_WORDS):
            reading.designation = Designation.MOVEMENT
            reading.notes.append("từ khoá xóa nhà tạm")
        elif any(re.search(rf"\b{word}\b", folded) for word in GENERAL_WORDS):
            reading.notes.append("từ khoá Vì người nghèo")
    reading.donor_name = name_in_memo(memo, extract_donor(folded))
    # Confident when we know who gave; a purpose without a name still needs a person.
    reading.confident = bool(reading.donor_name)
    return reading
