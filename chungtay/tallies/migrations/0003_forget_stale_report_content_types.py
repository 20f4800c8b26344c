"""The kept figures' models left `reports` for `tallies` (reports 0007) in Django's state only, so a database
migrated before that still holds their old content types (reports.ownmoney, …) and their permissions, listed
nowhere. They are forgotten here; one that still names a change-log entry is kept, so no history is lost
(the kept figures are left out of the change log, so none is expected)."""

from django.db import migrations

STALE = (
    "monthend", "monthendmark", "ownmoney", "ownmonthmoney", "stalefigures", "treehouses", "treemoney",
    "treemonthmoney", "treeprogress",
)  # fmt: skip


def forget(apps, schema_editor):
    content_type = apps.get_model("contenttypes", "ContentType")
    log_entry = apps.get_model("auditlog", "LogEntry")
    for stale in content_type.objects.filter(app_label="reports", model__in=STALE):
        if not log_entry.objects.filter(content_type_id=stale.pk).exists():
            stale.delete()  # its permissions go with it


class Migration(migrations.Migration):
    dependencies = [
        ("tallies", "0002_kept_idle_and_allocated"),
        ("reports", "0007_kept_figures_to_tallies"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("auditlog", "0001_initial"),
    ]

    operations = [migrations.RunPython(forget, migrations.RunPython.noop)]
