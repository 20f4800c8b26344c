"""Create the Word templates under templates/docx/ that do not exist yet.

Each app that owns documents lists builders in `DOCX_TEMPLATES` in its `documents` module:
{"file-name.docx": build_function}. Existing files are kept (staff may have edited them) unless
--overwrite is given.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import BaseCommand

from chungtay.core.docgen import save_template, template_path


class Command(BaseCommand):
    help = "Tạo các mẫu Word (.docx) còn thiếu trong templates/docx/."

    def add_arguments(self, parser):
        parser.add_argument("--overwrite", action="store_true", help="Ghi đè cả mẫu đã có (mất chỉnh sửa).")

    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            if not config.name.startswith("chungtay."):
                continue
            try:
                module = import_module(f"{config.name}.documents")
            except ModuleNotFoundError as exc:
                if exc.name == f"{config.name}.documents":
                    continue
                raise
            for name, build in getattr(module, "DOCX_TEMPLATES", {}).items():
                existed = template_path(name).exists()
                save_template(build(), name, overwrite=options["overwrite"])
                state = "giữ nguyên" if existed and not options["overwrite"] else "đã tạo"
                self.stdout.write(f"{name}: {state}")
