from django.db import migrations, models

from chungtay.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction (core.migration_ops).
    atomic = False

    dependencies = [("housing", "0008_progressupdate_date_index")]

    operations = [
        AddIndexConcurrently(
            "household",
            models.Index(
                condition=models.Q(("status__in", ["completed", "handed_over", "withdrawn"]), _negated=True),
                fields=["phase_year", "area"],
                name="household_open_by_area",
            ),
        ),
    ]
