"""Mark subtree figures stale when the rows they are made of change (see tallies.rollup).

Each receiver also says from which day a unit's figures changed (`rollup.forget_month_ends`), so
that the kept month-ends (figures as of earlier days) on or after that day are forgotten: a stage
update, a withdrawal, a ledger entry or a move by its date; a change to something undated (a
household's state support or phase) from the household's decision date; an area changed by hand
(no move recorded) on every day.

Signals rather than calls in each service: households and progress updates are saved from several
services, imports and the API, and a figure must follow every one of them. Bulk writes that skip
signals (the benchmark generator, a restore) call `rollup.rebuild()` afterwards.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver

from chungtay.core.access import is_reorganising
from chungtay.funds import ledger
from chungtay.funds import own_figures as fund_figures
from chungtay.funds.models import Disbursement, DisbursementStatus, Fund, Receipt, Source
from chungtay.funds.signals import balances_changed, receipts_recorded, waiting_changed
from chungtay.housing.models import FundingPlanLine, Household, ProgressUpdate, Status
from chungtay.reorg.models import HouseholdMove
from chungtay.tallies import rollup


def _areas_of(household_ids: Iterable[int | None]) -> set[int]:
    """Every area the households' figures were ever counted in: where they are and where they moved from."""
    ids = {i for i in household_ids if i}
    if not ids:
        return set()
    areas = set(Household.objects.filter(pk__in=ids).values_list("area_id", flat=True))
    return areas | set(HouseholdMove.objects.filter(household_id__in=ids).values_list("from_area_id", flat=True))


def _earliest(*days: dt.date | None) -> dt.date | None:
    known = [day for day in days if day is not None]
    return min(known) if known else None


HISTORY_FIELDS = ("area_id", "decision_date", "withdrawn_on", "status", "phase_year", "state_support")


@receiver(pre_save, sender=Household)
def _household_moving(sender: Any, instance: Household, update_fields: Any = None, **kwargs: Any) -> None:
    if not instance.pk:
        rollup.forget_month_ends([instance.area_id], instance.decision_date)
        return
    old = Household.objects.filter(pk=instance.pk).values(*HISTORY_FIELDS).first()
    if old is None:
        rollup.forget_month_ends([instance.area_id], instance.decision_date)
        return
    saved = {f.attname for f in Household._meta.concrete_fields} if update_fields is None else set(update_fields)
    saved |= {f"{name}_id" for name in saved}
    changed = {name for name in HISTORY_FIELDS if name in saved and old[name] != getattr(instance, name)}
    instance._area_before = None  # type: ignore[attr-defined]
    if "area_id" in changed:
        # A household moved to another area leaves figures behind in the old one: its house (recounted
        # from the rows) and the money allocated and paid to it (kept by adding: moved once it is saved,
        # _household_money_moved). The ledger is held first, as a posting holds it before the marks
        # below, so that a posting and a move never wait for each other; no posting to the household
        # can then slip between the move's reading of its balances and its commit.
        ledger.hold()
        instance._area_before = old["area_id"]  # type: ignore[attr-defined]
        rollup.mark_stale([old["area_id"]])
        if not is_reorganising():  # a reorganisation's move is dated by its HouseholdMove (below)
            rollup.forget_month_ends(_areas_of([instance.pk]) | {instance.area_id}, None)
    days: list[dt.date | None] = []
    if "decision_date" in changed:
        days += [old["decision_date"], instance.decision_date]
    if "withdrawn_on" in changed:
        days += [old["withdrawn_on"], instance.withdrawn_on]
    if "phase_year" in changed or "state_support" in changed:
        days += [old["decision_date"], instance.decision_date]  # counted from the decision on
    always_out = (old["status"] == Status.WITHDRAWN and old["withdrawn_on"] is None,
                  instance.status == Status.WITHDRAWN and instance.withdrawn_on is None)  # fmt: skip
    if always_out[0] != always_out[1]:
        rollup.forget_month_ends(_areas_of([instance.pk]), None)  # withdrawn without a day: out on every day
    elif _earliest(*days):
        rollup.forget_month_ends(_areas_of([instance.pk]), _earliest(*days))


@receiver(pre_delete, sender=Household)
def _household_deleting(sender: Any, instance: Household, **kwargs: Any) -> None:
    rollup.forget_month_ends(_areas_of([instance.pk]), None)


@receiver(post_save, sender=HouseholdMove)
@receiver(post_delete, sender=HouseholdMove)
def _household_moved(sender: Any, instance: HouseholdMove, **kwargs: Any) -> None:
    # From the day of the move the household counts in the new area's figures instead of the old one's.
    rollup.forget_month_ends([instance.from_area_id, instance.to_area_id], instance.moved_on)


@receiver(pre_save, sender=ProgressUpdate)
def _progress_changing(sender: Any, instance: ProgressUpdate, **kwargs: Any) -> None:
    old = ProgressUpdate.objects.filter(pk=instance.pk).values("household_id", "date", "stage").first()
    if old is None:
        rollup.forget_month_ends(_areas_of([instance.household_id]), instance.date)
    elif (old["household_id"], old["date"], old["stage"]) != (instance.household_id, instance.date, instance.stage):
        households = [old["household_id"], instance.household_id]
        rollup.forget_month_ends(_areas_of(households), _earliest(old["date"], instance.date))


@receiver(post_delete, sender=ProgressUpdate)
def _progress_deleted(sender: Any, instance: ProgressUpdate, **kwargs: Any) -> None:
    rollup.forget_month_ends(_areas_of([instance.household_id]), instance.date)


@receiver(post_save, sender=FundingPlanLine)
@receiver(post_delete, sender=FundingPlanLine)
def _plan_line_changed(sender: Any, instance: FundingPlanLine, **kwargs: Any) -> None:
    # Plan lines are undated: they count from the household's decision on.
    decided = Household.objects.filter(pk=instance.household_id).values_list("decision_date", flat=True).first()
    rollup.forget_month_ends(_areas_of([instance.household_id]), decided)


@receiver(post_save, sender=Household)
@receiver(post_delete, sender=Household)
def _household_changed(sender: Any, instance: Household, **kwargs: Any) -> None:
    rollup.mark_stale([instance.area_id])


@receiver(post_save, sender=Household)
def _household_money_moved(sender: Any, instance: Household, **kwargs: Any) -> None:
    # Today's money figures count a household's money where the household is (funds.own_figures); as of
    # a day before a recorded move they count it where it was (figures.placement), like its house.
    old_area = instance.__dict__.pop("_area_before", None)
    if old_area is not None and old_area != instance.area_id:
        rollup.add_money(fund_figures.household_moved(instance.pk, old_area, instance.area_id))


@receiver(post_save, sender=ProgressUpdate)
@receiver(post_delete, sender=ProgressUpdate)
@receiver(post_save, sender=FundingPlanLine)
@receiver(post_delete, sender=FundingPlanLine)
def _household_row_changed(sender: Any, instance: ProgressUpdate | FundingPlanLine, **kwargs: Any) -> None:
    area = Household.objects.filter(pk=instance.household_id).values_list("area_id", flat=True).first()
    rollup.mark_stale([area])


@receiver(balances_changed)
def _balances_changed(
    sender: Any, accounts: list, changes: dict[int, int], since: dt.date | None = None, **kwargs: Any
) -> None:
    households = [account.household_id for account in accounts if account.household_id]
    area_of = dict(Household.objects.filter(pk__in=households).values_list("pk", "area_id")) if households else {}
    rollup.add_money(fund_figures.money_changes(accounts, changes, area_of))
    rollup.mark_stale({account.unit_id for account in accounts} | set(area_of.values()))
    rollup.forget_month_ends({account.unit_id for account in accounts} | _areas_of(households), since)


@receiver(post_save, sender=Receipt)
def _receipt_recorded(sender: Any, instance: Receipt, created: bool, **kwargs: Any) -> None:
    # A receipt's fund, amount and date never change after it is recorded (a mistake is reversed in
    # the ledger and the receipt stays listed), so adding on creation keeps the month's sum exact.
    if created:
        unit_id = Fund.objects.filter(pk=instance.fund_id).values_list("unit_id", flat=True).get()
        rollup.add_month_money(
            unit_id=unit_id, month=instance.received_on, received=instance.amount, waiting=instance.amount
        )
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
        rollup.add_month_money(unit_id=unit_id, month=month, received=amount, waiting=amount)
    rollup.mark_stale(unit_of.values())


@receiver(waiting_changed)
def _waiting_changed(sender: Any, changes: list[tuple[int, int]], **kwargs: Any) -> None:
    # Undated in the kept figures (today's waiting money): idle money as of an earlier day reads the kept
    # month-ends, which the ledger entry of the same write forgets from its day (_balances_changed).
    fund_figures.add_waiting(changes)


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
