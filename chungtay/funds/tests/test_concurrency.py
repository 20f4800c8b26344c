"""Two disbursements at once cannot overdraw: row locks on PostgreSQL, checked with real threads."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from chungtay.core.errors import DomainError
from chungtay.funds.ledger import account_for, verify
from chungtay.funds.models import AccountKind, Disbursement
from chungtay.funds.services import allocation_record, disbursement_approve, disbursement_record

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row-lock concurrency needs PostgreSQL (TEST_DATABASE_URL)"
    ),
]
DAY = dt.date(2024, 6, 1)


def run_together(jobs):
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(i, job):
        try:
            barrier.wait()
            results[i] = job()
        except Exception as exc:  # the outcome is what we assert on
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_parallel_approvals_never_pay_more_than_was_allocated(people, tree, town_fund, give, make_household, verified):
    give(town_fund, 60_000_000)
    household = make_household(tree.area_a1)
    verified(household, "start")  # the programme pays a tranche only against a verified stage
    allocation_record(
        actor=people.town_office, household=household, fund=town_fund, amount=60_000_000, date=DAY, decision="QĐ 12"
    )
    vouchers = [
        disbursement_record(
            actor=people.town_office,
            household=household,
            fund=town_fund,
            amount=20_000_000,
            date=DAY,
            voucher_number=f"PC-{i}",
            stage="start",
        )
        for i in range(6)
    ]
    results = run_together([lambda v=v: disbursement_approve(actor=people.board, disbursement=v) for v in vouchers])
    approved = [r for r in results if isinstance(r, Disbursement)]
    refused = [r for r in results if isinstance(r, DomainError)]
    assert (len(approved), len(refused)) == (3, 3), results
    assert account_for(AccountKind.DISBURSED, fund=town_fund, household=household).balance == 60_000_000
    assert account_for(AccountKind.ALLOCATION, fund=town_fund, household=household).balance == 0
    assert verify() == []


def test_parallel_allocations_never_overdraw_a_fund(people, tree, town_fund, give, make_household):
    give(town_fund, 100_000_000)
    households = [make_household(tree.area_a1) for _ in range(5)]
    results = run_together(
        [
            lambda h=h: allocation_record(
                actor=people.town_office, household=h, fund=town_fund, amount=30_000_000, date=DAY, decision="QĐ 13"
            )
            for h in households
        ]
    )
    assert sum(not isinstance(r, Exception) for r in results) == 3
    assert account_for(AccountKind.FUND_CASH, fund=town_fund).balance == 10_000_000
    assert verify() == []
