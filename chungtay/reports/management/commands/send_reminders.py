"""`manage.py send_reminders [--date dd/mm/yyyy] [--dry-run]`: the daily follow-up job.

Run once a day from cron or a systemd timer (docs/operations-reminders.md). Running it again on the
same day sends nothing new: every reminder is logged once per object, recipient, channel and day.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from chungtay.reports.services import send_reminders


class Command(BaseCommand):
    help = "Nhắc việc quá hạn (việc phải làm, nhà chậm tiến độ, đơn thư) qua thư điện tử và thông báo."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Ngày chạy, dd/mm/yyyy (mặc định: hôm nay).")
        parser.add_argument("--dry-run", action="store_true", help="Chỉ liệt kê, không gửi, không ghi nhật ký.")
        parser.add_argument("--escalate-after", type=int, help="Số ngày trễ thì báo lên cấp trên.")

    def handle(self, *args, **options):
        day = None
        if options["date"]:
            try:
                day = dt.datetime.strptime(options["date"], "%d/%m/%Y").date()
            except ValueError as exc:
                raise CommandError("Ngày phải có dạng dd/mm/yyyy, ví dụ 02/12/2024.") from exc
        run = send_reminders(today=day, dry_run=options["dry_run"], escalate_after=options["escalate_after"])
        if options["verbosity"] > 1:
            for item in run.items:
                self.stdout.write(f"  [{item.unit.title}] {item.line}")
        self.stdout.write(run.summary())
