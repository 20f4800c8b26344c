"""Template filters for Vietnamese formats: {{ amount|vnd }}, {{ day|ngay }}, {{ name|masked }}."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from chungtay.core.dates import format_date
from chungtay.core.money import format_vnd
from chungtay.core.text import mask_name

register = template.Library()


@register.filter
def vnd(value: int | None) -> SafeString | str:
    """An amount in a span that never wraps: on a phone "988.500.000 đ" must not break inside the number."""
    if value in (None, ""):
        return ""
    return format_html('<span class="ct-money">{}</span>', format_vnd(int(value)))  # type: ignore[arg-type]


@register.filter
def ngay(value: dt.date | dt.datetime | None) -> str:
    return format_date(value)


@register.filter
def masked(value: str) -> str:
    return mask_name(value or "")


@register.filter
def so(value: int | None) -> str:
    """Integers grouped with dots: 1.500."""
    if value in (None, ""):
        return ""
    return f"{int(value):,}".replace(",", ".")  # type: ignore[arg-type]


@register.filter
def get_item(mapping: dict, key: object) -> object:
    """{{ figures|get_item:fund.pk }}: look up a dict by a variable key."""
    return mapping.get(key, {}) if mapping else {}


@register.filter
def tieu_de(value: str) -> str:
    """A line of an official heading, upper case, breaking only between words (docgen.heading_line)."""
    from chungtay.core.docgen import heading_line

    return heading_line(value)
