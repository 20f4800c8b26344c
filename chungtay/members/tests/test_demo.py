"""The demo: member organisations registered at the town and two communes, in-kind help for a few
households on dates that had come by the demo's day, each after its household was approved."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from chungtay.campaigns.models import Movement
from chungtay.funds.models import JournalLine
from chungtay.members.models import InKindContribution, MemberOrgRegistration
from chungtay.orgunits.models import Level
from chungtay.reports.demo import DEMO_DAY
from chungtay.tallies import catalogue

pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_demo_has_member_organisations_registered_and_in_kind_help_consistent_with_its_day(shared_demo, db):
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    regs = MemberOrgRegistration.objects.filter(movement=movement).select_related("member_org__unit")
    units = {(r.member_org.unit.level, r.member_org.unit.name) for r in regs}
    assert units == {(Level.DISTRICT, "Điện Bàn"), (Level.COMMUNE, "Vĩnh Điện"), (Level.COMMUNE, "Điện Hồng")}
    assert regs.count() == 15 and regs.exclude(results="").exists()
    items = list(InKindContribution.objects.select_related("household"))
    assert len(items) == 6
    for item in items:
        assert movement.issued_on <= item.given_on <= DEMO_DAY
        assert item.household.decision_date <= item.given_on and item.unit == item.household.area
    town = movement.issuing_unit
    assert catalogue.value("in_kind_value", town) == sum(i.value for i in items) == 30_150_000
    assert catalogue.value("in_kind_workdays", town) == 55  # 24 + 12,5 + 18, rounded
    assert not JournalLine.objects.filter(entry__memo__icontains="hiện vật").exists()
