"""The import pipeline's state machine: ImportBatch moves only as IMPORT_TRANSITIONS allows (issue 23)."""

from __future__ import annotations

import itertools

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from chungtay.core.errors import DomainError
from chungtay.core.models import IMPORT_TRANSITIONS, ImportBatch, ImportStatus

S = ImportStatus
ALLOWED = {
    (S.UPLOADED, S.MAPPED), (S.UPLOADED, S.CHECKED), (S.UPLOADED, S.FAILED),
    (S.MAPPED, S.MAPPED), (S.MAPPED, S.CHECKED), (S.MAPPED, S.FAILED),
    (S.CHECKED, S.MAPPED), (S.CHECKED, S.CHECKED), (S.CHECKED, S.COMMITTED), (S.CHECKED, S.FAILED),
    (S.FAILED, S.MAPPED), (S.FAILED, S.CHECKED), (S.FAILED, S.FAILED),
}  # fmt: skip
REFUSED = sorted(set(itertools.product(S.values, S.values)) - ALLOWED)


def test_the_transition_table_is_the_pipeline_drawn_in_the_issue():
    drawn = {(a, b) for a, targets in IMPORT_TRANSITIONS.items() for b in targets}
    assert drawn == ALLOWED and set(IMPORT_TRANSITIONS) == set(S.values)


@pytest.mark.parametrize(("start", "target"), sorted(ALLOWED))
def test_an_allowed_move_changes_the_status(start, target):
    batch = ImportBatch(kind="households", file_name="ds.xlsx", status=start)
    batch.move_to(target, actor=None)
    assert batch.status == target
    assert (batch.committed_at is not None) == (target == S.COMMITTED)


@pytest.mark.parametrize(("start", "target"), REFUSED)
def test_every_other_move_is_refused_in_vietnamese(start, target):
    batch = ImportBatch(kind="households", file_name="ds.xlsx", status=start)
    with pytest.raises(DomainError) as caught:
        batch.move_to(target)
    assert batch.status == start and batch.committed_at is None
    assert caught.value.message == (
        f"Lần nhập “ds.xlsx” đang ở bước “{S(start).label}”, không thể chuyển sang “{S(target).label}”."
    )


def test_a_committed_batch_is_never_checked_mapped_or_committed_again():
    assert not any(ImportBatch(status=S.COMMITTED).can_move_to(s) for s in S.values)


@pytest.mark.django_db
def test_committing_stamps_who_and_when(django_user_model):
    user = django_user_model.objects.create(username="alice")
    batch = ImportBatch(kind="orgunits", file_name="dv.csv", status=S.CHECKED)
    batch.move_to(S.COMMITTED, actor=user)
    assert batch.committed_by == user and batch.committed_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("status", "committed"),
    [("dry_run", False), ("done", False), ("committed", False), ("checked", True), ("failed", True)],
)
def test_the_database_refuses_an_unknown_status_or_a_commit_without_its_moment(status, committed):
    with pytest.raises(IntegrityError), transaction.atomic():
        ImportBatch.objects.create(
            kind="orgunits", file_name="dv.csv", sha256="x", status=status,
            committed_at=timezone.now() if committed else None,
        )  # fmt: skip


@pytest.mark.django_db
def test_the_database_keeps_a_well_formed_batch():
    batch = ImportBatch.objects.create(kind="orgunits", file_name="dv.csv", sha256="x")
    assert batch.status == S.UPLOADED
    ImportBatch.objects.filter(pk=batch.pk).update(status=S.COMMITTED, committed_at=timezone.now())


@pytest.mark.django_db(transaction=True)
def test_the_migration_maps_old_statuses_and_back():
    executor = MigrationExecutor(connection)
    before, after = [("core", "0004_audit_labels")], [("core", "0005_importbatch_states")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("core", "ImportBatch")
    made = timezone.now()
    rows = {
        "dry_run": old.objects.create(kind="households", file_name="a.xlsx", sha256="a", status="dry_run"),
        "rejected": old.objects.create(kind="orgunits", file_name="b.csv", sha256="b", status="rejected"),
        "committed": old.objects.create(
            kind="bank_statement", file_name="c.csv", sha256="c", status="committed", committed_at=made
        ),
        "committed-without-moment": old.objects.create(
            kind="bank_statement", file_name="d.csv", sha256="d", status="committed"
        ),
        "done": old.objects.create(kind="bank_statement", file_name="e.csv", sha256="e", status="done"),
    }
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    new = executor.loader.project_state(after).apps.get_model("core", "ImportBatch")
    found = {key: new.objects.get(pk=row.pk) for key, row in rows.items()}
    assert {key: b.status for key, b in found.items()} == {
        "dry_run": "checked", "rejected": "failed", "committed": "committed",
        "committed-without-moment": "committed", "done": "failed",
    }  # fmt: skip
    assert found["committed"].committed_at == made
    assert found["committed-without-moment"].committed_at == found["committed-without-moment"].created_at
    # Every batch stays readable through today's model, with its label.
    labels = {b.file_name: str(b) for b in ImportBatch.objects.all()}
    assert labels["a.xlsx"] == "Danh sách hộ: a.xlsx (Đã kiểm tra)"
    assert labels["b.csv"] == "Danh sách đơn vị: b.csv (Thất bại)"
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    back = executor.loader.project_state(before).apps.get_model("core", "ImportBatch")
    assert dict(back.objects.values_list("file_name", "status")) == {
        "a.xlsx": "dry_run", "b.csv": "rejected", "c.csv": "committed", "d.csv": "committed", "e.csv": "rejected",
    }  # fmt: skip
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
