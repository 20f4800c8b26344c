"""Reads of the ledger for pages: every figure for any subtree in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Case, CharField, Count, Q, QuerySet, Sum, Value, When
from django.db.models.functions import TruncMonth

from chungtay.core.access import visible_to

from .models import Account, AccountKind, Disbursement, DisbursementStatus, Fund, Receipt, Source, StatementLine


def funds_for(user, perm: str = "funds.view") -> QuerySet[Fund]:  # type: ignore[no-untyped-def]
    return visible_to(user, Fund.objects.select_related("unit"), perm, "unit__path")


def sources_for(user, perm: str = "funds.view") -> QuerySet[Source]:  # type: ignore[no-untyped-def]
    return visible_to(user, Source.objects.select_related("unit"), perm, "unit__path")


def fund_figures(funds: list[Fund]) -> dict[int, dict[str, int]]:
    """Per fund: received, cash (unallocated), allocated (outstanding), disbursed, fees — one query."""
    figures: dict[int, dict[str, int]] = {f.pk: defaultdict(int) for f in funds}  # type: ignore[misc]
    rows = Account.objects.filter(fund__in=funds).values("fund_id", "kind").annotate(total=Sum("balance"))
    for row in rows:
        figures[row["fund_id"]][row["kind"]] += row["total"] or 0
    for fig in figures.values():
        fig["received"] = -fig.get(AccountKind.DONATIONS, 0)
    return figures


def subtree_summary(unit) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """Mobilised, allocated, disbursed and balance for a unit and everything below it."""
    origin = Case(When(source__isnull=True, then=Value("fund")), default=Value("source"), output_field=CharField())
    rows = (
        Account.objects.filter(unit__path__startswith=unit.path)
        .annotate(origin=origin)
        .values("kind", "origin")
        .annotate(total=Sum("balance"))
    )
    by: defaultdict[tuple[str, str], int] = defaultdict(int)
    for row in rows:
        by[(row["kind"], row["origin"])] += row["total"] or 0
    summary = {
        "mobilised": -by[(AccountKind.DONATIONS, "fund")],
        "balance": by[(AccountKind.FUND_CASH, "fund")],
        "allocated_open": by[(AccountKind.ALLOCATION, "fund")],
        "disbursed": by[(AccountKind.DISBURSED, "fund")],
        "fees": by[(AccountKind.FEES, "fund")],
        "source_committed": -by[(AccountKind.SOURCE, "source")],
        "source_disbursed": by[(AccountKind.DISBURSED, "source")],
    }
    summary["allocated"] = summary["allocated_open"] + summary["disbursed"]
    return summary


def monthly_series(unit) -> dict[str, list]:  # type: ignore[no-untyped-def]
    """Money in (receipts) and out (approved disbursements) per month, for the chart."""
    received = (
        Receipt.objects.filter(fund__unit__path__startswith=unit.path)
        .annotate(month=TruncMonth("received_on"))
        .values("month")
        .annotate(total=Sum("amount"))
    )
    paid = (
        Disbursement.objects.filter(
            Q(fund__unit__path__startswith=unit.path) | Q(source__unit__path__startswith=unit.path),
            status=DisbursementStatus.APPROVED,
        )
        .annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(total=Sum("amount"))
    )
    months = sorted({r["month"] for r in received} | {r["month"] for r in paid})
    r_map = {r["month"]: r["total"] for r in received}
    p_map = {r["month"]: r["total"] for r in paid}
    return {
        "labels": [m.strftime("%m/%Y") for m in months],
        "received": [int(r_map.get(m) or 0) for m in months],
        "disbursed": [int(p_map.get(m) or 0) for m in months],
    }


def household_money(household) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    """Planned vs allocated vs disbursed, by source, for one household (two queries)."""
    from chungtay.housing.models import FundingSource

    planned = {line.source: line.amount for line in household.funding_lines.all()}
    actual: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for account in Account.objects.filter(household=household).select_related("source"):
        key = "front_fund" if account.fund_id else account.source.kind  # type: ignore[union-attr]
        if account.kind == AccountKind.ALLOCATION:
            actual[key]["allocated"] += account.balance
        elif account.kind == AccountKind.DISBURSED:
            actual[key]["allocated"] += account.balance
            actual[key]["disbursed"] += account.balance
    rows = []
    for value, label in FundingSource.choices:
        planned_amount = int(planned.get(value, 0))
        row = {
            "source": label,
            "planned": planned_amount,
            "allocated": actual[value]["allocated"],
            "disbursed": actual[value]["disbursed"],
        }
        if any(row[k] for k in ("planned", "allocated", "disbursed")):
            rows.append(row)
    return rows


def queue_counts(funds: list[Fund]) -> dict[str, int]:
    pending = Disbursement.objects.filter(Q(fund__in=funds), status=DisbursementStatus.RECORDED).count()
    unmatched = StatementLine.objects.filter(fund__in=funds, status="unmatched").aggregate(n=Count("id"))["n"]
    return {"pending_disbursements": pending, "unmatched_lines": unmatched}
