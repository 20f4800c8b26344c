"""`{% reports_summary user %}`: the follow-up figures of the user's top unit on the home page;
`{% so_lieu figures "money_received" %}`: one catalogue figure, formatted, in an element marked
`data-figure="money_received"` (the cross-surface tests read those)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from chungtay.core import dates
from chungtay.core.access import has_perm
from chungtay.core.figures import cached
from chungtay.core.money import format_vnd
from chungtay.orgunits.selectors import top_units_for
from chungtay.tallies import catalogue

register = template.Library()


def figure_text(name: str, value: int | None) -> str:
    """A figure as every surface writes it: "60.000.000 đ", "1.234", "33%", "—" for a rate of nothing."""
    if value is None:
        return "—"
    unit = catalogue.FIGURES[name].unit
    if unit == "đồng":
        return format_vnd(int(value))
    if unit == "%":
        return f"{value}%"
    return f"{int(value):,}".replace(",", ".")


@register.simple_tag
def so_lieu(figures: Any, name: str, css: str = "") -> SafeString:
    value = figures[name]
    if catalogue.FIGURES[name].unit == "đồng":
        css = f"{css} ct-money".strip()  # an amount never breaks inside (issue 20)
    if css:
        return format_html('<span class="{}" data-figure="{}">{}</span>', css, name, figure_text(name, value))
    return format_html('<span data-figure="{}">{}</span>', name, figure_text(name, value))


@register.inclusion_tag("reports/_summary.html")
def reports_summary(user: Any) -> dict[str, Any]:
    from ..selectors import unit_summary

    tops = [u for u in top_units_for(user) if has_perm(user, "reports.view", u)] if user.is_authenticated else []
    if not tops:
        return {"summary": None}

    today = dates.today()
    return {
        "summary": cached("unit_summary", tops[0].pk, lambda: unit_summary(tops[0], as_of=today), today),
        "unit": tops[0],
    }
