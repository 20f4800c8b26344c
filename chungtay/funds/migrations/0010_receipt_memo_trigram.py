"""A trigram index on the receipts' folded memo, for the public ledger's search by what donors wrote.

PostgreSQL only (pg_trgm, created by 0002): `memo_folded LIKE '%ung ho ba con%'` is answered from the
index instead of reading every receipt. On SQLite this migration does nothing.
"""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS funds_receipt_memo_folded_trgm "
        "ON funds_receipt USING gin (memo_folded gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS funds_receipt_memo_folded_trgm")


class Migration(migrations.Migration):
    dependencies = [("funds", "0009_disbursement_channel")]
    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
