"""One user action, one transaction (issue 15 item 4).

A request that can change something (POST, PUT, PATCH, DELETE) runs in one `transaction.atomic`;
when it is refused, everything it wrote is rolled back. Refused means: an error status (a 4xx from
a form, DRF or a PermissionDenied/Http404 raised after a write, a 5xx), or a view that called
`refuse()` because it shows the form again with a broken rule (a 200, as Django forms do).

Services stay atomic on their own (commands, imports and tests call them without a request); this
is the net under views that call two services, or write before a service refuses.

What it does not wrap, and why:
- GET and HEAD: they read; the few rows they write (the log of private-data views) must stay.
- Views whose refusal is itself the record (REFUSAL_IS_A_RECORD): a failed sign-in counts towards
  the django-axes lockout and a wrong code towards django-otp's back-off; rolling those back would
  give an attacker unlimited guesses. They run in autocommit as before; their writes are single rows.
- Session and messages: saved by middleware outside this one (listed above it in settings), so a
  refused action's error message still reaches the person.

On commit: `transaction.on_commit` work (the kept figures' refresh, django-tasks jobs) now runs
once, after the whole action commits, and not at all for a refused one. A streaming response's
iterator runs after the commit, outside the transaction; streams only read.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.urls import Resolver404, resolve

from chungtay.core.errors import DomainError

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
REFUSAL_IS_A_RECORD = frozenset(
    {
        "accounts:login",  # django-axes counts the failure
        "admin:login",  # the same, through the admin's form
        "api:token",  # django-axes (authenticate) and django-otp's back-off
        "accounts:otp_verify",  # django-otp's back-off on wrong codes
        "accounts:otp_setup",
    }
)

_refused: ContextVar[bool] = ContextVar("chungtay_action_refused", default=False)


def refuse() -> None:
    """Mark the current action refused: whatever it wrote is rolled back when the view returns.

    Call it where a view turns a broken rule into a message or a form error and answers 200 or a
    redirect. Safe outside a request (a no-op then)."""
    _refused.set(True)


def refuse_with_message(request: HttpRequest, exc: DomainError) -> None:
    """Refuse the action and show the broken rule as an error message: the one way views turn a
    service's DomainError into a message (core.forms.add_domain_error puts it on a form instead)."""
    refuse()
    messages.error(request, exc.message)


def action_refused(response: HttpResponse) -> bool:
    return _refused.get() or response.status_code >= 400


class AtomicActionMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or _view_name(request) in REFUSAL_IS_A_RECORD:
            return self.get_response(request)
        token = _refused.set(False)
        try:
            with transaction.atomic():
                response = self.get_response(request)
                if action_refused(response):
                    transaction.set_rollback(True)
        finally:
            _refused.reset(token)
        return response


def _view_name(request: HttpRequest) -> str:
    try:
        return resolve(request.path_info).view_name
    except Resolver404:
        return ""
