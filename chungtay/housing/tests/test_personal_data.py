"""Personal data (Law 91/2025/QH15): consent, a log of who viewed private fields, export and
erasure on request, and erasure after the retention period — including in the audit log."""

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.urls import reverse

from chungtay.core.errors import DomainError
from chungtay.housing.models import Household, PrivateDataAccess
from chungtay.housing.privacy import erase_person, export_person, purge_expired


@pytest.fixture
def household(db, tree, people):
    from chungtay.housing.models import SupportNorm

    norm = SupportNorm.objects.create(
        programme="Xóa nhà tạm",
        kind="new",
        amount=60_000_000,
        valid_from=dt.date(2023, 1, 1),
        legal_basis="NQ 13/2023/NQ-HĐND",
    )
    from chungtay.core.audit import as_actor

    with as_actor(people.commune_a_staff):
        h = Household.objects.create(
            code="HT09999",
            area=tree.area_a1,
            head_name="Nguyễn Thị Sentinel",
            category="poor",
            support_kind="new",
            phase_year=2024,
            decision_number="8584/QĐ-UBND",
            decision_date=dt.date(2023, 12, 20),
            norm=norm,
            state_support=60_000_000,
            citizen_id="049123456789",
            phone="0905123456",
            address_detail="Kiệt 99 đường Sentinel",
            health_note="SENTINEL-HEALTH",
            consent_on=dt.date(2024, 1, 5),
        )
        h.phone = "0905999888"
        h.save()
    return h


def test_a_household_records_what_its_consent_covers(household):
    assert "Nghị định 93/2021" in household.consent_purpose and household.consent_on == dt.date(2024, 1, 5)


def test_viewing_private_fields_is_logged_and_masked_views_are_not(client, people, household):
    client.force_login(people.commune_a_staff)
    client.get(reverse("housing:household_detail", args=[household.pk]))
    access = PrivateDataAccess.objects.get()
    assert access.user == people.commune_a_staff and access.household == household and "citizen_id" in access.fields
    client.force_login(people.commune_b_staff)  # a sibling unit sees nothing at all
    client.get(reverse("housing:household_detail", args=[household.pk]))
    assert PrivateDataAccess.objects.count() == 1


def test_private_fields_are_masked_in_the_audit_log(household):
    entries = LogEntry.objects.get_for_object(household)
    text = json.dumps([e.changes for e in entries], ensure_ascii=False)
    assert "049123456789" not in text and "0905999888" not in text


def test_export_on_request_contains_everything_held(household, people, client):
    client.force_login(people.commune_a_staff)
    client.get(reverse("housing:household_detail", args=[household.pk]))
    data = export_person(household)
    assert data["household"]["citizen_id"] == "049123456789"
    assert data["private_data_views"][0]["user"] == people.commune_a_staff.username


def test_erasure_clears_private_fields_and_scrubs_the_audit_log(household, people):
    erase_person(actor=people.town_office, household=household, reason="Người dân yêu cầu ngày 01/11/2026")
    household.refresh_from_db()
    assert (household.citizen_id, household.phone, household.address_detail, household.health_note) == ("",) * 4
    assert household.head_name == "Nguyễn T. S." and household.erased_at is not None
    logs = json.dumps(
        [(e.changes, e.changes_text, e.object_repr) for e in LogEntry.objects.get_for_object(household)],
        ensure_ascii=False,
    )
    for secret in ("Sentinel", "049123456789", "0905123456", "Kiệt 99", "SENTINEL-HEALTH"):
        assert secret not in logs, secret
    with pytest.raises(DomainError, match="đã được xoá"):
        erase_person(actor=people.town_office, household=household, reason="lần hai")


def test_erasure_needs_a_reason(household, people):
    with pytest.raises(DomainError, match="lý do"):
        erase_person(actor=people.town_office, household=household, reason=" ")


def test_retention_purges_only_finished_households_past_the_period(household, settings):
    settings.PERSONAL_DATA_RETENTION_YEARS = 5
    Household.objects.filter(pk=household.pk).update(status="handed_over")
    assert purge_expired(today=dt.date(2026, 11, 27)) == []  # finished just now
    Household.objects.filter(pk=household.pk).update(updated_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert [h.code for h in purge_expired(today=dt.date(2026, 11, 27))] == ["HT09999"]


def test_the_command_exports_and_erases(household, capsys):
    call_command("personal_data", "export", "HT09999")
    assert json.loads(capsys.readouterr().out)["household"]["phone"] == "0905999888"
    call_command("personal_data", "erase", "HT09999", "--reason", "yêu cầu")
    household.refresh_from_db()
    assert household.phone == ""


def test_private_fields_read_through_the_api_are_logged_too(client, people, household):
    from chungtay.accounts.services import token_issue

    _, token = token_issue(user=people.inspector, second_factor=False)
    response = client.get(f"/api/households/{household.pk}/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200 and response.json()["citizen_id"] == "049123456789"
    assert PrivateDataAccess.objects.filter(
        user=people.inspector, household=household, path__startswith="/api/"
    ).exists()
