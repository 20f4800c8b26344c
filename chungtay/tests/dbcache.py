"""The migrated SQLite test database, kept between test runs (issue 23: faster tests).

Running the ~130 migrations into a fresh in-memory test database costs about 21 s of CPU per pytest process
(Django renders the model state again and again), before the first test: every `pytest one_file.py` and
each of `make test`'s two workers paid it. The first run with a given set of migrations still runs them,
then copies the migrated database (schema, django_migrations, the rows the migrations seed, content types
and permissions) to var/test-db/<key>.sqlite3; the next runs copy it back (SQLite's backup API, well under
a second) instead of migrating.

The key is a hash of every installed app's migration files, of the project's modules those migrations
import (their data steps call them), and of the Django and SQLite versions: change any of them and the
migrations run again. `CHUNGTAY_TEST_DB_CACHE=0` always migrates.

On PostgreSQL (TEST_DATABASE_URL) the first pytest process to create its test database migrates it, then
copies it to a template database, test_<name>_migrated_<key>; the other xdist worker, and the next runs
with the same migrations, create theirs from it (`CREATE DATABASE … TEMPLATE`, under a second) instead of
migrating again (~23 s of CPU in the process, and the server's work). An advisory lock makes the other
worker wait for the template rather than migrate beside it. `.ci/run` drops the kept templates before its
PostgreSQL pass, so the migrations themselves still run on PostgreSQL once in every CI run.
"""

from __future__ import annotations

import ast
import hashlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import django
from django.apps import apps
from django.conf import settings
from django.core import management
from django.db.backends.postgresql.creation import DatabaseCreation as PostgresCreation
from django.db.backends.sqlite3.creation import DatabaseCreation

CACHE_DIR = Path(settings.BASE_DIR) / "var" / "test-db"


def enabled() -> bool:
    return os.environ.get("CHUNGTAY_TEST_DB_CACHE", "1") != "0"


def _project_modules_imported(path: Path) -> set[str]:
    """The chungtay modules a migration file imports (at its top or inside its data step)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_bytes())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("chungtay."):
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names if alias.name.startswith("chungtay."))
    return found


def _module_file(name: str) -> Path | None:
    base = Path(settings.BASE_DIR).joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def key() -> str:
    digest = hashlib.sha256(f"{django.__version__} {sqlite3.sqlite_version}".encode())
    imported: set[str] = set()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        for path in sorted((Path(config.path) / "migrations").glob("*.py")):
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
            if config.name.startswith("chungtay."):
                imported |= _project_modules_imported(path)
    for name in sorted(imported):
        module = _module_file(name)
        if module is not None:
            digest.update(name.encode())
            digest.update(module.read_bytes())
    return digest.hexdigest()[:16]


def _save(connection: Any, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f"{target.name}.{os.getpid()}.part")
    copy = sqlite3.connect(partial)
    try:
        connection.connection.backup(copy)
    finally:
        copy.close()
    os.replace(partial, target)  # two workers may both save: each file is whole, the last one stays
    for old in target.parent.glob("*.sqlite3"):
        if old != target:
            old.unlink(missing_ok=True)


def _restore(connection: Any, source: Path) -> None:
    connection.ensure_connection()
    cached = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        cached.backup(connection.connection)
    finally:
        cached.close()


def copy_migrated(target: Path) -> bool:
    """Write the kept migrated database for today's migrations to the SQLite file `target` (a fresh
    installation's database, for tests that run manage.py on their own file); False when none is kept yet
    (or keeping is off): the caller then migrates."""
    kept = CACHE_DIR / f"{key()}.sqlite3"
    if not enabled() or not kept.exists():
        return False
    cached = sqlite3.connect(f"file:{kept}?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        cached.backup(copy)
    finally:
        copy.close()
        cached.close()
    return True


TEMPLATE_INFIX = "_migrated_"


def postgres_template(creation: PostgresCreation) -> str:
    """The kept migrated PostgreSQL database for today's migrations, for the test database of `creation`'s
    connection (before the test database's name, and its xdist suffix, replace the configured one)."""
    return f"test_{creation.connection.settings_dict['NAME']}{TEMPLATE_INFIX}{key()}"


@contextmanager
def _creating_from(creation: PostgresCreation, template: str | None) -> Iterator[None]:
    test = creation.connection.settings_dict.setdefault("TEST", {})
    before = test.get("TEMPLATE")
    test["TEMPLATE"] = template if template is not None else before
    try:
        yield
    finally:
        test["TEMPLATE"] = before


def _create_postgres_test_db(original: Callable[..., str]) -> Callable[..., str]:
    def create_test_db(self: PostgresCreation, verbosity: int = 1, autoclobber: bool = False,
                       serialize: bool = True, keepdb: bool = False) -> str:  # fmt: skip
        if keepdb or self.connection.settings_dict.get("TEST", {}).get("TEMPLATE"):
            return original(self, verbosity, autoclobber, serialize, keepdb)
        template = postgres_template(self)
        with self._nodb_cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(hashtext(%s))", [template])
            try:
                cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
                if cursor.fetchone() is not None:
                    return _from_template(self, original, template, verbosity, autoclobber, serialize)
                name = original(self, verbosity, autoclobber, serialize, keepdb)
                # CREATE DATABASE … TEMPLATE needs the source without connections: ours is reopened on use.
                self.connection.close()
                prefix = template.removesuffix(key())
                cursor.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [prefix.replace("_", r"\_") + "%"]
                )
                for (old,) in cursor.fetchall():
                    cursor.execute(f"DROP DATABASE IF EXISTS {self._quote_name(old)}")
                cursor.execute(f"CREATE DATABASE {self._quote_name(template)} TEMPLATE {self._quote_name(name)}")
                return name
            finally:
                cursor.execute("SELECT pg_advisory_unlock(hashtext(%s))", [template])

    return create_test_db


def _from_template(creation: PostgresCreation, original: Callable[..., str], template: str, verbosity: int,
                   autoclobber: bool, serialize: bool) -> str:  # fmt: skip
    call_command = management.call_command

    def no_migrate(name: str, *a: Any, **kw: Any) -> Any:
        return None if name == "migrate" else call_command(name, *a, **kw)

    management.call_command = no_migrate
    try:
        with _creating_from(creation, template):
            return original(creation, verbosity, autoclobber, serialize, False)
    finally:
        management.call_command = call_command


@contextmanager
def migrated_database_kept() -> Iterator[None]:
    """While open, creating an in-memory SQLite test database copies the kept migrated one instead of
    running the migrations (and keeps it the first time); creating a PostgreSQL one clones the kept template
    (and makes it the first time)."""
    original: Callable[..., str] = DatabaseCreation.create_test_db
    postgres_original: Callable[..., str] = PostgresCreation.create_test_db
    if not enabled():
        yield
        return

    def create_test_db(self: DatabaseCreation, *args: Any, **kwargs: Any) -> str:
        if not self.is_in_memory_db(self._get_test_db_name()):
            return original(self, *args, **kwargs)
        kept = CACHE_DIR / f"{key()}.sqlite3"
        call_command = management.call_command

        def migrate_or_copy(name: str, *a: Any, **kw: Any) -> Any:
            if name != "migrate":
                return call_command(name, *a, **kw)
            if kept.exists():
                return _restore(self.connection, kept)
            result = call_command(name, *a, **kw)
            _save(self.connection, kept)
            return result

        # create_test_db imports call_command from django.core.management when it runs.
        management.call_command = migrate_or_copy
        try:
            return original(self, *args, **kwargs)
        finally:
            management.call_command = call_command

    DatabaseCreation.create_test_db = create_test_db  # type: ignore[method-assign]
    PostgresCreation.create_test_db = _create_postgres_test_db(postgres_original)  # type: ignore[method-assign]
    try:
        yield
    finally:
        DatabaseCreation.create_test_db = original  # type: ignore[method-assign]
        PostgresCreation.create_test_db = postgres_original  # type: ignore[method-assign]
