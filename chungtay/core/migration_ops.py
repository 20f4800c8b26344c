"""Migration operations for tables too large to lock (docs/operations.md, "Indexes on large tables").

A plain `AddIndex` on PostgreSQL takes a lock that blocks every write to the table while the index is
built: on 5 million receipts, minutes without recording a donation. `CREATE INDEX CONCURRENTLY`
builds it beside the writes, but cannot run inside a transaction, so the migration holding it sets
`atomic = False`. SQLite (the default install, small data) has no such form: there it is a plain
`AddIndex`. test_migrations_large_tables fails on a new migration that adds a plain index to one of
`LARGE_TABLES`.
"""

from __future__ import annotations

from typing import Any

from django.contrib.postgres.operations import AddIndexConcurrently as PostgresAddIndexConcurrently
from django.db.migrations.operations import AddIndex

# (app label, model name) of the tables that grow with the country: receipts, journal lines,
# households, progress updates and the audit log.
LARGE_TABLES = frozenset(
    {
        ("funds", "receipt"),
        ("funds", "journalline"),
        ("funds", "journalentry"),
        ("housing", "household"),
        ("housing", "progressupdate"),
        ("auditlog", "logentry"),
    }
)


class AddIndexConcurrently(PostgresAddIndexConcurrently):
    """`CREATE INDEX CONCURRENTLY` on PostgreSQL (the migration must say `atomic = False`), a plain
    `AddIndex` elsewhere. State and `makemigrations` see an AddIndex."""

    def database_forwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any) -> None:
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)
        else:
            AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
