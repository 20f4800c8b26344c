"""`manage.py load_demo`: the Điện Bàn 2024 demo, idempotent.

Each app that has demo data exposes `load_demo() -> dict[str, int]` in its `demo` module; they run
in DEMO_STEPS order (units and people first), each in its own transaction.
"""

from importlib import import_module

from django.core.management.base import BaseCommand

from chungtay.orgunits.demo import DEMO_PASSWORD, DEMO_USERS

DEMO_STEPS = [
    "chungtay.orgunits.demo",
    "chungtay.campaigns.demo",
    "chungtay.housing.demo",
    "chungtay.funds.demo",
    "chungtay.evaluation.demo",
    "chungtay.reports.demo",
    "chungtay.portal.demo",
]


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu Điện Bàn 2024 (chạy lại nhiều lần không tạo trùng)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--quiet-logins", action="store_true", help="Không in danh sách tài khoản mẫu.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        for step in DEMO_STEPS:
            try:
                module = import_module(step)
            except ModuleNotFoundError as exc:
                if exc.name == step:
                    continue  # that app has no demo yet
                raise
            result = module.load_demo()
            summary = ", ".join(f"{key}: {value}" for key, value in result.items())
            self.stdout.write(self.style.SUCCESS(f"{step.split('.')[1]}: {summary}"))
        if not options["quiet_logins"]:
            self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for spec in DEMO_USERS:
                self.stdout.write(f"  {spec.username:<10} {spec.full_name:<28} {spec.role:<11} {spec.unit_name}")
            self.stdout.write("")
