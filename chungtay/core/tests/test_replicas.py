"""Read replicas (config/routers.py) against a real streaming replica: `.ci/replica` starts one and
prints TEST_REPLICA_URL; `.ci/run` runs these tests with it. Reads go to the replica, writes and
read-your-own-writes to the primary, and a reader on the replica never writes — the kept figures are
refreshed on the primary only. Lag is made real by pausing the replica's replay."""

from __future__ import annotations

import contextvars
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.orgunits.models import Level, OrgUnit
from chungtay.orgunits.services import unit_create
from chungtay.tallies import rollup
from chungtay.tallies.models import StaleFigures
from config.routers import PIN_COOKIE

REPLICA = "replica1"
WRITES = ("INSERT", "UPDATE", "DELETE", "SELECT PG_ADVISORY")

pytestmark = [
    pytest.mark.replica,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_REPLICA_URL") or not os.environ.get("TEST_DATABASE_URL"),
        reason="needs a streaming replica: run .ci/replica and set TEST_REPLICA_URL (and TEST_DATABASE_URL)",
    ),
    pytest.mark.django_db(transaction=True, databases=["default", REPLICA]),
]


@pytest.fixture(autouse=True)
def router(settings):
    settings.DATABASE_ROUTERS = ["config.routers.PrimaryReplicaRouter"]


def _one(alias: str, sql: str, params: list | None = None):
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def caught_up(timeout: float = 15) -> None:
    """Wait until the replica has replayed everything the primary has written so far."""
    lsn = _one("default", "select pg_current_wal_lsn()::text")
    deadline = time.monotonic() + timeout
    while not _one(REPLICA, "select pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn]):
        assert time.monotonic() < deadline, "the replica did not catch up"
        time.sleep(0.05)


@contextmanager
def replica_lagging() -> Iterator[None]:
    """The replica stops replaying the primary's writes until the block ends."""
    _one(REPLICA, "select pg_wal_replay_pause()::text")
    try:
        yield
    finally:
        _one(REPLICA, "select pg_wal_replay_resume()::text")


def fresh(fn):
    """Run `fn` as a new request or task would: nothing written yet, so not pinned to the primary."""
    return contextvars.Context().run(fn)


def _writes(queries: CaptureQueriesContext) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if q["sql"].lstrip().upper().startswith(WRITES)]


def test_the_replica_is_a_streaming_standby_that_refuses_writes(tree):
    assert _one(REPLICA, "select pg_is_in_recovery()") is True
    caught_up()
    with pytest.raises(Exception, match="read-only"), connections[REPLICA].cursor() as cursor:
        cursor.execute("update orgunits_orgunit set name = name")


def test_an_anonymous_public_page_is_read_from_the_replica_alone(client, tree):
    rollup.refresh_pending()
    caught_up()
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as rep:
        response = client.get(reverse("portal:unit", args=[tree.town.pk]))
    assert response.status_code == 200
    assert "Điện Bàn" in response.content.decode()
    assert len(rep.captured_queries) > 0
    assert primary.captured_queries == []


def test_a_read_right_after_a_write_goes_to_the_primary_while_the_replica_lags(tree):
    caught_up()
    with replica_lagging():

        def write_then_read() -> tuple[int, bool]:
            unit = unit_create(
                actor=None, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name="Khối phố mới"
            )
            return unit.pk, OrgUnit.objects.filter(pk=unit.pk).exists()

        pk, seen_by_writer = fresh(write_then_read)
        seen_by_another_reader = fresh(lambda: OrgUnit.objects.filter(pk=pk).exists())
    assert seen_by_writer  # read-your-own-writes: the writer reads from the primary
    assert not seen_by_another_reader  # the lag is real: a reader that wrote nothing reads the replica
    caught_up()
    assert fresh(lambda: OrgUnit.objects.filter(pk=pk).exists())


def test_a_browser_that_just_posted_reads_from_the_primary_for_a_few_seconds(client, tree, settings):
    response = client.post(reverse("set_language"), {"language": "vi", "next": "/cong-khai/"})
    assert response.cookies[PIN_COOKIE]["max-age"] == settings.REPLICA_PIN_SECONDS
    with CaptureQueriesContext(connections[REPLICA]) as rep:
        assert client.get(reverse("portal:unit", args=[tree.town.pk])).status_code == 200
    assert rep.captured_queries == []
    # A GET leaves no pin (public pages set no cookie).
    del client.cookies[PIN_COOKIE]
    assert PIN_COOKIE not in client.get(reverse("portal:home")).cookies


def test_a_reader_on_the_replica_has_the_kept_figures_refreshed_on_the_primary_only(client, tree):
    rollup.refresh_pending()
    rollup.mark_stale([tree.area_a1.pk])  # outside a transaction: no background refresh, readers do it
    caught_up()  # the replica sees the mark: the reader finds figures to refresh
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections[REPLICA]) as rep:
        response = client.get(reverse("portal:unit", args=[tree.town.pk]))
    assert response.status_code == 200
    assert _writes(rep) == []
    assert _writes(primary), "the refresh ran on the primary"
    assert not StaleFigures.objects.using("default").exists()
