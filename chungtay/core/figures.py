"""A short-lived cache for subtree figures (dashboards, public progress pages).

The same figures of a unit are asked for by every visitor of its dashboard; they are aggregates
over thousands of rows and may be a minute old. Keys hold the unit, the day and the function, never
the user, so only unit-scoped figures may be cached here (the views check access before asking).
`FIGURES_CACHE_SECONDS=0` turns caching off (tests do, so each test sees its own data).

Keys also hold a generation that every write marking kept figures stale moves on when it commits
(`invalidate`, called from tallies.rollup.mark_stale): the cache is Django's shared one (Redis when
`REDIS_URL` is set), so a write shows on every worker at the next read, not a minute later. The
public pages' rendered copies (portal.caching) use the same generation.

Under load a figure must not be computed by every worker at once (issue 22: a province dashboard's
figures take ~1.5 s to compute, and 50 users asking while they expire made that the p95). So an entry
is kept past its `FIGURES_CACHE_SECONDS` for `FIGURES_STALE_SECONDS` more: once it is due, the first
request to take a short lock in the cache computes it again while every other request goes on
serving the old value; when there is no value at all (first request, or a write moved the
generation on) the others wait for the one computing it, up to `FIGURES_WAIT_SECONDS`, rather than
compute it too. A write is therefore still shown at the next read: the generation is in the key,
and an entry of an older generation is never served.
"""

from __future__ import annotations

import time
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
    """`compute()`, kept in the shared cache under the unit, the current generation and `extra` (see
    the module docstring for how an expired value is served while one request computes it again)."""
    seconds = int(getattr(settings, "FIGURES_CACHE_SECONDS", 60))
    if seconds <= 0:
        return compute()
    key = "figures:" + ":".join(str(part) for part in (generation(), name, unit_id, *extra))
    entry = cache.get(key)
    if entry is not None:
        value, fresh_until = entry
        if time.time() < fresh_until or not cache.add(key + ":lock", 1, _lock_seconds()):
            return value
        return _compute(key, compute, seconds)
    if cache.add(key + ":lock", 1, _lock_seconds()):
        return _compute(key, compute, seconds)
    deadline = time.monotonic() + float(getattr(settings, "FIGURES_WAIT_SECONDS", 10))
    while time.monotonic() < deadline:
        time.sleep(0.05)
        entry = cache.get(key)
        if entry is not None:
            return entry[0]
    return compute()  # the request computing it is slow or gone: do not keep this one waiting longer


def _lock_seconds() -> int:
    # Longer than any computation: a worker killed while computing leaves the lock to expire by itself.
    return max(30, int(float(getattr(settings, "FIGURES_WAIT_SECONDS", 10)) * 3))


def _compute(key: str, compute: Callable[[], T], seconds: int) -> T:
    try:
        value = compute()
        stale = int(getattr(settings, "FIGURES_STALE_SECONDS", 600))
        cache.set(key, (value, time.time() + seconds), seconds + stale)
        return value
    finally:
        cache.delete(key + ":lock")
