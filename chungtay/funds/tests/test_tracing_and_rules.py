"""Issue 17: every đồng reaching a household traces to receipts (fixed when allocated), and the
programme's rules — verified stages, plan lines and the norm, withdrawn households — hold."""

import datetime as dt
import importlib

import pytest
from auditlog.models import LogEntry
from django.apps import apps as django_apps
from django.db import IntegrityError, transaction

from chungtay.campaigns.models import Movement
from chungtay.core.errors import DomainError
from chungtay.funds.models import Allocation, Designation, Funding, ProgrammeRule
from chungtay.funds.services import (
    allocation_record,
    disbursement_approve,
    disbursement_record,
    entry_reverse,
    receipt_record,
    transfer_record,
)
from chungtay.housing.models import FundingPlanLine

DAY = dt.date(2024, 6, 1)


def taken(allocation_or_transfer, field="allocation"):
    """(receipt or transfer-in id, amount) of the live rows, in the order they were taken."""
    rows = Funding.objects.filter(**{field: allocation_or_transfer}, released_by__isnull=True).order_by("pk")
    return [(r.receipt_id or ("transfer", r.transfer_in_id), r.amount) for r in rows]


def rows(qs):
    fields = ("receipt_id", "transfer_in_id", "allocation_id", "transfer_out_id", "amount")
    return sorted(qs.values_list(*fields), key=lambda row: [v or 0 for v in row])


def allocate(people, household, amount, **origin):
    return allocation_record(
        actor=people.town_office, household=household, amount=amount, date=DAY, decision="QĐ 52/QĐ-MTTQ", **origin
    )


def test_undesignated_money_is_taken_first_in_first_out_and_never_recomputed(
    people, tree, town_fund, give, make_household
):
    first, second, third = give(town_fund, 5_000_000), give(town_fund, 7_000_000), give(town_fund, 9_000_000)
    house_a, house_b = make_household(tree.area_a1), make_household(tree.area_a1)

    a = allocate(people, house_a, 8_000_000, fund=town_fund)
    b = allocate(people, house_b, 6_000_000, fund=town_fund)

    assert taken(a) == [(first.pk, 5_000_000), (second.pk, 3_000_000)]
    assert taken(b) == [(second.pk, 4_000_000), (third.pk, 2_000_000)]
    # A receipt recorded later does not move what was already fixed.
    give(town_fund, 1_000_000)
    assert taken(a) == [(first.pk, 5_000_000), (second.pk, 3_000_000)]


def test_a_receipt_earmarked_for_a_household_pays_that_household_first_and_no_other(
    people, tree, town_fund, give, make_household
):
    general = give(town_fund, 10_000_000)
    house, other = make_household(tree.area_a1), make_household(tree.area_a1)
    earmarked = receipt_record(
        actor=people.town_office,
        fund=town_fund,
        donor=general.donor,
        amount=15_000_000,
        received_on=DAY,
        channel="chuyen_khoan",
        bank_ref="FT-HO-1",
        designation=Designation.HOUSEHOLD,
        designated_household=house,
        memo="Ung ho xay nha",
    )

    to_other = allocate(people, other, 4_000_000, fund=town_fund)
    to_house = allocate(people, house, 18_000_000, fund=town_fund)

    assert taken(to_other) == [(general.pk, 4_000_000)]
    assert taken(to_house) == [(earmarked.pk, 15_000_000), (general.pk, 3_000_000)]


def test_a_reversed_allocation_releases_its_receipts_for_the_next_one(people, tree, town_fund, give, make_household):
    receipt = give(town_fund, 10_000_000)
    house_a, house_b = make_household(tree.area_a1), make_household(tree.area_a1)
    wrong = allocate(people, house_a, 10_000_000, fund=town_fund)

    reversal = entry_reverse(actor=people.board, entry=wrong.entry, reason="Nhầm hộ", date=DAY)
    right = allocate(people, house_b, 10_000_000, fund=town_fund)

    released = Funding.objects.get(allocation=wrong)
    assert released.released_by == reversal and released.amount == 10_000_000  # kept, marked, not deleted
    assert taken(right) == [(receipt.pk, 10_000_000)]


def test_money_moved_to_another_fund_is_traced_through_the_transfer(
    people, tree, town_fund, commune_fund, give, make_household
):
    receipt = give(town_fund, 20_000_000)
    transfer = transfer_record(
        actor=people.town_office, from_fund=town_fund, to_fund=commune_fund, amount=12_000_000, date=DAY
    )
    house = make_household(tree.area_a1)

    allocation = allocate(people, house, 5_000_000, fund=commune_fund)

    assert taken(transfer, "transfer_out") == [(receipt.pk, 12_000_000)]
    assert taken(allocation) == [(("transfer", transfer.pk), 5_000_000)]


def test_the_back_fill_migration_gives_existing_allocations_the_rows_the_rule_gives(
    people, tree, town_fund, commune_fund, give, make_household
):
    earmark_house, house_b = make_household(tree.area_a1), make_household(tree.area_a1)
    give(town_fund, 6_000_000)
    receipt_record(
        actor=people.town_office,
        fund=town_fund,
        donor=give(town_fund, 3_000_000).donor,
        amount=4_000_000,
        received_on=DAY,
        channel="chuyen_khoan",
        bank_ref="FT-HO-2",
        designation=Designation.HOUSEHOLD,
        designated_household=earmark_house,
    )
    transfer_record(actor=people.town_office, from_fund=town_fund, to_fund=commune_fund, amount=2_000_000, date=DAY)
    allocate(people, earmark_house, 7_000_000, fund=town_fund)
    reversed_one = allocate(people, house_b, 1_000_000, fund=town_fund)
    entry_reverse(actor=people.board, entry=reversed_one.entry, reason="Nhầm", date=DAY)
    allocate(people, house_b, 1_500_000, fund=commune_fund)
    at_posting = rows(Funding.objects.filter(released_by__isnull=True))
    Funding.objects.all().delete()

    migration = importlib.import_module("chungtay.funds.migrations.0007_backfill_fundings")
    migration.backfill(django_apps, None)

    backfilled = rows(Funding.objects.all())
    assert backfilled == at_posting and len(backfilled) == 4


def test_an_allocation_above_the_plan_line_is_refused_without_a_reviewers_reason(
    people, tree, town_fund, give, make_household
):
    give(town_fund, 30_000_000)
    house = make_household(tree.area_a1)
    FundingPlanLine.objects.create(household=house, source="front_fund", amount=10_000_000)

    with pytest.raises(DomainError, match="vượt kế hoạch nguồn “Quỹ “Vì người nghèo””") as refused:
        allocate(people, house, 15_000_000, fund=town_fund)
    assert "Cần người duyệt cho phép vượt và ghi lý do" in str(refused.value)
    with pytest.raises(DomainError, match="không có quyền duyệt vượt"):
        allocation_record(
            actor=people.town_office,
            household=house,
            amount=15_000_000,
            date=DAY,
            decision="QĐ 52",
            fund=town_fund,
            override_by=people.area_board,
            override_reason="Hộ có người khuyết tật",
        )
    assert not Allocation.objects.filter(household=house).exists()

    allowed = allocation_record(
        actor=people.town_office,
        household=house,
        amount=15_000_000,
        date=DAY,
        decision="QĐ 52",
        fund=town_fund,
        override_by=people.board,
        override_reason="Hộ có người khuyết tật, Ban Thường trực đồng ý bổ sung",
    )

    assert allowed.over_limit and allowed.override_by == people.board
    logged = LogEntry.objects.get_for_object(allowed).get()
    assert logged.actor == people.town_office and "Ban Thường trực đồng ý" in str(logged.changes_dict)
    # The database refuses an over-limit allocation with no reviewer, whatever code path tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        Allocation.objects.filter(pk=allowed.pk).update(override_reason="")


def test_state_money_above_the_norm_is_refused(people, tree, state_source, make_household):
    house = make_household(tree.area_a1)  # norm 60.000.000 đ (NQ 13/2023)
    allocate(people, house, 60_000_000, source=state_source)

    with pytest.raises(DomainError, match=r"vượt định mức 60\.000\.000 đ \(Nghị quyết 13/2023/NQ-HĐND\)"):
        allocate(people, house, 1_000_000, source=state_source)


def test_a_withdrawn_household_gets_no_allocation_and_no_payment(
    people, tree, town_fund, give, make_household, verified
):
    give(town_fund, 30_000_000)
    house = make_household(tree.area_a1)
    allocate(people, house, 20_000_000, fund=town_fund)
    voucher = disbursement_record(
        actor=people.town_office,
        household=house,
        fund=town_fund,
        amount=5_000_000,
        date=DAY,
        voucher_number="PC-20",
        stage="start",
    )
    verified(house, "start")
    type(house).objects.filter(pk=house.pk).update(
        status="withdrawn", withdrawn_reason="Hộ chuyển đi nơi khác", withdrawn_on=DAY
    )
    house.refresh_from_db()

    with pytest.raises(DomainError, match="đã rút khỏi danh sách hỗ trợ; không phân bổ"):
        allocate(people, house, 1_000_000, fund=town_fund)
    with pytest.raises(DomainError, match="đã rút khỏi danh sách hỗ trợ; không chi"):
        disbursement_record(
            actor=people.town_office,
            household=house,
            fund=town_fund,
            amount=1_000_000,
            date=DAY,
            voucher_number="PC-21",
            stage="start",
        )
    with pytest.raises(DomainError, match="đã rút khỏi danh sách hỗ trợ; không chi"):
        disbursement_approve(actor=people.board, disbursement=voucher)


def test_a_movement_may_turn_the_stage_rule_off_for_its_period(people, tree, town_fund, give, make_household):
    movement = Movement.objects.create(
        symbol="01/KH-MTTQ",
        issuing_unit=tree.town,
        issued_on=dt.date(2024, 1, 2),
        title="Chung tay xóa nhà tạm",
        starts_on=dt.date(2024, 1, 2),
        ends_on=dt.date(2024, 12, 31),
        review_month=dt.date(2024, 12, 1),
    )
    ProgrammeRule.objects.create(movement=movement, pay_by_verified_stage=False)
    give(town_fund, 10_000_000)
    house = make_household(tree.area_a1)
    allocate(people, house, 10_000_000, fund=town_fund)

    inside = disbursement_record(
        actor=people.town_office,
        household=house,
        fund=town_fund,
        amount=4_000_000,
        date=DAY,
        voucher_number="PC-30",
        stage="start",
    )
    after = disbursement_record(
        actor=people.town_office,
        household=house,
        fund=town_fund,
        amount=4_000_000,
        date=dt.date(2025, 1, 5),
        voucher_number="PC-31",
        stage="start",
    )

    assert disbursement_approve(actor=people.board, disbursement=inside).status == "approved"
    assert after.requires_verified_stage  # outside the movement's period the safe default applies
    with pytest.raises(DomainError, match="chưa được xác nhận"):
        disbursement_approve(actor=people.board, disbursement=after)
