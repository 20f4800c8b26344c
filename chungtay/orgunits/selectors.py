"""Reads of the hierarchy. A subtree is one indexed `path LIKE 'prefix%'` query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet, Sum

from chungtay.accounts.models import User
from chungtay.core.access import visible_to
from chungtay.core.text import fold

from .models import Level, Membership, OrgUnit


def subtree(unit: OrgUnit, *, include_self: bool = True) -> QuerySet[OrgUnit]:
    qs = OrgUnit.objects.filter(path__startswith=unit.path)
    return qs if include_self else qs.exclude(pk=unit.pk)


def active_on(qs: QuerySet[OrgUnit], day: dt.date) -> QuerySet[OrgUnit]:
    return qs.filter(Q(valid_from__lte=day), Q(valid_to__isnull=True) | Q(valid_to__gte=day))


def units_for(user: User, perm: str = "units.view") -> QuerySet[OrgUnit]:
    return visible_to(user, OrgUnit.objects.all(), perm)


def top_units_for(user: User) -> list[OrgUnit]:
    """The highest units the user can see: their own membership units, nested ones dropped."""
    if user.is_superuser:
        return list(OrgUnit.objects.filter(depth=1).order_by("name"))
    units = sorted({m.unit for m in Membership.objects.filter(user=user).select_related("unit")}, key=lambda u: u.path)
    top: list[OrgUnit] = []
    for unit in units:
        if not any(unit.path.startswith(t.path) for t in top):
            top.append(unit)
    return top


# A unit with more children than this lists the first ones and points to the search: a page stays
# bounded whatever an import puts under one unit (the largest lists today are ~60 provinces).
CHILDREN_SHOWN = 200


def children_with_counts(unit: OrgUnit) -> list[OrgUnit]:
    """The unit's first `CHILDREN_SHOWN` children, each with `n_children` (treebeard's `numchild`,
    kept on every insert): one indexed query, no counting."""
    children = list(unit.children_set.order_by("kind", "name")[:CHILDREN_SHOWN])
    for child in children:
        child.n_children = child.numchild
    return children


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
