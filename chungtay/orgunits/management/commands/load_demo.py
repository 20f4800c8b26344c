"""`manage.py load_demo`: the Điện Bàn demo, idempotent, standing around the day it is loaded.

Each app that has demo data exposes `load_demo() -> dict[str, int]` in its `demo` module; they run
in DEMO_STEPS order (units and people first), each in its own transaction, all on the demo's day
(chungtay.core.demo_clock): today, or the day given with `--ngay YYYY-MM-DD` or CHUNGTAY_DEMO_DAY.

Run again, it adds nothing. A demo already in the database keeps the day it was built on, even when
run on a later day or with another `--ngay`: it says so, and the way to rebuild it is a fresh database.
"""

from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

from chungtay.core import dates, demo_clock
from chungtay.orgunits.demo import DEMO_PASSWORD, DEMO_USERS

DEMO_STEPS = [
    "chungtay.orgunits.demo",
    "chungtay.campaigns.demo",
    "chungtay.housing.demo",
    "chungtay.funds.demo",
    "chungtay.members.demo",  # member organisations' registrations, in-kind help (after the households)
    "chungtay.evaluation.demo",
    "chungtay.reports.demo",
    "chungtay.portal.demo",
]


def _demo_module(step: str):
    try:
        return import_module(step)
    except ModuleNotFoundError as exc:
        if exc.name == step:
            return None  # that app has no demo yet
        raise


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu Điện Bàn (phong trào theo Kế hoạch 199/KH-MTTQ-BTT năm 2024, dời sang năm hiện tại) "
        "tính đến hôm nay hoặc đến ngày --ngay; chạy lại nhiều lần không tạo trùng."
    )

    def add_arguments(self, parser):
        parser.add_argument("--quiet-logins", action="store_true", help="Không in danh sách tài khoản mẫu.")
        parser.add_argument(
            "--ngay",
            metavar="YYYY-MM-DD",
            help=f"Dựng dữ liệu mẫu tính đến ngày này (không sau hôm nay); hoặc biến môi trường {demo_clock.ENV_VAR}.",
        )

    def handle(self, *args, **options):
        try:
            wanted = demo_clock.parse_day(options["ngay"]) if options["ngay"] else demo_clock.demo_day()
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        # The movement's note records the day the demo was built on; the campaigns app owns it.
        campaigns = _demo_module("chungtay.campaigns.demo")
        built = campaigns.recorded_day() if campaigns else None
        day = built or wanted
        if built and built != wanted:
            self.stdout.write(
                self.style.WARNING(
                    f"Dữ liệu mẫu đã có, tính đến ngày {dates.format_date(built)}: giữ nguyên, không dựng lại theo "
                    f"ngày {dates.format_date(wanted)}. Muốn dựng lại: dùng cơ sở dữ liệu mới (xóa db.sqlite3) "
                    "rồi chạy lại lệnh."
                )
            )
        with demo_clock.fixed(day):
            for step in DEMO_STEPS:
                module = _demo_module(step)
                if module is None:
                    continue
                result = module.load_demo()
                summary = ", ".join(f"{key}: {value}" for key, value in result.items())
                self.stdout.write(self.style.SUCCESS(f"{step.split('.')[1]}: {summary}"))
        if not options["quiet_logins"]:
            self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for spec in DEMO_USERS:
                self.stdout.write(f"  {spec.username:<10} {spec.full_name:<28} {spec.role:<11} {spec.unit_name}")
            self.stdout.write("")
        self.stdout.write(f"Dữ liệu mẫu tính đến ngày {dates.format_date(day)}.")
