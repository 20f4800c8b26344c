"""Backup → damage → restore gives identical data, table by table, and an intact ledger."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from chungtay.tests import dbcache

ROOT = Path(__file__).resolve().parents[3]


def manage(env, *args, check=True, stdin=None):
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
        check=check, input=stdin,
    )  # fmt: skip


def database_urls(tmp_path):
    urls = [("sqlite", f"sqlite:///{tmp_path / 'live.sqlite3'}")]
    pg = os.environ.get("TEST_DATABASE_URL", "")
    if pg.startswith("postgres"):
        urls.append(("postgresql", pg.rsplit("/", 1)[0] + f"/chungtay_backup_{uuid.uuid4().hex[:8]}"))
    return urls


@pytest.mark.libreoffice  # loads the demo, which converts its documents: slow
@pytest.mark.parametrize("vendor", ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def test_a_backup_round_trip_restores_identical_data(tmp_path, vendor):
    urls = dict(database_urls(tmp_path))
    if vendor not in urls:
        pytest.skip("PostgreSQL round trip runs when TEST_DATABASE_URL is set")
    url = urls[vendor]
    if vendor == "postgresql":
        import psycopg

        admin = url.rsplit("/", 1)[0] + "/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {url.rsplit('/', 1)[1]}")
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_MEDIA_ROOT": str(tmp_path / "media")}
    env.pop("PYTEST_VERSION", None)
    env.pop("TEST_DATABASE_URL", None)
    try:
        # A fresh installation: SQLite's is the migrated database kept by the test runs (conftest.py), when
        # there is one for today's migrations, rather than ~20 s of migrating again.
        if vendor != "sqlite" or not dbcache.copy_migrated(tmp_path / "live.sqlite3"):
            manage(env, "migrate", "-v0")
        manage(env, "load_demo", "--quiet-logins")
        manage(env, "backup", "--output", str(tmp_path / "bk"))
        assert (tmp_path / "bk" / "manifest.json").exists() and (tmp_path / "bk" / "media.tar.gz").exists()
        # Damage: delete households' photos on disk and change data the hard way.
        damage = (
            "from django.db import connection\n"
            "c = connection.cursor()\n"
            "c.execute(\"UPDATE housing_household SET head_name = 'HỎNG'\")\n"
            # Rows that other tables point to go with their dependants, as a careless DELETE would take them.
            "c.execute('DELETE FROM members_inkindcontribution')\n"
            "c.execute('DELETE FROM members_memberorgregistration')\n"
            "c.execute('UPDATE campaigns_activity SET member_org_id = NULL')\n"
            "c.execute('DELETE FROM orgunits_memberorganisation')\n"
        )
        manage(env, "shell", "-v", "0", "-c", damage)
        restored = manage(env, "restore", str(tmp_path / "bk"), "--yes", check=False)
        assert restored.returncode == 0, restored.stdout + restored.stderr
        assert "khớp từng bảng" in restored.stdout and "sổ cái toàn vẹn" in restored.stdout
        count = "from chungtay.housing.models import Household as H; print(H.objects.filter(head_name='HỎNG').count())"
        check = manage(env, "shell", "-v", "0", "-c", count)
        assert check.stdout.strip() == "0"
        assert manage(env, "verify_ledger").returncode == 0
    finally:
        if vendor == "postgresql":
            import psycopg

            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {url.rsplit('/', 1)[1]} WITH (FORCE)")


def test_restore_refuses_a_folder_without_a_manifest(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite3'}"}
    env.pop("PYTEST_VERSION", None)
    result = manage(env, "restore", str(tmp_path), "--yes", check=False)
    assert result.returncode != 0 and "manifest.json" in result.stderr
