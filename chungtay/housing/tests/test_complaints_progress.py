"""Complaints: due dates, escalation to the parent unit, counts for criterion 3.2.2a. Phase progress."""

import datetime as dt

import pytest
from django.core.management import call_command

from chungtay.core.errors import DomainError
from chungtay.housing import selectors, services
from chungtay.housing.models import Complaint, HandlingTime
from chungtay.tallies import rollup

RECEIVED = dt.date(2024, 6, 3)


def receive(unit, **extra):
    fields = {"actor": None, "unit": unit, "kind": "complaint", "concerns": "unit", "received_on": RECEIVED,
              "channel": "letter", "complainant_name": "Người gửi mẫu", "content": "Nội dung"}  # fmt: skip
    fields.update(extra)
    return services.complaint_create(**fields)


def test_the_due_date_follows_the_configurable_handling_time(tree):
    assert receive(tree.commune_a).due_on == RECEIVED + dt.timedelta(days=30)
    assert receive(tree.commune_a, kind="petition").due_on == RECEIVED + dt.timedelta(days=15)
    HandlingTime.objects.create(kind="petition", days=10)
    assert receive(tree.commune_a, kind="petition").due_on == RECEIVED + dt.timedelta(days=10)


def test_a_complaint_about_a_household_must_name_one_in_the_unit(tree, areas, make_household):
    with pytest.raises(DomainError):
        receive(tree.commune_a, concerns="household")
    other = make_household(areas["b1"])
    with pytest.raises(DomainError):
        receive(tree.commune_a, concerns="household", household=other)


def test_closing_needs_a_resolution(tree):
    complaint = receive(tree.commune_a)
    with pytest.raises(DomainError):
        services.complaint_update(actor=None, complaint=complaint, status="resolved", resolution="")
    services.complaint_update(actor=None, complaint=complaint, status="resolved", resolution="Đã trả lời bằng văn bản")
    assert complaint.resolved_on is not None and not complaint.is_open


def test_an_open_complaint_past_its_due_date_moves_to_the_parent_unit_once(tree):
    late = receive(tree.commune_a)
    on_time = receive(tree.commune_b, received_on=RECEIVED + dt.timedelta(days=20))
    closed = receive(tree.commune_b)
    services.complaint_update(actor=None, complaint=closed, status="resolved", resolution="Xong")
    today = RECEIVED + dt.timedelta(days=35)
    moved = services.escalate_overdue_complaints(today)
    assert [c.pk for c in moved] == [late.pk]
    late.refresh_from_db()
    assert late.unit == tree.town and late.escalated_to == tree.town and late.escalations == 1
    assert late.origin_unit == tree.commune_a and late.due_on == today + dt.timedelta(days=30)
    assert services.escalate_overdue_complaints(today) == []
    on_time.refresh_from_db()
    assert on_time.unit == tree.commune_b


def test_the_escalation_is_in_the_audit_log_and_the_command_runs_it(tree, capsys):
    from auditlog.models import LogEntry

    complaint = receive(tree.commune_a)
    call_command("escalate_complaints", "--ngay", "01/09/2024")
    complaint.refresh_from_db()
    assert complaint.unit == tree.town
    entry = LogEntry.objects.get_for_object(complaint).order_by("-timestamp").first()
    assert "unit" in entry.changes_dict
    assert "Đã chuyển 1 đơn" in capsys.readouterr().out


def test_the_parent_unit_and_the_origin_both_see_an_escalated_complaint(tree, people):
    complaint = receive(tree.commune_a)
    services.escalate_overdue_complaints(RECEIVED + dt.timedelta(days=40))
    assert selectors.complaints_for(people.commune_a_staff).filter(pk=complaint.pk).exists()
    assert selectors.complaints_for(people.town_office).filter(pk=complaint.pk).exists()
    assert not selectors.complaints_for(people.commune_b_staff).filter(pk=complaint.pk).exists()


def test_complaint_counts_per_unit_feed_criterion_3_2_2a(tree):
    receive(tree.commune_a)
    receive(tree.area_a1, kind="denunciation")
    receive(tree.commune_b, kind="petition")
    counts = selectors.complaint_counts(tree.commune_a, today=RECEIVED + dt.timedelta(days=40))
    assert counts["total"] == 2 and counts["denunciation"] == 1 and counts["overdue"] == 2
    assert selectors.complaint_counts(tree.commune_b, year=2023)["total"] == 0
    assert Complaint.objects.count() == 3


def test_phase_progress_counts_each_unit_against_its_phase(tree, areas, make_household, django_assert_max_num_queries):
    a = [make_household(areas["a1"], name=f"Hộ A{i}", citizen_id="", phase_year=2024) for i in range(3)]
    make_household(areas["b1"], name="Hộ B", citizen_id="", phase_year=2025)
    gone = make_household(areas["b2"], name="Hộ C", citizen_id="", phase_year=2025)
    services.household_withdraw(actor=None, household=gone, reason="Chuyển đi")
    services.progress_record(actor=None, household=a[0], stage="start", date=dt.date(2024, 3, 1))
    services.progress_record(actor=None, household=a[1], stage="completed", date=dt.date(2024, 3, 1))
    services.progress_record(actor=None, household=a[1], stage="handed_over", date=dt.date(2024, 3, 5))
    rollup.refresh_pending()  # the background task's work after the writes; the read below is measured
    with django_assert_max_num_queries(3):
        whole, children, years = selectors.phase_progress(tree.town)
    assert years == [2024, 2025]
    row = whole.phases[2024]
    assert (row.planned, row.started, row.completed, row.handed_over, row.amount) == (3, 2, 1, 1, 180_000_000)
    assert row.total_planned_amount == 180_000_000
    by_unit = {up.unit.name: up for up in children}
    assert by_unit["Vĩnh Điện"].phases[2024].planned == 3 and by_unit["Điện Hồng"].phases[2025].planned == 1
    assert by_unit["Điện Hồng"].phases[2025].withdrawn == 1 and whole.total.planned == 4


def test_behind_schedule_lists_households_whose_phase_has_come_and_are_not_done(areas, make_household):
    late = make_household(areas["a1"], name="Hộ Chậm", citizen_id="", phase_year=2024)
    make_household(areas["a1"], name="Hộ Sau", citizen_id="", phase_year=2025)
    done = make_household(areas["a1"], name="Hộ Xong", citizen_id="", phase_year=2024)
    services.progress_record(actor=None, household=done, stage="completed", date=dt.date(2024, 8, 1))
    from chungtay.housing.models import Household

    behind = list(selectors.behind_schedule(Household.objects.all(), today=dt.date(2024, 11, 1)))
    assert behind == [late]
