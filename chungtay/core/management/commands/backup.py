import datetime as dt
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from chungtay.core.backup import backup


class Command(BaseCommand):
    help = "Sao lưu cơ sở dữ liệu và tệp tải lên (kèm bảng kiểm đếm từng bảng)."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Thư mục đích (mặc định var/backups/<thời điểm>)")

    def handle(self, *args, **options):
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = Path(options["output"] or Path(settings.BASE_DIR) / "var" / "backups" / stamp)
        backup(target)
        self.stdout.write(self.style.SUCCESS(f"Đã sao lưu vào {target}"))
