from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

if TYPE_CHECKING:
    from chungtay.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request that AccessMiddleware let through a non-public rule: the user is signed in."""

    user: User
    htmx: Any  # django_htmx.middleware.HtmxDetails
