"""`{% in_kind_household h %}`: a household's in-kind help on the staff household page;
`{% in_kind_public household_id as_of %}`: the public summary (no private data, private givers unnamed).
Other apps' pages include these tags, so they never import members; the tags live here, above both
members and the in-kind figures they show (docs/architecture.md)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

from chungtay.core.access import has_perm
from chungtay.figures import in_kind as in_kind_figures
from chungtay.housing.models import Household, Status
from chungtay.members import selectors, services

register = template.Library()


@register.inclusion_tag("members/_household_in_kind.html", takes_context=True)
def in_kind_household(context: template.Context, household: Household) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    may_record = user is not None and has_perm(user, services.RECORD_PERM, household.area)
    return {
        "h": household,
        "rows": list(selectors.household_contributions(household)),
        "figures": in_kind_figures.for_household(household),
        "can_record": may_record and household.status != Status.WITHDRAWN,
        "can_delete": may_record,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("members/_public_in_kind.html")
def in_kind_public(household_id: int, as_of: dt.date) -> dict[str, Any]:
    return {
        "household_id": household_id,
        "rows": selectors.public_household_contributions(household_id, as_of=as_of),
        "figures": in_kind_figures.for_household(Household(pk=household_id), as_of=as_of),
    }
