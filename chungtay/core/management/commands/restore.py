from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chungtay.core.backup import AFTER_RESTORE, compare, restore


class Command(BaseCommand):
    help = "Khôi phục từ một bản sao lưu, rồi đối chiếu từng bảng và sổ cái."

    def add_arguments(self, parser):
        parser.add_argument("source", help="Thư mục bản sao lưu (có manifest.json)")
        parser.add_argument("--yes", action="store_true", help="Không hỏi lại (ghi đè dữ liệu hiện có)")

    def handle(self, *args, **options):
        source = Path(options["source"])
        if not (source / "manifest.json").exists():
            raise CommandError(f"Không thấy {source / 'manifest.json'}")
        if not options["yes"] and input("Ghi đè toàn bộ dữ liệu hiện có? Gõ 'co' để tiếp tục: ").strip() != "co":
            raise CommandError("Đã huỷ.")
        manifest = restore(source)
        problems = compare(manifest)
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Khôi phục xong nhưng {len(problems)} bảng khác bản sao lưu.")
        for check in AFTER_RESTORE:
            wrong = check()
            if wrong:
                raise CommandError(wrong)
        self.stdout.write(self.style.SUCCESS(
            f"Đã khôi phục {len(manifest['tables'])} bảng, khớp từng bảng với bản sao lưu; sổ cái toàn vẹn."
        ))  # fmt: skip
