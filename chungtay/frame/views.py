"""The signed-in home page: the person's units with their levels, their roles, the latest changes in
their scope."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from chungtay.core import audit
from chungtay.core.access import has_perm, user_permissions
from chungtay.core.types import AuthedRequest
from chungtay.core.views import scoped_entries
from chungtay.orgunits.selectors import level_counts, top_units_for


@login_required
def dashboard(request: AuthedRequest) -> HttpResponse:
    units = [(unit, level_counts(unit)) for unit in top_units_for(request.user)]
    memberships = request.user.memberships.select_related("unit__parent").order_by("unit__path")
    recent = None
    if has_perm(request.user, "audit.view"):
        recent = audit.prefetch_words(scoped_entries(request)[:8])
    return render(
        request,
        "core/dashboard.html",
        {
            "units": units,
            "memberships": memberships,
            "recent": recent,
            "perms": user_permissions(request.user),
        },
    )
