from django.db import migrations, models

from chungtay.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction (core.migration_ops).
    atomic = False

    dependencies = [("funds", "0014_journalentry_date_index")]

    operations = [
        AddIndexConcurrently(
            "disbursement", models.Index(fields=["status", "-recorded_at"], name="disbursement_status_recent")
        ),
    ]
