"""`{% reports_summary user %}`: the follow-up figures of the user's top unit on the home page."""

from __future__ import annotations

from typing import Any

from django import template

from chungtay.core import dates
from chungtay.core.access import has_perm

register = template.Library()


@register.inclusion_tag("reports/_summary.html")
def reports_summary(user: Any) -> dict[str, Any]:
    from chungtay.orgunits.selectors import top_units_for

    from ..selectors import unit_summary

    tops = [u for u in top_units_for(user) if has_perm(user, "reports.view", u)] if user.is_authenticated else []
    if not tops:
        return {"summary": None}
    from chungtay.core.figures import cached

    today = dates.today()
    return {
        "summary": cached("unit_summary", tops[0].pk, lambda: unit_summary(tops[0], today=today), today),
        "unit": tops[0],
    }
