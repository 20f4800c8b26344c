"""Vietnamese text helpers shared by every app.

`fold` is the one normalisation used for search: whatever a person types
("nguyen van duc", "NGUYỄN VĂN ĐỨC", NFD input from a Mac) folds to the same key
as the stored name, so a `*_folded` column can be searched with a plain LIKE.
"""

from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
# đ/Đ are letters of their own, not d + a combining mark, so NFD leaves them alone.
_SPECIAL = str.maketrans({"đ": "d", "Đ": "d", "ð": "d", "Ð": "d"})


def nfc(value: str) -> str:
    """Compose to NFC and squeeze white space: what we store for names typed or imported."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", value)).strip()


def fold(value: str | None) -> str:
    """Lower-case, strip diacritics, đ→d, collapse white space."""
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_SPECIAL))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold().translate(_SPECIAL)).strip()


def mask_name(full_name: str) -> str:
    """Public form of a private person's name: "Nguyễn Văn An" → "Nguyễn V. A."."""
    parts = nfc(full_name).split(" ")
    if not parts or parts == [""]:
        return ""
    if len(parts) == 1:
        return parts[0][0] + "."
    return " ".join([parts[0], *(p[0] + "." for p in parts[1:])])
