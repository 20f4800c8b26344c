"""The daily reminders: digests by e-mail and in the app, once a day, escalated when long overdue."""

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command

from chungtay.reports.models import Notification, ReminderLog
from chungtay.reports.services import send_reminders

from .conftest import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(tree, people, obligation, complaint, make_household):
    for user, email in ((people.commune_a_staff, "vinhdien@example.vn"), (people.town_office, "vanphong@example.vn")):
        user.email = email
        user.save()
    return {
        "plan": obligation(tree.commune_a, TODAY - dt.timedelta(days=3), title="Kế hoạch cụ thể"),  # 3 days late
        "report": obligation(
            tree.commune_a, TODAY - dt.timedelta(days=20), kind="progress_report", title="Báo cáo tháng 11"
        ),
        "done": obligation(tree.commune_a, TODAY - dt.timedelta(days=30), kind="launch", done_on=TODAY),
        "excused": obligation(tree.commune_b, TODAY - dt.timedelta(days=30), kind="launch", excused="Thiên tai"),
        "house": make_household(tree.area_a1, status="building", phase_year=2024),
        "complaint": complaint(tree.commune_b, due_on=TODAY - dt.timedelta(days=10)),
    }


def test_each_person_of_the_unit_gets_one_digest_email_and_a_notification(people, tree, overdue):
    run = send_reminders(today=TODAY, escalate_after=7)
    assert run.count("obligation_overdue") == 2 and run.count("house_behind") == 1
    assert run.count("complaint_overdue") == 1
    to_commune = [m for m in mail.outbox if m.to == ["vinhdien@example.vn"]]
    assert len(to_commune) == 1
    body = to_commune[0].body
    assert "Kế hoạch cụ thể (phong trào 199/KH-MTTQ-BTT) — hạn 29/11/2024, trễ 3 ngày" in body
    assert "Báo cáo tháng 11" in body and overdue["house"].code in body
    assert "Nhà chậm tiến độ (1)" in body
    assert "Thiên tai" not in body  # excused obligations are not reminded
    assert "02/12/2024" in to_commune[0].subject
    notes = Notification.objects.filter(user=people.commune_a_staff)
    assert notes.count() == 1 and "phường Vĩnh Điện" in notes.get().title
    assert notes.get().url == f"/bao-cao/?don_vi={tree.commune_a.pk}"
    # The standing board is not a follow-up role; commune B has no staff with an e-mail, only the app.
    assert not Notification.objects.filter(user=people.board).exists()
    assert Notification.objects.filter(user=people.commune_b_staff).count() == 1


def test_every_reminder_is_logged_per_item_recipient_and_channel(people, tree, overdue):
    send_reminders(today=TODAY, escalate_after=7)
    logs = ReminderLog.objects.filter(recipient=people.commune_a_staff)
    assert logs.filter(channel="app").count() == 3 and logs.filter(channel="email").count() == 3
    row = logs.get(channel="email", object_id=overdue["plan"].pk, kind="obligation_overdue")
    assert (row.unit, row.days_overdue, row.recipient_email, row.run_on) == (
        tree.commune_a,
        3,
        "vinhdien@example.vn",
        TODAY,
    )
    assert row.escalated_to is None


def test_running_twice_on_the_same_day_sends_nothing_new_but_the_next_day_does(people, overdue):
    send_reminders(today=TODAY, escalate_after=7)
    sent, logged, notes = len(mail.outbox), ReminderLog.objects.count(), Notification.objects.count()
    again = send_reminders(today=TODAY, escalate_after=7)
    assert (len(mail.outbox), ReminderLog.objects.count(), Notification.objects.count()) == (sent, logged, notes)
    assert (again.emails, again.notifications, again.logs) == (0, 0, 0)
    assert again.already_sent == ReminderLog.objects.filter(channel="app").count()
    send_reminders(today=TODAY + dt.timedelta(days=1), escalate_after=7)
    assert len(mail.outbox) > sent


def test_items_late_for_more_than_n_days_are_escalated_to_the_parent_units_office(people, tree, overdue):
    send_reminders(today=TODAY, escalate_after=7)
    escalation = Notification.objects.get(user=people.town_office, kind="escalation")
    # Items not done after their deadline: "quá hạn" ("trễ hạn" is for what was done late).
    assert escalation.get_kind_display() == "Đơn vị cấp dưới có việc quá hạn"
    # 20 days late report and the 10 days late complaint go up; the 3 days late plan does not.
    assert "Báo cáo tháng 11" in escalation.body and "Kế hoạch cụ thể" not in escalation.body
    assert "Kiến nghị, phản ánh" in escalation.body
    up = ReminderLog.objects.filter(recipient=people.town_office, escalated_to=tree.town, channel="app")
    assert set(up.values_list("object_id", "kind")) == {
        (overdue["report"].pk, "obligation_overdue"),
        (overdue["complaint"].pk, "complaint_overdue"),
    }
    mail_to_office = [m for m in mail.outbox if m.to == ["vanphong@example.vn"]]
    assert len(mail_to_office) == 1 and "báo thị xã Điện Bàn theo dõi" in mail_to_office[0].body


def test_with_a_longer_escalation_delay_nothing_goes_up(people, overdue, settings):
    settings.REMINDER_ESCALATE_AFTER_DAYS = 30
    run = send_reminders(today=TODAY)
    assert run.escalated_items == 0
    assert not Notification.objects.filter(kind="escalation").exists()


def test_a_dry_run_sends_and_logs_nothing(overdue):
    run = send_reminders(today=TODAY, dry_run=True)
    assert run.recipients > 0 and run.emails > 0
    assert mail.outbox == [] and not ReminderLog.objects.exists() and not Notification.objects.exists()


def test_the_command_prints_a_vietnamese_summary(overdue, capsys):
    call_command("send_reminders", "--date", "02/12/2024", "--escalate-after", "7")
    out = capsys.readouterr().out
    assert "Đã chạy nhắc việc ngày 02/12/2024" in out
    assert "2 việc phải làm quá hạn, 1 nhà chậm tiến độ, 1 đơn thư quá hạn" in out
    assert ReminderLog.objects.exists()


def test_the_background_task_runs_the_same_reminders(overdue):
    from chungtay.reports.tasks import send_reminders_task

    result = send_reminders_task.enqueue("2024-12-02")
    assert "Đã chạy nhắc việc ngày 02/12/2024" in result.return_value
    assert ReminderLog.objects.filter(run_on=TODAY).exists()


def test_a_house_is_reminded_from_october_of_its_phase_year(tree, make_household):
    make_household(tree.area_a1, status="building", phase_year=2025)
    assert send_reminders(today=dt.date(2025, 9, 30), dry_run=True).count("house_behind") == 0
    assert send_reminders(today=dt.date(2025, 10, 1), dry_run=True).count("house_behind") == 1
