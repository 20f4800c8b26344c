"""No dead ends: every demo role (and an anonymous visitor) follows every link and GET form it can see,
from the home page, and none of them answers 4xx/5xx (issue 20).

The demo is loaded once, on its fixed day. The crawl is breadth-first and bounded: a few URLs per view
name per role (the first ones seen — on list pages those are the other units' rows, which is where links
out of a user's subtree would show), and at most MAX_PAGES pages per role.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, deque
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import urlencode, urljoin, urlsplit
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from chungtay.accounts.models import User
from chungtay.orgunits.demo import DEMO_USERS
from chungtay.reports.demo import DEMO_DAY

pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))

MAX_PAGES = 400
SAMPLES_PER_VIEW = 3
# Django's own admin guards and links itself; logging out would end the crawl; files are not pages.
SKIP_PREFIXES = ("/quan-tri/", "/tai-khoan/dang-xuat/", "/static/", "/media/")


class Links(HTMLParser):
    """Same-page `<a href>` targets and GET forms (action + the values the form would send untouched)."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self._form: dict | None = None
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):  # type: ignore[no-untyped-def]
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        elif tag == "form":
            method = (a.get("method") or "get").lower()
            self._form = {"action": a.get("action") or "", "fields": []} if method == "get" else None
        elif self._form is not None and tag == "input" and a.get("name"):
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file", "image"):
                self._form["fields"].append((a["name"], a.get("value") or ""))
        elif self._form is not None and tag == "select" and a.get("name"):
            self._select = a["name"]
            self._form["fields"].append((a["name"], None))  # filled by the first or the selected option
        elif self._form is not None and tag == "option" and self._select:
            fields = self._form["fields"]
            name, value = fields[-1]
            if value is None or "selected" in a:
                fields[-1] = (name, a.get("value", ""))

    def handle_endtag(self, tag):  # type: ignore[no-untyped-def]
        if tag == "select":
            self._select = None
        elif tag == "form" and self._form is not None:
            fields = [(n, v or "") for n, v in self._form["fields"]]
            action = self._form["action"]
            self.hrefs.append(action + ("?" + urlencode(fields) if fields else ""))
            self._form = None


def same_site(base: str, href: str) -> str | None:
    if href.startswith(("#", "mailto:", "tel:", "javascript:", "data:")):
        return None
    url = urlsplit(urljoin("http://testserver" + base, href))
    if url.netloc != "testserver" or url.path.startswith(SKIP_PREFIXES):
        return None
    return url.path + ("?" + url.query if url.query else "")


@dataclass(frozen=True)
class Crawl:
    failures: list[str]  # "status url (view) ← the page that linked to it"
    fetched: int
    pages: list[tuple[str, str]]  # the HTML pages reached, as (url, view name), in the order they were reached


def crawl(client: Client, seeds: list[str], *, signed_in: bool) -> Crawl:
    """Breadth-first from `seeds`."""
    queue = deque((seed, "(start)") for seed in seeds)
    seen: set[str] = set()
    per_view: Counter[str] = Counter()
    failures: list[str] = []
    pages: list[tuple[str, str]] = []
    fetched = 0
    while queue and fetched < MAX_PAGES:
        url, source = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        try:
            view = resolve(urlsplit(url).path).view_name
        except Resolver404:
            failures.append(f"404 {url} ← {source} (no such URL)")
            continue
        if per_view[view] >= SAMPLES_PER_VIEW:
            continue
        per_view[view] += 1
        response = client.get(url)
        fetched += 1
        if response.status_code >= 400:
            failures.append(f"{response.status_code} {url} ({view}) ← {source}")
            continue
        if response.status_code in (301, 302, 303, 307, 308):
            target = same_site(url, response["Location"])
            if signed_in and target and target.startswith("/tai-khoan/dang-nhap/"):
                failures.append(f"login {url} ({view}) ← {source}")
            elif target:
                queue.append((target, url))
            continue
        if "text/html" not in response.get("Content-Type", "") or response.streaming:
            continue
        pages.append((url, view))
        parser = Links()
        parser.feed(response.content.decode())
        for href in parser.hrefs:
            target = same_site(url, href)
            if target and target not in seen:
                queue.append((target, url))
    return Crawl(failures, fetched, pages)


def visitors() -> list[tuple[str, User | None, list[str]]]:
    """Anonymous (from the home page and the portal) and every demo user, with where each starts."""
    found: list[tuple[str, User | None, list[str]]] = [("anonymous", None, ["/", "/cong-khai/"])]
    return found + [(spec.username, User.objects.get(username=spec.username), ["/"]) for spec in DEMO_USERS]


# The crawl only reads the shared demo, which each test gets back as loaded; the accessibility test
# (test_accessibility.py) visits the pages it reached instead of crawling again, whichever test runs first.
_crawls: dict[str, Crawl] = {}


def crawl_demo() -> dict[str, Crawl]:
    """Every visitor's crawl of the shared demo (once per test session), by visitor."""
    if not _crawls:
        crawls = {}
        for name, user, seeds in visitors():
            client = Client(raise_request_exception=False)
            if user is not None:
                client.force_login(user)
            crawls[name] = crawl(client, seeds, signed_in=user is not None)
        _crawls.update(crawls)
    return _crawls


@pytest.fixture
def demo(shared_demo, db, settings):
    settings.REQUIRE_2FA = False  # the crawl is about links, not the second factor


def test_no_role_meets_a_link_or_form_that_ends_in_an_error(demo):
    crawls = crawl_demo()
    report = {name: c.fetched for name, c in crawls.items()}
    failures = [f"{name}: {line}" for name, c in crawls.items() for line in c.failures]
    assert failures == [], "\n".join([*failures, f"pages per visitor: {report}"])
    assert all(fetched > 5 for fetched in report.values()), report
