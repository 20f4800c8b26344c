"""Reads of member organisations' participation and of in-kind contributions, scoped to the user."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, QuerySet

from chungtay.campaigns.models import Activity, Movement
from chungtay.core.access import visible_to
from chungtay.orgunits.models import MemberOrganisation

from .models import GiverKind, InKindContribution, MemberOrgRegistration


def contributions_for(user: Any, *, unit: Any = None) -> QuerySet[InKindContribution]:
    """Contributions the user may see (their subtrees), optionally within one unit's subtree."""
    qs = InKindContribution.objects.select_related(
        "unit__parent", "household", "household__area", "member_org", "movement"
    )
    qs = visible_to(user, qs, "housing.view", "unit__path")
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    return qs.order_by("-given_on", "-pk")


def household_contributions(household: Any) -> QuerySet[InKindContribution]:
    return household.in_kind_contributions.select_related("member_org", "evidence").order_by("given_on", "pk")


@dataclass(frozen=True)
class PublicInKind:
    """One contribution as the public sees it: what, how much, when, and who gave only when it is an
    organisation of the Front (a private donor or a resident is not named)."""

    kind_label: str
    description: str
    quantity: Any
    measure: str
    value: int
    given_on: dt.date
    giver: str


def public_household_contributions(household_id: int, *, as_of: dt.date) -> list[PublicInKind]:
    rows = InKindContribution.objects.filter(household_id=household_id, given_on__lte=as_of).select_related(
        "member_org"
    )
    return [
        PublicInKind(
            kind_label=str(c.get_kind_display()),
            description=c.description,
            quantity=c.quantity,
            measure=c.measure,
            value=c.value,
            given_on=c.given_on,
            giver=c.member_org.name if c.member_org_id else str(GiverKind(c.giver_kind).label),  # type: ignore[union-attr]
        )
        for c in rows.order_by("given_on", "pk")
    ]


def member_orgs_for(user: Any, perm: str = "movement.view") -> QuerySet[MemberOrganisation]:
    qs = MemberOrganisation.objects.select_related("unit")
    return visible_to(user, qs, perm, "unit__path").order_by("unit__path", "kind", "name")


def movement_member_orgs(user: Any, movement: Movement) -> list[dict[str, Any]]:
    """The member organisations of the movement's subtree the user may see, each with its registration,
    the number of the movement's activities it held, and whether its unit takes part (so it can record them)."""
    orgs = member_orgs_for(user).filter(unit__path__startswith=movement.issuing_unit.path)
    regs = {r.member_org_id: r for r in MemberOrgRegistration.objects.filter(movement=movement, member_org__in=orgs)}
    held = Activity.objects.filter(movement=movement, member_org__in=orgs).values("member_org")
    counts = dict(held.annotate(n=Count("id")).values_list("member_org", "n").order_by())
    taking_part = set(movement.participations.values_list("unit_id", flat=True))
    return [
        {"org": o, "registration": regs.get(o.pk), "activities": counts.get(o.pk, 0),
         "unit_takes_part": o.unit_id in taking_part}
        for o in orgs
    ]  # fmt: skip


def registrations_for(user: Any, movement: Movement) -> QuerySet[MemberOrgRegistration]:
    qs = MemberOrgRegistration.objects.filter(movement=movement).select_related("member_org", "member_org__unit")
    return visible_to(user, qs, "movement.view", "member_org__unit__path")
