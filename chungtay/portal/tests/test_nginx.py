"""The production front (deploy/nginx/, docs/operations.md) in front of a live server: public pages
come from the micro-cache on the second request, static files from disk, staff pages never cached."""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from bench.front import NGINX, nginx

pytestmark = [
    pytest.mark.nginx,
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)"),
]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, **headers: str) -> Reply:
    request = urllib.request.Request(  # noqa: S310 - the test front on loopback http
        url, headers={key.replace("_", "-"): value for key, value in headers.items()}
    )
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=30) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())


@pytest.fixture
def front(live_server, tmp_path):
    port = int(live_server.url.rsplit(":", 1)[1])
    with nginx(workdir=tmp_path / "nginx", upstream_port=port, static_root=settings.BASE_DIR / "static") as url:
        yield url


def test_a_public_page_comes_from_the_micro_cache_on_the_second_request(front, transactional_db, tree):
    first = fetch(f"{front}/cong-khai/")
    second = fetch(f"{front}/cong-khai/")
    assert first.status == second.status == 200
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert second.body == first.body
    assert second.headers["cache-control"].startswith("public, max-age=")
    assert "set-cookie" not in second.headers
    # Each language has its own copy.
    english = fetch(f"{front}/cong-khai/", Cookie="django_language=en")
    assert english.headers["x-cache-status"] == "MISS"
    assert english.body != first.body


def test_static_files_are_served_by_nginx_from_disk_and_compressed(front, transactional_db):
    reply = fetch(f"{front}/static/css/chungtay.css")
    assert reply.status == 200
    assert reply.body == (settings.BASE_DIR / "static" / "css" / "chungtay.css").read_bytes()
    assert "x-cache-status" not in reply.headers  # never reached the application
    assert reply.headers["cache-control"] == "max-age=2592000"
    packed = fetch(f"{front}/static/css/chungtay.css", Accept_Encoding="gzip")
    assert packed.headers["content-encoding"] == "gzip"
    assert gzip.decompress(packed.body) == reply.body


def test_staff_pages_and_signed_in_visitors_are_never_cached(front, transactional_db, people):
    browser = Client()
    browser.force_login(people.town_office)
    session = f"sessionid={browser.cookies['sessionid'].value}"
    replies = [fetch(f"{front}/bang-dieu-khien/", Cookie=session) for _ in range(2)]
    assert [r.status for r in replies] == [200, 200]
    assert all(r.headers["cache-control"] == "private, no-store" for r in replies)
    assert all(r.headers["x-cache-status"] != "HIT" for r in replies)
    # A signed-in person's copy of a public page (with their name in the menu) is not kept for others.
    mine = fetch(f"{front}/cong-khai/", Cookie=session)
    assert mine.headers["x-cache-status"] == "BYPASS"
    assert people.town_office.display_name in mine.body.decode()
    anonymous = [fetch(f"{front}/cong-khai/") for _ in range(2)]
    assert anonymous[1].headers["x-cache-status"] == "HIT"
    assert all(people.town_office.display_name not in r.body.decode() for r in anonymous)
    # Nor is the sign-in redirect an anonymous visitor gets from a staff page.
    redirects = [fetch(f"{front}/bang-dieu-khien/") for _ in range(2)]
    assert [r.status for r in redirects] == [302, 302]
    assert redirects[1].headers["x-cache-status"] != "HIT"
