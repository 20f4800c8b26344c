from django.db import migrations, models

from chungtay.core.migration_ops import AddIndexConcurrently


class Migration(migrations.Migration):
    # CREATE INDEX CONCURRENTLY cannot run in a transaction (core.migration_ops).
    atomic = False

    dependencies = [("housing", "0009_household_open_by_area")]

    operations = [
        AddIndexConcurrently("household", models.Index(fields=["decision_date"], name="household_decision_date")),
        AddIndexConcurrently(
            "household",
            models.Index(
                condition=models.Q(("withdrawn_on__isnull", False)),
                fields=["withdrawn_on"],
                name="household_withdrawn_on",
            ),
        ),
    ]
