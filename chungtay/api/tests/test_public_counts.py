"""The public receipt list of the API counts its receipts from the funds' tallies when nothing is
searched (a COUNT(*) over 5 million receipts took a second, issue 22)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient


def _counts_receipts(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and '"funds_receipt"' in q["sql"]
    ]


def test_the_public_receipt_list_takes_its_count_from_the_tallies(town_fund, give):
    for n, name in enumerate(["Lê Văn Một", "Trần Thị Hai", "Phạm Văn Ba"], start=1):
        give(town_fund, n * 1_000_000, name)
    client = APIClient()
    with CaptureQueriesContext(connection) as queries:
        data = client.get(reverse("api:public-receipt-list")).json()
    assert data["count"] == 3
    assert {row["donor"] for row in data["results"]} == {"Lê Văn Một", "Trần Thị Hai", "Phạm Văn Ba"}
    assert _counts_receipts(queries) == []


def test_a_searched_public_receipt_list_counts_what_it_found(town_fund, give):
    for name in ["Lê Văn Một", "Trần Thị Hai"]:
        give(town_fund, 1_000_000, name)
    data = APIClient().get(reverse("api:public-receipt-list"), {"q": "tran thi hai"}).json()
    assert data["count"] == 1
    assert [row["donor"] for row in data["results"]] == ["Trần Thị Hai"]
