"""Reading the unit and fund pickers (orgunits.pickers) out of a rendered page, for the tests of each form."""

from __future__ import annotations

import re


def cascade(page: str, name: str) -> str:
    """The HTML of the cascade named `name` ("" when the page has the plain select instead)."""
    found = re.search(rf'<div[^>]*data-testid="unit-cascade-{name}".*?</select>\s*</div>', page, re.S)
    return found.group(0) if found else ""


def offered(html: str, value: object) -> bool:
    return f'<option value="{value}"' in html


def last_select(html: str, name: str) -> str:
    """The select named `name` itself (a cascade's last select, without the selects that lead to it)."""
    found = re.search(rf'<select name="{name}"[ >].*?</select>', html, re.S)
    return found.group(0) if found else ""
