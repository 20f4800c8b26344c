"""Milestones become per-unit obligations; recording the matching thing fulfils them."""

import datetime as dt

import pytest
from django.utils import timezone

from chungtay.campaigns import selectors, services
from chungtay.campaigns.models import ActivityKind, MilestoneKind, Obligation, Participation, Recurrence
from chungtay.core.errors import DomainError
from chungtay.orgunits.models import Level
from chungtay.orgunits.services import unit_create

from .conftest import day, pdf


def obligations(movement, unit, kind):
    return Obligation.objects.filter(milestone__movement=movement, unit=unit, milestone__kind=kind).order_by("due_on")


def test_monthly_milestones_make_one_obligation_per_month_until_the_end_date(launched, tree):
    reports = obligations(launched, tree.commune_a, MilestoneKind.PROGRESS_REPORT)
    assert len(reports) == 4
    assert [(o.due_on.day == day(5).day or o.due_on.day <= 31) for o in reports] == [True] * 4
    assert reports[0].due_on == day(5) and reports[3].due_on <= day(100)


def test_generating_again_creates_nothing_new(launched):
    before = Obligation.objects.count()
    assert services.obligations_generate(movement=launched) == 0
    assert Obligation.objects.count() == before


def test_a_participant_or_milestone_added_after_launch_gets_its_obligations(launched, tree, people):
    new_area = unit_create(actor=None, parent=tree.commune_a, level=Level.AREA, kind="khoi_pho", name="Khối phố 2")
    services.participants_add(actor=people.town_office, movement=launched, units=[new_area])
    assert obligations(launched, new_area, MilestoneKind.REGISTRATION).count() == 1
    services.participants_add(actor=people.town_office, movement=launched, units=[new_area])  # idempotent
    assert Participation.objects.filter(movement=launched, unit=new_area).count() == 1
    services.milestone_add(
        actor=people.town_office, movement=launched, kind=MilestoneKind.OTHER, level=Level.AREA, due_on=day(40),
        title="Báo cáo quý", recurrence=Recurrence.QUARTERLY, until=day(240),
    )  # fmt: skip
    assert obligations(launched, new_area, MilestoneKind.OTHER).count() == 3


def test_units_outside_the_issuing_subtree_cannot_take_part(launched, tree, people):
    with pytest.raises(DomainError, match="không thuộc") as info:
        services.participants_add(actor=people.town_office, movement=launched, units=[tree.other_district])
    assert info.value.field == "units"


def test_uploading_the_own_plan_fulfils_the_own_plan_obligation(launched, tree, people):
    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    document = services.own_plan_upload(
        actor=people.commune_a_staff, participation=participation, upload=pdf(), name="ke-hoach.pdf",
        title="Kế hoạch", number="12/KH-MTTQ",
    )  # fmt: skip
    done = obligations(launched, tree.commune_a, MilestoneKind.OWN_PLAN).get()
    assert done.fulfilled_at and done.document == document and done.fulfilled_by == people.commune_a_staff
    assert done.state(day(0)) == "done"
    assert not obligations(launched, tree.commune_b, MilestoneKind.OWN_PLAN).get().fulfilled_at


def test_recording_the_launch_conference_fulfils_the_launch_obligation(launched, tree, people):
    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    activity = services.activity_record(
        actor=people.commune_a_staff, participation=participation, kind=ActivityKind.LAUNCH_CONFERENCE,
        title="Hội nghị phát động", held_on=day(0), attendance=80, upload=pdf(), file_name="bien-ban.pdf",
    )  # fmt: skip
    done = obligations(launched, tree.commune_a, MilestoneKind.LAUNCH).get()
    assert done.activity == activity and done.document is not None


def test_reports_fulfil_the_oldest_open_period_first(launched, tree, people):
    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    for n in range(2):
        services.report_submit(
            actor=people.commune_a_staff, participation=participation, kind=MilestoneKind.PROGRESS_REPORT,
            upload=pdf(), name=f"bc{n}.pdf", title=f"Báo cáo {n}",
        )  # fmt: skip
    states = [bool(o.fulfilled_at) for o in obligations(launched, tree.commune_a, MilestoneKind.PROGRESS_REPORT)]
    assert states == [True, True, False, False]


def test_a_report_with_no_open_period_is_refused(launched, tree, people):
    participation = Participation.objects.get(movement=launched, unit=tree.commune_a)
    with pytest.raises(DomainError, match="không còn kỳ") as info:
        services.report_submit(
            actor=people.commune_a_staff, participation=participation, kind=MilestoneKind.FINAL_REVIEW, upload=pdf(),
            name="x.pdf", title="Tổng kết",
        )  # fmt: skip
    assert info.value.field == "kind"


def test_registration_by_the_deadline_is_on_time_and_after_it_is_accepted_but_flagged(launched, tree, people):
    a = Participation.objects.get(movement=launched, unit=tree.commune_a)
    b = Participation.objects.get(movement=launched, unit=tree.commune_b)
    services.participation_register(actor=people.commune_a_staff, participation=a, commitments="Cam kết")
    late = timezone.make_aware(dt.datetime.combine(day(12), dt.time(9)))
    services.participation_register(actor=people.commune_b_staff, participation=b, commitments="Cam kết", now=late)
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.registered_at and not a.registered_late
    assert b.registered_at and b.registered_late
    assert obligations(launched, tree.commune_b, MilestoneKind.REGISTRATION).get().state(day(20)) == "done_late"
    assert obligations(launched, tree.commune_a, MilestoneKind.REGISTRATION).get().state(day(20)) == "done"


def test_registration_needs_commitments_and_a_running_movement(movement, launched, tree, people):
    a = Participation.objects.get(movement=launched, unit=tree.commune_a)
    with pytest.raises(DomainError) as info:
        services.participation_register(actor=people.commune_a_staff, participation=a, commitments="  ")
    assert info.value.field == "commitments"


def test_a_draft_movement_takes_no_registrations(movement, tree, people):
    a = Participation.objects.get(movement=movement, unit=tree.commune_a)
    with pytest.raises(DomainError, match="Dự thảo"):
        services.participation_register(actor=people.commune_a_staff, participation=a, commitments="Cam kết")


def test_the_office_can_excuse_an_obligation_with_a_reason(launched, tree, people):
    obligation = obligations(launched, tree.commune_b, MilestoneKind.LAUNCH).get()
    with pytest.raises(DomainError):
        services.obligation_excuse(actor=people.town_office, obligation=obligation, reason="")
    services.obligation_excuse(actor=people.town_office, obligation=obligation, reason="Ghép với hội nghị thị xã")
    assert obligation.state(day(100)) == "excused"


def test_the_tracking_matrix_shows_who_to_urge(launched, tree, people):
    a = Participation.objects.get(movement=launched, unit=tree.commune_a)
    services.participation_register(actor=people.commune_a_staff, participation=a, commitments="Cam kết")
    services.own_plan_upload(actor=people.commune_a_staff, participation=a, upload=pdf(), name="kh.pdf", title="KH")
    rows = {r.unit.pk: r for r in selectors.tracking(people.town_office, launched, on=day(40))}
    assert set(rows) == {tree.commune_a.pk, tree.commune_b.pk, tree.area_a1.pk, tree.area_b1.pk}
    ra, rb = rows[tree.commune_a.pk], rows[tree.commune_b.pk]
    assert (ra.own_plan, ra.launch, ra.reports_due, ra.reports_on_time) == ("done", "late", 2, 0)
    assert (rb.own_plan, rb.launch) == ("late", "late")
    assert rb.late == 1 + 1 + 1 + 2  # registration, plan, launch, two reports
    assert ra.late == 1 + 2
    assert rows[tree.area_a1.pk].own_plan is None  # not asked of residential areas
    urge = selectors.tracking(people.town_office, launched, state="chua-dang-ky", level=Level.COMMUNE, on=day(40))
    assert [r.unit for r in urge] == [tree.commune_b]
    assert [r.unit for r in selectors.tracking(people.town_office, launched, query="vinh dien")] == [tree.commune_a]
