"""The reports demo (issue 18): the running movement has a report form, and each monthly report the demo
officers' ward and commune sent carries its figures — the catalogue's, for their area on the day it was sent."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from chungtay.campaigns.demo import current_movement
from chungtay.campaigns.models import MilestoneKind, Movement, Obligation
from chungtay.evaluation.models import ReportField, ReportValue
from chungtay.reports.demo import DEMO_DAY, REPORT_FIELDS, REPORTING_STAFF
from chungtay.tallies import catalogue
from conftest import NEW_MAP_DAY

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


def test_on_the_new_map_every_monthly_report_the_wards_and_communes_sent_carries_its_figures(
    shared_demo_new_map, db, time_machine
):  # fmt: skip
    """The current movement's form: every report sent, by a demo officer's unit or another, has each figure —
    the catalogue's for its area and the movement's phase on the day it was sent (read on the demo's day)."""
    time_machine.move_to(dt.datetime.combine(NEW_MAP_DAY, dt.time(9), tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")))
    movement = current_movement()
    assert movement is not None
    fields = list(ReportField.objects.filter(movement=movement))
    assert [(f.label, f.unit) for f in fields] == [(label, unit) for label, unit, _ in REPORT_FIELDS]
    names = {f.pk: name for f, (_, _, name) in zip(fields, REPORT_FIELDS, strict=True)}
    sent = Obligation.objects.filter(
        milestone__movement=movement, milestone__kind=MilestoneKind.PROGRESS_REPORT, fulfilled_at__isnull=False
    ).select_related("unit")
    assert len({o.unit_id for o in sent}) > len(REPORTING_STAFF)  # not only the demo officers' units
    for obligation in sent:
        values = {v.field_id: v.value for v in obligation.report_values.all()}
        assert set(values) == set(names), obligation.unit
        day = timezone.localdate(obligation.fulfilled_at)
        for field_id, value in values.items():
            assert value == catalogue.value(names[field_id], obligation.unit, as_of=day, phase=movement.starts_on.year)
