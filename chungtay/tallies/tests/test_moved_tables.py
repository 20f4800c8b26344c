"""The kept figures' models moved from `reports` to `tallies` (issue 23) without touching their tables:
a database migrated before the move keeps every row, and the new app reads them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.recorder import MigrationRecorder

from chungtay.tallies.models import MonthEnd, OwnMoney, StaleFigures, TreeHouses

BEFORE = [("reports", "0006_month_ends"), ("tallies", None)]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_migrating_past_the_move_keeps_the_rows_written_under_reports(tree):
    try:
        old = _migrate(BEFORE)
        applied = MigrationRecorder(connection).applied_migrations()
        assert ("tallies", "0001_initial") not in applied and ("reports", "0007_kept_figures_to_tallies") not in applied
        unit_id = tree.commune_a.pk
        old.get_model("reports", "TreeHouses").objects.create(unit_id=unit_id, phase_year=2024, planned=7, amount=420)
        old.get_model("reports", "OwnMoney").objects.create(unit_id=unit_id, fund_donations=-5_000_000)
        old.get_model("reports", "StaleFigures").objects.create(unit_id=unit_id, marked_at=dt.datetime.now(dt.UTC))
        old.get_model("reports", "MonthEnd").objects.create(
            unit_id=unit_id, month_end=dt.date(2025, 6, 30), group="houses", values={"houses_planned": 7}
        )
    finally:
        _migrate(_latest())

    assert TreeHouses.objects.filter(unit_id=unit_id).values_list("phase_year", "planned", "amount").get() == (
        2024,
        7,
        420,
    )
    assert OwnMoney.objects.get(unit_id=unit_id).fund_donations == -5_000_000
    assert StaleFigures.objects.filter(unit_id=unit_id).exists()
    assert MonthEnd.objects.get(unit_id=unit_id).values == {"houses_planned": 7}


def test_the_moved_models_keep_their_tables_from_reports():
    for model in (TreeHouses, OwnMoney, StaleFigures, MonthEnd):
        assert model._meta.app_label == "tallies"
        assert model._meta.db_table == f"reports_{model.__name__.lower()}"
