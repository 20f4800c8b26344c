"""`{% reports_summary user %}`: the follow-up figures of the user's top unit on the home page;
`{% so_lieu figures "money_received" %}`: one catalogue figure, formatted, in an element marked
`data-figure="money_received"` (the cross-surface tests read those)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

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


# The urging page's two lists, one row per late unit: a province has 1,740 (its communes and areas), and
# Django's template loop took ~0.4 s to write them, format_html ~0.25 s. Written here in one pass: the
# names escaped, the rest numbers.
@register.simple_tag
def late_unit_ticks(candidates: list[tuple[Any, int]], ticked: set[int]) -> SafeString:
    """The form's checkboxes: each late unit below, named with its commune where it is an area, and its count."""
    return mark_safe(  # noqa: S308 — ints and escaped names only
        "".join(
            f'<div class="form-check"><input type="checkbox" name="units" value="{int(unit.pk)}" '
            f'class="form-check-input" id="id_units_{i}"{" checked" if unit.pk in ticked else ""}> '
            f'<label class="form-check-label" for="id_units_{i}">{escape(unit.full_title)} '
            f'<span class="badge text-bg-danger">{_so(count)}</span></label></div>'
            for i, (unit, count) in enumerate(candidates)
        )
    )


@register.simple_tag
def late_unit_list(late: list[tuple[Any, int]], issuing: Any, items_url: str, label: str) -> SafeString:
    """Each late unit with its count; its items load when opened (htmx), or on their own page."""
    base, text = escape(items_url), escape(label)
    return mark_safe(  # noqa: S308 — ints and escaped text only
        "\n".join(
            f'<details class="mb-1" data-testid="late-unit" hx-get="{base}{int(unit.pk)}/?don_vi={int(issuing.pk)}" '
            f'hx-trigger="toggle once" hx-target="find .viec"><summary>{escape(unit.title)} '
            f'<span class="badge text-bg-danger">{_so(count)}</span></summary><div class="viec">'
            f'<a class="small" href="{base}{int(unit.pk)}/?don_vi={int(issuing.pk)}">{text}</a></div></details>'
            for unit, count in late
        )
    )


def _so(value: int) -> str:
    return f"{int(value):,}".replace(",", ".")
