"""Mark subtree figures stale when the rows they are made of change (see reports.rollup).

Signals rather than calls in each service: households and progress updates are saved from several
services, imports and the API, and a figure must follow every one of them. Bulk writes that skip
signals (the benchmark generator, a restore) call `rollup.rebuild()` afterwards.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from chungtay.funds.models import Disbursement, DisbursementStatus, Fund, Receipt, Source
from chungtay.funds.signals import balances_changed, receipts_recorded
from chungtay.housing.models import FundingPlanLine, Household, ProgressUpdate

from . import rollup


@receiver(pre_save, sender=Household)
def _household_moving(sender: Any, instance: Household, update_fields: Any = None, **kwargs: Any) -> None:
    # A household moved to another area leaves figures behind in the old one.
    if instance.pk and (update_fields is None or "area" in update_fields or "area_id" in update_fields):
        old = Household.objects.filter(pk=instance.pk).values_list("area_id", flat=True).first()
        if old and old != instance.area_id:
            rollup.mark_stale([old])


@receiver(post_save, sender=Household)
@receiver(post_delete, sender=Household)
def _household_changed(sender: Any, instance: Household, **kwargs: Any) -> None:
    rollup.mark_stale([instance.area_id])


@receiver(post_save, sender=ProgressUpdate)
@receiver(post_delete, sender=ProgressUpdate)
@receiver(post_save, sender=FundingPlanLine)
@receiver(post_delete, sender=FundingPlanLine)
def _household_row_changed(sender: Any, instance: ProgressUpdate | FundingPlanLine, **kwargs: Any) -> None:
    area = Household.objects.filter(pk=instance.household_id).values_list("area_id", flat=True).first()
    rollup.mark_stale([area])


@receiver(balances_changed)
def _balances_changed(sender: Any, accounts: list, changes: dict[int, int], **kwargs: Any) -> None:
    households = [account.household_id for account in accounts if account.household_id]
    area_of = dict(Household.objects.filter(pk__in=households).values_list("pk", "area_id")) if households else {}
    rollup.add_money(rollup.money_changes(accounts, changes, area_of))
    rollup.mark_stale({account.unit_id for account in accounts} | set(area_of.values()))


@receiver(post_save, sender=Receipt)
def _receipt_recorded(sender: Any, instance: Receipt, created: bool, **kwargs: Any) -> None:
    # A receipt's fund, amount and date never change after it is recorded (a mistake is reversed in
    # the ledger and the receipt stays listed), so adding on creation keeps the month's sum exact.
    if created:
        unit_id = Fund.objects.filter(pk=instance.fund_id).values_list("unit_id", flat=True).get()
        rollup.add_month_money(unit_id=unit_id, month=instance.received_on, received=instance.amount)
        rollup.mark_stale([unit_id])


@receiver(receipts_recorded)
def _receipts_recorded(sender: Any, receipts: list[Receipt], **kwargs: Any) -> None:
    # Receipts inserted together (a statement's confirm): as _receipt_recorded, once per fund and month.
    funds = {receipt.fund_id for receipt in receipts}
    unit_of = dict(Fund.objects.filter(pk__in=funds).values_list("pk", "unit_id"))
    received: dict[tuple[int, dt.date], int] = {}
    for receipt in receipts:
        key = (unit_of[receipt.fund_id], receipt.received_on.replace(day=1))
        received[key] = received.get(key, 0) + receipt.amount
    for (unit_id, month), amount in sorted(received.items()):
        rollup.add_month_money(unit_id=unit_id, month=month, received=amount)
    rollup.mark_stale(unit_of.values())


@receiver(pre_save, sender=Disbursement)
def _disbursement_before(sender: Any, instance: Disbursement, **kwargs: Any) -> None:
    old = Disbursement.objects.filter(pk=instance.pk).values_list("status", flat=True).first() if instance.pk else None
    instance._status_before = old  # type: ignore[attr-defined]


@receiver(post_save, sender=Disbursement)
def _disbursement_saved(sender: Any, instance: Disbursement, **kwargs: Any) -> None:
    was = getattr(instance, "_status_before", None)
    approved = DisbursementStatus.APPROVED
    if (instance.status == approved) == (was == approved):
        return
    sign = 1 if instance.status == approved else -1
    owner = Fund if instance.fund_id else Source
    owner_id = instance.fund_id or instance.source_id
    assert owner_id is not None  # paid from a fund or a source: a database constraint
    unit_id = owner.objects.filter(pk=owner_id).values_list("unit_id", flat=True).get()
    rollup.add_month_money(unit_id=unit_id, month=instance.date, disbursed=sign * instance.amount)
    rollup.mark_stale([unit_id])
