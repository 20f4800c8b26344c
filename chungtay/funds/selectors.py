"""Reads of the ledger for pages: every figure for any subtree in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import QuerySet

from chungtay.core.access import visible_to
from chungtay.figures import funds as fund_figures

from .models import Disbursement, DisbursementStatus, Fund, Source, StatementLine


def funds_for(user, perm: str = "funds.view") -> QuerySet[Fund]:  # type: ignore[no-untyped-def]
    return visible_to(user, Fund.objects.select_related("unit"), perm, "unit__path")


def sources_for(user, perm: str = "funds.view") -> QuerySet[Source]:  # type: ignore[no-untyped-def]
    return visible_to(user, Source.objects.select_related("unit"), perm, "unit__path")


def monthly_series(unit, until: dt.date | None = None) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """Money in (receipts) and out (approved disbursements) per month, for the chart (kept figures);
    with `until`, the months up to that day's."""
    from chungtay.orgunits.models import OrgUnit
    from chungtay.reports import rollup

    rollup.ensure_fresh()
    unit_id = unit.pk or OrgUnit.objects.filter(path=unit.path).values_list("pk", flat=True).first()
    rows = rollup.month_money(unit_id) if unit_id else []
    if until is not None:
        rows = [r for r in rows if r["month"] <= until]
    return {
        "labels": [r["month"].strftime("%m/%Y") for r in rows],
        "received": [int(r["received"]) for r in rows],
        "disbursed": [int(r["disbursed"]) for r in rows],
    }


def household_money(household, *, as_of: dt.date | None = None) -> tuple[list[dict[str, Any]], Any]:  # type: ignore[no-untyped-def]
    """(rows by source, the totals) of one household's money as of `as_of` (today when not given):
    the catalogue's per-source figures and their totals (`household_planned`, … and
    `household_planned_state`, …), so the rows add up to the total row on every surface."""
    figures = fund_figures.for_household(household, as_of=as_of)
    return fund_figures.household_sources(figures), figures


QUEUE_BADGE_CAP = 999


def queue_counts(user) -> dict[str, int | bool]:  # type: ignore[no-untyped-def]
    """Vouchers waiting for approval and statement lines waiting for a match, in the user's funds.

    Counted up to QUEUE_BADGE_CAP ("999+"): a million-line statement waits in the queue until it is
    reconciled, and counting it on every visit of the overview took 160 ms."""
    pending = visible_to(
        user, Disbursement.objects.filter(status=DisbursementStatus.RECORDED), "funds.view", "fund__unit__path"
    )
    unmatched = visible_to(user, StatementLine.objects.filter(status="unmatched"), "funds.view", "fund__unit__path")
    counts: dict[str, int | bool] = {}
    for name, qs in (("pending_disbursements", pending), ("unmatched_lines", unmatched)):
        n = qs.order_by()[: QUEUE_BADGE_CAP + 1].count()
        counts[name], counts[f"{name}_more"] = min(n, QUEUE_BADGE_CAP), n > QUEUE_BADGE_CAP
    return counts
