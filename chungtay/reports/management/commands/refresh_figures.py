"""`manage.py refresh_figures [--all | --verify | --month-ends]`: the kept figures of the dashboards.

Without options: recompute the units marked stale (what the background task does after each write).
--all: recompute every unit (after loading data around the application, e.g. a bulk COPY); the kept
  month-ends are forgotten (they are computed again when asked for, or by --month-ends).
--verify: compare the kept figures and the kept month-ends with a recomputation from the rows and
  list the differences (exit 1 if any).
--month-ends: keep the last closed month's figures for every unit (nightly, after the 1st of a
  month at the latest), so that figures as of an earlier day read one month of rows at most.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from chungtay.reports import month_ends
from chungtay.tallies import rollup


class Command(BaseCommand):
    help = "Cập nhật số liệu tổng hợp theo cây đơn vị (bảng điều khiển)."

    def add_arguments(self, parser: Any) -> None:
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--all", action="store_true", help="tính lại cho mọi đơn vị")
        group.add_argument("--verify", action="store_true", help="so với tính lại toàn bộ, báo chỗ khác")
        group.add_argument(
            "--month-ends", action="store_true", help="lưu số liệu cuối tháng vừa qua cho mọi đơn vị (chạy hằng đêm)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.perf_counter()
        if options["verify"]:
            problems = rollup.verify() + month_ends.verify()
            for problem in problems[:50]:
                self.stdout.write(problem)
            if problems:
                raise CommandError(f"{len(problems)} số liệu tổng hợp khác khi tính lại; chạy refresh_figures --all.")
            self.stdout.write(f"Số liệu tổng hợp khớp ({time.perf_counter() - started:.1f} giây).")
            return
        if options["month_ends"]:
            n = month_ends.fill()
            day = rollup.last_closed_month_end()
            self.stdout.write(
                f"Đã lưu số liệu cuối tháng {day:%d/%m/%Y} của {n} đơn vị ({time.perf_counter() - started:.1f} giây)."
            )
        elif options["all"]:
            n = rollup.rebuild()
            self.stdout.write(f"Đã tính lại số liệu của {n} đơn vị ({time.perf_counter() - started:.1f} giây).")
        else:
            n = rollup.refresh_pending()
            self.stdout.write(f"Đã cập nhật {n} đơn vị có thay đổi ({time.perf_counter() - started:.1f} giây).")
