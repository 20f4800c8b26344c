import datetime as dt
from collections import Counter
from zoneinfo import ZoneInfo

import pytest

from chungtay.accounts.demo import load_demo as load_units_and_people
from chungtay.housing.demo import load_demo
from chungtay.housing.models import Complaint, Household, Photo, SupportNorm
from chungtay.reports.demo import DEMO_DAY

# The demo's phases are 2023–2025 when it is loaded on DEMO_DAY: load it on that day, whatever day it is.
pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_housing_demo_spreads_200_households_over_20_units_and_is_idempotent(db):
    load_units_and_people()
    first = load_demo()
    assert first["hộ mới"] == 200 and Household.objects.count() == 200
    assert Household.objects.values("area__parent").distinct().count() == 20
    assert set(Household.objects.values_list("phase_year", flat=True)) == {2023, 2024, 2025}
    statuses = Counter(Household.objects.values_list("status", flat=True))
    assert statuses["handed_over"] > 50 and statuses["building"] + statuses["started"] + statuses["approved"] > 5
    assert SupportNorm.objects.filter(amount=60_000_000, legal_basis__contains="13/2023/NQ-HĐND").exists()
    assert (
        Household.objects.filter(area__name="Khối phố 1", area__parent__name="Vĩnh Điện")
        .exclude(status__in=["completed", "handed_over"])
        .count()
        >= 3
    )
    assert Photo.objects.filter(flag_far=True).exists() and Photo.objects.filter(flag_reused=True).exists()
    assert 4 <= Complaint.objects.count() <= 6 and Complaint.objects.filter(escalations__gt=0).exists()
    counts = (Household.objects.count(), Photo.objects.count(), Complaint.objects.count())
    assert load_demo()["hộ mới"] == 0
    assert (Household.objects.count(), Photo.objects.count(), Complaint.objects.count()) == counts
