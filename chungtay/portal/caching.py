"""HTTP caching of the public portal (issue 22): a storm appeal must not take the portal down.

`public_page` wraps each public view (in `portal/urls.py`). For an anonymous GET it

- sends `Cache-Control: public, max-age=PUBLIC_MAX_AGE, stale-while-revalidate=PUBLIC_STALE_SECONDS`,
  so browsers and the nginx micro-cache in front (docs/operations.md, deploy/nginx/) keep the page;
- answers `If-None-Match` / `If-Modified-Since` with 304 through a strong `ETag` of the body and the
  `Last-Modified` time it was rendered;
- keeps the rendered page in Django's shared cache (Redis when `REDIS_URL` is set) for
  `PUBLIC_PAGE_CACHE_SECONDS`, keyed on the path, the query, the chosen language and, where the view
  answers htmx with a fragment, the `HX-Request` header. The key holds the figures' generation
  (`chungtay.core.figures.generation`), which every write that marks kept figures stale moves on
  when it commits: a new receipt is on the public pages at the next request after its commit, and
  in browsers and nginx within max-age + stale-while-revalidate (≤ 60 s).

Public pages render no CSRF token (`request.public_page` hides it in base.html; the language switch
is CSRF-exempt) and so set no cookie: a cached page never carries anyone's token or session. `Vary`
names `Cookie` (the language cookie changes the words) and, on pages that answer htmx, `HX-Request`;
not `Accept-Language`, which the portal ignores (core.middleware).

A signed-in person sees their own menu on public pages too: their responses are `private, no-store`
and never stored. `PrivateByDefaultMiddleware` marks every other response without its own
`Cache-Control` the same way, so no staff page is kept by a browser or a proxy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.utils import timezone
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.http import http_date

from chungtay.core import figures

PRIVATE = "private, no-store"
KEPT_HEADERS = ("Content-Type", "Content-Disposition", "X-Content-Type-Options")

View = Callable[..., HttpResponseBase]


def public_control() -> str:
    return f"public, max-age={settings.PUBLIC_MAX_AGE}, stale-while-revalidate={settings.PUBLIC_STALE_SECONDS}"


def _key(request: HttpRequest, *, htmx: bool) -> str:
    language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    parts = [
        str(figures.generation()),
        language if language in dict(settings.LANGUAGES) else "",
        "htmx" if htmx and request.headers.get("HX-Request") == "true" else "",
        request.get_full_path(),
    ]
    return "portal:page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _entry(response: HttpResponse) -> dict[str, Any]:
    content = response.content
    return {
        "content": content,
        "headers": {name: response[name] for name in KEPT_HEADERS if response.has_header(name)},
        "etag": '"' + hashlib.sha256(content).hexdigest()[:32] + '"',
        "modified": int(timezone.now().timestamp()),
    }


def public_page(view: View | None = None, *, htmx: bool = False) -> Any:
    """Make a public view cacheable (see the module docstring); `htmx=True` where it answers htmx
    requests with a fragment."""

    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            if request.method not in ("GET", "HEAD"):
                return view(request, *args, **kwargs)
            if request.user.is_authenticated:
                response = view(request, *args, **kwargs)
                response["Cache-Control"] = PRIVATE
                return response
            request.public_page = True  # type: ignore[attr-defined]  # base.html renders no CSRF token
            seconds = int(settings.PUBLIC_PAGE_CACHE_SECONDS)
            key = _key(request, htmx=htmx) if seconds > 0 else ""
            entry = cache.get(key) if key else None
            if entry is None:
                response = view(request, *args, **kwargs)
                if response.streaming or response.status_code != 200 or response.cookies:
                    # Files and open-data downloads stream: headers only (unless the view chose its own).
                    if (
                        response.status_code == 200
                        and not response.cookies
                        and not response.has_header("Cache-Control")
                    ):
                        response["Cache-Control"] = public_control()
                    if htmx:
                        patch_vary_headers(response, ("HX-Request",))
                    return response
                entry = _entry(response)  # type: ignore[arg-type]
                if key:
                    cache.set(key, entry, seconds)
            response = HttpResponse(entry["content"])
            for name, value in entry["headers"].items():
                response[name] = value
            response["ETag"] = entry["etag"]
            response["Last-Modified"] = http_date(entry["modified"])
            response["Cache-Control"] = public_control()
            patch_vary_headers(response, ("Cookie", "HX-Request") if htmx else ("Cookie",))
            conditional = get_conditional_response(
                request, etag=entry["etag"], last_modified=entry["modified"], response=response
            )
            return conditional if conditional is not None else response

        return wrapper

    return decorate(view) if view is not None else decorate


class PrivateByDefaultMiddleware:
    """Every response that does not say how it may be cached is `private, no-store`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE
        return response
