"""Which area a household belonged to on a day (issue 24: reorganisations move households).

A household's `area` is where it is now; each move (reorg.HouseholdMove) keeps the area it left.
On a day before a move the household was in that move's `from_area`: the first move after the day
says where it was, and with no move after the day it was where it is now. Figures as of a day group
households by this path, so a report of 2024 counts them under the 2024 units.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import BigIntegerField, CharField, F, OuterRef, Subquery
from django.db.models.expressions import BaseExpression
from django.db.models.functions import Coalesce

from chungtay.reorg.models import HouseholdMove

AREA_PATH_THEN = "area_path_then"


def area_path_on(day: dt.date, household: str = "pk", current: str | BaseExpression = "area__path") -> Coalesce:
    """The path of the household's area on `day`; `household` and `current` are the row's lookups
    to the household id and to its area's path now (or an expression giving that path)."""
    left = (
        HouseholdMove.objects.filter(household=OuterRef(household), moved_on__gt=day)
        .order_by("moved_on", "pk")
        .values("from_area__path")[:1]
    )
    now = F(current) if isinstance(current, str) else current
    return Coalesce(Subquery(left, output_field=CharField()), now, output_field=CharField())


def area_id_on(day: dt.date) -> Coalesce:
    """The id of the household's area on `day` (for lists that name the area of that day)."""
    left = (
        HouseholdMove.objects.filter(household=OuterRef("pk"), moved_on__gt=day)
        .order_by("moved_on", "pk")
        .values("from_area_id")[:1]
    )
    return Coalesce(Subquery(left, output_field=BigIntegerField()), F("area_id"), output_field=BigIntegerField())
