"""The demo leaves the evaluation a few clicks from a signed decision, and loads twice without duplicates."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from chungtay.evaluation.models import Assessment, AwardForm, Band
from chungtay.reports.demo import DEMO_DAY

# The demo tells 2024's story up to DEMO_DAY: load it on that day, whatever day the suite runs on.
pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_demo_evaluates_the_20_communes_up_to_the_board_and_loads_twice(shared_demo, db):
    qs = Assessment.objects.filter(participation__level=3)
    assert qs.count() == 20
    counts = {s: qs.filter(status=s).count() for s in ("draft", "submitted", "returned", "reviewed")}
    assert counts == {"draft": 1, "submitted": 2, "returned": 3, "reviewed": 14}
    assert qs.filter(late=True).count() == 1
    reviewed = qs.filter(status="reviewed")
    assert reviewed.filter(band__name="Xuất sắc").exists() and reviewed.filter(band__name="Khá").exists()
    assert len(set(reviewed.values_list("final_total", flat=True))) > 8  # a spread, not one score
    assert AwardForm.objects.get(name="Cờ thi đua").quota == 1
    assert sorted(Band.objects.values_list("name", flat=True)) == ["Khá", "Trung bình", "Tốt", "Xuất sắc"]
    call_command("load_demo", "--quiet-logins")
    assert Assessment.objects.count() == 20 and AwardForm.objects.count() == 4
