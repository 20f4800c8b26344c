"""A unit's own houses and progress, for the kept subtree figures (tallies.rollup).

The kept figures sit below this app and cannot read its tables: the rollup adds each unit's own rows
given here to its children's subtree rows. Registered when the app is ready (HousingConfig.ready).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce, TruncMonth

from chungtay.tallies import rollup

from .models import DONE_STATUSES, STARTED_STATUSES, FundingPlanLine, Household, ProgressUpdate, Stage, Status


def own_houses(chunk: list[int]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """{(area id, phase year): rollup.HOUSE_FIELDS} of the households of the given areas."""
    live = ~Q(status=Status.WITHDRAWN)
    located = live & Q(lat__isnull=False, lon__isnull=False)
    rows: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(dict)
    own = (
        Household.objects.filter(area_id__in=chunk)
        .values("area_id", "phase_year")
        .annotate(
            planned=Count("id", filter=live),
            not_started=Count("id", filter=Q(status__in=[Status.APPROVED, Status.SURVEYED])),
            started=Count("id", filter=Q(status__in=STARTED_STATUSES)),
            building=Count("id", filter=Q(status__in=[Status.STARTED, Status.BUILDING])),
            completed=Count("id", filter=Q(status__in=DONE_STATUSES)),
            handed_over=Count("id", filter=Q(status=Status.HANDED_OVER)),
            withdrawn=Count("id", filter=Q(status=Status.WITHDRAWN)),
            amount=Coalesce(Sum("state_support", filter=live), 0),
            amount_done=Coalesce(Sum("state_support", filter=Q(status__in=DONE_STATUSES)), 0),
            located=Count("id", filter=located),
            lat_sum=Sum("lat", filter=located),
            lon_sum=Sum("lon", filter=located),
        )
        .order_by()
    )
    for r in own:
        r["lat_sum"], r["lon_sum"] = float(r["lat_sum"] or 0), float(r["lon_sum"] or 0)
        rows[(r["area_id"], r["phase_year"])].update({n: r[n] for n in rollup.HOUSE_FIELDS if n in r})
    plans = (
        FundingPlanLine.objects.filter(household__area_id__in=chunk)
        .exclude(household__status=Status.WITHDRAWN)
        .values("household__area_id", "household__phase_year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for r in plans:
        row = rows[(r["household__area_id"], r["household__phase_year"])]
        row["plan_amount"] = row.get("plan_amount", 0) + (r["total"] or 0)
    return rows


def own_progress(chunk: list[int]) -> dict[tuple[Any, ...], dict[str, Any]]:
    """{(area id, first day of the month): rollup.PROGRESS_FIELDS}: the households of the given areas that
    started or were completed in each month (distinct households, withdrawn ones left out)."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = defaultdict(dict)
    own = (
        ProgressUpdate.objects.filter(household__area_id__in=chunk, stage__in=[Stage.START, Stage.COMPLETED])
        .exclude(household__status=Status.WITHDRAWN)
        .annotate(month=TruncMonth("date"))
        .values("household__area_id", "month", "stage")
        .annotate(n=Count("household", distinct=True))
        .order_by()
    )
    for r in own:
        name = "started" if r["stage"] == Stage.START else "completed"
        month: dt.date = rollup.as_date(r["month"])
        row = rows[(r["household__area_id"], month)]
        row[name] = row.get(name, 0) + r["n"]
    return rows


rollup.provide(houses=own_houses, progress=own_progress)
