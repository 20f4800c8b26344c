"""The reports app reads evaluation results through one function: results_table."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chungtay.campaigns.models import Movement
from chungtay.evaluation.selectors import results_table
from chungtay.reports.demo import DEMO_DAY
from chungtay.reports.services import evaluation_rows

# The demo stands around the day it is loaded; on DEMO_DAY (02/12) the communes' assessments are reviewed.
pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_results_come_in_rank_order_with_their_bands(shared_demo, db):
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    rows = results_table(movement)
    levels: list[list[dict]] = []  # every level in turn (the town on its own set, then the communes)
    for row in rows:
        if row["rank"] == 1:
            levels.append([])
        levels[-1].append(row)
    assert max(len(level) for level in levels) >= 10  # the demo has 14 reviewed communes
    for level in levels:
        totals = [row["total"] for row in level]
        assert totals == sorted(totals, reverse=True)
        assert [row["rank"] for row in level] == list(range(1, len(level) + 1))
    assert all(row["band"] for row in rows)
    assert evaluation_rows(movement)[0]["unit"] == rows[0]["unit"]
