"""{% if user|can:"complaints.view" %}: menus follow the same permissions as the URL rules."""

from __future__ import annotations

from typing import Any

from django import template

from chungtay.core.access import has_perm

register = template.Library()


@register.filter
def can(user: Any, perm: str) -> bool:
    return has_perm(user, perm)


@register.filter
def percent_of(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0
