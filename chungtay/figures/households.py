"""Each household's stage on a day, by the catalogue's definition of the house figures.

The house figures (`houses_planned`, `houses_completed`, …) count households by the furthest stage
their dated progress updates had reached by the day (`definitions.STAGE_RANK`), among those decided
by then and not yet withdrawn. The map, the public household page and the household list show one
household's stage on a day: they take it from here, so the points on a map add up to the figures
beside it for any day.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, TypedDict

from django.db.models import BooleanField, Case, CharField, IntegerField, OuterRef, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from chungtay.core import dates
from chungtay.housing.models import Household, ProgressUpdate, Status

from .definitions import STAGE_RANK, _withdrawn_by
from .placement import AREA_PATH_THEN, area_path_on

# The status a household had on a day, from the furthest stage it had reached (0: none yet).
RANK_STATUS = {0: Status.APPROVED, 1: Status.STARTED, 2: Status.BUILDING, 3: Status.COMPLETED, 4: Status.HANDED_OVER}
BEFORE_START = (Status.APPROVED, Status.SURVEYED)  # not dated: a household not started keeps the one it has


class StageOn(TypedDict):
    """What with_stage_on adds to each household."""

    reached: int
    gone: bool
    status_on: str


if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    HouseholdOnDay = WithAnnotations[Household, StageOn]


def in_subtree_on(path: str, day: dt.date) -> QuerySet[Household]:
    """The households under the unit of `path` on `day`: a reorganisation moves households, and the
    figures of a day count each under the area it belonged to then (figures.placement)."""
    return Household.objects.annotate(**{AREA_PATH_THEN: area_path_on(day)}).filter(
        **{f"{AREA_PATH_THEN}__startswith": path}
    )


def with_stage_on(qs: QuerySet[Household], day: dt.date) -> QuerySet[HouseholdOnDay]:
    """`qs` narrowed to the households decided by `day`, each annotated with `reached` (the rank of
    its furthest stage by then), `gone` (withdrawn by then) and `status_on` (its status that day)."""
    reached = Subquery(
        ProgressUpdate.objects.filter(household=OuterRef("pk"), date__lte=day)
        .annotate(rank=STAGE_RANK)
        .order_by("-rank")
        .values("rank")[:1],
        output_field=IntegerField(),
    )
    return (
        qs.filter(decision_date__lte=day)
        .annotate(reached=Coalesce(reached, Value(0)))
        .annotate(
            gone=Case(When(_withdrawn_by(day), then=Value(True)), default=Value(False), output_field=BooleanField())
        )
        .annotate(
            status_on=Case(
                When(gone=True, then=Value(Status.WITHDRAWN.value)),
                *(When(reached=rank, then=Value(status.value)) for rank, status in RANK_STATUS.items() if rank),
                When(status__in=BEFORE_START, then="status"),
                default=Value(Status.APPROVED.value),
                output_field=CharField(),
            )
        )
    )


def status_on(household_id: int, day: dt.date | None = None) -> str | None:
    """The household's status on `day` (today when not given); None when it was not yet on the list."""
    day = day or dates.today()
    row = with_stage_on(Household.objects.filter(pk=household_id), day).values("status_on").first()
    return row["status_on"] if row else None
