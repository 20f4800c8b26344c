"""Template filters for Vietnamese formats: {{ amount|vnd }}, {{ day|ngay }}, {{ name|masked }}."""

from __future__ import annotations

import datetime as dt

from django import template

from chungtay.core.dates import format_date
from chungtay.core.money import format_vnd
from chungtay.core.text import mask_name

register = template.Library()


@register.filter
def vnd(value: int | None) -> str:
    if value in (None, ""):
        return ""
    return format_vnd(int(value))  # type: ignore[arg-type]


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
