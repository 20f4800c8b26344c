"""A short-lived cache for subtree figures (dashboards, public progress pages).

The same figures of a unit are asked for by every visitor of its dashboard; they are aggregates
over thousands of rows and may be a minute old. Keys hold the unit, the day and the function, never
the user, so only unit-scoped figures may be cached here (the views check access before asking).
`FIGURES_CACHE_SECONDS=0` turns caching off (tests do, so each test sees its own data).

Keys also hold a generation that every write marking kept figures stale moves on when it commits
(`invalidate`, called from tallies.rollup.mark_stale): the cache is Django's shared one (Redis when
`REDIS_URL` is set), so a write shows on every worker at the next read, not a minute later. The
public pages' rendered copies (portal.caching) use the same generation.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache

T = TypeVar("T")
GENERATION_KEY = "figures:generation"


def generation() -> int:
    """The current generation of cached figures (moved on by `invalidate`)."""
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, 1, None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def invalidate() -> None:
    """Forget every cached figure and public page: call after a write to kept figures commits."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from the keys in use
        cache.add(GENERATION_KEY, 2, None)


def cached(name: str, unit_id: int, compute: Callable[[], T], *extra: Any) -> T:
    seconds = int(getattr(settings, "FIGURES_CACHE_SECONDS", 60))
    if seconds <= 0:
        return compute()
    key = "figures:" + ":".join(str(part) for part in (generation(), name, unit_id, *extra))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
