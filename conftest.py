"""Shared test fixtures: a small hierarchy and one persona per role and unit.

Quảng Nam (tỉnh)
  └─ Điện Bàn (thị xã)          town_office, board, inspector, admin
       ├─ Vĩnh Điện (phường)    commune_a_staff
       │    └─ Khối phố 1       area_board
       └─ Điện Hồng (xã)        commune_b_staff
            └─ Thôn 1
  └─ Duy Xuyên (huyện)          (a sibling district nobody above holds)
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from chungtay.accounts.models import User
from chungtay.accounts.services import user_create
from chungtay.orgunits.models import Level, Membership, OrgUnit, Role
from chungtay.orgunits.services import unit_create

PASSWORD = "Mat-khau-thu-2024"  # noqa: S105 - test personas only
ARTIFACTS = Path(__file__).parent / "test-artifacts"


@pytest.fixture(autouse=True)
def fast_password_hashing(request, settings):
    """Argon2 is deliberately slow; tests use MD5 unless they check the production hasher."""
    if "argon2" not in request.keywords:
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Tree:
    province: OrgUnit
    town: OrgUnit
    commune_a: OrgUnit
    commune_b: OrgUnit
    area_a1: OrgUnit
    area_b1: OrgUnit
    other_district: OrgUnit


@pytest.fixture
def tree(db) -> Tree:
    province = unit_create(actor=None, parent=None, level=Level.PROVINCE, kind="tinh", name="Quảng Nam")
    town = unit_create(actor=None, parent=province, level=Level.DISTRICT, kind="thi_xa", name="Điện Bàn")
    other = unit_create(actor=None, parent=province, level=Level.DISTRICT, kind="huyen", name="Duy Xuyên")
    a = unit_create(actor=None, parent=town, level=Level.COMMUNE, kind="phuong", name="Vĩnh Điện")
    b = unit_create(actor=None, parent=town, level=Level.COMMUNE, kind="xa", name="Điện Hồng")
    a1 = unit_create(actor=None, parent=a, level=Level.AREA, kind="khoi_pho", name="Khối phố 1")
    b1 = unit_create(actor=None, parent=b, level=Level.AREA, kind="thon", name="Thôn 1")
    return Tree(province, town, a, b, a1, b1, other)


def make_user(username: str, unit: OrgUnit | None, role: str | None, **extra) -> User:
    user = user_create(
        actor=None, username=username, full_name=extra.pop("full_name", username.title()), password=PASSWORD
    )
    if unit is not None and role is not None:
        Membership.objects.create(user=user, unit=unit, role=role)
    for key, value in extra.items():
        setattr(user, key, value)
    if extra:
        user.save()
    return user


@dataclass
class People:
    admin: User
    town_office: User
    board: User
    inspector: User
    commune_a_staff: User
    commune_b_staff: User
    area_board: User
    nobody: User


@pytest.fixture
def people(tree: Tree) -> People:
    return People(
        admin=make_user("admin", tree.town, Role.ADMIN),
        town_office=make_user("office", tree.town, Role.OFFICE),
        board=make_user("board", tree.town, Role.BOARD),
        inspector=make_user("inspector", tree.town, Role.INSPECTOR),
        commune_a_staff=make_user("staff_a", tree.commune_a, Role.UNIT_STAFF),
        commune_b_staff=make_user("staff_b", tree.commune_b, Role.UNIT_STAFF),
        area_board=make_user("area_a1", tree.area_a1, Role.AREA_BOARD),
        nobody=make_user("nobody", None, None),
    )


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
    ARTIFACTS.mkdir(exist_ok=True)
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
    del os.environ["LD_PRELOAD"]
