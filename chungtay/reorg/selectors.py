"""Reads: reorganisations, their review lists, and where a household was."""

from __future__ import annotations

from django.db.models import QuerySet

from chungtay.orgunits.models import OrgUnit, SuccessionKind, UnitSuccession

from .models import Change, ChangeKind, HouseholdMove, Reorganisation


def reorganisations() -> QuerySet[Reorganisation]:
    return Reorganisation.objects.select_related("created_by")


def changes(reorg: Reorganisation, kind: str) -> QuerySet[Change]:
    return reorg.changes.filter(kind=kind).select_related("from_unit__parent", "to_unit__parent", "reviewed_by")


def change_counts(reorg: Reorganisation) -> list[tuple[str, int]]:
    found = {kind: 0 for kind in ChangeKind.values}
    for change in reorg.changes.values_list("kind", flat=True):
        found[change] += 1
    return [(str(ChangeKind(kind).label), n) for kind, n in found.items()]


def moves_of(household) -> list[HouseholdMove]:
    """Where the household was before: its moves, latest first (the old address is shown)."""
    return list(
        HouseholdMove.objects.filter(household=household)
        .select_related("from_area__parent", "to_area__parent", "reorganisation")
        .order_by("-moved_on", "-pk")
    )


def predecessors(unit: OrgUnit) -> list[OrgUnit]:
    """The old units whose history is `unit`'s, none nested in another: the units it took over whole,
    and for an old unit split between new ones, only the parts (areas) that came to `unit`."""
    found: list[OrgUnit] = []
    for succession in UnitSuccession.objects.filter(successor=unit).select_related("predecessor"):
        if succession.kind != SuccessionKind.SPLIT:
            found.append(succession.predecessor)
    if UnitSuccession.objects.filter(successor=unit, kind=SuccessionKind.SPLIT).exists():
        for child in unit.children_set.all():
            found += predecessors(child)
    found.sort(key=lambda u: u.path)
    top: list[OrgUnit] = []
    for old in found:
        if not any(old.path.startswith(t.path) for t in top):
            top.append(old)
    return top
