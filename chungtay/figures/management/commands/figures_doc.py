from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from chungtay.tallies import catalogue

DOC = Path(settings.BASE_DIR) / "docs" / "figures.md"


class Command(BaseCommand):
    help = "Viết lại docs/figures.md từ danh mục số liệu (--check: chỉ báo nếu tệp đã cũ)."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true")

    def handle(self, *args, check: bool = False, **options):
        text = catalogue.markdown()
        if check:
            if not DOC.exists() or DOC.read_text(encoding="utf-8") != text:
                raise SystemExit("docs/figures.md is out of date: run manage.py figures_doc")
            return
        DOC.write_text(text, encoding="utf-8")
        self.stdout.write(f"{DOC}: {sum(1 for _ in catalogue.all_figures())} số liệu")
