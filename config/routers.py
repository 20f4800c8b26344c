"""Read replicas: reads go to a streaming replica, writes and read-your-own-writes to the primary.

Installed when `DATABASE_REPLICA_URLS` names replicas (config/settings.py). The rules:

- every write goes to the primary (`default`); a replica is a hot standby and refuses writes anyway;
- a read goes to the primary when it happens inside a transaction on the primary (a service's
  read-check-write, the kept-figures refresh of `tallies.rollup`, every POST under
  `AtomicActionMiddleware`), after the same request or task has written anything (it must see its
  own write, never the replica's older copy), and for `REPLICA_PIN_SECONDS` after a browser sent a
  POST/PUT/PATCH/DELETE (`ReadYourWritesMiddleware` leaves a short cookie on that response only, so
  the page it redirects to shows what was just saved even if the replica lags behind);
- every other read goes to a replica (one at random when there are several).

So the kept figures are only ever refreshed on the primary: `rollup.refresh_pending` writes its
marks and rows inside `transaction.atomic()` on the primary and reads them there too; a reader that
started on a replica moves to the primary as soon as it has anything to refresh.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.http import HttpRequest, HttpResponseBase

PIN_COOKIE = "ct_primary"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

# True once this request (or task, or command) must read from the primary.
_pinned: ContextVar[bool] = ContextVar("chungtay_read_primary", default=False)


def pin_to_primary() -> None:
    """Send the reads that follow in this request or task to the primary."""
    _pinned.set(True)


def reads_from_primary() -> bool:
    return _pinned.get() or connections[DEFAULT_DB_ALIAS].in_atomic_block


class PrimaryReplicaRouter:
    def db_for_read(self, model: Any, **hints: Any) -> str:
        replicas = settings.REPLICA_DATABASES
        if not replicas or reads_from_primary():
            return DEFAULT_DB_ALIAS
        return replicas[0] if len(replicas) == 1 else random.choice(replicas)

    def db_for_write(self, model: Any, **hints: Any) -> str:
        pin_to_primary()
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # the replicas hold the primary's data: an object from one relates to one from another

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReadYourWritesMiddleware:
    """Reads of a request that writes, and of the same browser shortly after, go to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        writes = request.method not in SAFE_METHODS
        token = _pinned.set(writes or PIN_COOKIE in request.COOKIES)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if writes and settings.REPLICA_DATABASES:
            response.set_cookie(
                PIN_COOKIE,
                "1",
                max_age=settings.REPLICA_PIN_SECONDS,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
