"""Reads of the hierarchy. A subtree is one indexed `path LIKE 'prefix%'` query."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet

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


def children_with_counts(unit: OrgUnit) -> QuerySet[OrgUnit]:
    return unit.children_set.annotate(n_children=Count("children_set")).order_by("kind", "name")


def ancestors(unit: OrgUnit) -> list[OrgUnit]:
    """From the root down to the parent, in one query (every prefix of the path)."""
    step = OrgUnit.steplen
    prefixes = [unit.path[: i * step] for i in range(1, unit.depth)]
    return list(OrgUnit.objects.filter(path__in=prefixes).order_by("depth"))


def level_counts(unit: OrgUnit) -> dict[int, int]:
    # treebeard orders every queryset by path; without clearing it, GROUP BY would include path.
    rows = subtree(unit, include_self=False).order_by().values("level").annotate(n=Count("id"))
    return {row["level"]: row["n"] for row in rows}


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
