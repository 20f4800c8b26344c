"""`manage.py escalate_complaints`: move open complaints past their due date to the parent unit.

Run daily (cron or the job runner). Safe to run twice: each complaint is locked and re-checked.
"""

from django.core.management.base import BaseCommand

from chungtay.core.tabular import CellError, parse_date
from chungtay.housing.services import escalate_overdue_complaints


class Command(BaseCommand):
    help = "Chuyển đơn quá hạn chưa giải quyết lên đơn vị cấp trên."

    def add_arguments(self, parser):
        parser.add_argument("--ngay", help="Coi hôm nay là ngày này (dd/mm/yyyy), để chạy bù.")

    def handle(self, *args, **options):
        today = None
        if options.get("ngay"):
            try:
                today = parse_date(options["ngay"])
            except CellError as exc:
                self.stderr.write(exc.message)
                return
        moved = escalate_overdue_complaints(today)
        for complaint in moved:
            self.stdout.write(f"  #{complaint.pk} → {complaint.unit.title}, hạn mới {complaint.due_on:%d/%m/%Y}")
        self.stdout.write(self.style.SUCCESS(f"Đã chuyển {len(moved)} đơn lên cấp trên."))
