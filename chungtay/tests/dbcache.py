"""The migrated SQLite test database, kept between test runs (issue 23: faster tests).

Running the ~130 migrations into a fresh in-memory test database costs about 21 s of CPU per pytest process
(Django renders the model state again and again), before the first test: every `pytest one_file.py` and
each of `make test`'s two workers paid it. The first run with a given set of migrations still runs them,
then copies the migrated database (schema, django_migrations, the rows the migrations seed, content types
and permissions) to var/test-db/<key>.sqlite3; the next runs copy it back (SQLite's backup API, well under
a second) instead of migrating.

The key is a hash of every installed app's migration files, of the project's modules those migrations
import (their data steps call them), and of the Django and SQLite versions: change any of them and the
migrations run again. `CHUNGTAY_TEST_DB_CACHE=0` always migrates. Only SQLite's in-memory test database
is kept this way; the PostgreSQL pass (`.ci/run`) migrates every time, so the migrations themselves are
still run on every CI run.
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


@contextmanager
def migrated_database_kept() -> Iterator[None]:
    """While open, creating an in-memory SQLite test database copies the kept migrated one instead of
    running the migrations (and keeps it the first time)."""
    original: Callable[..., str] = DatabaseCreation.create_test_db
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
    try:
        yield
    finally:
        DatabaseCreation.create_test_db = original  # type: ignore[method-assign]
