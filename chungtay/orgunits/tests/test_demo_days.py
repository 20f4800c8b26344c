"""The demo stands around the day it is loaded: the 2024 story moved by whole years, and only what would
have happened by that day recorded. Loaded on three days (slow: one load each)."""

import datetime as dt
import io
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import F

from chungtay.campaigns.models import Activity, GoodModel, Movement, MovementStatus, Obligation, Participation
from chungtay.evaluation.models import Assessment
from chungtay.funds.models import Allocation, Disbursement, Receipt, Transfer
from chungtay.housing.models import Complaint, Household, Photo, ProgressUpdate
from chungtay.orgunits.models import Level

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.libreoffice  # each load converts the demo's documents: slow

# (field path, model) of every event the demo records: none may lie after the demo's day.
EVENTS = [
    (Participation, "registered_at"), (Obligation, "fulfilled_at"), (Activity, "held_on"),
    (GoodModel, "decided_at"), (Movement, "launched_at"), (Movement, "issued_on"),
    (Assessment, "submitted_at"), (Assessment, "reviewed_at"),
    (ProgressUpdate, "date"), (Photo, "taken_at"), (Complaint, "received_on"), (Complaint, "resolved_on"),
    (Household, "decision_date"),
    (Receipt, "received_on"), (Transfer, "date"), (Allocation, "date"), (Disbursement, "date"),
    (Disbursement, "decided_at"),
]  # fmt: skip


def _latest(model, field):  # type: ignore[no-untyped-def]
    value = model.objects.exclude(**{f"{field}__isnull": True}).order_by(f"-{field}").values_list(field, flat=True)
    value = value.first()
    return value.astimezone(VN).date() if isinstance(value, dt.datetime) else value


def _load(day: dt.date, how: str, monkeypatch) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    if how == "env":
        monkeypatch.setenv("CHUNGTAY_DEMO_DAY", day.isoformat())
        call_command("load_demo", "--quiet-logins", stdout=out)
    elif how == "option":
        call_command("load_demo", "--quiet-logins", "--ngay", day.isoformat(), stdout=out)
    else:
        call_command("load_demo", "--quiet-logins", stdout=out)
    return out.getvalue()


# (demo day, the clock's day, how the day is given, story year, status on that day)
DAYS = [
    (dt.date(2026, 12, 7), dt.date(2026, 12, 7), "today", 2026, MovementStatus.EVALUATING),
    (dt.date(2027, 5, 20), dt.date(2027, 5, 20), "env", 2027, MovementStatus.UNDER_WAY),
    (dt.date(2025, 2, 10), dt.date(2026, 12, 7), "option", 2024, MovementStatus.EVALUATING),
]


@pytest.mark.parametrize(("day", "clock", "how", "year", "status"), DAYS, ids=[str(d[0]) for d in DAYS])
def test_the_demo_loaded_on_a_day_records_only_what_has_happened_by_then_and_agrees_with_itself(
    db, settings, tmp_path, time_machine, monkeypatch, day, clock, how, year, status
):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(dt.datetime.combine(clock, dt.time(9), tzinfo=VN), tick=False)
    output = _load(day, how, monkeypatch)
    assert f"Dữ liệu mẫu tính đến ngày {day:%d/%m/%Y}." in output

    movement = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    assert f"năm {year}" in movement.title and "dữ liệu mẫu" in movement.title
    assert movement.starts_on == dt.date(year, 3, 14) and movement.ends_on == dt.date(year, 10, 31)
    assert movement.status == status

    late = {f"{model.__name__}.{field}": v for model, field in EVENTS if (v := _latest(model, field)) and v > day}
    assert late == {}

    # Registrations come first: every commune that assessed itself registered, and before it submitted.
    assessed = Assessment.objects.filter(participation__level=Level.COMMUNE)
    registered = Participation.objects.filter(level=Level.COMMUNE, registered_at__isnull=False)
    assert registered.count() >= assessed.count()
    assert not assessed.filter(participation__registered_at__isnull=True).exists()
    assert not assessed.filter(submitted_at__lt=F("participation__registered_at")).exists()
    # Nothing is submitted before the self-assessment window opens (October of the movement's year).
    assert not assessed.filter(submitted_at__date__lt=dt.date(year, 10, 1)).exists()

    # No voucher for a house that had not started by the voucher's date; completions only after starts.
    starts = dict(ProgressUpdate.objects.filter(stage="start").values_list("household_id", "date"))
    for household_id, paid_on in Disbursement.objects.values_list("household_id", "date"):
        assert household_id in starts and starts[household_id] <= paid_on
    for household_id, done_on in ProgressUpdate.objects.filter(stage__in=["completed", "handed_over"]).values_list(
        "household_id", "date"
    ):
        assert starts[household_id] <= done_on

    # On the day some obligations are done and, within the movement's year, some are still open without
    # being overdue; early the next year the last one, the town's final review, is done.
    obligations = Obligation.objects.filter(milestone__movement=movement)
    assert obligations.filter(fulfilled_at__isnull=False).exists()
    if day.year == year:
        assert obligations.filter(fulfilled_at__isnull=True, due_on__gte=day).exists()
    else:
        assert obligations.filter(milestone__kind="final_review", fulfilled_at__isnull=False).exists()

    if how == "today":
        # Run again a month later: the demo keeps its day and adds nothing.
        counts = [m.objects.count() for m in (Obligation, Assessment, ProgressUpdate, Receipt, Disbursement)]
        time_machine.move_to(dt.datetime.combine(clock + dt.timedelta(days=30), dt.time(9), tzinfo=VN), tick=False)
        again = _load(clock + dt.timedelta(days=30), how, monkeypatch)
        assert "giữ nguyên" in again and f"Dữ liệu mẫu tính đến ngày {day:%d/%m/%Y}." in again
        assert [m.objects.count() for m in (Obligation, Assessment, ProgressUpdate, Receipt, Disbursement)] == counts
