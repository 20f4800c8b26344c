from django.db import migrations, models
from django.db.models.functions import TruncDate


def backfill(apps, schema_editor):
    # The day of the last change is the best record of when a household already withdrawn left the list.
    Household = apps.get_model("housing", "Household")
    Household.objects.filter(status="withdrawn", withdrawn_on__isnull=True).update(withdrawn_on=TruncDate("updated_at"))


class Migration(migrations.Migration):
    dependencies = [("housing", "0004_consent_db_default")]

    operations = [
        migrations.AddField(
            model_name="household",
            name="withdrawn_on",
            field=models.DateField(blank=True, null=True, verbose_name="Ngày rút khỏi danh sách"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
