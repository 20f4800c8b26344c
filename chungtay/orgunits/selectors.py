"""Reads of the hierarchy. A subtree is one indexed `path LIKE 'prefix%'` query."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum

from chungtay.core import dates
from chungtay.core.access import visible_to
from chungtay.core.text import fold

from .models import Level, Membership, OrgUnit

if TYPE_CHECKING:  # accounts sits above orgunits (docs/architecture.md): the user's type only
    from chungtay.accounts.models import User


def subtree(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def active_on(qs: QuerySet[OrgUnit], day: dt.date | None = None) -> QuerySet[OrgUnit]:
    """The units in force on `day` (today when not given): opened on or before it, not ended before it
    (`valid_to` is a unit's last day). "In force" is always this, never `valid_to IS NULL`, which is
    wrong for any other day and for units not yet open (a reorganisation committed ahead of its date)."""
    day = day or dates.today()
    return qs.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def units_for(user: User, perm: str = "units.view") -> QuerySet[OrgUnit]:
    return visible_to(user, OrgUnit.objects.all(), perm)


def top_units_for(user: User, *, on: dt.date | None = None) -> list[OrgUnit]:
    """The highest units the user works from on a day (today when not given): their membership units
    in force that day, nested ones dropped. After a reorganisation a person keeps the role on their
    old unit to read its history: it is their top unit for a day before it, the new unit after.
    A day on which none of their units was in force (an officer appointed on the new map, asking
    about 2024) gives today's units."""
    day = on or dates.today()
    if user.is_superuser:
        return list(active_on(OrgUnit.objects.filter(depth=1), day).order_by("name"))
    memberships = Membership.objects.filter(user=user).select_related("unit")
    units = sorted({m.unit for m in memberships if m.unit.is_active_on(day)}, key=lambda u: u.path)
    if not units and day != dates.today():
        return top_units_for(user)
    top: list[OrgUnit] = []
    for unit in units:
        if not any(unit.path.startswith(t.path) for t in top):
            top.append(unit)
    return top


# A unit with more children than this lists the first ones and points to the search: a page stays
# bounded whatever an import puts under one unit (the largest lists today are ~60 provinces).
CHILDREN_SHOWN = 200


def day_in_force(unit: OrgUnit, day: dt.date | None = None) -> dt.date:
    """The day to show `unit` on: `day` (today when not given), brought inside the unit's own dates —
    an ended unit is shown as on its last day, one not yet opened as on its first."""
    day = day or dates.today()
    if unit.valid_to is not None and day > unit.valid_to:
        return unit.valid_to
    return max(day, unit.valid_from)


def children_on(unit: OrgUnit, day: dt.date | None = None) -> QuerySet[OrgUnit]:
    """The unit's children in force on `day` (by default the day `day_in_force` gives: today, or an
    ended unit's last day), in the order the pages and tables list them."""
    return active_on(unit.children_set.all(), day or day_in_force(unit)).order_by("kind", "name")


def children_with_counts(unit: OrgUnit, *, on: dt.date | None = None) -> tuple[list[OrgUnit], int]:
    """The unit's first `CHILDREN_SHOWN` children in force (`children_on`), each with `n_children`
    (treebeard's `numchild`, kept on every insert), and how many more are in force: one indexed
    query, and a count only past the cut (`numchild` counts ended children too)."""
    children = list(children_on(unit, on)[:CHILDREN_SHOWN])
    for child in children:
        child.n_children = child.numchild
    more = children_on(unit, on).count() - len(children) if len(children) == CHILDREN_SHOWN else 0
    return children, more


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """From the root down to the parent, in one query (every prefix of the path)."""
    step = OrgUnit.steplen
    prefixes = [unit.path[: i * step] for i in range(1, unit.depth)]
    return list(OrgUnit.objects.filter(path__in=prefixes).order_by("depth"))


def level_counts(unit: OrgUnit) -> dict[int, int]:
    """How many units of each level are below `unit`, reading only the units that can have children.

    Areas (the last level, nine units in ten) have no children, so they are never read: every unit
    below `unit` is the child of a unit above the area level in the subtree, hence the number of
    areas is the sum of those units' `numchild` less the non-area units below `unit`."""
    # treebeard orders every queryset by path; without clearing it, GROUP BY would include path.
    rows = (
        subtree(unit)
        .filter(level__lt=Level.AREA)
        .order_by()
        .values("level")
        .annotate(n=Count("id"), children=Sum("numchild"))
    )
    counts: dict[int, int] = {}
    children = 0
    for row in rows:
        children += row["children"] or 0
        n = row["n"] - (1 if row["level"] == unit.level else 0)  # not the unit itself
        if n:
            counts[row["level"]] = n
    areas = children - sum(counts.values())
    if areas:
        counts[int(Level.AREA)] = areas
    return counts


def search_units(user: User, query: str, *, limit: int = 30) -> QuerySet[OrgUnit]:
    folded = fold(query)
    qs = units_for(user)
    if folded:
        qs = qs.filter(name_folded__contains=folded)
    return qs.order_by("depth", "name")[:limit]


def memberships_in(unit: OrgUnit) -> QuerySet[Membership]:
    return Membership.objects.filter(unit=unit).select_related("user").order_by("role", "user__username")


def area_units(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return subtree(unit).filter(level=Level.AREA)
