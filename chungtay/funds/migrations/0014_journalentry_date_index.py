from django.db import migrations, models

from chungtay.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction (core.migration_ops).
    atomic = False

    dependencies = [("funds", "0013_number_statement_receipts")]

    operations = [
        AddIndexConcurrently("journalentry", models.Index(fields=["date"], name="journalentry_date")),
    ]
