"""{{ entry|changes_in_words }}: a log entry's changes with labels and names instead of internals."""

from __future__ import annotations

from typing import Any

from django import template

from chungtay.core import audit

register = template.Library()


@register.filter
def changes_in_words(entry: Any) -> list[audit.Change]:
    return audit.changes_in_words(entry)


@register.filter
def object_in_words(entry: Any) -> str:
    return audit.object_in_words(entry)
