"""The lines of a PDF page as a reader sees them, from poppler's `pdftotext -bbox`, to check that the
heading of a paper breaks only between words (Vietnamese writes a word's syllables apart: "ỦY BAN")."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from chungtay.core.docgen import NBSP, QUOC_HIEU, TIEU_NGU, heading_line

WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)">(.*?)</word>')


def pdftotext_available() -> bool:
    return shutil.which("pdftotext") is not None


def page_lines(pdf: bytes, *, page: int = 1) -> list[str]:
    """The text lines of one page, top to bottom; words side by side in two columns share a line."""
    with tempfile.TemporaryDirectory(prefix="chungtay-bbox-") as tmp:
        source = Path(tmp) / "paper.pdf"
        source.write_bytes(pdf)
        out = subprocess.run(  # noqa: S603 - fixed arguments, our own temp file
            [shutil.which("pdftotext") or "pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(source), "-"],
            check=True, capture_output=True, timeout=60,
        ).stdout.decode()  # fmt: skip
    words = sorted(
        (float(y0), float(x0), float(y1) - float(y0), html.unescape(text)) for x0, y0, y1, text in WORD.findall(out)
    )
    lines: list[list[tuple[float, float, float, str]]] = []
    for word in words:
        if lines and abs(word[0] - lines[-1][0][0]) <= 0.5 * word[2]:
            lines[-1].append(word)
        else:
            lines.append([word])
    return [" ".join(w[3] for w in sorted(line, key=lambda w: w[1])).replace(NBSP, " ") for line in lines]


def heading_breaks(pdf: bytes, *issuing_body: str) -> list[str]:
    """What is broken in the heading: each word of the issuing body's lines (as heading_line groups
    them: "ỦY BAN", "VIỆT NAM", "THỊ XÃ ĐIỆN BÀN") and the Quốc hiệu and Tiêu ngữ must each be found
    whole on one line of the first page. An empty list means the heading is sound."""
    lines = page_lines(pdf)
    wanted = [QUOC_HIEU, TIEU_NGU]
    for text in issuing_body:
        wanted += [group.replace(NBSP, " ") for group in heading_line(text).split(" ")]
    return [w for w in wanted if not any(w in line for line in lines)] + (
        [] if lines else ["(no text on the first page)"]
    )
