"""A running movement on a bench database, for the follow-up pages (issue 22: timeliness, urging, sơ kết).

The generator (bench.generate) writes units, households and money but no movement, so /bao-cao/dung-han/,
the review reports and the overdue obligations of /bao-cao/don-doc/ show nothing at scale. This adds this
year's movement of the first province with every commune and residential area taking part: milestones
for communes (own plan, monthly report, self-assessment) and areas (own plan, quarterly report), their
obligations (obligations_generate, as at launch), outcomes drawn at random for those already due (75 %
done — a fifth of them late —, 5 % excused, the rest overdue) and 400 complaints, a third open past due.
Rows are written directly, as the generator does (no audit entries). Run it once on a copy:

    DATABASE_URL=postgres://…/ct_copy python -m bench.movement_data
"""

from __future__ import annotations

import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import transaction
    from django.utils import timezone

    from chungtay.campaigns.models import Milestone, Movement, MovementStatus, Obligation, Participation
    from chungtay.campaigns.services.participation import obligations_generate
    from chungtay.core import dates
    from chungtay.housing.models import Complaint
    from chungtay.orgunits.models import Level, OrgUnit

    started = time.perf_counter()
    rng = random.Random(22)
    today = dates.today()
    year = today.year
    province = OrgUnit.objects.filter(level=Level.PROVINCE).order_by("path").first()
    assert province is not None, "no province: generate a bench database first (python -m bench.run province)"
    if Movement.objects.filter(issuing_unit=province, symbol="01/KH-MTTQ-BTT").exists():
        print("the movement is already there")
        return
    with transaction.atomic():
        movement = Movement.objects.create(
            symbol="01/KH-MTTQ-BTT", issuing_unit=province, issued_on=dt.date(year, 2, 1),
            title=f"Phong trào thi đua năm {year}", starts_on=dt.date(year, 2, 1), ends_on=dt.date(year, 12, 31),
            review_month=dt.date(year, 12, 1), status=MovementStatus.UNDER_WAY, signer="Nguyễn Văn Bench",
        )  # fmt: skip
        units = OrgUnit.objects.filter(path__startswith=province.path, level__in=[Level.COMMUNE, Level.AREA])
        registered = timezone.make_aware(dt.datetime(year, 2, 20, 9))
        Participation.objects.bulk_create(
            [Participation(movement=movement, unit=u, level=u.level, registered_at=registered) for u in units],
            batch_size=1000,
        )
        for level, kind, due, recurrence, until, title in (
            (Level.COMMUNE, "own_plan", dt.date(year, 3, 15), "once", None, ""),
            (Level.COMMUNE, "progress_report", dt.date(year, 2, 25), "monthly", dt.date(year, 12, 25), ""),
            (Level.COMMUNE, "self_assessment", dt.date(year, 10, 31), "once", None, ""),
            (Level.AREA, "own_plan", dt.date(year, 3, 31), "once", None, ""),
            (Level.AREA, "progress_report", dt.date(year, 3, 31), "quarterly", dt.date(year, 12, 31), ""),
        ):
            Milestone.objects.create(
                movement=movement, kind=kind, level=level, due_on=due, recurrence=recurrence, until=until, title=title
            )
        made = obligations_generate(movement=movement)
        due = list(Obligation.objects.filter(milestone__movement=movement, due_on__lt=today))
        for o in due:
            draw = rng.random()
            if draw < 0.75:
                late_days = rng.randint(1, 20) if draw < 0.15 else -rng.randint(0, 5)
                day = min(o.due_on + dt.timedelta(days=late_days), today - dt.timedelta(days=1))
                o.fulfilled_at = timezone.make_aware(dt.datetime.combine(day, dt.time(15)))
            elif draw < 0.80:
                o.excused_reason = "Mưa bão, chia cắt"
        Obligation.objects.bulk_update(due, ["fulfilled_at", "excused_reason"], batch_size=1000)
        communes = list(OrgUnit.objects.filter(path__startswith=province.path, level=Level.COMMUNE))
        complaints = []
        for _ in range(400):
            unit = rng.choice(communes)
            received = today - dt.timedelta(days=rng.randint(1, 200))
            status = "received" if rng.random() < 0.4 else "resolved"
            complaint = Complaint(
                origin_unit=unit, unit=unit, kind="petition", concerns="unit", received_on=received,
                channel="letter", complainant_name="Người Gửi Đơn", content="Phản ánh việc bình xét hộ nghèo.",
                due_on=received + dt.timedelta(days=15), status=status,
                resolution="" if status == "received" else "Đã trả lời",
            )  # fmt: skip
            complaints.append(complaint)
        Complaint.objects.bulk_create(complaints, batch_size=1000)
    print(
        f"movement {movement.pk}: {units.count()} participants, {made} obligations ({len(due)} due by today), "
        f"{len(complaints)} complaints in {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
