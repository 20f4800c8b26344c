"""Reads of the ledger for pages: every figure for any subtree in a constant number of queries."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from chungtay.core.access import scope_q, visible_to
from chungtay.housing.models import FundingSource, Household
from chungtay.orgunits.models import OrgUnit
from chungtay.tallies import catalogue, rollup

from .models import (
    Account,
    Disbursement,
    DisbursementStatus,
    Fund,
    Funding,
    JournalEntry,
    JournalLine,
    Receipt,
    Source,
    StatementLine,
)


def funds_for(user, perm: str = "funds.view") -> QuerySet[Fund]:
    return visible_to(user, Fund.objects.select_related("unit"), perm, "unit__path")


def sources_for(user, perm: str = "funds.view") -> QuerySet[Source]:
    return visible_to(user, Source.objects.select_related("unit"), perm, "unit__path")


def latest_entries(fund: Fund, limit: int = 30) -> list[JournalEntry]:
    """The fund's last `limit` ledger entries, newest first, read from the fund's own lines.

    An entry's id and its `seq` are both taken under the ledger head's lock (ledger.post), so the
    highest entry ids of the fund's lines are its latest entries. Asked as one query (entries whose
    lines are the fund's, by seq) PostgreSQL walked the whole ledger newest first until 30 came up, or
    hashed all 540,000 entries: 0.4–0.8 s for a province's fund; this reads only the fund's lines (issue 22)."""
    accounts = list(Account.objects.filter(fund=fund).values_list("pk", flat=True))
    ids: list[int] = []
    # An entry has a line or two in one fund (an allocation moves money between two of its accounts).
    for entry_id in (
        JournalLine.objects.filter(account_id__in=accounts)
        .order_by("-entry_id")
        .values_list("entry_id", flat=True)[: limit * 4]
    ):
        if entry_id not in ids:
            ids.append(entry_id)
    entries = JournalEntry.objects.filter(pk__in=ids[:limit]).select_related("maker", "checker", "unit")
    return list(entries.order_by("-seq"))


def monthly_series(unit, until: dt.date | None = None) -> dict[str, list]:
    """Money in (receipts) and out (approved disbursements) per month, for the chart (kept figures);
    with `until`, the months up to that day's."""
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


def household_money(household, *, as_of: dt.date | None = None) -> tuple[list[dict[str, Any]], Any]:
    """(rows by source, the totals) of one household's money as of `as_of` (today when not given):
    the catalogue's per-source figures and their totals (`household_planned`, … and
    `household_planned_state`, …), so the rows add up to the total row on every surface."""
    figures = catalogue.for_items([household], as_of=as_of)[household.pk]
    return household_sources(figures), figures


# A household's money by source (figures.funds declares them): every total, and the same restricted to
# each source, in the order every surface lists the sources (housing.FundingSource).
HOUSEHOLD_TOTALS = (("planned", "household_planned"), ("allocated", "household_allocated"),
                    ("received", "household_received"))  # fmt: skip


def household_sources(figures: catalogue.FigureSet) -> list[dict[str, Any]]:
    """The rows of a household's money table: one per source with any money, each the catalogue's
    per-source figures (planned, allocated, received) and the names they are published under."""
    labels = dict(FundingSource.choices)
    rows = []
    for source in FundingSource.values:
        names = {key: catalogue.narrowed(total, source) for key, total in HOUSEHOLD_TOTALS}
        values = {key: figures[name] for key, name in names.items()}
        if any(values.values()):
            rows.append({"source": source, "source_label": str(labels[source]), **values, "names": names})
    return rows


QUEUE_BADGE_CAP = 999


def queue_counts(user) -> dict[str, int | bool]:
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


def _payments_by_household(household_ids: set[int]) -> dict[int, list[Disbursement]]:
    paid: dict[int, list[Disbursement]] = {}
    rows = Disbursement.objects.filter(household_id__in=household_ids, status=DisbursementStatus.APPROVED)
    for d in rows.select_related("fund", "source", "verified_update").order_by("date", "pk"):
        paid.setdefault(d.household_id, []).append(d)
    return paid


def receipt_trace(receipt: Receipt) -> list[dict[str, Any]]:
    """Where a receipt's money went: each piece to an allocation (household, its approved payments)
    or to a transfer, followed into the other fund's allocations (issue 17: fixed when allocated)."""
    pieces = list(
        Funding.objects.filter(receipt=receipt)
        .select_related("allocation__household__area", "allocation__fund", "transfer_out__to_fund", "released_by")
        .order_by("pk")
    )
    onward = Funding.objects.filter(transfer_in_id__in=[p.transfer_out_id for p in pieces if p.transfer_out_id])
    onward_by_transfer: dict[int, list[Funding]] = {}
    for f in onward.select_related("allocation__household__area", "allocation__fund").order_by("pk"):
        onward_by_transfer.setdefault(f.transfer_in_id, []).append(f)  # type: ignore[arg-type]
    households = {p.allocation.household_id for p in pieces if p.allocation is not None}
    households |= {
        f.allocation.household_id for fs in onward_by_transfer.values() for f in fs if f.allocation is not None
    }
    paid = _payments_by_household(households)
    rows = []
    for p in pieces:
        row: dict[str, Any] = {"piece": p, "released": p.released_by_id is not None, "onward": []}
        if p.allocation is not None:
            row["payments"] = [d for d in paid.get(p.allocation.household_id, []) if d.fund_id == p.allocation.fund_id]
        else:
            row["onward"] = [
                {"piece": f, "payments": [d for d in paid.get(f.allocation.household_id, []) if d.fund_id == f.fund_id]}
                for f in onward_by_transfer.get(p.transfer_out_id, [])  # type: ignore[arg-type]
                if f.allocation is not None
            ]
        rows.append(row)
    return rows


def household_receipts(household) -> list[dict[str, Any]]:
    """The receipts behind a household's allocations from funds: directly, or through a transfer into
    the fund (then the receipts of the fund the transfer came from)."""
    pieces = list(
        Funding.objects.filter(allocation__household=household, released_by__isnull=True)
        .select_related("allocation", "receipt__donor", "receipt__fund", "transfer_in__from_fund")
        .order_by("allocation__date", "pk")
    )
    behind = Funding.objects.filter(
        transfer_out_id__in=[p.transfer_in_id for p in pieces if p.transfer_in_id], released_by__isnull=True
    ).select_related("receipt__donor", "receipt__fund")
    by_transfer: dict[int, list[Funding]] = {}
    for f in behind.order_by("pk"):
        by_transfer.setdefault(f.transfer_out_id, []).append(f)  # type: ignore[arg-type]
    return [{"piece": p, "behind": by_transfer.get(p.transfer_in_id, []) if p.transfer_in_id else []} for p in pieces]


# Past this many vouchers in a status the scope is broad (a province's or district's office): most
# vouchers match it, and walking `disbursement_status_recent` newest first finds a page at once.
VOUCHER_IDS_LIMIT = 2000


def vouchers_for(user, status: str | None) -> QuerySet[Disbursement]:
    """The vouchers the user sees, in `status` if given, newest first: those of a fund or an outside
    source in the user's scope, and (ward staff) those of the user's households whichever fund above
    pays them.

    One query ORing the three scopes joins four tables and filters every voucher (a commune's 68 of
    16,596 approved vouchers at province: 171 ms, EXPLAIN ANALYZE). Instead each scope is its own
    index-served part (fund, source, household: their foreign-key indexes), taken together with UNION
    ALL up to VOUCHER_IDS_LIMIT ids (0.3 ms for the commune); the page and its count then read those
    ids by primary key. A broader scope keeps the one query, walked newest first on the status index.
    """
    qs = Disbursement.objects.select_related("household", "fund", "source", "recorded_by", "decided_by")
    base = Disbursement.objects.order_by()
    if status is not None:
        qs, base = qs.filter(status=status), base.filter(status=status)
    by_fund = scope_q(user, "funds.view", "unit__path")
    by_area = scope_q(user, "funds.view", "area__path")
    if by_fund is None or by_area is None:
        return qs.order_by("-recorded_at")
    parts = (
        base.filter(fund__in=Fund.objects.filter(by_fund).values("pk")).values_list("pk", flat=True),
        base.filter(source__in=Source.objects.filter(by_fund).values("pk")).values_list("pk", flat=True),
        base.filter(household__in=Household.objects.filter(by_area).values("pk")).values_list("pk", flat=True),
    )
    ids = set(parts[0].union(parts[1], parts[2], all=True)[: VOUCHER_IDS_LIMIT + 1])
    if len(ids) <= VOUCHER_IDS_LIMIT:
        return qs.filter(pk__in=sorted(ids)).order_by("-recorded_at")
    by_scope = Q()
    for path in ("fund__unit__path", "source__unit__path", "household__area__path"):
        by_scope |= scope_q(user, "funds.view", path) or Q()
    return qs.filter(by_scope).order_by("-recorded_at")
