from django.db import migrations, models

from chungtay.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction (core.migration_ops).
    atomic = False

    dependencies = [("housing", "0007_audit_labels")]

    operations = [
        AddIndexConcurrently("progressupdate", models.Index(fields=["date"], name="progressupdate_date")),
    ]
