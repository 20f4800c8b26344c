"""Do the server's fonts write Vietnamese? A PDF depends on it.

Word documents ask for "Times New Roman"; on a Linux server fontconfig hands LibreOffice a
metric-compatible substitute. Debian's `fonts-liberation` (1.07) has no Ủ, Ệ, ố, ườ…, so LibreOffice
takes those letters from another font and the PDF's text comes out in pieces ("Y BAN MTTQ VI T NAMỦ Ệ")
— for copy-paste, search and screen readers alike. `fonts-liberation2` covers them. The same applies
to WeasyPrint's serif text. `check_vietnamese_fonts` is a deploy check (`manage.py check --deploy`)
so an operator hears of it before users do; the tests use the same functions.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from functools import cache
from typing import Any

from django.core import checks

# The families our documents ask for: Word templates (core.docgen.FONT) and the PDF stylesheets.
DOCUMENT_FAMILIES = ("Times New Roman",)
FONT_PACKAGE = "fonts-liberation2"

_VOWELS = "aăâeêioôơuưy"
_TONES = ("", "\u0300", "\u0301", "\u0309", "\u0303", "\u0323")  # ngang, huyền, sắc, hỏi, ngã, nặng


@cache
def vietnamese_letters() -> str:
    """Every letter of the Vietnamese alphabet with every tone, lower and upper case (NFC)."""
    letters = [unicodedata.normalize("NFC", vowel + tone) for vowel in _VOWELS for tone in _TONES]
    letters += ["đ"]
    return "".join(letters) + "".join(letter.upper() for letter in letters)


def font_file_for(family: str) -> str | None:
    """The file fontconfig gives for a family (what LibreOffice and Pango will use), or None."""
    binary = shutil.which("fc-match")
    if binary is None:
        return None
    result = subprocess.run(  # noqa: S603 - fixed program, family from our own constants
        [binary, "--format=%{file}", family], capture_output=True, text=True, timeout=30, check=False
    )
    return result.stdout.strip() or None


def missing_letters(font_file: str) -> str:
    """The Vietnamese letters a font file has no glyph for ("" when it covers them all)."""
    from fontTools.ttLib import TTFont  # WeasyPrint's own dependency

    with TTFont(font_file, fontNumber=0, lazy=True) as font:
        cmap = font.getBestCmap() or {}
    return "".join(letter for letter in vietnamese_letters() if ord(letter) not in cmap)


def font_problems() -> list[str]:
    """One sentence per document family whose font cannot write Vietnamese."""
    problems = []
    for family in DOCUMENT_FAMILIES:
        path = font_file_for(family)
        if path is None:
            continue  # no fontconfig: no LibreOffice or Pango either, and their own checks say so
        missing = missing_letters(path)
        if missing:
            problems.append(
                f"Phông thay cho {family!r} là {path}, thiếu {len(missing)} chữ tiếng Việt ({missing[:12]}…): "
                f"văn bản PDF sẽ vỡ chữ. Cài gói {FONT_PACKAGE} (apt-get install {FONT_PACKAGE})."
            )
    return problems


@checks.register(checks.Tags.compatibility, deploy=True)
def check_vietnamese_fonts(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    return [checks.Warning(problem, id="chungtay.W001") for problem in font_problems()]
