"""The funds demo (issue 16): the mobilised fund pays the finished houses it was allocated to — approved
vouchers, so "Đã chi cho hộ từ quỹ vận động" is not 0 đ — with the latest still waiting for approval, and no
voucher before its house had reached the stage it pays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db.models import Min, Sum

from chungtay.campaigns.models import Movement
from chungtay.funds.demo import FRONT_PENDING
from chungtay.funds.models import Allocation, Disbursement, DisbursementStatus
from chungtay.housing.models import ProgressUpdate
from chungtay.reports.demo import DEMO_DAY
from chungtay.tallies import catalogue

pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_demo_pays_finished_houses_from_the_mobilised_fund_and_leaves_the_latest_waiting(shared_demo, db):
    town = Movement.objects.get(symbol="199/KH-MTTQ-BTT").issuing_unit
    from_funds = Disbursement.objects.filter(fund__isnull=False)
    approved = from_funds.filter(status=DisbursementStatus.APPROVED)
    waiting = from_funds.filter(status=DisbursementStatus.RECORDED)
    assert approved.exists() and waiting.count() == FRONT_PENDING
    paid = catalogue.value("money_paid_from_funds", town)
    assert paid > 0 and paid == approved.aggregate(s=Sum("amount"))["s"]
    # What the fund paid a household is what it had allocated to it, once its house was finished.
    for voucher in from_funds.select_related("household"):
        allocated = Allocation.objects.filter(household=voucher.household, fund=voucher.fund).aggregate(s=Sum("amount"))
        assert voucher.amount == allocated["s"]
        finished = ProgressUpdate.objects.filter(household=voucher.household, stage="completed")
        assert finished.aggregate(day=Min("date"))["day"] <= voucher.date <= DEMO_DAY
    # The state's vouchers: a house's second tranche only after it was finished; none before its start.
    for voucher in Disbursement.objects.filter(source__isnull=False).select_related("household"):
        reached = ProgressUpdate.objects.filter(household=voucher.household, stage=voucher.stage)
        assert reached.aggregate(day=Min("date"))["day"] <= voucher.date
