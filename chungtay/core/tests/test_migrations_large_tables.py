"""An index added to a large table after today's migrations is built with CREATE INDEX CONCURRENTLY on
PostgreSQL (core.migration_ops.AddIndexConcurrently in a migration with `atomic = False`), never with
a plain AddIndex that blocks writes to the table while it builds (docs/operations.md, issue 22)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import pytest
from django.apps import apps
from django.db import connection, migrations, models
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from chungtay.core.migration_ops import LARGE_TABLES, AddIndexConcurrently

# The last migration of each app when the rule was made: the ones before it are history (several
# add plain indexes to tables that were small then) and are not rewritten.
RULE_FROM = {
    "accounts": 3,
    "campaigns": 3,
    "core": 4,
    "evaluation": 7,
    "funds": 13,
    "housing": 7,
    "members": 1,
    "orgunits": 3,
    "reorg": 2,
    "reports": 6,
}
LARGE_DB_TABLES = {apps.get_model(app, model)._meta.db_table for app, model in LARGE_TABLES}
CREATE_INDEX = re.compile(r"CREATE\s+(UNIQUE\s+)?INDEX\s+(?!CONCURRENTLY)", re.IGNORECASE)


def _operations(ops: Sequence[Any]) -> list[Any]:
    found = []
    for op in ops:
        found.append(op)
        if isinstance(op, migrations.SeparateDatabaseAndState):
            found.extend(_operations(op.database_operations))
    return found


def _problems(app: str, name: str, migration: Any) -> list[str]:
    problems = []
    for op in _operations(migration.operations):
        if isinstance(op, AddIndexConcurrently):
            if migration.atomic:
                problems.append(f"{app}.{name}: AddIndexConcurrently in a migration without `atomic = False`")
        elif isinstance(op, migrations.AddIndex) and (app, op.model_name.lower()) in LARGE_TABLES:
            problems.append(f"{app}.{name}: plain AddIndex on {op.model_name} (use AddIndexConcurrently)")
        elif isinstance(op, migrations.RunSQL):
            sql = " ".join(map(str, op.sql)) if isinstance(op.sql, list | tuple) else str(op.sql)
            if CREATE_INDEX.search(sql) and any(table in sql for table in LARGE_DB_TABLES):
                problems.append(f"{app}.{name}: CREATE INDEX without CONCURRENTLY on a large table")
    return problems


def _new_migrations() -> list[tuple[str, str, Any]]:
    loader = MigrationLoader(None, ignore_no_migrations=True)
    new: list[tuple[str, str, Any]] = []
    for (app, name), migration in loader.disk_migrations.items():
        if not type(migration).__module__.startswith("chungtay."):
            continue
        number = int(name[:4]) if name[:4].isdigit() else 0
        if number > RULE_FROM.get(app, 0):
            new.append((app, name, migration))
    return new


def test_no_new_migration_adds_a_plain_index_to_a_large_table():
    problems = [p for app, name, migration in _new_migrations() for p in _problems(app, name, migration)]
    assert problems == []


def test_the_rule_catches_a_plain_index_and_an_atomic_concurrent_one():
    index = models.Index(fields=["phase_year"], name="household_year_test")
    plain = SimpleNamespace(operations=[migrations.AddIndex("household", index)], atomic=True)
    atomic = SimpleNamespace(operations=[AddIndexConcurrently("household", index)], atomic=True)
    right = SimpleNamespace(operations=[AddIndexConcurrently("household", index)], atomic=False)
    raw = SimpleNamespace(
        operations=[migrations.RunSQL("CREATE INDEX x ON housing_household (phase_year)")], atomic=False
    )
    small = SimpleNamespace(operations=[migrations.AddIndex("supportnorm", index)], atomic=True)
    assert [len(_problems("housing", "0099_x", m)) for m in (plain, atomic, right, raw, small)] == [1, 1, 0, 1, 0]


@pytest.mark.django_db(transaction=True)
def test_the_concurrent_index_is_built_and_dropped_on_this_database():
    """CONCURRENTLY on PostgreSQL (outside a transaction, as a non-atomic migration runs), plain on SQLite."""
    index = models.Index(fields=["phase_year", "code"], name="household_year_code_test")
    operation = AddIndexConcurrently("household", index)
    before = ProjectState.from_apps(apps)
    after = before.clone()
    operation.state_forwards("housing", after)

    def indexes() -> set[str]:
        with connection.cursor() as cursor:
            return set(connection.introspection.get_constraints(cursor, "housing_household"))

    with connection.schema_editor(atomic=False) as editor:
        operation.database_forwards("housing", editor, before, after)
    assert "household_year_code_test" in indexes()
    with connection.schema_editor(atomic=False) as editor:
        operation.database_backwards("housing", editor, after, before)
    assert "household_year_code_test" not in indexes()
