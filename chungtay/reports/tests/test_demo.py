"""The reports demo (issue 18): the running movement has a report form, and each monthly report the demo
officers' ward and commune sent carries its figures — the catalogue's, for their area on the day it was sent."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from chungtay.campaigns.models import Movement
from chungtay.evaluation.models import ReportField, ReportValue
from chungtay.figures import catalogue
from chungtay.reports.demo import DEMO_DAY, REPORT_FIELDS

pytestmark = pytest.mark.time_machine(dt.datetime.combine(DEMO_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))


def test_the_demo_officers_monthly_reports_carry_their_areas_figures_on_the_day_sent(shared_demo, db):
    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    fields = list(ReportField.objects.filter(movement=movement))
    assert [(f.label, f.unit) for f in fields] == [(label, unit) for label, unit, _ in REPORT_FIELDS]
    names = {f.pk: name for f, (_, _, name) in zip(fields, REPORT_FIELDS, strict=True)}
    values = ReportValue.objects.filter(field__in=fields).select_related("obligation__unit")
    assert {v.obligation.unit.name for v in values} == {"Vĩnh Điện", "Điện Hồng"}
    for value in values:
        obligation = value.obligation
        assert obligation.fulfilled_at is not None and value.entered_at == obligation.fulfilled_at
        day = timezone.localdate(obligation.fulfilled_at)
        expected = catalogue.value(names[value.field_id], obligation.unit, as_of=day, phase=movement.starts_on.year)
        assert value.value == expected
    started = values.filter(field__label=REPORT_FIELDS[1][0]).order_by("obligation__due_on")
    assert len({v.value for v in started}) > 1  # the houses go up month by month
