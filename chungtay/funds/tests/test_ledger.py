"""Every ledger invariant has a test that tries to break it."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from chungtay.core.errors import DomainError
from chungtay.funds import ledger
from chungtay.funds.ledger import account_for
from chungtay.funds.models import AccountKind, Disbursement, JournalEntry, JournalLine
from chungtay.funds.services import (
    allocation_record,
    disbursement_approve,
    disbursement_record,
    entry_reverse,
    transfer_record,
)

DAY = dt.date(2024, 6, 1)


def cash(fund):
    return account_for(AccountKind.FUND_CASH, fund=fund).balance


def test_a_receipt_posts_a_balanced_entry_and_fills_the_fund(town_fund, give):
    receipt = give(town_fund, 60_000_000)
    lines = list(receipt.entry.lines.all())
    assert sum(line.debit for line in lines) == sum(line.credit for line in lines) == 60_000_000
    assert cash(town_fund) == 60_000_000
    assert ledger.verify() == []


def test_a_fund_cannot_go_below_zero_by_allocation(people, tree, town_fund, give, make_household):
    give(town_fund, 50_000_000)
    household = make_household(tree.area_a1)
    with pytest.raises(DomainError, match="không đủ tiền"):
        allocation_record(
            actor=people.town_office,
            household=household,
            fund=town_fund,
            amount=60_000_000,
            date=DAY,
            decision="QĐ 12/QĐ-MTTQ",
        )
    assert cash(town_fund) == 50_000_000
    assert not JournalEntry.objects.filter(kind="allocation").exists()


def test_a_fund_cannot_go_below_zero_by_transfer(people, town_fund, commune_fund, give):
    give(town_fund, 10_000_000)
    with pytest.raises(DomainError, match="không đủ tiền"):
        transfer_record(
            actor=people.town_office, from_fund=town_fund, to_fund=commune_fund, amount=10_000_001, date=DAY
        )
    transfer_record(actor=people.town_office, from_fund=town_fund, to_fund=commune_fund, amount=4_000_000, date=DAY)
    assert (cash(town_fund), cash(commune_fund)) == (6_000_000, 4_000_000)


def test_disbursed_cannot_exceed_allocated_for_a_household(people, tree, town_fund, give, make_household, verified):
    give(town_fund, 100_000_000)
    household = make_household(tree.area_a1)
    allocation_record(
        actor=people.town_office, household=household, fund=town_fund, amount=30_000_000, date=DAY, decision="QĐ 12"
    )
    with pytest.raises(DomainError, match="vượt số đã phân bổ"):
        disbursement_record(
            actor=people.town_office,
            household=household,
            fund=town_fund,
            amount=30_000_001,
            date=DAY,
            voucher_number="PC-01",
            stage="start",
        )
    first = disbursement_record(
        actor=people.town_office,
        household=household,
        fund=town_fund,
        amount=20_000_000,
        date=DAY,
        voucher_number="PC-01",
        stage="start",
    )
    second = disbursement_record(
        actor=people.town_office,
        household=household,
        fund=town_fund,
        amount=20_000_000,
        date=DAY,
        voucher_number="PC-02",
        stage="walls",
    )
    verified(household, "walls")
    disbursement_approve(actor=people.board, disbursement=first)
    # Both vouchers fitted when recorded; approving the second would pay 40 of 30 million.
    with pytest.raises(DomainError, match="vượt số đã phân bổ"):
        disbursement_approve(actor=people.board, disbursement=second)
    second.refresh_from_db()
    assert second.status == "recorded" and second.entry is None
    assert account_for(AccountKind.DISBURSED, fund=town_fund, household=household).balance == 20_000_000


def test_whoever_records_a_disbursement_cannot_approve_it(people, tree, town_fund, give, make_household):
    give(town_fund, 60_000_000)
    household = make_household(tree.area_a1)
    allocation_record(
        actor=people.town_office, household=household, fund=town_fund, amount=60_000_000, date=DAY, decision="QĐ 12"
    )
    voucher = disbursement_record(
        actor=people.town_office,
        household=household,
        fund=town_fund,
        amount=10_000_000,
        date=DAY,
        voucher_number="PC-09",
        stage="start",
    )
    with pytest.raises(DomainError, match="không được tự duyệt"):
        disbursement_approve(actor=people.town_office, disbursement=voucher)
    # The database refuses it too, whatever code path tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=voucher.pk).update(decided_by=people.town_office)


def test_a_payment_waits_for_its_stage_to_be_verified_by_default(people, tree, town_fund, give, make_household):
    from chungtay.housing.models import ProgressUpdate

    give(town_fund, 60_000_000)
    household = make_household(tree.area_a1)
    allocation_record(
        actor=people.town_office, household=household, fund=town_fund, amount=60_000_000, date=DAY, decision="QĐ 12"
    )
    voucher = disbursement_record(
        actor=people.town_office,
        household=household,
        fund=town_fund,
        amount=20_000_000,
        date=DAY,
        voucher_number="PC-10",
        stage="foundation",
    )
    assert voucher.requires_verified_stage
    with pytest.raises(DomainError, match=r"Giai đoạn “Xong móng” của hộ .* chưa được xác nhận"):
        disbursement_approve(actor=people.board, disbursement=voucher)
    update = ProgressUpdate.objects.create(household=household, stage="walls", date=DAY, percent=60)
    ProgressUpdate.objects.filter(pk=update.pk).update(verified_at=dt.datetime(2024, 6, 2, tzinfo=dt.UTC))
    approved = disbursement_approve(actor=people.board, disbursement=voucher)
    assert approved.status == "approved" and approved.verified_update_id == update.pk
    # The database refuses an approved tranche with no verified stage behind it, whatever code path tries.
    with pytest.raises(IntegrityError), transaction.atomic():
        Disbursement.objects.filter(pk=voucher.pk).update(verified_update=None)


def test_a_reversal_mirrors_the_entry_and_leaves_the_original_untouched(people, town_fund, give):
    receipt = give(town_fund, 5_000_000)
    original_hash = receipt.entry.hash
    reversal = entry_reverse(actor=people.board, entry=receipt.entry, reason="Nhập nhầm số tiền")
    assert reversal.reverses == receipt.entry and cash(town_fund) == 0
    receipt.entry.refresh_from_db()
    assert receipt.entry.hash == original_hash
    with pytest.raises(DomainError, match="đã được đảo"):
        entry_reverse(actor=people.board, entry=receipt.entry, reason="lần nữa")
    assert ledger.verify() == []


def test_a_receipt_already_allocated_cannot_be_reversed(people, tree, town_fund, give, make_household):
    receipt = give(town_fund, 60_000_000)
    allocation_record(
        actor=people.town_office,
        household=make_household(tree.area_a1),
        fund=town_fund,
        amount=60_000_000,
        date=DAY,
        decision="QĐ 12",
    )
    with pytest.raises(DomainError, match="không đủ tiền"):
        entry_reverse(actor=people.board, entry=receipt.entry, reason="nhầm")


def test_a_reversal_needs_a_reason(people, town_fund, give):
    with pytest.raises(DomainError, match="lý do"):
        entry_reverse(actor=people.board, entry=give(town_fund, 1_000).entry, reason="  ")


def test_posted_entries_cannot_be_edited_or_deleted_through_the_orm(town_fund, give):
    entry = give(town_fund, 1_000_000).entry
    entry.memo = "sửa lén"
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()
    with pytest.raises(RuntimeError):
        entry.lines.first().delete()


def test_the_database_refuses_a_negative_fund_balance(town_fund, give):
    give(town_fund, 1_000)
    account = account_for(AccountKind.FUND_CASH, fund=town_fund)
    from chungtay.funds.models import Account

    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-1)


def test_verify_ledger_detects_an_edited_amount(town_fund, give):
    give(town_fund, 2_000_000)
    entry = give(town_fund, 3_000_000).entry
    assert ledger.verify() == []
    JournalLine.objects.filter(entry=entry, debit__gt=0).update(debit=300_000)  # bypasses save(): tampering
    problems = ledger.verify()
    assert any(p.seq == entry.seq and "mã băm" in p.message for p in problems)
    assert any("Số dư" in p.message for p in problems)
    with pytest.raises(Exception, match="KHÔNG toàn vẹn"):
        call_command("verify_ledger")


def test_verify_ledger_detects_a_deleted_entry(town_fund, give):
    give(town_fund, 1_000)
    middle = give(town_fund, 2_000).entry
    give(town_fund, 3_000)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM funds_receipt WHERE entry_id = %s", [middle.pk])
        cursor.execute("DELETE FROM funds_journalline WHERE entry_id = %s", [middle.pk])
        cursor.execute("DELETE FROM funds_journalentry WHERE id = %s", [middle.pk])
    messages = [p.message for p in ledger.verify()]
    assert any("Thiếu bút toán số 2" in m for m in messages)


def test_verify_ledger_passes_on_an_intact_ledger(town_fund, give, capsys):
    for amount in (1_000, 2_000, 3_000):
        give(town_fund, amount)
    call_command("verify_ledger")
    assert "toàn vẹn: 3 bút toán" in capsys.readouterr().out


def test_an_unbalanced_entry_is_refused(town_fund, tree):
    account = account_for(AccountKind.FUND_CASH, fund=town_fund)
    donations = account_for(AccountKind.DONATIONS, fund=town_fund)
    with pytest.raises(DomainError, match="không cân"), transaction.atomic():
        ledger.post(
            kind="receipt",
            unit=tree.town,
            date=DAY,
            memo="x",
            legs=[ledger.Leg(account, 100), ledger.Leg(donations, -99)],
        )


def test_money_must_be_whole_dong(town_fund, tree):
    account = account_for(AccountKind.FUND_CASH, fund=town_fund)
    donations = account_for(AccountKind.DONATIONS, fund=town_fund)
    with pytest.raises(DomainError, match="số nguyên"), transaction.atomic():
        ledger.post(
            kind="receipt",
            unit=tree.town,
            date=DAY,
            memo="x",
            legs=[ledger.Leg(account, 100.5), ledger.Leg(donations, -100.5)],
        )  # type: ignore[arg-type]


def test_a_state_budget_allocation_comes_from_the_source_not_the_fund(
    people, tree, state_source, make_household, town_fund
):
    household = make_household(tree.area_a1)
    allocation_record(
        actor=people.town_office,
        household=household,
        source=state_source,
        amount=60_000_000,
        date=DAY,
        decision="QĐ 8584/QĐ-UBND",
    )
    assert cash(town_fund) == 0
    assert account_for(AccountKind.SOURCE, source=state_source).balance == -60_000_000


def test_staff_cannot_move_money_outside_their_unit(people, tree, town_fund, give, make_household):
    give(town_fund, 10_000_000)
    with pytest.raises(DomainError, match="không có quyền"):
        allocation_record(
            actor=people.commune_a_staff,
            household=make_household(tree.area_a1),
            fund=town_fund,
            amount=1_000,
            date=DAY,
            decision="QĐ",
        )
