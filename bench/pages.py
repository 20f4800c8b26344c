"""Server time of every staff page on the town demo, default SQLite install (issue 20: ≤ 300 ms each).

The demo is loaded once into its own SQLite file (var/bench/pages.sqlite3, DEBUG off, as `make run`
serves it). Each demo role crawls from its home page the way the role crawl test does (every link
and GET form it can see, a few URLs per view); every staff page found is then requested `--runs`
times in the same process through Django's whole stack (middleware, views, templates, the database),
and its median and slowest time are reported beside the baseline measured in the same run: a bare
request through the same stack (an unknown URL, answered by the site's 404 page).

    python -m bench.pages [--runs 5] [--roles vanphong,vinhdien]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "var" / "bench"
DB = WORK / "pages.sqlite3"
TARGET_MS = 300.0


def _environment() -> dict[str, str]:
    return sqlite_environment(DB)


def sqlite_environment(db: Path) -> dict[str, str]:
    """The default install's environment (SQLite file `db`, DEBUG off, local cache) for a bench's subprocesses."""
    env = dict(os.environ)
    env.update(
        DATABASE_URL=f"sqlite:///{db}",
        DJANGO_DEBUG="0",
        DJANGO_HTTPS="0",
        CHUNGTAY_REQUIRE_2FA="0",
        DJANGO_SETTINGS_MODULE="config.settings",
    )
    env.setdefault("DJANGO_SECRET_KEY", "bench-only-secret-key-not-for-production-0123456789")
    env.pop("REDIS_URL", None)  # the default install: a local cache
    return env


def prepare() -> None:
    """The demo in its own SQLite file, made once (delete the file to make it again)."""
    manage = [sys.executable, str(ROOT / "manage.py")]
    # DEBUG off serves static files from the collected, hashed copies, as `make run` does.
    subprocess.run([*manage, "collectstatic", "--noinput", "-v", "0"], env=_environment(), check=True, cwd=ROOT)
    if DB.exists():
        return
    WORK.mkdir(parents=True, exist_ok=True)
    subprocess.run([*manage, "migrate", "--noinput", "-v", "0"], env=_environment(), check=True, cwd=ROOT)
    subprocess.run([*manage, "load_demo"], env=_environment(), check=True, cwd=ROOT, stdout=subprocess.DEVNULL)


def _timed(client, url: str, runs: int) -> tuple[list[float], int]:  # type: ignore[no-untyped-def]
    client.get(url)  # warm: templates compiled, caches filled as a running server has them
    times = []
    status = 0
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        status = response.status_code
    return times, status


def crawl(client, start: list[str], limit: int, *, by_url: bool = False) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """The staff pages a signed-in client reaches from `start` by following links and GET forms:
    {view name → the first URL seen of it}; with `by_url`, the start URLs are kept under their own URL
    (each is measured, not only the first of its view). Public pages and the API are left out."""
    from django.urls import Resolver404, resolve

    from chungtay.core.tests.test_role_crawl import Links, same_site

    pages: dict[str, str] = {}
    queue, seen = list(start), set()
    while queue and len(seen) < limit:
        url = queue.pop(0)
        if url in seen:
            continue
        seen.add(url)
        try:
            view = resolve(url.split("?")[0]).view_name
        except Resolver404:  # not a page of the site
            continue
        key = url if by_url and url in start else view
        if key in pages or view.startswith(("portal:", "api")):
            continue
        response = client.get(url)
        if response.status_code in (301, 302, 303, 307, 308):
            if target := same_site(url, response["Location"]):
                queue.append(target)
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        pages[key] = url
        parser = Links()
        parser.feed(response.content.decode())
        queue += [t for href in parser.hrefs if (t := same_site(url, href)) and t not in seen]
    return pages


def measure(runs: int, roles: list[str] | None) -> list[dict]:
    os.environ.update(_environment())
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.test import Client

    from chungtay.accounts.models import User
    from chungtay.orgunits.demo import DEMO_USERS

    from .measures import row

    results: list[dict] = []
    anonymous = Client()
    bare, _ = _timed(anonymous, "/khong-co-trang-nay/", runs * 4)
    baseline = statistics.median(bare)
    results.append(row("pages", "bare request (the site's 404 page)", "", round(baseline, 1), None, "ms", None))
    for spec in DEMO_USERS:
        if roles and spec.username not in roles:
            continue
        client = Client()
        client.force_login(User.objects.get(username=spec.username))
        pages = crawl(client, ["/"], 300)  # view name → first URL seen
        for view, url in sorted(pages.items()):
            times, status = _timed(client, url, runs)
            middle, worst = statistics.median(times), max(times)
            results.append(
                row(
                    "pages",
                    f"{spec.username} {url}",
                    f"≤ {TARGET_MS:g} ms",
                    round(middle, 1),
                    round(baseline, 1),
                    "ms",
                    status == 200 and middle <= TARGET_MS,
                    f"{view}; median of {runs}, slowest {worst:.0f} ms",
                )
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--roles", default="", help="demo usernames, comma-separated (all when empty)")
    args = parser.parse_args()
    prepare()
    results = measure(args.runs, [r for r in args.roles.split(",") if r] or None)
    missed = [r for r in results if r["passed"] is False]
    print(f"{len(results) - 1} staff pages, {len(missed)} over {TARGET_MS:g} ms")
    (WORK / "pages.json").write_text(json.dumps(results, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
