from django.core.management.base import BaseCommand, CommandError

from chungtay.funds.ledger import verify
from chungtay.funds.models import JournalEntry


class Command(BaseCommand):
    help = "Kiểm tra chuỗi mã băm và số dư của sổ cái; báo lỗi nếu có dấu hiệu bị sửa."

    def handle(self, *args, **options):
        problems = verify()
        count = JournalEntry.objects.count()
        if problems:
            for problem in problems:
                where = f"bút toán #{problem.seq}: " if problem.seq else ""
                self.stderr.write(f"LỖI {where}{problem.message}")
            raise CommandError(f"Sổ cái KHÔNG toàn vẹn: {len(problems)} lỗi trên {count} bút toán.")
        self.stdout.write(self.style.SUCCESS(f"Sổ cái toàn vẹn: {count} bút toán, chuỗi mã băm và số dư khớp."))
