"""Where to send someone after a form: the one check for redirect targets that are not our own reverse().

A target that arrives with the request (`?next=`, a hidden field, the Referer) or is read back from a
stored row could point to another site, and a redirect there is a phishing link wearing our address.
Every such target in chungtay/ goes through `safe_url`; Django's own login, logout and language views
make the same check (`url_has_allowed_host_and_scheme` against the request's host) themselves.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme


def safe_url(request: HttpRequest, url: str | None, default: str) -> str:
    """`url` if it stays on this site (and on HTTPS when the request is), else `default`.

    `default` may be a URL name ("dashboard") or a path; it is trusted, so it must not come from the request.
    """
    url = (url or "").strip()
    hosts = {request.get_host()}
    if url and url_has_allowed_host_and_scheme(url, allowed_hosts=hosts, require_https=request.is_secure()):
        return url
    return resolve_url(default)


def safe_next(request: HttpRequest, default: str, *, field: str = "next") -> str:
    """The `next` target a form or link asked for (POST first, then the query string), if it is safe."""
    return safe_url(request, request.POST.get(field) or request.GET.get(field), default)
