import json

from django.core.management.base import BaseCommand, CommandError

from chungtay.core.errors import DomainError
from chungtay.housing.models import Household
from chungtay.housing.privacy import erase_person, export_person, purge_expired


class Command(BaseCommand):
    help = "Dữ liệu cá nhân của hộ: xuất (export), xoá theo yêu cầu (erase), xoá khi hết hạn lưu trữ (purge)."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="In ra JSON mọi dữ liệu về một hộ")
        export.add_argument("code")
        erase = sub.add_parser("erase", help="Xoá dữ liệu cá nhân của một hộ")
        erase.add_argument("code")
        erase.add_argument("--reason", required=True)
        sub.add_parser("purge", help="Xoá dữ liệu cá nhân các hộ đã quá thời hạn lưu trữ")

    def handle(self, *args, **options):
        if options["action"] == "purge":
            erased = purge_expired()
            self.stdout.write(f"Đã xoá dữ liệu cá nhân của {len(erased)} hộ quá thời hạn lưu trữ.")
            return
        household = Household.objects.filter(code=options["code"]).first()
        if household is None:
            raise CommandError(f"Không có hộ mã {options['code']}")
        if options["action"] == "export":
            self.stdout.write(json.dumps(export_person(household), ensure_ascii=False, indent=1))
            return
        try:
            erase_person(actor=None, household=household, reason=options["reason"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(f"Đã xoá dữ liệu cá nhân của hộ {household.code}.")
