"""Old content types of the kept figures' models (left in `reports` by their move to `tallies`) are forgotten."""

import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType

pytestmark = pytest.mark.django_db

migration = importlib.import_module("chungtay.tallies.migrations.0003_forget_stale_report_content_types")


def test_the_moved_models_old_content_types_and_permissions_are_forgotten_unless_history_names_them():
    forgotten = ContentType.objects.create(app_label="reports", model="ownmoney")
    Permission.objects.create(content_type=forgotten, codename="view_ownmoney_old", name="Can view own money")
    named = ContentType.objects.create(app_label="reports", model="treemoney")
    LogEntry.objects.create(content_type=named, object_pk="1", object_repr="x", action=LogEntry.Action.UPDATE)
    live = ContentType.objects.get_for_model(apps.get_model("reports", "UrgingNotice"))

    migration.forget(apps, None)

    assert not ContentType.objects.filter(pk=forgotten.pk).exists()
    assert not Permission.objects.filter(content_type_id=forgotten.pk).exists()
    assert ContentType.objects.filter(pk=named.pk).exists()  # a change-log entry still names it
    assert ContentType.objects.filter(pk=live.pk).exists()
