"""The REST API: tokens, the same scoping and permissions as the pages, writes through services,
Vietnamese errors naming the field, public endpoints without private fields, rate limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from rest_framework.test import APIClient

from chungtay.accounts.services import token_issue
from chungtay.funds.models import Receipt
from chungtay.housing.models import Household, ProgressUpdate
from chungtay.portal.tests.conftest import SENTINELS
from conftest import PASSWORD


@pytest.fixture(autouse=True)
def _clear_throttle():
    cache.clear()


def api_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_issue(user=user, second_factor=True)[1]}")
    return client


def household_payload(area, **extra):
    payload = {
        "area": area.pk,
        "head_name": "Võ Văn Mới",
        "category": "poor",
        "support_kind": "new",
        "phase_year": 2025,
        "decision_number": "8584/QĐ-UBND",
        "decision_date": "2023-12-20",
        "citizen_id": "049111222333",
        "phone": "0905111222",
    }
    payload.update(extra)
    return payload


def test_a_token_is_issued_for_a_username_and_password(people):
    client = APIClient()
    response = client.post(reverse("api:token"), {"username": "staff_a", "password": PASSWORD})
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get(reverse("api:household-list")).status_code == 200
    client.credentials()
    assert client.post(reverse("api:token"), {"username": "staff_a", "password": "sai"}).status_code == 400
    assert client.get(reverse("api:token")).status_code == 405


def test_staff_endpoints_refuse_anonymous_clients(world):
    client = APIClient()
    for name in ("api:household-list", "api:progress-list", "api:receipt-list"):
        assert client.get(reverse(name)).status_code == 401


def test_households_are_scoped_like_the_pages(world, people):
    codes = lambda user: {h["code"] for h in api_for(user).get(reverse("api:household-list")).json()["results"]}  # noqa: E731
    assert codes(people.commune_a_staff) == {world.consenting.code}
    assert codes(people.commune_b_staff) == {world.private.code}
    assert codes(people.town_office) == {world.consenting.code, world.private.code}
    assert api_for(people.nobody).get(reverse("api:household-list")).status_code == 403
    outside = api_for(people.commune_b_staff).get(reverse("api:household-detail", args=[world.consenting.pk]))
    assert outside.status_code == 404


def test_private_fields_are_shown_to_staff_of_the_subtree(world, people):
    data = api_for(people.commune_a_staff).get(reverse("api:household-detail", args=[world.consenting.pk])).json()
    assert data["citizen_id"] == SENTINELS["citizen_id"]
    assert data["lat"] == SENTINELS["lat"]


def test_household_create_goes_through_the_service(world, people, tree):
    response = api_for(people.commune_a_staff).post(
        reverse("api:household-list"), household_payload(tree.area_a1), format="json"
    )
    assert response.status_code == 201, response.json()
    household = Household.objects.get(pk=response.json()["id"])
    assert household.state_support == 60_000_000  # the norm, as the service decides
    assert household.funding_lines.get(source="state").amount == 60_000_000


def test_a_broken_rule_is_a_400_with_the_vietnamese_message_and_field(world, people, tree):
    client = api_for(people.commune_a_staff)
    response = client.post(
        reverse("api:household-list"), household_payload(tree.area_a1, citizen_id="12345"), format="json"
    )
    assert response.status_code == 400
    assert "12 chữ số" in response.json()["citizen_id"][0]
    response = client.post(reverse("api:household-list"), household_payload(tree.commune_a), format="json")
    assert response.status_code == 400
    assert "không phải khu dân cư" in response.json()["area"][0]


def test_writing_outside_ones_scope_is_forbidden(world, people, tree):
    response = api_for(people.commune_b_staff).post(
        reverse("api:household-list"), household_payload(tree.area_a1), format="json"
    )
    assert response.status_code == 403
    inspector = api_for(people.inspector)
    assert (
        inspector.post(reverse("api:household-list"), household_payload(tree.area_a1), format="json").status_code == 403
    )


def test_household_update_keeps_unchanged_fields(world, people):
    client = api_for(people.commune_a_staff)
    url = reverse("api:household-detail", args=[world.consenting.pk])
    response = client.patch(url, {"note": "Đã khảo sát lại"}, format="json")
    assert response.status_code == 200, response.json()
    world.consenting.refresh_from_db()
    assert world.consenting.note == "Đã khảo sát lại"
    assert world.consenting.citizen_id == SENTINELS["citizen_id"]
    assert api_for(people.commune_b_staff).patch(url, {"note": "x"}, format="json").status_code == 404


def test_progress_is_recorded_through_the_service_with_its_rules(world, people):
    client = api_for(people.commune_b_staff)
    response = client.post(
        reverse("api:progress-list"),
        {"household": world.private.pk, "stage": "foundation", "date": "2024-05-10"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["percent"] == 30
    world.private.refresh_from_db()
    assert world.private.status == "building"
    backwards = client.post(
        reverse("api:progress-list"),
        {"household": world.private.pk, "stage": "start", "date": "2024-05-11"},
        format="json",
    )
    assert backwards.status_code == 400 and "không ghi lùi" in backwards.json()["stage"][0]
    outside = client.post(
        reverse("api:progress-list"),
        {"household": world.consenting.pk, "stage": "handed_over", "date": "2024-06-01"},
        format="json",
    )
    assert outside.status_code == 400 and "phạm vi" in outside.json()["household"][0]
    assert ProgressUpdate.objects.filter(household=world.consenting, stage="handed_over").count() == 0


# On a fixed day, so that "a receipt dated later than today is refused" uses a date written here.
@pytest.mark.time_machine(dt.datetime(2024, 7, 1, 9, tzinfo=dt.timezone(dt.timedelta(hours=7))))
def test_receipts_are_listed_in_scope_and_recorded_through_the_ledger(world, people):
    client = api_for(people.town_office)
    assert client.get(reverse("api:receipt-list")).json()["count"] == 4
    response = client.post(
        reverse("api:receipt-list"),
        {
            "fund": world.fund.pk,
            "donor_name": "Hội Phụ nữ phường",
            "donor_kind": "to_chuc",
            "amount": 3_000_000,
            "received_on": "2024-07-01",
            "channel": "tien_mat",
            "receipt_number": "BL-0099",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    receipt = Receipt.objects.get(pk=response.json()["id"])
    assert receipt.entry.kind == "receipt"
    duplicate = client.post(
        reverse("api:receipt-list"),
        {"fund": world.fund.pk, "donor_name": "X", "amount": 1, "received_on": "2024-07-01", "channel": "tien_mat",
         "receipt_number": "BL-0099"},
        format="json",
    )  # fmt: skip
    assert duplicate.status_code == 400 and "BL-0099" in duplicate.json()["receipt_number"][0]
    later = "2024-07-04"  # three days after the test's today
    future = client.post(
        reverse("api:receipt-list"),
        {"fund": world.fund.pk, "donor_name": "X", "amount": 1, "received_on": later,
         "channel": "chuyen_khoan", "bank_ref": "FT-NEW"},
        format="json",
    )  # fmt: skip
    assert future.status_code == 400 and "received_on" in future.json()


def test_commune_staff_cannot_record_into_the_town_fund(world, people):
    response = api_for(people.commune_a_staff).post(
        reverse("api:receipt-list"),
        {"fund": world.fund.pk, "donor_name": "X", "amount": 1, "received_on": "2024-07-01", "channel": "tien_mat",
         "receipt_number": "BL-1"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400 and "fund" in response.json()


def test_public_receipts_search_without_diacritics_and_honour_anonymity(world):
    client = APIClient()
    data = client.get(reverse("api:public-receipt-list"), {"q": "nguyen van an"}).json()
    assert [r["donor"] for r in data["results"]] == ["Nguyễn Văn An Khang"]
    data = client.get(reverse("api:public-receipt-list"), {"q": "tran bi mat"}).json()
    assert data["count"] == 0
    data = client.get(reverse("api:public-receipt-list"), {"amount_min": 25_000_000}).json()
    assert {r["donor"] for r in data["results"]} == {"Nguyễn Văn An Khang", "Nhà hảo tâm ẩn danh"}
    assert "memo" not in data["results"][0]


def test_public_query_errors_name_the_field(world):
    response = APIClient().get(reverse("api:public-receipt-list"), {"date_from": "2024-06-01", "date_to": "2024-05-01"})
    assert response.status_code == 400 and "date_to" in response.json()
    assert APIClient().get(reverse("api:public-receipt-list"), {"unit": 999999}).status_code == 400


def test_public_household_detail_is_masked_with_consented_photos(world):
    data = APIClient().get(reverse("api:public-household-detail", args=[world.consenting.code])).json()
    assert data["name"] == "Nguyễn V. S."
    assert len(data["photos"]) == 3 and data["photos"][0]["url"].endswith("/")
    assert {m["source"] for m in data["money"]} == {"state", "front_fund"}
    assert APIClient().get(reverse("api:public-household-detail", args=[world.private.code])).json()["photos"] == []


def test_public_summary_and_units(world, tree):
    data = APIClient().get(reverse("api:public-summary")).json()
    assert data["movement"]["symbol"] == "199/KH-MTTQ-BTT"
    assert data["report"]["figures"]["mobilised"] == 105_000_000
    children = APIClient().get(reverse("api:public-unit-list"), {"parent": tree.town.pk}).json()["results"]
    assert {c["name"] for c in children} == {"Vĩnh Điện", "Điện Hồng"}


def test_lists_are_paginated(world, give):
    for i in range(55):
        give(world.fund, 10_000 + i, f"Người {i}", on=dt.date(2024, 8, 1))
    first = APIClient().get(reverse("api:public-receipt-list")).json()
    assert first["count"] == 59 and len(first["results"]) == 50 and first["next"]


def test_anonymous_clients_are_rate_limited(world, monkeypatch):
    from rest_framework.throttling import AnonRateThrottle

    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    client = APIClient()
    statuses = [client.get(reverse("api:public-summary")).status_code for _ in range(5)]
    assert statuses[:3] == [200, 200, 200] and statuses[3:] == [429, 429]


def test_the_schema_and_swagger_ui_are_public(world):
    client = APIClient()
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    assert "/api/public/receipts/" in schema["paths"] and "/api/households/" in schema["paths"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    assert client.get(reverse("api:docs")).status_code == 200
