"""The API's receipt lists (public and staff) count through the funds' receipt tallies when nothing
picks rows, exactly otherwise, and page on by a keyset in their `next`/`previous` links (issue 22)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from rest_framework.test import APIClient

from chungtay.accounts.services import token_issue
from chungtay.api.pagination import ReceiptPagination
from chungtay.funds.models import FundKind, Receipt
from chungtay.funds.services import fund_create


@pytest.fixture(autouse=True)
def small_pages(monkeypatch):
    monkeypatch.setattr(ReceiptPagination, "page_size", 4)


def api_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user, second_factor=True)[1]}")
    return client


@pytest.fixture
def ledger(world, give, people, tree):
    """The world's receipts, 9 more over three days at the town, and 3 at commune A's own fund."""
    for i in range(9):
        give(world.fund, 1_000_000 * (i + 1), f"Người Ủng Hộ {i}", on=dt.date(2024, 7, 1 + i % 3))
    commune_fund = fund_create(
        actor=people.town_office,
        unit=tree.commune_a,
        kind=FundKind.FOR_THE_POOR,
        name="Quỹ Vì người nghèo phường Vĩnh Điện",
        code="vnn-vd",
        bank_name="Vietcombank",
        bank_bin="970436",
        account_number="0041000999999",
        account_name="UY BAN MTTQ PHUONG VINH DIEN",
    )
    for i in range(3):
        give(commune_fund, 500_000, f"Người Phường {i}", on=dt.date(2024, 7, 2))
    return commune_fund


def _counts_receipts(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper() and '"funds_receipt"' in q["sql"]
    ]


def _walk(client: APIClient, url: str, params: dict, link: str) -> list[dict]:
    pages = []
    while url:
        data = client.get(url, params).json()
        pages.append(data)
        url, params = data[link], {}
    return pages


@pytest.mark.parametrize("name", ["api:public-receipt-list", "api:receipt-list"])
def test_the_receipt_lists_page_forward_and_back_by_keyset_in_the_ledgers_order(ledger, people, name):
    client = api_for(people.town_office)
    forward = _walk(client, reverse(name), {}, "next")
    ids = [row["id"] for page in forward for row in page["results"]]
    assert ids == list(Receipt.objects.order_by("-received_on", "-id").values_list("id", flat=True))
    assert all("after=" in page["next"] for page in forward[:-1])
    back = _walk(client, forward[-1]["previous"], {}, "previous")
    assert [page["results"] for page in back] == [page["results"] for page in forward[-2::-1]]
    assert "before=" in forward[-1]["previous"] and "before=" not in forward[1]["previous"]


@pytest.mark.parametrize("name", ["api:public-receipt-list", "api:receipt-list"])
def test_the_receipt_lists_count_from_the_tallies_on_every_page(ledger, people, name):
    client = api_for(people.town_office)
    first = client.get(reverse(name), {}).json()
    with CaptureQueriesContext(connection) as queries:
        deep = client.get(first["next"]).json()
    assert first["count"] == deep["count"] == Receipt.objects.count() == 16
    assert _counts_receipts(queries) == []


def test_the_staff_receipt_list_counts_the_funds_in_the_users_scope(ledger, people):
    data = api_for(people.commune_a_staff).get(reverse("api:receipt-list")).json()
    assert data["count"] == len(data["results"]) == Receipt.objects.filter(fund=ledger).count() == 3


def test_a_filtered_public_receipt_list_counts_exactly(ledger):
    data = api_for().get(reverse("api:public-receipt-list"), {"date_from": "2024-07-02"}).json()
    assert data["count"] == Receipt.objects.filter(received_on__gte=dt.date(2024, 7, 2)).count() == 9
    assert all(row["received_on"] >= "2024-07-02" for row in data["results"])


def test_a_page_past_the_end_is_not_found(ledger):
    assert api_for().get(reverse("api:public-receipt-list"), {"page": 99}).status_code == 404


def test_the_schema_with_the_keyset_parameters_is_valid_openapi(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)
    parameters = {p["name"] for p in schema["paths"]["/api/public/receipts/"]["get"]["parameters"]}
    assert {"page", "after", "before"} <= parameters
