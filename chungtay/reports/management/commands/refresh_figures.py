"""`manage.py refresh_figures [--all | --verify]`: the kept subtree figures of the dashboards.

Without options: recompute the units marked stale (what the background task does after each write).
--all: recompute every unit (after loading data around the application, e.g. a bulk COPY).
--verify: compare the kept figures with a full recomputation and list the differences (exit 1 if any).
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chungtay.reports import rollup


class Command(BaseCommand):
    help = "Cập nhật số liệu tổng hợp theo cây đơn vị (bảng điều khiển)."

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="tính lại cho mọi đơn vị")
        group.add_argument("--verify", action="store_true", help="so với tính lại toàn bộ, báo chỗ khác")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["verify"]:
            problems = rollup.verify()
            for problem in problems[:50]:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} số liệu tổng hợp khác khi tính lại; chạy refresh_figures --all.")
            self.stdout.write(f"Số liệu tổng hợp khớp ({time.perf_counter() - started:.1f} giây).")
            return
        if options["all"]:
            n = rollup.rebuild()
            self.stdout.write(f"Đã tính lại số liệu của {n} đơn vị ({time.perf_counter() - started:.1f} giây).")
        else:
            n = rollup.refresh_pending()
            self.stdout.write(f"Đã cập nhật {n} đơn vị có thay đổi ({time.perf_counter() - started:.1f} giây).")
