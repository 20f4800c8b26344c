"""A short-lived cache for subtree figures (dashboards, public progress pages).

The same figures of a unit are asked for by every visitor of its dashboard; they are aggregates
over thousands of rows and may be a minute old. Keys hold the unit, the day and the function, never
the user, so only unit-scoped figures may be cached here (the views check access before asking).
`FIGURES_CACHE_SECONDS=0` turns caching off (tests do, so each test sees its own data).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")


def cached(name: str, unit_id: int, compute: Callable[[], T], *extra: Any) -> T:
    seconds = int(getattr(settings, "FIGURES_CACHE_SECONDS", 60))
    if seconds <= 0:
        return compute()
    key = "figures:" + ":".join(str(part) for part in (name, unit_id, *extra))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
