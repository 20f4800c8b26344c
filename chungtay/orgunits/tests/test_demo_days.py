"""The demo stands around the day it is loaded and records only what would have happened by then. Before
01/07/2025 it is the 2024 story moved by whole years; from then on the 2024 story stays in 2024 on the old
units, the 2025 reorganisation follows, and a current movement runs on the new units. Loaded on three days
(slow): today, 07/12/2026, is the shared demo of that day (conftest `shared_demo_new_map`, loaded as
`load_demo` is run on that day with no --ngay, once for this test and the figures oracle); the two others
each load their own, one through CHUNGTAY_DEMO_DAY and one through --ngay."""

import datetime as dt
import io
import re
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import F
from django.urls import reverse

from chungtay.accounts.models import User
from chungtay.campaigns.models import Activity, GoodModel, Movement, MovementStatus, Obligation, Participation
from chungtay.evaluation.models import Assessment, CriterionSource, Source
from chungtay.funds.models import Allocation, Disbursement, Receipt, Transfer
from chungtay.housing.models import Complaint, Household, Photo, ProgressUpdate
from chungtay.orgunits.models import Kind, Level, OrgUnit
from chungtay.reorg.models import HouseholdMove, Reorganisation
from chungtay.tallies import catalogue, rollup
from conftest import NEW_MAP_DAY

VN = ZoneInfo("Asia/Ho_Chi_Minh")
pytestmark = pytest.mark.libreoffice  # each load converts the demo's documents: slow

# (field path, model) of every event the demo records: none may lie after the demo's day.
EVENTS = [
    (Participation, "registered_at"), (Obligation, "fulfilled_at"), (Activity, "held_on"),
    (GoodModel, "decided_at"), (GoodModel, "proposed_at"), (Movement, "launched_at"), (Movement, "issued_on"),
    (Assessment, "submitted_at"), (Assessment, "reviewed_at"),
    (ProgressUpdate, "date"), (Photo, "taken_at"), (Complaint, "received_on"), (Complaint, "resolved_on"),
    (Household, "decision_date"),
    (Receipt, "received_on"), (Transfer, "date"), (Allocation, "date"), (Disbursement, "date"),
    (Disbursement, "decided_at"), (Reorganisation, "effective_on"), (HouseholdMove, "moved_on"),
]  # fmt: skip
REORG_DAY = dt.date(2025, 7, 1)


def _latest(model, field):  # type: ignore[no-untyped-def]
    value = model.objects.exclude(**{f"{field}__isnull": True}).order_by(f"-{field}").values_list(field, flat=True)
    value = value.first()
    return value.astimezone(VN).date() if isinstance(value, dt.datetime) else value


def _text(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 200
    html = re.sub(r"<script.*?</script>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _the_new_ward_and_the_portal_show_todays_map(client, movement: Movement) -> None:  # type: ignore[no-untyped-def]
    """As the ward officer: the new ward's dashboard counts its own current movement and links to its
    predecessors' results, which are the old wards' up to their last day; the public page of a household
    that moved names its current ward and where it was."""
    ward = OrgUnit.objects.get(name="Điện Bàn", kind=Kind.WARD, valid_from=REORG_DAY)
    client.force_login(User.objects.get(username="vinhdien"))
    dashboard = client.get(reverse("reports:dashboard"), {"don_vi": ward.pk})
    text = _text(dashboard)
    parts = Participation.objects.filter(movement=movement, unit__path__startswith=ward.path)
    assert parts.exists() and re.search(rf"{parts.exclude(registered_at=None).count()} ?/ ?{parts.count()}", text)
    assert "phường Vĩnh Điện" not in text  # the old wards are not its units
    assert reverse("reorg:history", args=[ward.pk]) in dashboard.content.decode()
    history = _text(client.get(reverse("reorg:history", args=[ward.pk])))
    for old in ("phường Vĩnh Điện", "phường Điện An", "phường Điện Minh", "phường Điện Phương"):
        assert f"{old} 30/06/2025" in history
    household = Household.objects.filter(area__parent=ward, moves__from_area__parent__name="Vĩnh Điện").first()
    assert household is not None
    client.logout()
    public = _text(client.get(reverse("portal:household", args=[household.code])))
    assert f"{household.area.name}, phường Điện Bàn" in public
    assert "Trước ngày 01/07/2025:" in public and ", phường Vĩnh Điện" in public


STORY_PATH = {"Movement": "pk", "Obligation": "milestone__movement", "Assessment": "participation__movement"}


def _latest_of(rows, field):  # type: ignore[no-untyped-def]
    value = rows.exclude(**{f"{field}__isnull": True}).order_by(f"-{field}").values_list(field, flat=True).first()
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


# (demo day, the clock's day, how the day is given, the year of the movement under way or being evaluated,
# its status on that day): from 01/07/2025 the current movement on the new map, before it Plan 199's.
# Today's (07/12/2026, given by the clock alone) is the shared demo of that day.
TODAY = (NEW_MAP_DAY, NEW_MAP_DAY, "today", 2026, MovementStatus.EVALUATING)
DAYS = [
    (dt.date(2027, 5, 20), dt.date(2027, 5, 20), "env", 2027, MovementStatus.UNDER_WAY),
    (dt.date(2025, 2, 10), dt.date(2026, 12, 7), "option", 2024, MovementStatus.EVALUATING),
]


def _in_force(units, day: dt.date):  # type: ignore[no-untyped-def]
    return units.filter(valid_from__lte=day).exclude(valid_to__lt=day)


def test_the_demo_loaded_today_records_only_what_has_happened_by_then_and_agrees_with_itself(
    shared_demo_new_map, db, client, time_machine, monkeypatch
):
    day, clock, how, year, status = TODAY
    assert shared_demo_new_map.day == day
    time_machine.move_to(dt.datetime.combine(clock, dt.time(9), tzinfo=VN), tick=False)
    _records_only_what_has_happened_by_then(
        shared_demo_new_map.output, client, time_machine, monkeypatch, day, clock, how, year, status
    )


@pytest.mark.parametrize(("day", "clock", "how", "year", "status"), DAYS, ids=[str(d[0]) for d in DAYS])
def test_the_demo_loaded_on_a_day_records_only_what_has_happened_by_then_and_agrees_with_itself(
    db, client, settings, tmp_path, time_machine, monkeypatch, day, clock, how, year, status
):
    settings.MEDIA_ROOT = tmp_path
    time_machine.move_to(dt.datetime.combine(clock, dt.time(9), tzinfo=VN), tick=False)
    output = _load(day, how, monkeypatch)
    _records_only_what_has_happened_by_then(output, client, time_machine, monkeypatch, day, clock, how, year, status)


def _records_only_what_has_happened_by_then(  # type: ignore[no-untyped-def]
    output: str, client, time_machine, monkeypatch, day, clock, how, year, status
) -> None:
    assert f"Dữ liệu mẫu tính đến ngày {day:%d/%m/%Y}." in output

    story = Movement.objects.get(symbol="199/KH-MTTQ-BTT")
    assert "dữ liệu mẫu" in story.title
    if day < REORG_DAY:
        # The old map is the whole demo: the 2024 story moved into the movement's year.
        movement = story
        assert not Reorganisation.objects.exists() and not Movement.objects.exclude(pk=story.pk).exists()
    else:
        # The 2024 story stays in 2024 on the old units: everything of it happened before they closed.
        assert "năm 2024" in story.title and story.starts_on == dt.date(2024, 3, 14)
        assert story.status == MovementStatus.CLOSED  # evaluated, awards decided (Dec 2024), closed
        assert story.award_decisions.filter(status="signed", signed_on=dt.date(2024, 12, 20)).exists()
        assert story.issuing_unit.valid_to == REORG_DAY - dt.timedelta(days=1)
        for model, field in EVENTS[:9]:  # the campaigns' and evaluation's events of the story
            path = STORY_PATH.get(model.__name__, "movement")
            rows = model.objects.filter(**{path: story.pk if path == "pk" else story})
            assert (v := _latest_of(rows, field)) is None or v < REORG_DAY, (model.__name__, field, v)
        assert Assessment.objects.filter(participation__movement=story, status="approved", rank=1).exists()
        # The reorganisation is recorded: the district level removed, Quảng Nam in Đà Nẵng, 20 → 6 units.
        reorg = Reorganisation.objects.get()
        assert reorg.effective_on == REORG_DAY and reorg.removed_levels == [Level.DISTRICT]
        city = OrgUnit.objects.get(name="Đà Nẵng", valid_from=REORG_DAY)
        assert city.level == Level.PROVINCE and city.parent is None
        new = OrgUnit.objects.filter(parent=city, level=Level.COMMUNE)
        assert new.count() == 6 and not _in_force(OrgUnit.objects.filter(level=Level.DISTRICT), day).exists()
        assert not _in_force(OrgUnit.objects.filter(pk=story.issuing_unit.pk), day).exists()
        assert (
            HouseholdMove.objects.filter(reorganisation=reorg).count()
            == Household.objects.filter(decision_date__lt=REORG_DAY).count()
        )
        # Every demo user works on today's map and keeps the 2024 units readable.
        for username in ("vanphong", "chutich", "quangnam", "thanhtra", "vinhdien", "dienhong", "khoipho1"):
            units = OrgUnit.objects.filter(memberships__user__username=username)
            assert _in_force(units, day).exists() and units.filter(valid_to=REORG_DAY - dt.timedelta(days=1)).exists()
        # The current movement: on units in force on the day, standing around it.
        movement = Movement.objects.exclude(pk=story.pk).get()
        assert movement.issuing_unit == city
        units = OrgUnit.objects.filter(participations__movement=movement)
        assert units.exists() and units.count() == _in_force(units, day).count()
        assert Household.objects.filter(area__parent__in=new, phase_year=year).exists()
        for model, field in ((ProgressUpdate, "date"), (Disbursement, "date"), (Receipt, "received_on")):
            after = model.objects.filter(**{f"{field}__gte": REORG_DAY})
            assert after.exists(), model.__name__
        assert not ProgressUpdate.objects.filter(date__gte=REORG_DAY).exclude(household__area__valid_from=REORG_DAY)
        assert not Disbursement.objects.filter(date__gte=REORG_DAY).exclude(household__area__valid_from=REORG_DAY)
        # The kept figures equal a recount: the households moved took their allocated and paid money along.
        assert rollup.verify() == []
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
    # Nothing is submitted before the self-assessment window opens (October of its movement's year).
    for assessment in assessed.exclude(submitted_at=None).select_related("participation__movement"):
        assert assessment.submitted_at.date() >= dt.date(assessment.participation.movement.starts_on.year, 10, 1)

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

    # On the day most of the movement's obligations are done on time, some late, a few overdue — never every one.
    f = catalogue.for_unit(movement.issuing_unit, as_of=day, movement=movement)
    assert f.obligations_on_time > f.obligations_done_late > 0
    assert f.obligations_overdue > 0 and f.obligations_overdue * 10 < f.obligations_due

    # The 3.2.3 bonus comes from good models, each proposed and recognised inside its movement.
    assert CriterionSource.objects.get(movement=movement, code="3.2.3.a").source == Source.GOOD_MODELS
    for good in GoodModel.objects.select_related("movement"):
        assert good.movement.starts_on <= good.proposed_at.astimezone(VN).date() <= good.movement.ends_on
        assert good.decided_at is None or good.decided_at.astimezone(VN).date() <= good.movement.ends_on

    # The mobilised funds pay what they allocated to a household once its house is finished.
    completed = dict(ProgressUpdate.objects.filter(stage="completed").values_list("household_id", "date"))
    from_funds = Disbursement.objects.filter(fund__isnull=False)
    assert from_funds.filter(status="approved").exists()
    for household_id, paid_on in from_funds.values_list("household_id", "date"):
        assert completed[household_id] <= paid_on

    if how == "today":
        # The city's fund has paid the current year's finished houses: not 0 đ.
        assert catalogue.value("money_paid_from_funds", movement.issuing_unit, as_of=day) > 0
        _the_new_ward_and_the_portal_show_todays_map(client, movement)
        # Run again a month later: the demo keeps its day and adds nothing.
        counted = (Obligation, Assessment, ProgressUpdate, Receipt, Disbursement, Household, Movement, OrgUnit,
                   Reorganisation, Allocation)  # fmt: skip
        counts = [m.objects.count() for m in counted]
        time_machine.move_to(dt.datetime.combine(clock + dt.timedelta(days=30), dt.time(9), tzinfo=VN), tick=False)
        again = _load(clock + dt.timedelta(days=30), how, monkeypatch)
        assert "giữ nguyên" in again and f"Dữ liệu mẫu tính đến ngày {day:%d/%m/%Y}." in again
        assert [m.objects.count() for m in counted] == counts
