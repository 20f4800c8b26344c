"""No allocation and no payment for a withdrawn household — held by the database too (issue 17):
a direct write is refused by the triggers of funds migration 0011, and a service working from a
stale household object gets the refusal back in Vietnamese."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from chungtay.core.errors import DomainError
from chungtay.funds import services
from chungtay.funds.models import Allocation, Disbursement
from chungtay.funds.services import allocation_record, disbursement_approve, disbursement_record
from chungtay.housing.services import household_withdraw

DAY = dt.date(2024, 6, 1)
LATER = dt.date(2024, 7, 1)


@pytest.fixture
def paid_house(people, tree, town_fund, give, make_household, verified):
    """A household allocated 20 million on DAY, one voucher approved and one waiting, the start verified."""
    give(town_fund, 30_000_000)
    house = make_household(tree.area_a1)
    allocation_record(
        actor=people.town_office, household=house, fund=town_fund, amount=20_000_000, date=DAY, decision="QĐ 1"
    )
    verified(house, "start")
    paid = disbursement_record(
        actor=people.town_office, household=house, fund=town_fund, amount=5_000_000, date=DAY,
        voucher_number="PC-1", stage="start",
    )  # fmt: skip
    paid = disbursement_approve(actor=people.board, disbursement=paid)
    waiting = disbursement_record(
        actor=people.town_office, household=house, fund=town_fund, amount=5_000_000, date=DAY,
        voucher_number="PC-2", stage="start",
    )  # fmt: skip
    return house, paid, waiting


def _withdraw(people, house, on=DAY):
    household_withdraw(actor=people.town_office, household=house, reason="Hộ chuyển đi nơi khác", on=on)


def test_a_direct_write_cannot_allocate_to_a_withdrawn_household(people, town_fund, paid_house):
    house, paid, _ = paid_house
    _withdraw(people, house)
    allocation = Allocation.objects.get(household=house)

    with pytest.raises(IntegrityError, match="rút khỏi danh sách hỗ trợ; không phân bổ"), transaction.atomic():
        Allocation.objects.create(
            household=house, fund=town_fund, amount=1_000_000, date=LATER, decision="QĐ 9", entry=paid.entry
        )
    # Moving an existing allocation onto the withdrawal's day is a new allocation on that day.
    with pytest.raises(IntegrityError, match="không phân bổ"), transaction.atomic():
        Allocation.objects.filter(pk=allocation.pk).update(date=LATER)
    assert Allocation.objects.get(household=house).date == DAY


def test_a_direct_write_cannot_pay_a_withdrawn_household(people, town_fund, paid_house):
    house, paid, waiting = paid_house
    _withdraw(people, house)

    with pytest.raises(IntegrityError, match="rút khỏi danh sách hỗ trợ; không chi"), transaction.atomic():
        Disbursement.objects.create(
            household=house, fund=town_fund, amount=1_000_000, date=LATER, voucher_number="PC-3", stage="start",
            recorded_by=people.town_office,
        )  # fmt: skip
    # The voucher recorded before the withdrawal cannot be marked paid behind the service's back …
    with pytest.raises(IntegrityError, match="không chi"), transaction.atomic():
        Disbursement.objects.filter(pk=waiting.pk).update(
            status="approved", decided_by=people.board, entry=Allocation.objects.get(household=house).entry,
            verified_update=paid.verified_update,
            serial_year=2024, serial=2,
        )  # fmt: skip
    assert Disbursement.objects.get(pk=waiting.pk).status == "recorded"


def test_what_happened_before_the_withdrawal_stays_writable_and_a_waiting_voucher_can_be_rejected(people, paid_house):
    house, paid, waiting = paid_house
    _withdraw(people, house, on=LATER)

    Disbursement.objects.filter(pk=paid.pk).update(decided_at=timezone.now())
    rejected = services.disbursement_reject(actor=people.board, disbursement=waiting, reason="Hộ đã rút")

    assert rejected.status == "rejected"
    assert Disbursement.objects.filter(household=house, status="approved").count() == 1


def test_a_service_holding_a_stale_household_gets_the_databases_refusal_in_vietnamese(people, town_fund, paid_house):
    house = paid_house[0]
    stale = type(house).objects.get(pk=house.pk)
    _withdraw(people, house)
    assert stale.status != "withdrawn"

    with pytest.raises(DomainError, match=f"Hộ {house.code} đã rút khỏi danh sách hỗ trợ; không phân bổ tiền"):
        allocation_record(
            actor=people.town_office, household=stale, fund=town_fund, amount=1_000_000, date=DAY, decision="QĐ 2"
        )
    with pytest.raises(DomainError, match=f"Hộ {house.code} đã rút khỏi danh sách hỗ trợ; không chi tiền"):
        disbursement_record(
            actor=people.town_office, household=stale, fund=town_fund, amount=1_000_000, date=DAY,
            voucher_number="PC-4", stage="start",
        )  # fmt: skip
    assert Allocation.objects.filter(household=house).count() == 1
    assert Disbursement.objects.filter(household=house).count() == 2


def test_the_approval_page_shows_the_databases_refusal_when_the_service_check_is_missed(
    client, people, paid_house, monkeypatch
):
    house, _, waiting = paid_house
    _withdraw(people, house)
    # As if the service forgot its own rule: the database still refuses, and the page says why.
    monkeypatch.setattr(services, "_withdrawn", lambda household, day: False)

    client.force_login(people.board)
    page = client.post(reverse("funds:disbursement_approve", args=[waiting.pk]), follow=True)

    assert f"Hộ {house.code} đã rút khỏi danh sách hỗ trợ; không chi tiền cho hộ này." in page.content.decode()
    assert Disbursement.objects.get(pk=waiting.pk).status == "recorded"
