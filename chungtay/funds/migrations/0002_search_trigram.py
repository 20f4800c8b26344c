"""The newest-first receipt index, and trigram indexes for "contains" searches on folded names.

`name_folded LIKE '%nguyen van a%'` cannot use a b-tree; a pg_trgm GIN index answers it from the
index. PostgreSQL only: on SQLite this migration does nothing (the data there is small).
"""

from django.db import migrations

INDEXES = [
    ("funds_donor_name_folded_trgm", "funds_donor", "name_folded"),
    ("funds_donor_published_name_trgm", "funds_donor", "published_name"),
]


def forwards(apps, schema_editor):
    # Receipt lists (staff and public) show the newest first: walk this index instead of sorting.
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS funds_receipt_recent ON funds_receipt (received_on DESC, id DESC)"
    )
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)")


def backwards(apps, schema_editor):
    schema_editor.execute("DROP INDEX IF EXISTS funds_receipt_recent")
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("funds", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
