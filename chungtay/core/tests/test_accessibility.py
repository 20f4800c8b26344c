"""axe-core (vendored, loaded only here) on every page the role crawl reaches, as every demo role and
anonymous, at a phone's and a desktop's width: no serious or critical WCAG 2.1 AA violation (issue 20).
And the dashboard's charts read on a phone.

The pages are the role crawl's (test_role_crawl.crawl_demo, with the Django test client, done once for both
tests), one URL per view name; the browser visits them in one page per visitor, runs axe at 360 px,
widens the same page to 1280 px and runs axe again. Each page is also checked for a picker that offers two
choices under one name.

The demo is the shared one (conftest `shared_demo`), which lives in a transaction the test's own connection
holds open: the server the browser talks to runs in a thread on that very connection (as Django's live server
does for an in-memory SQLite database) and serves one request at a time, so the two never use it at once.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.core.handlers.wsgi import WSGIHandler
from django.core.servers.basehttp import WSGIServer
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connections
from django.test import Client
from django.test.testcases import LiveServerThread, QuietWSGIRequestHandler, _MediaFilesHandler

from chungtay.accounts.models import User
from chungtay.core.tests.test_role_crawl import crawl_demo, visitors
from chungtay.reports.demo import DEMO_DAY
from conftest import CHROMIUM

pytestmark = [
    pytest.mark.browser,
    # axe judges the rendered markup and colours, which do not depend on the database: .ci/run runs it in the
    # SQLite pass only (the role crawl, which checks what each role may reach, runs on both).
    pytest.mark.database_independent,
    pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))),
]

AXE = Path(__file__).resolve().parents[3] / "static" / "vendor" / "axe-core" / "axe.min.js"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE, DESKTOP = 360, 1280


def axe_violations(pg) -> list[str]:  # type: ignore[no-untyped-def]
    if not pg.evaluate("typeof axe !== 'undefined'"):
        pg.add_script_tag(path=str(AXE))
    # preload: false — axe would fetch every stylesheet again on each run, only for css-orientation-lock
    # (our CSS has no orientation media query); it more than halves the time of a run.
    result = pg.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],"
        " preload: false})",
        WCAG_AA,
    )
    found = []
    for v in result["violations"]:
        if v["impact"] in ("serious", "critical"):
            targets = "; ".join(" ".join(n["target"]) for n in v["nodes"][:5])
            found.append(f"{v['id']} ({v['impact']}, {len(v['nodes'])}×): {v['help']} — {targets}")
    return found


# The page's own resize handlers (tables that scroll get keyboard focus) have run: two frames later.
SETTLED = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
# A picker (a select, or a group of checkboxes or radios) offering two choices under one name: the demo has a
# "Khối phố 1" in several communes, which a picker must name with their commune ("Khối phố 1 (Vĩnh Điện)").
SAME_NAMES = """() => {
  const groups = new Map(), found = new Set();
  const add = (key, text) => {
    text = text.replace(/\\s+/g, " ").trim();
    if (!text) { return; }
    if (!groups.has(key)) { groups.set(key, new Set()); }
    if (groups.get(key).has(text)) { found.add(key + ": " + text); }
    groups.get(key).add(text);
  };
  const forms = [...document.forms];
  document.querySelectorAll("select").forEach((select, i) => {
    [...select.options].forEach(option => add(`select ${select.name || ""} #${i}`, option.text));
  });
  document.querySelectorAll("input[type=checkbox][name], input[type=radio][name]").forEach(input => {
    const group = `${input.type} ${input.name} in form #${forms.indexOf(input.form)}`;
    if (input.labels && input.labels.length) { add(group, input.labels[0].textContent); }
  });
  return [...found];
}"""


class _DemoServerThread(LiveServerThread):
    """Django's live server on the test's own connections, one request at a time, never closing them."""

    def run(self) -> None:
        for alias, conn in self.connections_override.items():
            connections[alias] = conn
        try:
            self.httpd = WSGIServer((self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=False)
            self.port = self.httpd.server_address[1]
            self.httpd.set_app(self.static_handler(_MediaFilesHandler(WSGIHandler())))
            self.is_ready.set()
            self.httpd.serve_forever()
        except Exception as e:
            self.error = e
            self.is_ready.set()


@pytest.fixture
def demo_server(shared_demo, db, settings) -> Iterator[str]:
    """The shared demo served over HTTP; yields its base URL."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler

    settings.REQUIRE_2FA = False
    settings.DEBUG = False
    shared = {conn.alias: conn for conn in connections.all()}
    for conn in shared.values():
        conn.inc_thread_sharing()
    # Closing "old" connections at each request would close the one that holds the demo's transaction
    # (Django's test client disconnects it the same way).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    thread = _DemoServerThread("127.0.0.1", StaticFilesHandler, connections_override=shared)
    thread.daemon = True
    thread.start()
    thread.is_ready.wait()
    try:
        if thread.error:
            raise thread.error
        yield f"http://127.0.0.1:{thread.port}"
    finally:
        if hasattr(thread, "httpd"):
            thread.httpd.shutdown()
            thread.httpd.server_close()
        thread.join()
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
        for conn in shared.values():
            conn.dec_thread_sharing()


# Swagger UI (the API reference, /api/docs/) draws the page after it has fetched the schema: axe waits for its
# operations. Its own colours, the page's language and its nested deep links are fixed around it
# (templates/drf_spectacular/swagger_ui.html, static/css/swagger-ui-a11y.css, SWAGGER_UI_SETTINGS).
DRAWN_BY_SCRIPT = {"#swagger-ui": "#swagger-ui .opblock-summary-method"}


def pages_to_check() -> list[tuple[str, str | None, list[str]]]:
    """(visitor, their session, the URLs to check): one URL per view name, the first the crawl reached, by
    the first visitor who reached it — anonymous for the public pages, then the administrator, who sees
    every button and form of a staff page, then each role for the pages only it reaches. The markup axe
    judges is the view's template: another role on the same view draws the same landmarks, labels and colours
    with fewer buttons (every role's pages still go through the role crawl)."""
    crawls = crawl_demo()
    checked: set[str] = set()
    plan = []
    for name, user, _ in visitors():
        urls = []
        for url, view in crawls[name].pages:
            if view not in checked:
                checked.add(view)
                urls.append(url)
        plan.append((name, session_of(user.username if user else None), urls))
    return plan


def session_of(username: str | None) -> str | None:
    """A signed-in session's cookie value for the browser (None: anonymous)."""
    if username is None:
        return None
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


@contextmanager
def chromium(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Chromium, for as long as the block runs.

    Playwright's sync API runs an asyncio loop in this thread while it is started, and Django then keeps
    this thread's connections apart (asgiref's Local follows the loop's context): the connection that holds
    the shared demo's transaction is out of reach until Playwright stops. So the tests read the database
    first, then start the browser, and stop it before the demo's transaction is rolled back. If the
    session's browser is already running (a browser test ran earlier in this process), the demo was loaded
    under it and that one serves.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        yield request.getfixturevalue("browser")
        return
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            yield browser
        finally:
            browser.close()


def new_page(browser, base_url: str, session: str | None):  # type: ignore[no-untyped-def]
    # axe is injected as an inline script, which the site's CSP rightly forbids; only this context bypasses it.
    context = browser.new_context(
        viewport={"width": PHONE, "height": 780}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True
    )
    if session is not None:
        context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": base_url}])
    # Map tiles come from OpenStreetMap: refused at once rather than waited for (the test needs no network).
    context.route(re.compile(rf"^(?!{re.escape(base_url)}/)https?://"), lambda route: route.abort())
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    return pg


def test_no_page_any_role_reaches_has_a_serious_accessibility_violation_or_a_picker_with_two_same_names(
    demo_server, request
):  # fmt: skip
    plan = pages_to_check()
    report = {name: len(urls) for name, _, urls in plan}
    failures: list[str] = []
    with chromium(request) as browser:
        for name, session, urls in plan:
            pg = new_page(browser, demo_server, session)
            try:
                for url in urls:
                    pg.set_viewport_size({"width": PHONE, "height": 780})
                    response = pg.goto(demo_server + url, wait_until="load")
                    assert response is not None and response.status < 400, (name, url, response and response.status)
                    for root, drawn in DRAWN_BY_SCRIPT.items():
                        if pg.locator(root).count():
                            pg.wait_for_selector(drawn)
                    failures += [f"{name} {url}: two choices named {same}" for same in pg.evaluate(SAME_NAMES)]
                    failures += [f"{name} {PHONE}px {url}: {v}" for v in axe_violations(pg)]
                    pg.set_viewport_size({"width": DESKTOP, "height": 900})
                    pg.evaluate(SETTLED)
                    failures += [f"{name} {DESKTOP}px {url}: {v}" for v in axe_violations(pg)]
            finally:
                pg.context.close()
    assert failures == [], "\n".join([*failures, f"pages per visitor: {report}"])
    assert sum(report.values()) > 60, report


CHARTS = """() => [...document.querySelectorAll("canvas[data-testid^=chart-]")].map(canvas => {
  const chart = Chart.getChart(canvas), box = canvas.parentElement.getBoundingClientRect();
  return {
    id: canvas.id, width: canvas.getBoundingClientRect().width, height: canvas.getBoundingClientRect().height,
    box: box.width, area: [chart.chartArea.width, chart.chartArea.height], bars: chart.data.labels.length,
    horizontal: chart.options.indexAxis === "y", chartWidth: chart.width,
    legend: chart.legend.legendHitBoxes.map(b => [b.left, b.left + b.width]),
  };
})"""


def test_the_dashboard_charts_read_on_a_phone(demo_server, request):
    """The town's dashboard at 360 px: each chart as wide as its card and tall enough to read, a line per
    commune where the bars lie across, and a legend that stays inside the chart."""
    session = session_of("chutich")
    with chromium(request) as browser:
        pg = new_page(browser, demo_server, session)
        try:
            pg.goto(demo_server + "/bao-cao/")
            pg.wait_for_function("document.querySelectorAll('canvas[data-testid^=chart-]').length === 2")
            charts = pg.evaluate(CHARTS)
            page_width = pg.evaluate("document.documentElement.scrollWidth")
        finally:
            pg.context.close()
    assert page_width <= PHONE
    assert {c["id"] for c in charts} == {"bieu-do-don-vi", "bieu-do-tien-do"}
    for chart in charts:
        assert chart["width"] <= chart["box"] + 1 and chart["width"] >= 0.8 * chart["box"], chart
        assert chart["height"] >= 250 and min(chart["area"]) >= 150, chart
        assert all(left >= 0 and right <= chart["chartWidth"] for left, right in chart["legend"]), chart
    units = next(c for c in charts if c["id"] == "bieu-do-don-vi")
    assert units["horizontal"] and units["bars"] == 20
    assert units["area"][1] / units["bars"] >= 16, units  # a line of at least 16 px per commune


# Where the top menu is laid out in one row (Bootstrap's lg breakpoint, 992 px, and up): every item and the
# signed-in person's name must be whole and inside the window.
NAV_FITS = """() => {
  const width = document.documentElement.clientWidth;
  return [...document.querySelectorAll(".ct-navbar .nav-link, .ct-navbar .navbar-brand")].flatMap(link => {
    const box = link.getBoundingClientRect(), text = link.textContent.trim();
    const out = [];
    if (box.right > width + 0.5 || box.left < -0.5) out.push(`${text}: outside the window (${box.left}-${box.right})`);
    if (link.scrollWidth > link.clientWidth + 1) out.push(`${text}: cut (${link.scrollWidth} > ${link.clientWidth})`);
    return out;
  });
}"""


def test_every_role_s_top_menu_shows_each_item_and_the_name_whole_on_a_desktop_screen(demo_server, request):
    from chungtay.orgunits.demo import DEMO_USERS

    sessions = {spec.username: session_of(spec.username) for spec in DEMO_USERS}
    failures: list[str] = []
    with chromium(request) as browser:
        for username, session in sessions.items():
            pg = new_page(browser, demo_server, session)
            try:
                pg.set_viewport_size({"width": 1200, "height": 900})
                pg.goto(demo_server + "/", wait_until="load")
                for width in (1200, 1280, 1440):  # the bar lays itself out again as the window changes
                    pg.set_viewport_size({"width": width, "height": 900})
                    pg.evaluate(SETTLED)
                    failures += [f"{username} {width}px: {problem}" for problem in pg.evaluate(NAV_FITS)]
                    rows = pg.evaluate("() => document.querySelector('.ct-navbar').getBoundingClientRect().height")
                    if rows > 80:
                        failures.append(f"{username} {width}px: the menu wraps ({rows} px high)")
            finally:
                pg.context.close()
    assert failures == [], "\n".join(failures)
