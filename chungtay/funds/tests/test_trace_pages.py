"""Issue 17: the pages link money both ways — receipt → fund → allocation → payment → household and
household → receipts — for staff and, with public data only, for donors; idle money is flagged."""

import datetime as dt

import pytest
from django.urls import reverse

from chungtay.funds.models import Designation
from chungtay.funds.services import (
    DonorRef,
    allocation_record,
    disbursement_approve,
    disbursement_record,
    receipt_record,
)
from chungtay.tallies import catalogue

DAY = dt.date(2024, 6, 1)


@pytest.fixture
def followed(people, tree, town_fund, give, make_household, verified):
    """An earmarked transfer for one household, allocated to it and paid for its verified start."""
    give(town_fund, 40_000_000, name="Công ty Chung Tay")
    house = make_household(tree.area_a1)
    earmarked = receipt_record(
        actor=people.town_office,
        fund=town_fund,
        donor=DonorRef(name="Trần Thị Bí Mật", anonymous=True),  # published as "Nhà hảo tâm ẩn danh"
        amount=15_000_000,
        received_on=DAY,
        channel="chuyen_khoan",
        bank_ref="FT24HO0102",
        designation=Designation.HOUSEHOLD,
        designated_household=house,
        memo="UNG HO XAY NHA HO",
    )
    allocation_record(
        actor=people.town_office, household=house, fund=town_fund, amount=20_000_000, date=DAY, decision="QĐ 52"
    )
    verified(house, "foundation")
    voucher = disbursement_record(
        actor=people.town_office,
        household=house,
        fund=town_fund,
        amount=12_000_000,
        date=DAY,
        voucher_number="PC-0102",
        stage="foundation",
    )
    disbursement_approve(actor=people.board, disbursement=voucher)
    return house, earmarked


def test_a_receipt_page_follows_the_money_to_the_household_and_its_payments(client, people, followed):
    house, earmarked = followed
    client.force_login(people.town_office)

    page = client.get(reverse("funds:receipt_detail", args=[earmarked.pk])).content.decode()

    assert reverse("funds:household", args=[house.pk]) in page
    assert reverse("funds:fund_detail", args=[earmarked.fund_id]) in page
    assert "PC-0102, Xong móng" in page and "foundation" not in page


def test_a_household_money_page_lists_the_receipts_behind_it(client, people, followed):
    house, earmarked = followed
    client.force_login(people.commune_a_staff)

    page = client.get(reverse("funds:household", args=[house.pk])).content.decode()

    assert reverse("funds:receipt_detail", args=[earmarked.pk]) in page  # the earmarked 15 million first
    assert "FT24HO0102" in page and "Công ty Chung Tay" in page  # then 5 million of the oldest receipt
    assert "Xong móng" in page


def test_ward_staff_reach_the_money_page_from_the_household_and_see_their_vouchers(client, people, followed):
    house, _ = followed
    client.force_login(people.commune_a_staff)

    detail = client.get(reverse("housing:household_detail", args=[house.pk])).content.decode()
    vouchers = client.get(reverse("funds:disbursement_list") + "?trang_thai=approved").content.decode()

    assert reverse("funds:household", args=[house.pk]) in detail
    assert "PC-0102" in vouchers  # paid from the town's fund, for a household of their ward


def test_the_public_ledger_links_a_transfer_to_the_household_and_where_it_went(client, followed):
    house, earmarked = followed

    ledger = client.get(reverse("portal:receipts") + "?q=FT24HO0102").content.decode()
    trace = client.get(reverse("portal:receipt_trace", args=[earmarked.pk])).content.decode()

    assert reverse("portal:household", args=[house.code]) in ledger
    assert reverse("portal:receipt_trace", args=[earmarked.pk]) in ledger
    assert reverse("portal:household", args=[house.code]) in trace
    assert "Xong móng" in trace and "12.000.000" in trace and "Nhà hảo tâm ẩn danh" in trace
    for private in (house.citizen_id, house.phone, house.address_detail, house.head_name, "Trần Thị Bí Mật"):
        assert private not in trace


def test_money_left_in_a_fund_past_the_limit_is_counted_as_idle(people, tree, town_fund, give, make_household):
    give(town_fund, 10_000_000)  # received 01/05/2024
    allocation_record(
        actor=people.town_office,
        household=make_household(tree.area_a1),
        fund=town_fund,
        amount=4_000_000,
        date=dt.date(2024, 9, 1),
        decision="QĐ 60",
    )

    def idle(day):
        return catalogue.for_unit(tree.town, as_of=day).money_idle

    assert idle(dt.date(2024, 7, 1)) == 0  # 61 days: not yet idle
    assert idle(dt.date(2024, 8, 15)) == 10_000_000  # past 90 days, nothing allocated yet
    assert idle(dt.date(2024, 9, 2)) == 6_000_000  # 4 million taken on 01/09


@pytest.mark.usefixtures("followed")  # voucher PC-0102: a household of commune A, paid from the town fund
def test_ward_staff_see_the_same_vouchers_through_the_ids_of_their_scope_or_the_broad_filter(
    client, people, monkeypatch
):
    from chungtay.funds import selectors

    url = reverse("funds:disbursement_list") + "?trang_thai=approved"
    client.force_login(people.commune_a_staff)
    by_ids = client.get(url).content.decode()
    monkeypatch.setattr(selectors, "VOUCHER_IDS_LIMIT", 0)  # a scope past the limit: the one ORed query
    broad = client.get(url).content.decode()
    client.force_login(people.commune_b_staff)
    other_ward = client.get(url).content.decode()

    assert "PC-0102" in by_ids and "PC-0102" in broad
    assert "PC-0102" not in other_ward  # neither their fund, nor their source, nor their household
