"""Losing the database connection: a clean Vietnamese page, nothing half-written, the next request works.

Django's test client runs every request on the test's own connection and never closes it between
requests, so the per-request health check (CONN_HEALTH_CHECKS with persistent connections) never
runs there. The live tests below therefore start the real app in gunicorn, with the production
settings, against the test database (PostgreSQL), and cut its connections with pg_terminate_backend:
between two requests, and in the middle of a write.
"""

from __future__ import annotations

import http.cookiejar
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from auditlog.models import LogEntry
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError, connection, transaction
from django.test import Client
from django.urls import reverse

from chungtay.orgunits.models import OrgUnit
from conftest import PASSWORD

ROOT = Path(__file__).resolve().parents[3]
LIVE_POSTGRES = pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="cutting live database connections needs PostgreSQL: set TEST_DATABASE_URL=postgres://…",
)


# --- The error page (any database) -------------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [OperationalError("server closed the connection unexpectedly"), InterfaceError("connection already closed")],
)
def test_a_lost_database_connection_gives_the_vietnamese_503_page_without_details(people, monkeypatch, error):
    client = Client(raise_request_exception=False)
    client.force_login(people.commune_a_staff)

    def lost(self):  # the session is read by the middleware, before any view
        raise error

    monkeypatch.setattr(SessionStore, "load", lost)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert "Mất kết nối cơ sở dữ liệu, vui lòng thử lại" in page and "không có dữ liệu nào" in page
    assert str(error) not in page and "Traceback" not in page and type(error).__name__ not in page


def test_any_other_server_error_still_gives_the_plain_500_page(people, monkeypatch):
    client = Client(raise_request_exception=False)
    client.force_login(people.commune_a_staff)

    def broken(self):
        raise RuntimeError("secret detail")

    monkeypatch.setattr(SessionStore, "load", broken)
    response = client.get(reverse("dashboard"))
    page = response.content.decode()
    assert response.status_code == 500 and "Hệ thống đang gặp sự cố" in page
    assert "secret detail" not in page and "Traceback" not in page


# --- The real server on PostgreSQL -------------------------------------------------------------


class Visitor:
    """What a browser does here: keep cookies, send the CSRF token, follow redirects."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(path, None)

    def post(self, path: str, form: dict[str, str]) -> tuple[int, str]:
        token = next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")
        return self._open(path, urllib.parse.urlencode({**form, "csrfmiddlewaretoken": token}).encode())

    def login(self, username: str) -> None:
        self.get("/tai-khoan/dang-nhap/")
        status, page = self.post("/tai-khoan/dang-nhap/", {"username": username, "password": PASSWORD})
        assert status == 200 and 'name="password"' not in page, page[:500]

    def _open(self, path: str, body: bytes | None) -> tuple[int, str]:
        try:
            with self.opener.open(self.base_url + path, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()


@dataclass
class LiveApp:
    url: str
    log: Path

    def visitor(self) -> Visitor:
        return Visitor(self.url)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_app(transactional_db, tmp_path):
    """gunicorn (one worker, so every request meets the same persistent connection) on the test database."""
    if connection.vendor != "postgresql":
        pytest.skip("cutting live database connections needs PostgreSQL (TEST_DATABASE_URL)")
    db = connection.settings_dict
    database_url = (
        f"postgres://{quote(db['USER'] or '')}:{quote(db['PASSWORD'] or '')}@{db['HOST'] or 'localhost'}"
        f":{db['PORT'] or 5432}/{quote(db['NAME'])}"
    )
    env = {key: value for key, value in os.environ.items() if key not in {"PYTEST_VERSION", "TEST_DATABASE_URL"}}
    env.update(
        DATABASE_URL=database_url,  # without PYTEST_VERSION, settings.py takes it as production does
        DATABASE_CONN_MAX_AGE="60",
        DJANGO_SETTINGS_MODULE="chungtay.core.tests.live_settings",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY="live-server-test-only",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        CHUNGTAY_REQUIRE_2FA="0",
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        PYTHONUNBUFFERED="1",
    )
    port, log = free_port(), tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "1", "--timeout", "120", "--graceful-timeout", "5"],
            cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    app = LiveApp(f"http://127.0.0.1:{port}", log)
    try:
        deadline = time.monotonic() + 60
        while not (_listening(port) and app.visitor().get("/healthz")[0] == 200):
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
        yield app
    finally:
        server.terminate()
        try:
            server.wait(15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(15)


def _listening(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def cut_other_connections() -> int:
    """What a database restart or a network cut does to the app: every other connection is dropped."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def backend_waiting_for(table: str, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT pid FROM pg_locks WHERE NOT granted AND relation = %s::regclass", [table])
            row = cursor.fetchone()
            if row:
                return row[0]
            time.sleep(0.05)
    raise AssertionError(f"no request came to wait for {table}")


def assert_clean_503(status: int, page: str) -> None:
    assert status == 503, page[:2000]
    assert "Mất kết nối cơ sở dữ liệu, vui lòng thử lại" in page and "không có dữ liệu nào" in page
    for leak in ("Traceback", "OperationalError", "terminating connection", "psycopg", "SELECT", "INSERT"):
        assert leak not in page


@LIVE_POSTGRES
@pytest.mark.argon2  # the server checks passwords with the production hasher
@pytest.mark.django_db(transaction=True)
def test_after_every_connection_is_cut_between_requests_the_next_request_works(live_app, people, tree):
    visitor = live_app.visitor()
    visitor.login("staff_a")
    status, page = visitor.get("/bang-dieu-khien/")  # reads the session, the user, the memberships, the units
    assert status == 200 and "Vĩnh Điện" in page
    # The worker keeps its connection between requests (CONN_MAX_AGE); it is among those cut.
    assert cut_other_connections() >= 1
    # CONN_HEALTH_CHECKS: the worker finds the dead connection at the start of the request and
    # opens a new one. Without it this first request fails (checked by hand with the setting off).
    for _ in range(3):
        status, page = visitor.get("/bang-dieu-khien/")
        assert status == 200 and "Vĩnh Điện" in page
    assert "Traceback" not in live_app.log.read_text()


@LIVE_POSTGRES
@pytest.mark.argon2
@pytest.mark.django_db(transaction=True)
def test_a_write_cut_off_mid_transaction_gets_the_503_page_leaves_nothing_and_can_be_retried(live_app, people, tree):
    visitor = live_app.visitor()
    visitor.login("office")
    form_path = reverse("orgunits:create_child", args=[tree.town.pk])
    assert visitor.get(form_path)[0] == 200
    units, audit_rows = OrgUnit.objects.count(), LogEntry.objects.count()
    children = OrgUnit.objects.filter(parent=tree.town).count()
    form = {"kind": "phuong", "name": "Phường Thử Nghiệm", "code": "", "valid_from": "01/01/2000", "valid_to": ""}

    with ThreadPoolExecutor(1) as pool, transaction.atomic():
        # Another session holds the audit table, so the request writes the unit (parent's child
        # count, then the unit row) and then waits, inside its transaction, to write the audit row.
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {LogEntry._meta.db_table} IN EXCLUSIVE MODE")
        request = pool.submit(visitor.post, form_path, form)
        pid = backend_waiting_for(LogEntry._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT mode FROM pg_locks WHERE pid = %s AND granted AND relation = %s::regclass",
                [pid, OrgUnit._meta.db_table],
            )
            assert "RowExclusiveLock" in {row[0] for row in cursor.fetchall()}  # it has written to the unit table
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    status, page = request.result(timeout=60)

    assert_clean_503(status, page)
    assert not OrgUnit.objects.filter(name="Phường Thử Nghiệm").exists()
    assert (OrgUnit.objects.count(), LogEntry.objects.count()) == (units, audit_rows)
    tree.town.refresh_from_db()
    assert OrgUnit.objects.filter(parent=tree.town).count() == tree.town.numchild == children
    # The same worker serves the next request on a new connection, and the retry goes through.
    assert visitor.get(reverse("orgunits:detail", args=[tree.town.pk]))[0] == 200
    assert visitor.post(form_path, form)[0] == 200
    unit = OrgUnit.objects.get(name="Phường Thử Nghiệm")
    assert unit.parent == tree.town and LogEntry.objects.get_for_object(unit).count() == 1
