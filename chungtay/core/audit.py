"""One audit mechanism: django-auditlog records every model change (settings.AUDITLOG_*).

Web requests get their actor from AuditlogMiddleware. Services also run from management
commands and background jobs, so each takes an `actor` and wraps its writes in `as_actor`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

from auditlog.context import auditlog_value, set_actor


@contextlib.contextmanager
def as_actor(actor: Any) -> Iterator[None]:
    """Attribute the writes inside to `actor`; on exit the enclosing context (a request's) is restored."""
    if actor is None:
        yield
        return
    previous = auditlog_value.get(None)
    try:
        with set_actor(actor):
            yield
    finally:
        # set_actor leaves its own value behind; put back the request's so its later writes keep their actor.
        if previous is not None:
            auditlog_value.set(previous)
