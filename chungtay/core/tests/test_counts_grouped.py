"""Counts print with Vietnamese digit grouping (12.345), as money does, through one filter (`so`):
a template that prints a count bare would show "Trang 1/12345" or "12345 hộ" (issue 22)."""

from __future__ import annotations

import re
from pathlib import Path

from chungtay.core.templatetags.vn import so

TEMPLATES = Path(__file__).resolve().parents[3] / "templates"

# The last name of an expression that holds a count on our pages, documents and exports.
COUNT_NAMES = (
    "count|counts|num_pages|planned|started|completed|late_count|open|overdue|escalated|households|"
    "new_units|closed_units|n_children|lines_skipped|skipped|errors|registered_late|obligations_late|"
    "obligations_done_late|houses_completed|houses_planned|houses_started|ended_funds|length|abstain|"
    "in_favour|against|total_households|waiting|rows_total|created|updated"
)
# {{ a.b.count }} printed bare, or a blocktranslate variable bound to a count without `so`.
BARE = re.compile(r"\{\{\s*([\w.]*?\b(?:" + COUNT_NAMES + r"))\s*\}\}")
BOUND = re.compile(r"\b(\w+)=([\w.]*?(?:\b|\|)(?:" + COUNT_NAMES + r"))(?=[\s%])")
# Names that end like a count but are not one, or a blocktranslate's own variable bound with `so`.
NOT_COUNTS = {
    ("funds/household.html", "r.names.planned"),  # the column's label
    ("portal/household.html", "m.names.planned"),
    ("portal/complain.html", "open"),  # open=counts.open|so
}


def _bare_counts() -> list[str]:
    found = []
    for path in sorted(TEMPLATES.rglob("*.*")):
        if path.suffix not in (".html", ".txt", ".xml"):
            continue
        text = path.read_text(encoding="utf-8")
        name = str(path.relative_to(TEMPLATES))
        for match in BARE.finditer(text):
            if (name, match.group(1)) not in NOT_COUNTS:
                found.append(f"{name}: {match.group(0)}")
        for tag in re.findall(r"\{%\s*blocktranslate\b[^%]*%\}", text):
            plural_var = re.search(r"\bcount\s+(\w+)=", tag)
            for var, expr in BOUND.findall(tag):
                if plural_var and var == plural_var.group(1):
                    continue  # the plural's number: printed through a second variable with `so`
                found.append(f"{name}: {var}={expr}")
            if plural_var:
                body = text[text.index(tag) + len(tag) :].split("endblocktranslate")[0]
                if "{{ " + plural_var.group(1) + " }}" in body:
                    found.append(f"{name}: {{{{ {plural_var.group(1)} }}}} (the plural's count printed bare)")
    return found


def test_the_grouping_filter_groups_thousands_with_dots():
    assert [so(5), so(999), so(12345), so(1234567), so(None)] == ["5", "999", "12.345", "1.234.567", ""]


def test_no_template_prints_a_count_without_grouping():
    assert _bare_counts() == []
