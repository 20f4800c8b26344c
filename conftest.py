"""Shared test fixtures: a small hierarchy and one persona per role and unit (built by
chungtay/tests/builders.py, which also builds the norms, households, funds and gifts below).

Quảng Nam (tỉnh)
  └─ Điện Bàn (thị xã)          town_office, board, inspector, admin
       ├─ Vĩnh Điện (phường)    commune_a_staff
       │    └─ Khối phố 1       area_board
       └─ Điện Hồng (xã)        commune_b_staff
            └─ Thôn 1
  └─ Duy Xuyên (huyện)          (a sibling district nobody above holds)
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import itertools
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.db import connections, transaction
from django.test.utils import override_settings

from chungtay.funds.models import Fund
from chungtay.housing.models import SupportNorm
from chungtay.orgunits import pickers
from chungtay.reports.demo import DEMO_DAY
from chungtay.tests import builders, dbcache

# Tests import these from here (`from conftest import PASSWORD, make_user`); they live with the builders.
from chungtay.tests.builders import PASSWORD, People, Tree, build_people, build_tree, make_user  # noqa: F401

# Under pytest-xdist (`make test` runs two workers) each worker writes its own artifacts folder.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
ARTIFACTS = Path(__file__).parent / "test-artifacts" / WORKER if WORKER else Path(__file__).parent / "test-artifacts"


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """pytest-django's hook before it creates the test databases: the migrated SQLite test database is copied
    from the one kept by the last run with the same migrations, and a PostgreSQL one is cloned from the kept
    template, instead of migrating (chungtay/tests/dbcache.py; CHUNGTAY_TEST_DB_CACHE=0 always migrates)."""
    with dbcache.migrated_database_kept():
        yield


@pytest.fixture(autouse=True, scope="session")
def media_root_per_session(tmp_path_factory):
    """Uploads go to a folder of this test session (of this xdist worker), not to var/media."""
    with override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")):
        yield


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 is deliberately slow; tests use MD5 unless they check the production hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tree(db) -> Tree:
    return build_tree()


@pytest.fixture
def people(tree: Tree) -> People:
    return build_people(tree)


# --- Shared builders (chungtay/tests/builders.py) as fixtures; an app's conftest may override one to
# change its defaults (funds' households carry contact details, housing's go through the service).
@pytest.fixture
def many(monkeypatch):
    """As if the user had more units or funds to choose from than a plain select lists (orgunits.pickers):
    the test tree has a few, the limit becomes three."""
    monkeypatch.setattr(pickers, "FEW", 3)


@pytest.fixture
def norm(db) -> SupportNorm:
    """The NQ 13/2023 norm for a new house (60 million đồng)."""
    return builders.support_norm()


@pytest.fixture
def make_household(norm):
    """make_household(area, **fields): a household of phase 2024 on `norm`, written directly
    (builders.household: status, completed_on and any field may be given)."""
    return functools.partial(builders.household, norm=norm)


@pytest.fixture
def town_fund(people: People, tree: Tree) -> Fund:
    return builders.town_fund(actor=people.town_office, unit=tree.town)


@pytest.fixture
def give(people: People):
    """give(fund, amount, name=…, actor=None, *, on=…, anonymous=False, **donor): a bank transfer recorded by
    the town office (or `actor`), bank references FT00000001, FT00000002, … in each test."""
    refs = itertools.count(1)

    def give(fund, amount, name="Nguyễn Văn Hảo", actor=None, **extra):
        return builders.gift(
            fund, amount, actor=actor or people.town_office, bank_ref=f"FT{next(refs):08d}", name=name, **extra
        )

    return give


# --- The demo, loaded once per day and shared ----------------------------------------------------
# Loading the whole demo takes the better part of a minute. Tests that only read it (or change it and
# look, inside their own transaction) ask for a shared demo: `shared_demo`, the demo loaded on DEMO_DAY
# (the day the 2024 story is told up to), or `shared_demo_new_map`, loaded on NEW_MAP_DAY (after the 2025
# reorganisation: the 2024 story on the old units, the current movement on the new map). Each is loaded
# the way `manage.py load_demo` is run on that day (the clock at 09:00, no --ngay), into an outer
# transaction that stays open while its tests run, one after another; each test runs in a savepoint inside
# it (pytest-django's `db`), so what a test changes is rolled back before the next. When the last of them
# has run, the outer transaction is rolled back, so no other test ever sees the demo. The tests of one
# shared demo are gathered in one block, first (they are slow), and one xdist group, so that they run one
# after another on one worker; two shared demos are two groups, which `--dist loadgroup` may give to the
# two workers.
SHARED_DEMO = "shared_demo"
SHARED_DEMO_NEW_MAP = "shared_demo_new_map"
NEW_MAP_DAY = dt.date(2026, 12, 7)
SHARED_DEMOS = {SHARED_DEMO: DEMO_DAY, SHARED_DEMO_NEW_MAP: NEW_MAP_DAY}
VN = ZoneInfo("Asia/Ho_Chi_Minh")
_shared: dict[str, object] = {}


@dataclass(frozen=True)
class SharedDemo:
    day: dt.date
    output: str  # what `load_demo` printed


def _shared_demo_close() -> None:
    atomics = _shared.pop("atomics", None)
    if atomics is None:
        return
    with _shared.pop("blocker").unblock():  # type: ignore[attr-defined]
        for alias, atomic in atomics.items():  # type: ignore[attr-defined]
            transaction.set_rollback(True, using=alias)
            atomic.__exit__(None, None, None)
    _shared.pop("override").disable()  # type: ignore[attr-defined]
    _shared.pop("name")
    _shared.pop("demo")


@pytest.fixture
def shared_demo() -> SharedDemo:
    """The demo on DEMO_DAY, loaded once for the tests that ask for it (with `db`, never `transactional_db`)."""
    return _shared["demo"]  # type: ignore[return-value]


@pytest.fixture
def shared_demo_new_map() -> SharedDemo:
    """The demo on NEW_MAP_DAY (after the 2025 reorganisation), loaded once, as `shared_demo` is."""
    return _shared["demo"]  # type: ignore[return-value]


def _shared_demo_of(item: pytest.Item | None) -> str | None:
    names = set(getattr(item, "fixturenames", ())) & SHARED_DEMOS.keys() if item is not None else set()
    if len(names) > 1:
        raise pytest.UsageError(f"{item.nodeid}: one shared demo per test, not {sorted(names)}")  # type: ignore[union-attr]
    return names.pop() if names else None


@pytest.fixture(autouse=True)
def _shared_demo_loader(request):
    # Autouse, so that it runs before `db` opens the test's own transaction, whatever the argument order.
    name = _shared_demo_of(request.node)
    if name is None or _shared.get("name") == name:
        return
    _shared_demo_close()  # another day's demo (the blocks keep them apart; this is a safeguard)
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    day = SHARED_DEMOS[name]
    with blocker.unblock():
        if any(connections[alias].in_atomic_block for alias in connections):
            # pytest-django's django_db marker opens the test's transaction before this fixture runs.
            raise pytest.UsageError(f"{request.node.nodeid}: a test of {name} asks for `db`, not the django_db marker")
        override = override_settings(MEDIA_ROOT=request.getfixturevalue("tmp_path_factory").mktemp("demo-media"))
        override.enable()
        atomics = {}
        for alias in connections:
            atomic = transaction.atomic(using=alias)
            atomic._from_testcase = True  # as in Django's TestCase: durable blocks inside it still run
            atomic.__enter__()
            atomics[alias] = atomic
        _shared.update(atomics=atomics, override=override, blocker=blocker, name=name, demo=None)
        try:
            out = io.StringIO()
            with time_machine.travel(dt.datetime.combine(day, dt.time(9), tzinfo=VN), tick=False):
                call_command("load_demo", "--quiet-logins", stdout=out)
            _shared["demo"] = SharedDemo(day, out.getvalue())
        except BaseException:
            _shared_demo_close()
            raise


def _uses_shared_demo(item: pytest.Item | None) -> bool:
    return _shared_demo_of(item) is not None


# Slow tools, left out by `make test-fast` (-m "not browser and not libreoffice and not pdf"): a test
# that declares it needs LibreOffice or WeasyPrint/pdftotext (a skipif naming it) gets the marker here, and
# so does every test of the shared demo (loading the demo converts its documents with LibreOffice); the
# few other tests that load the demo carry `libreoffice` themselves.
SLOW_TOOLS = {"libreoffice": ("LibreOffice", "soffice"), "pdf": ("WeasyPrint", "pdftotext")}


# A test that asks for no database (no `django_db` marker, no database fixture, nothing about PostgreSQL)
# gives the same result whichever database the suite runs on: `.ci/run` runs it in the SQLite pass only
# (-m "not database_independent" in the PostgreSQL pass). Its subprocesses choose their own database (a temporary
# SQLite file), never TEST_DATABASE_URL; a test that hands TEST_DATABASE_URL on carries `postgres`.
DATABASE_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
    "live_server",
}


def _uses_database(item: pytest.Item) -> bool:
    if item.get_closest_marker("django_db") or item.get_closest_marker("postgres"):
        return True
    if DATABASE_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    return _needs(item, ("PostgreSQL", "TEST_DATABASE_URL"))


def _needs(item: pytest.Item, words: tuple[str, ...]) -> bool:
    reasons = [str(mark.kwargs.get("reason", "")) for mark in item.iter_markers("skipif")]
    return any(word in reason for reason in reasons for word in words)


@pytest.hookimpl(wrapper=True)
def pytest_collection_modifyitems(config, items):
    """Marks the slow tools, the tests that use no database and each shared demo's tests (one xdist group per
    shared demo), before the other plugins' hooks (pytest-xdist's reads the group); orders the tests after
    them (pytest-django's puts the transactional tests after the others; see `_run_order`)."""
    for item in items:
        for marker, words in SLOW_TOOLS.items():
            if _needs(item, words):
                item.add_marker(marker)
        if not _uses_database(item):
            item.add_marker("database_independent")
        name = _shared_demo_of(item)
        if name is not None:
            if config.pluginmanager.hasplugin("xdist"):
                item.add_marker(pytest.mark.xdist_group(name))
            item.add_marker("libreoffice")
    yield
    if getattr(config.option, "loadgroup", False):  # on an xdist worker under --dist loadgroup
        for item in items:
            _keep_in_its_group(item)
    items.sort(key=_run_order)


def _keep_in_its_group(item: pytest.Item) -> None:
    """pytest-xdist tells the controller a test's group by appending `@<group>` to its node id, which it writes
    into `item._nodeid`; since pytest 9.2 the id lives in `item._id` (a NodeId), the write is lost and
    `--dist loadgroup` silently hands a shared demo's tests to both workers, each loading the demo (and
    loading it again whenever its tests alternate with the other demo's) — pytest-xdist#1386. This writes
    the suffix where this pytest keeps the id, and stops the run if a test of a shared demo still has none."""
    name = _shared_demo_of(item)
    if name is None or item.nodeid.endswith(f"@{name}"):
        return
    grouped = f"{item.nodeid}@{name}"
    node_id = getattr(item, "_id", None)
    if node_id is not None and hasattr(type(node_id), "parse"):
        item._id = type(node_id).parse(grouped)  # type: ignore[attr-defined]
    else:
        item._nodeid = grouped  # type: ignore[attr-defined]
    if not item.nodeid.endswith(f"@{name}"):
        raise pytest.UsageError(f"{item.nodeid}: pytest-xdist cannot keep the tests of {name} on one worker")


# The order (under `--dist loadgroup` each test outside a group goes to whichever worker is free, in this
# order, so the long ones are handed out first and the run ends on short ones, the two workers together,
# instead of one waiting while the other runs a long test handed out last):
# 1. each shared demo's tests, together (its block; the demo is loaded before any browser starts);
# 2. the tests that never touch the test database (the backup round trip, LibreOffice, collectstatic: their
#    subprocesses use their own database), whatever runs around them;
# 3. the tests in a transaction of the test database (`db`);
# 4. the transactional ones (live server, browser), which empty the database after them: last, as
#    pytest-django orders them, so that none empties it before a test that reads what the migrations seed.
# Within each, LibreOffice, then browser, then PDF tests first; otherwise the order of collection.
SLOWEST_FIRST = ("libreoffice", "browser", "pdf")
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _test_database_use(item: pytest.Item) -> int:
    fixtures = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    if fixtures & TRANSACTIONAL_FIXTURES or (
        marker is not None
        and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences") or any(marker.args[:1]))
    ):
        return 2
    return 1 if marker is not None or "db" in fixtures else 0


def _run_order(item: pytest.Item) -> tuple[int, int, int]:
    demos = list(SHARED_DEMOS)
    name = _shared_demo_of(item)
    if name is not None:
        return (demos.index(name), 0, 0)
    marks = {mark.name for mark in item.iter_markers()}
    slow = next((rank for rank, mark in enumerate(SLOWEST_FIRST) if mark in marks), len(SLOWEST_FIRST))
    return (len(demos), _test_database_use(item), slow)


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_teardown(item, nextitem):
    yield
    if _uses_shared_demo(item) and _shared_demo_of(nextitem) != _shared_demo_of(item):
        _shared_demo_close()


# --- Browser ---------------------------------------------------------------------------------
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.skip(f"Chromium not found at {CHROMIUM}: browser tests skipped (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: browser tests skipped (make test installs it)")
    # Playwright's sync API runs an event loop in this thread; the live server's DB access is safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


@pytest.fixture
def phone_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 360, "height": 780},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
    )
    pg = context.new_page()
    pg.set_default_timeout(15000)
    pg.base_url = live_server.url  # type: ignore[attr-defined]
    yield pg
    context.close()


def login(pg, username: str, password: str = PASSWORD) -> None:
    pg.goto(pg.base_url + "/tai-khoan/dang-nhap/")
    pg.fill("input[name=username]", username)
    pg.fill("input[name=password]", password)
    pg.click("button[type=submit]")
    pg.wait_for_load_state("networkidle")


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# --- Clock -----------------------------------------------------------------------------------
if "faketime" in os.environ.get("LD_PRELOAD", ""):
    # `make test-clock` runs the suite under libfaketime with FAKETIME_DONT_FAKE_MONOTONIC (without it,
    # threads' timed waits hang). libfaketime 0.9.10 then fails Python's time.sleep — a clock_nanosleep
    # to an absolute monotonic deadline — with EINVAL, and with it subprocess.run(timeout=…); select()
    # takes a relative timeout and sleeps correctly.
    import select
    import time

    def _sleep_through_select(seconds: float) -> None:
        select.select([], [], [], max(0.0, seconds))

    time.sleep = _sleep_through_select
    # The suite's own process runs on the moved clock; the programs it starts (manage.py in a child
    # process, LibreOffice, Chromium, which does not start under libfaketime) run on the real one.
    # (FAKETIME itself stays: libfaketime re-reads it.)
    _FAKETIME_PRELOAD = os.environ.pop("LD_PRELOAD")

    @pytest.hookimpl(optionalhook=True)
    def pytest_xdist_setupnodes(config, specs):
        """pytest-xdist's workers are programs the suite starts too: they get libfaketime back (each
        then drops it again on loading this file, for the programs it starts)."""
        os.environ["LD_PRELOAD"] = _FAKETIME_PRELOAD
