from django.db import migrations, models


def fill_first_submission(apps, schema_editor):
    """The first submission of existing assessments: the day the unit's self-assessment obligation was
    fulfilled (it is fulfilled on the first submission only), or else the latest submission's time."""
    Assessment = apps.get_model("evaluation", "Assessment")
    Obligation = apps.get_model("campaigns", "Obligation")
    for assessment in Assessment.objects.filter(submitted_at__isnull=False).select_related("participation"):
        fulfilled = (
            Obligation.objects.filter(
                milestone__movement_id=assessment.participation.movement_id,
                milestone__kind="self_assessment",
                unit_id=assessment.participation.unit_id,
                fulfilled_at__isnull=False,
                fulfilled_at__lte=assessment.submitted_at,
            )
            .order_by("fulfilled_at")
            .values_list("fulfilled_at", flat=True)
            .first()
        )
        assessment.first_submitted_at = fulfilled or assessment.submitted_at
        assessment.save(update_fields=["first_submitted_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("evaluation", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="first_submitted_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="Nộp lần đầu lúc"),
        ),
        migrations.RunPython(fill_first_submission, migrations.RunPython.noop),
    ]
