"""The one import pipeline's states (issue 23): uploaded → mapped → checked → committed | failed.

Batches recorded before keep their meaning: a dry run that passed is `checked`, a rejected file is
`failed`, a committed one stays `committed` (with its moment: a committed batch without one takes
the moment it was uploaded, as the constraint below requires). Back: checked, mapped and uploaded
were all the old dry run; failed was rejected.
"""

from django.db import migrations, models

FORWARD = {"dry_run": "checked", "rejected": "failed", "committed": "committed"}
BACKWARD = {"uploaded": "dry_run", "mapped": "dry_run", "checked": "dry_run", "failed": "rejected"}
KNOWN = {"uploaded", "mapped", "checked", "committed", "failed"}


def forward(apps, schema_editor):
    ImportBatch = apps.get_model("core", "ImportBatch")
    for old, new in FORWARD.items():
        ImportBatch.objects.filter(status=old).update(status=new)
    # A status no version ever wrote (typed in by hand) cannot be trusted to have been checked.
    ImportBatch.objects.exclude(status__in=KNOWN).update(status="failed")
    ImportBatch.objects.filter(status="committed", committed_at__isnull=True).update(
        committed_at=models.F("created_at")
    )
    ImportBatch.objects.exclude(status="committed").exclude(committed_at=None).update(committed_at=None)


def backward(apps, schema_editor):
    ImportBatch = apps.get_model("core", "ImportBatch")
    for new, old in BACKWARD.items():
        ImportBatch.objects.filter(status=new).update(status=old)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0004_audit_labels"),
    ]

    operations = [
        migrations.AlterField(
            model_name="importbatch",
            name="status",
            field=models.CharField(
                choices=[
                    ("uploaded", "Đã tải lên"),
                    ("mapped", "Đã ánh xạ cột"),
                    ("checked", "Đã kiểm tra"),
                    ("committed", "Đã nhập"),
                    ("failed", "Thất bại"),
                ],
                default="uploaded",
                max_length=20,
                verbose_name="Trạng thái",
            ),
        ),
        migrations.RunPython(forward, backward),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(status__in=["uploaded", "mapped", "checked", "committed", "failed"]),
                name="importbatch_status",
            ),
        ),
        migrations.AddConstraint(
            model_name="importbatch",
            constraint=models.CheckConstraint(
                condition=models.Q(status="committed", committed_at__isnull=False)
                | (~models.Q(status="committed") & models.Q(committed_at__isnull=True)),
                name="importbatch_committed_at",
            ),
        ),
    ]
