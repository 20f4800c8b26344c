"""`manage.py load_demo`: the Điện Bàn demo, idempotent, standing around the day it is loaded.

Each app that has demo data exposes `load_demo() -> dict[str, int]` in its `demo` module (or the function
named after a colon); they run in DEMO_STEPS order (units and people first), each in its own transaction,
all on the demo's day (chungtay.core.demo_clock): today, or the day given with `--ngay YYYY-MM-DD` or
CHUNGTAY_DEMO_DAY.

STORY_STEPS tell the 2024 story (Plan 199/KH-MTTQ-BTT). Before 01/07/2025 it is moved into the demo's year
and that is the whole demo. From that day on the old map is gone: the story stays in 2024 on the old units
(demo_clock.story_told()), the 2025 reorganisation is committed through the real code path, and TODAY_STEPS
build the current movement on the new units, around the demo's day. Before the reorganisation the
TODAY_STEPS add nothing.

Run again, it adds nothing. A demo already in the database keeps the day it was built on, even when
run on a later day or with another `--ngay`: it says so, and the way to rebuild it is a fresh database.
"""

from importlib import import_module

from django.core.management.base import BaseCommand, CommandError

from chungtay.core import dates, demo_clock
from chungtay.orgunits.demo import DEMO_PASSWORD, current_logins

STORY_STEPS = [
    "chungtay.accounts.demo",  # the units (orgunits.demo), then the demo's people in them
    "chungtay.campaigns.demo",
    "chungtay.housing.demo",
    "chungtay.funds.demo",
    "chungtay.members.demo",  # member organisations' registrations, in-kind help (after the households)
    "chungtay.evaluation.demo",
]
TODAY_STEPS = [
    "chungtay.reorg.demo",  # the 2025 reorganisation (from 01/07/2025 on)
    "chungtay.campaigns.demo:load_current",  # the current movement on the new units
    "chungtay.housing.demo:load_current",
    "chungtay.funds.demo:load_current",
    "chungtay.evaluation.demo:load_current",  # the new units' self-assessments, from October
    "chungtay.reports.demo",  # the reminders of the demo's day, on the movement then running
    "chungtay.portal.demo",
]
DEMO_STEPS = STORY_STEPS + TODAY_STEPS


def _demo_module(step: str):
    try:
        return import_module(step.split(":")[0])
    except ModuleNotFoundError as exc:
        if exc.name == step.split(":")[0]:
            return None  # that app has no demo yet
        raise


class Command(BaseCommand):
    help = (
        "Nạp dữ liệu mẫu Điện Bàn tính đến hôm nay hoặc đến ngày --ngay; chạy lại nhiều lần không tạo trùng. "
        "Trước 01/07/2025: phong trào theo Kế hoạch 199/KH-MTTQ-BTT năm 2024, dời sang năm của ngày nạp. Từ "
        "01/07/2025: phong trào năm 2024 giữ nguyên trên các đơn vị cũ (thị xã Điện Bàn, 20 xã, phường), rồi "
        "sắp xếp đơn vị hành chính 2025 (bỏ cấp huyện, Quảng Nam nhập vào thành phố Đà Nẵng, 20 xã, phường nhập "
        "thành 6 phường, xã mới; tên và thành phần minh họa) và phong trào năm hiện tại trên các đơn vị mới."
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
                load = getattr(module, step.partition(":")[2] or "load_demo")
                if step in STORY_STEPS:
                    with demo_clock.story_told():
                        result = load()
                else:
                    result = load()
                if not result:
                    continue  # a step of the new map, before the reorganisation
                summary = ", ".join(f"{key}: {value}" for key, value in result.items())
                self.stdout.write(self.style.SUCCESS(f"{step.split('.')[1]}: {summary}"))
            logins = current_logins()
        if not options["quiet_logins"]:
            self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for username, full_name, role, units in logins:
                self.stdout.write(f"  {username:<10} {full_name:<28} {role:<22} {units}")
            if demo_clock.after_reorganisation(day):
                self.stdout.write(
                    "  (từ 01/07/2025 theo bản đồ hành chính mới; vẫn xem được lịch sử năm 2024 của đơn vị cũ)"
                )
            self.stdout.write("")
        self.stdout.write(f"Dữ liệu mẫu tính đến ngày {dates.format_date(day)}.")
