"""Reading figures back from what a surface shows, for the tests that compare surfaces.

An HTML element that shows a catalogue figure carries `data-figure="<name>"`, inside an element that
says whose figure it is (`data-unit="<unit id>"`, `data-fund="<fund id>"` or `data-household="<id>"`).
`shown(html)` collects them as {name: [numbers in page order]}; `shown(html, unit=pk)` only those inside
that unit's element (`fund=pk`, `household=pk` likewise). "60.000.000 đ", "1.234" and "33%" read as
whole numbers, "—" as None.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def number(text: str) -> int | None:
    digits = re.sub(r"[^\d-]", "", text)
    return int(digits) if digits not in ("", "-") else None


class _Figures(HTMLParser):
    def __init__(self, owner: tuple[str, str] | None) -> None:
        super().__init__()
        self.owner = owner
        self.found: dict[str, list[int | None]] = {}
        # Per open element: (figure name, whether it is inside the owner asked for, text parts).
        self._open: list[tuple[str | None, bool, list[str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID:
            return
        attributes = dict(attrs)
        inside = self._open[-1][1] if self._open else False
        if self.owner is None or attributes.get(self.owner[0]) == self.owner[1]:
            inside = True
        self._open.append((attributes.get("data-figure"), inside, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID or not self._open:
            return
        name, inside, parts = self._open.pop()
        text = "".join(parts)
        if self._open:
            self._open[-1][2].append(text)
        if name and inside:
            self.found.setdefault(name, []).append(number(text))

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1][2].append(data)


def shown(
    html: str, *, unit: int | None = None, fund: int | None = None, household: int | None = None
) -> dict[str, list[int | None]]:
    owner = None
    for attribute, pk in (("data-unit", unit), ("data-fund", fund), ("data-household", household)):
        if pk is not None:
            owner = (attribute, str(pk))
    parser = _Figures(owner)
    parser.feed(html)
    return parser.found
