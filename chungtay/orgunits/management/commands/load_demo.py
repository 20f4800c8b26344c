from django.core.management.base import BaseCommand

from chungtay.orgunits.demo import DEMO_PASSWORD, DEMO_USERS, load_demo


class Command(BaseCommand):
    help = "Nạp dữ liệu mẫu Điện Bàn 2024 (chạy lại nhiều lần không tạo trùng)."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--quiet-logins", action="store_true", help="Không in danh sách tài khoản mẫu.")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        result = load_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Dữ liệu mẫu Điện Bàn 2024: {result['units']} đơn vị ({result['units_created']} mới tạo)."
            )
        )
        if not options["quiet_logins"]:
            self.stdout.write(f"\nTài khoản mẫu (mật khẩu chung: {DEMO_PASSWORD}):")
            for spec in DEMO_USERS:
                self.stdout.write(f"  {spec.username:<10} {spec.full_name:<28} {spec.role:<11} {spec.unit_name}")
            self.stdout.write("")
